/**
 * Node part of `npm run bench`: the engine's training throughput per backend, first-step time, and
 * tensor drift over many steps. Figures only, measured side by side in one run; nothing asserts a time.
 */
import { measureSimdPeak, type MeasuredSimdPeak } from './simdPeak'
import { readFileSync, writeFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { VAE } from '../src/core/vae/engine/vae'
import { loadDigits } from '../src/data/digits'
import { generateSprites } from '../src/data/sprites'
import type { ImageBatch } from '../src/core/dataset'
import { resolveVAEModelOptions, type VAEModelOptions } from '../src/core/vae/vaeOptions'
import { VAENetwork } from '../src/core/vae/engine/vaeNetwork'
import { FusedVAETrainer } from '../src/core/vae/engine/fusedVAETrainer'
import { median } from './lassoProblem'
import { createRandom } from '../src/core/random'
import { compileKernelBuild, KernelMemory, type KernelBuild } from '../src/core/kernels/wasmKernels'
import type { TrainingKernels } from '../src/core/training'
import { TwoThreadGemm } from '../src/core/kernels/twoThreadGemm'
import { spawnNodeKernelThread } from './nodeKernelThread'

// For scripts/bench.mjs, which starts the Python references itself.
export { referenceEnv, referenceHeapLabel } from './referenceEnv'

export interface ThroughputRow {
  readonly model: string
  readonly backend: string
  /** What computed the steps (from the progress reports). */
  readonly kernels: TrainingKernels | undefined
  readonly samplesPerSecond: number
  readonly firstStepMs: number
  readonly runs: readonly number[]
}

export interface DriftRow {
  readonly backend: string
  readonly steps: number
  readonly tensorsBefore: number
  readonly tensorsAfter: number
  readonly bytesDrift: number
}

async function throughput(
  name: string,
  backend: 'cpu' | 'wasm',
  data: ImageBatch,
  options: VAEModelOptions,
  batchSize: number,
  steps: number,
  fusedKernels = true,
): Promise<ThroughputRow> {
  await tf.setBackend(backend)
  await tf.ready()
  const runs: number[] = []
  let firstStepMs = NaN
  let kernels: TrainingKernels | undefined
  const hooks = {
    onUpdate: (u: { progress: { kernels: TrainingKernels } }) => (kernels = u.progress.kernels),
  }
  for (let r = 0; r < 3; r++) {
    const vae = new VAE(options)
    const slice: ImageBatch = {
      data: data.data.subarray(0, batchSize * (steps + 1) * (data.data.length / data.shape[0])),
      shape: [
        Math.min(data.shape[0], batchSize * (steps + 1)),
        data.shape[1],
        data.shape[2],
        data.shape[3],
      ],
    }
    // Warm-up: one step (builds the network and compiles kernels); timed for the first run only.
    const warm: ImageBatch = {
      data: slice.data.subarray(0, batchSize * (slice.data.length / slice.shape[0])),
      shape: [batchSize, slice.shape[1], slice.shape[2], slice.shape[3]],
    }
    const t0 = performance.now()
    await vae.fit(warm, { epochs: 1, batchSize, fusedKernels })
    if (r === 0) firstStepMs = performance.now() - t0
    const t1 = performance.now()
    const result = await vae.fit(slice, { epochs: 1, batchSize, fusedKernels }, hooks)
    const seconds = (performance.now() - t1) / 1000
    runs.push((result.steps * batchSize) / seconds)
    vae.dispose()
  }
  return { model: name, backend, kernels, samplesPerSecond: median(runs), firstStepMs, runs }
}

async function drift(
  backend: 'cpu' | 'wasm',
  steps: number,
  fusedKernels: boolean,
): Promise<DriftRow> {
  await tf.setBackend(backend)
  await tf.ready()
  const digits = loadDigits().images
  const vae = new VAE({ seed: 1 })
  await vae.fit(digits, { epochs: 1, batchSize: 64, fusedKernels })
  const before = tf.memory()
  const epochs = Math.max(1, Math.ceil(steps / 29))
  await vae.fit(digits, { epochs, batchSize: 64, fusedKernels })
  const after = tf.memory()
  vae.dispose()
  return {
    backend: `${backend}${backend === 'wasm' ? (fusedKernels ? ', fused kernels' : ', TF.js operations') : ''}`,
    steps: epochs * 29,
    tensorsBefore: before.numTensors,
    tensorsAfter: after.numTensors,
    bytesDrift: after.numBytes - before.numBytes,
  }
}

/** The five large matrix products of one reference-VAE step on WASM, timed alone. */
export interface GemmFloorRow {
  /** Milliseconds for the five products, median over repetitions. */
  readonly milliseconds: number
  /** 128 samples / that time: what a step could reach if nothing but these products ran. */
  readonly samplesPerSecondBound: number
}

/**
 * Times, on WASM, the five 128 × 784 × 400 matrix products every training step of the reference
 * VAE needs (encoder and decoder forward, the decoder's input gradient, two kernel gradients), with
 * operands laid out as the engine lays them out (no transpose flags). A ceiling for the engine.
 */
async function gemmFloor(reps: number): Promise<GemmFloorRow> {
  await tf.setBackend('wasm')
  await tf.ready()
  const random = createRandom(1)
  const tensor = (rows: number, columns: number): tf.Tensor2D =>
    tf.tensor2d(random.normals(rows * columns), [rows, columns])
  const x = tensor(128, 784)
  const xT = tensor(784, 128)
  const w1 = tensor(784, 400)
  const w2 = tensor(400, 784)
  const w2T = tensor(784, 400)
  const h = tensor(128, 400)
  const hT = tensor(400, 128)
  const g = tensor(128, 784)
  const gh = tensor(128, 400)
  const products = (): tf.Tensor =>
    tf.tidy(() =>
      tf.addN([
        tf.sum(tf.matMul(x, w1)),
        tf.sum(tf.matMul(h, w2)),
        tf.sum(tf.matMul(g, w2T)),
        tf.sum(tf.matMul(hT, g)),
        tf.sum(tf.matMul(xT, gh)),
      ]),
    )
  const times: number[] = []
  for (let r = 0; r < reps + 2; r++) {
    const started = performance.now()
    const result = products()
    await result.data()
    result.dispose()
    if (r >= 2) times.push(performance.now() - started)
  }
  for (const t of [x, xT, w1, w2, w2T, h, hT, g, gh]) t.dispose()
  const milliseconds = median(times)
  return { milliseconds, samplesPerSecondBound: (128 * 1000) / milliseconds }
}

/** Multiply-adds of the five products: 5 × 128 × 784 × 400. */
export const FIVE_PRODUCTS_FLOPS = 2 * 5 * 128 * 784 * 400

/** The same five products with latentkit's own kernel, one build, on one or two threads. */
export interface KernelGemmRow extends GemmFloorRow {
  readonly build: KernelBuild
  readonly threads: 1 | 2
  /** Floating-point operations per second over the five products (2 per multiply-add), in billions. */
  readonly gflops: number
}

/**
 * latentkit's kernels on `threads` threads: one thread runs the build with its own memory; two run
 * its shared-memory variant with a {@link TwoThreadGemm} attached, once its helper thread is ready.
 */
async function kernelMemoryFor(
  build: KernelBuild,
  threads: 1 | 2,
  spin = true,
): Promise<{ memory: KernelMemory; dispose: () => void } | undefined> {
  const compiled = await compileKernelBuild(build, threads === 2)
  if (!compiled) return undefined
  const memory = new KernelMemory(compiled)
  if (threads === 1) return { memory, dispose: () => undefined }
  const twoThreads = new TwoThreadGemm(memory, spawnNodeKernelThread).attach()
  if (!spin) twoThreads.spinMicroseconds = 0
  const deadline = Date.now() + 30_000
  while (!twoThreads.helperReady) {
    if (Date.now() > deadline) throw new Error('the kernel helper thread did not start')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { memory, dispose: () => twoThreads.dispose() }
}

/** The clock /proc/cpuinfo reports (the nominal one in a VM), or undefined where it is absent. */
function nominalMegahertz(): number | undefined {
  try {
    const match = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    return match?.[1] ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

/**
 * Times the five products of {@link gemmFloor} with latentkit's gemm kernel (`build`) on `threads`
 * threads, if it runs here.
 */
async function kernelGemm(
  build: KernelBuild,
  reps: number,
  threads: 1 | 2,
): Promise<KernelGemmRow | undefined> {
  const made = await kernelMemoryFor(build, threads)
  if (!made) return undefined
  const { memory } = made
  const random = createRandom(1)
  const matrix = (size: number): number => {
    const offset = memory.alloc(size)
    memory.view(offset, size).set(random.normals(size))
    return offset
  }
  const [x, w1, w2, h, g] = [128 * 784, 784 * 400, 400 * 784, 128 * 400, 128 * 784].map(matrix)
  const out = memory.alloc(784 * 400)
  const panel = memory.alloc(8 * 784)
  const products = (): void => {
    memory.gemm(x!, 784, 1, w1!, 400, 1, out, 128, 784, 400, 0, panel) // x · W1
    memory.gemm(h!, 400, 1, w2!, 784, 1, out, 128, 400, 784, 0, panel) // h · W2
    memory.gemm(g!, 784, 1, w2!, 1, 784, out, 128, 784, 400, 0, panel) // g · W2ᵀ
    memory.gemm(h!, 1, 400, g!, 784, 1, out, 400, 128, 784, 0, panel) // hᵀ · g
    memory.gemm(x!, 1, 784, h!, 400, 1, out, 784, 128, 400, 0, panel) // xᵀ · gh
  }
  const times: number[] = []
  for (let r = 0; r < reps + 2; r++) {
    const started = performance.now()
    products()
    if (r >= 2) times.push(performance.now() - started)
  }
  made.dispose()
  const milliseconds = median(times)
  return {
    build,
    threads,
    milliseconds,
    samplesPerSecondBound: (128 * 1000) / milliseconds,
    gflops: FIVE_PRODUCTS_FLOPS / milliseconds / 1e6,
  }
}

/** Reference-VAE steps per second of the fused trainer alone, per kernel build and thread count. */
export interface FusedBuildRow {
  readonly build: KernelBuild
  readonly threads: 1 | 2
  /** On two threads: whether the threads spin (adaptively) for each other before sleeping. */
  readonly spin: boolean
  readonly samplesPerSecond: number
}

async function fusedBuild(
  build: KernelBuild,
  steps: number,
  threads: 1 | 2,
  spin = true,
): Promise<FusedBuildRow | undefined> {
  const made = await kernelMemoryFor(build, threads, spin)
  if (!made) return undefined
  await tf.setBackend('wasm')
  await tf.ready()
  const options = resolveVAEModelOptions({ seed: 1, hiddenUnits: [400], latentDim: 20 }, 784)
  const network = new VAENetwork(784, options)
  const trainer = new FusedVAETrainer(made.memory, 784, options, 128)
  const data = generateSprites({ count: 1024, size: 28, seed: 1 }).images.data
  const noise = createRandom(2)
  const order = createRandom(3)
  const variables = network.variables()
  const step = (): void => {
    const rows = order.permutation(1024).subarray(0, 128)
    trainer.step(variables, { data, rows, epsilon: noise.normals(128 * 20) }, 1e-3)
  }
  step()
  const times: number[] = []
  for (let r = 0; r < 3; r++) {
    const started = performance.now()
    for (let s = 0; s < steps; s++) step()
    times.push((steps * 128 * 1000) / (performance.now() - started))
  }
  network.dispose()
  made.dispose()
  return { build, threads, spin: threads === 2 && spin, samplesPerSecond: median(times) }
}

/** Writes the reference model's training rows (28×28 sprites) as raw float32, for the PyTorch side. */
export function writeReferenceRows(path: string, count: number): void {
  const images = generateSprites({ count, size: 28, seed: 1 }).images
  writeFileSync(
    path,
    Buffer.from(images.data.buffer, images.data.byteOffset, images.data.byteLength),
  )
}

/** Runs the Node benchmarks. `quick` keeps each figure to a few seconds (for CI). */
export async function runNodeBench(quick: boolean): Promise<{
  throughput: ThroughputRow[]
  drift: DriftRow[]
  gemmFloor: GemmFloorRow
  kernelGemm: KernelGemmRow[]
  fusedBuilds: FusedBuildRow[]
  /** One core's 128-bit SIMD peak, measured ({@link measureSimdPeak}), and the clock /proc/cpuinfo reports. */
  simdPeak: MeasuredSimdPeak & { nominalMegahertz: number | undefined }
}> {
  const digits = loadDigits().images
  const sprites = generateSprites({ count: quick ? 600 : 5400, size: 28, seed: 1 }).images
  const rows: ThroughputRow[] = []
  for (const backend of ['wasm', 'cpu'] as const) {
    rows.push(
      await throughput(
        'digits VAE 64-128-8, batch 64',
        backend,
        digits,
        { seed: 1 },
        64,
        quick ? 5 : 25,
      ),
    )
    // On WASM: the fused kernels (the default), then the same step as TF.js operations.
    for (const fusedKernels of backend === 'wasm' ? [true, false] : [true]) {
      const steps = backend === 'cpu' ? 3 : fusedKernels ? 40 : 20
      rows.push(
        await throughput(
          'reference VAE 784-400-20, batch 128',
          backend,
          sprites,
          { seed: 1, hiddenUnits: [400], latentDim: 20 },
          128,
          quick ? 2 : steps,
          fusedKernels,
        ),
      )
    }
  }
  const driftRows = [
    await drift('wasm', quick ? 100 : 1000, true),
    await drift('wasm', quick ? 100 : 1000, false),
  ]
  // One after the other, so the timings do not overlap; one and two threads side by side.
  const kernelRows: KernelGemmRow[] = []
  const fusedRows: FusedBuildRow[] = []
  for (const build of ['relaxed-simd', 'simd'] as const) {
    for (const threads of [1, 2] as const) {
      const gemm = await kernelGemm(build, quick ? 5 : 30, threads)
      if (gemm) kernelRows.push(gemm)
      const fused = await fusedBuild(build, quick ? 3 : 20, threads)
      if (fused) fusedRows.push(fused)
      // Two threads that sleep at once in Atomics.wait, beside the adaptive spin above.
      const sleeping = threads === 2 ? await fusedBuild(build, quick ? 3 : 20, 2, false) : undefined
      if (sleeping) fusedRows.push(sleeping)
    }
  }
  return {
    throughput: rows,
    drift: driftRows,
    gemmFloor: await gemmFloor(quick ? 5 : 30),
    kernelGemm: kernelRows,
    fusedBuilds: fusedRows,
    simdPeak: { ...measureSimdPeak(), nominalMegahertz: nominalMegahertz() },
  }
}
