/** Types shared by every model's training loop. Pure TypeScript. */

/**
 * What computes the training steps: `'tfjs'`, TF.js operations on the model's backend, or latentkit's
 * fused WebAssembly kernels (dense models on the WASM backend), with relaxed-SIMD fused multiply-add
 * (`'wasm-relaxed-simd'`) or plain SIMD (`'wasm-simd'`).
 */
export type TrainingKernels = 'tfjs' | 'wasm-relaxed-simd' | 'wasm-simd'

/** Where a training run is. */
export interface TrainingProgress {
  /** Current epoch, counted over the model's life, from 1. */
  readonly epoch: number
  /** The epoch this run will end at. */
  readonly epochs: number
  /** Steps run over the model's life. */
  readonly step: number
  /** Steps done in the current epoch. */
  readonly stepInEpoch: number
  /** Steps in one epoch. */
  readonly stepsPerEpoch: number
  /** Steps done by the current call of `train` (from 0). */
  readonly runStep: number
  /** Steps the current call of `train` will run when it is not stopped early. */
  readonly runSteps: number
  /** Training throughput since the previous update. */
  readonly samplesPerSecond: number
  /** Milliseconds since this run started. */
  readonly elapsedMs: number
  /** What computes the steps. */
  readonly kernels: TrainingKernels
  /**
   * Threads the fused kernels' matrix products run on: `2` while a helper thread shares them (see
   * the `kernelThreads` training option; only on a cross-origin-isolated page), else `1` (always `1`
   * when `kernels` is `'tfjs'`).
   */
  readonly kernelThreads: 1 | 2
}

/** A throttled report from a training loop: progress and the history points since the last one. */
export interface TrainingUpdate<Point> {
  readonly progress: TrainingProgress
  readonly history: readonly Point[]
}

/** How a training run ended. */
export interface TrainResult<Point> {
  /** Steps run in this call. */
  readonly steps: number
  /** True when it ended early because stop() was called. */
  readonly stopped: boolean
  /** The last history point, if any step ran. */
  readonly last: Point | undefined
}
