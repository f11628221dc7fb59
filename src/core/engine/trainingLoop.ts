/**
 * The epoch/batch loop every model shares: shuffles, cooperative pause/stop at batch boundaries,
 * throttled progress, one read-back per step, and restoring the start-of-epoch weights when a step
 * produces a non-finite value.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Random } from '../random'
import type { TrainingKernels, TrainingProgress, TrainingUpdate, TrainResult } from '../training'
import { TrainingControl, yieldToEventLoop } from '../trainingControl'

/** Hooks into a training run. */
export interface FitHooks<Point> {
  /** Pause, resume and stop at batch boundaries. Default: a fresh control nobody else holds. */
  readonly control?: TrainingControl
  /** Called with progress and the history points since the last call, throttled. */
  readonly onUpdate?: (update: TrainingUpdate<Point>) => void
  /** Minimum milliseconds between two `onUpdate` calls. Default `100` (10 per second). */
  readonly updateIntervalMs?: number
  /** Clock in milliseconds. Default `performance.now`. */
  readonly now?: () => number
}

/**
 * `hooks` for one phase of a run made of several (pretraining then refinement, layer after layer):
 * the caller sees one run, so the phase's progress continues after the `stepsBefore` steps of the
 * phases before it, out of `runSteps(phaseRunSteps)` in all (and `epochs`, the run's last epoch, when
 * given).
 */
export function phaseHooks<Point>(
  hooks: FitHooks<Point>,
  stepsBefore: number,
  runSteps: (phaseRunSteps: number) => number,
  epochs?: number,
): FitHooks<Point> {
  const onUpdate = hooks.onUpdate
  if (!onUpdate) return hooks
  return {
    ...hooks,
    onUpdate: (update) =>
      onUpdate({
        ...update,
        progress: {
          ...update.progress,
          ...(epochs !== undefined && { epochs }),
          runStep: update.progress.runStep + stepsBefore,
          runSteps: runSteps(update.progress.runSteps),
        },
      }),
  }
}

/** Steps and epochs a model has run over its life; the loop advances them. */
export interface TrainingCounters {
  steps: number
  epochs: number
}

/** What the loop needs from a model. */
export interface TrainingLoopSpec<Point> {
  readonly sampleCount: number
  readonly batchSize: number
  readonly epochs: number
  readonly shuffle: Random
  /**
   * Steps take the rows in order, `0 … sampleCount − 1`, and no shuffle is drawn (full-batch steps
   * whose result does not depend on the rows' order, e.g. Lloyd's). Default false.
   */
  readonly inOrder?: boolean
  readonly counters: TrainingCounters
  /** Variables restored to their start-of-epoch values when a step diverges. */
  readonly variables: readonly tf.Variable[]
  /** Runs one step on the rows `indices`; returns its reported values, read back once. */
  readonly step: (indices: Uint32Array) => Promise<Omit<Point, 'step' | 'epoch'>>
  /** What computes the steps, for progress reports. Default `'tfjs'`. */
  readonly kernels?: TrainingKernels
  /** Threads the fused kernels run on, read at each progress report. Default one. */
  readonly kernelThreads?: () => 1 | 2
  /** Builds the error thrown after a divergence (weights are already restored). */
  readonly diverged: (values: Omit<Point, 'step' | 'epoch'>, step: number, epoch: number) => Error
}

const defaultNow = (): number => performance.now()

function allFinite(values: object): boolean {
  return Object.values(values).every((v) => typeof v !== 'number' || Number.isFinite(v))
}

/** Runs `spec.epochs` epochs. */
export async function runTrainingLoop<Point extends { step: number; epoch: number }>(
  spec: TrainingLoopSpec<Point>,
  hooks: FitHooks<Point>,
): Promise<TrainResult<Point>> {
  const { counters, batchSize } = spec
  const control = hooks.control ?? new TrainingControl()
  const now = hooks.now ?? defaultNow
  const interval = hooks.updateIntervalMs ?? 100
  const stepsPerEpoch = Math.ceil(spec.sampleCount / batchSize)
  const started = now()
  let lastUpdate = started
  let samplesSinceUpdate = 0
  let samplesPerSecond = 0
  let pending: Point[] = []
  let last: Point | undefined
  let stepsThisRun = 0
  let epochInRun = 0
  let stepInEpoch = 0
  let inOrder: Uint32Array | undefined

  const flush = (): void => {
    const time = now()
    if (time > lastUpdate && samplesSinceUpdate > 0) {
      samplesPerSecond = (samplesSinceUpdate * 1000) / (time - lastUpdate)
    }
    lastUpdate = time
    samplesSinceUpdate = 0
    const progress: TrainingProgress = {
      epoch: counters.epochs,
      epochs: counters.epochs - epochInRun + spec.epochs,
      step: counters.steps,
      stepInEpoch,
      stepsPerEpoch,
      runStep: stepsThisRun,
      runSteps: stepsPerEpoch * spec.epochs,
      samplesPerSecond,
      elapsedMs: now() - started,
      kernels: spec.kernels ?? 'tfjs',
      kernelThreads: spec.kernelThreads?.() ?? 1,
    }
    hooks.onUpdate?.({ progress, history: pending })
    pending = []
  }

  for (epochInRun = 1; epochInRun <= spec.epochs; epochInRun++) {
    if (control.stopRequested) break
    counters.epochs += 1
    stepInEpoch = 0
    const snapshot = spec.variables.map((v) => tf.clone(v))
    try {
      const order = spec.inOrder
        ? (inOrder ??= Uint32Array.from({ length: spec.sampleCount }, (_, i) => i))
        : spec.shuffle.permutation(spec.sampleCount)
      for (let s = 0; s < stepsPerEpoch; s++) {
        await control.waitWhilePaused()
        if (control.stopRequested) break
        const indices = order.subarray(s * batchSize, (s + 1) * batchSize)
        const values = await spec.step(indices)
        if (!allFinite(values)) {
          snapshot.forEach((saved, i) => spec.variables[i]?.assign(saved))
          throw spec.diverged(values, counters.steps + 1, counters.epochs)
        }
        counters.steps += 1
        stepsThisRun += 1
        stepInEpoch = s + 1
        samplesSinceUpdate += indices.length
        last = { ...values, step: counters.steps, epoch: counters.epochs } as Point
        pending.push(last)
        if (now() - lastUpdate >= interval) flush()
        await yieldToEventLoop()
      }
    } finally {
      snapshot.forEach((t) => t.dispose())
    }
  }
  epochInRun = Math.min(epochInRun, spec.epochs)
  flush()
  return { steps: stepsThisRun, stopped: control.stopRequested, last }
}

/** Applies gradients listed in the order of `variables` with `optimizer`. Call inside `tf.tidy`. */
export function applyGradientList(
  optimizer: tf.Optimizer,
  variables: readonly tf.Variable[],
  gradients: readonly tf.Tensor[],
): void {
  const named: tf.NamedTensorMap = {}
  variables.forEach((variable, i) => {
    named[variable.name] = gradients[i] as tf.Tensor
  })
  optimizer.applyGradients(named)
}
