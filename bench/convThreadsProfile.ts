/**
 * One against two kernel threads, side by side in one process, on the fused steps of the default
 * convolutional GAN, the default convolutional autoencoder (28×28 sprites, batch 64) and the
 * reference VAE (784-400-20, batch 128): per step the wall time, the process's CPU time (both
 * threads: `process.cpuUsage`), the hand-offs to the helper thread, and which products and jobs were
 * handed off (M×K×N, time per call on the calling thread). Rounds alternate one and two threads so
 * that a shared machine's load falls on both alike; the load average is printed with the figures.
 * Not part of `npm run bench`; run it with
 *
 *   npx esbuild bench/convThreadsProfile.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/convthreads/profile.mjs &&
 *     node --experimental-wasm-relaxed-simd node_modules/.cache/convthreads/profile.mjs [steps] [rounds]
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { loadavg } from 'node:os'
import { createRandom } from '../src/core/random'
import { GANNetwork } from '../src/core/gan/engine/ganNetwork'
import { resolveGANModelOptions, resolveGANTrainOptions } from '../src/core/gan/ganOptions'
import { FusedConvGANTrainer } from '../src/core/gan/engine/fusedConvGANTrainer'
import { ConvAutoencoderNetwork } from '../src/core/autoencoder/engine/convAutoencoderNetwork'
import {
  resolveAutoencoderOptions,
  resolveAutoencoderTrainOptions,
} from '../src/core/autoencoder/autoencoderOptions'
import { FusedConvAutoencoderTrainer } from '../src/core/autoencoder/engine/fusedConvAutoencoderTrainer'
import { FusedVAETrainer } from '../src/core/vae/engine/fusedVAETrainer'
import { VAENetwork } from '../src/core/vae/engine/vaeNetwork'
import { resolveVAEModelOptions } from '../src/core/vae/vaeOptions'
import {
  convForwardOnce,
  transposedConvForwardOnce,
  type ConvGeometry,
  type ConvScratch,
} from '../src/core/kernels/convKernels'
import { setConvSplit, type ConvOperation, type ConvSplit } from '../src/core/kernels/convSplit'
import { gemmSlices, setSlicedGemm, type GemmArguments } from '../src/core/kernels/slicedGemm'
import {
  TWO_THREAD_MINIMUM_ADAM,
  TWO_THREAD_MINIMUM_WORK,
  TwoThreadGemm,
} from '../src/core/kernels/twoThreadGemm'
import { compileSharedKernels, KernelMemory } from '../src/core/kernels/wasmKernels'
import { spawnNodeKernelThread } from './nodeKernelThread'
import { CONV_STEP_BATCH, CONV_STEP_SIDE, convStepSprites } from './convStepSprites'

const SIDE = CONV_STEP_SIDE
const BATCH = CONV_STEP_BATCH

type Model = 'gan' | 'ae' | 'vae'

/** One model on one or two threads: a step function and what it handed off. */
interface Run {
  readonly step: (s: number) => void
  readonly threads: TwoThreadGemm | undefined
  /**
   * On one thread: milliseconds spent in products and Adam updates large enough to split (what a
   * second thread could halve), since the last reset.
   */
  splittable: { ms: number }
  /** Handed-off calls by label: count and summed calling-thread milliseconds. */
  readonly jobs: Map<string, { count: number; ms: number }>
  dispose(): void
}

/** Wraps the two-thread entry points to record each handed-off call by its shape. */
function instrument(threads: TwoThreadGemm, jobs: Map<string, { count: number; ms: number }>) {
  let depth = 0
  const record = (label: string, call: () => void): void => {
    if (depth > 0) return call()
    depth += 1
    const before = threads.splitCount
    const started = performance.now()
    try {
      call()
    } finally {
      depth -= 1
    }
    if (threads.splitCount === before) return
    const entry = jobs.get(label) ?? { count: 0, ms: 0 }
    entry.count += threads.splitCount - before
    entry.ms += performance.now() - started
    jobs.set(label, entry)
  }
  const owner = threads as unknown as Record<string, (...args: unknown[]) => void>
  for (const name of ['gemm', 'gemmPair', 'gemmSliced', 'adam']) {
    const original = owner[name]
    if (typeof original !== 'function') continue
    owner[name] = function (this: unknown, ...args: unknown[]) {
      const label = `${name} ${describe(name, args)}`
      record(label, () => original.apply(threads, args))
    }
  }
}

/** A short description of a handed-off call's size. */
function describe(name: string, args: unknown[]): string {
  const n = (i: number): number => Number(args[i] ?? 0)
  if (name === 'gemm') return `${n(7)}×${n(8)}×${n(9)}`
  if (name === 'gemmPair') {
    const shape = (a: unknown): string => {
      const list = a as number[]
      return `${list[7]}×${list[8]}×${list[9]}`
    }
    return `${shape(args[0])} | ${shape(args[1])}`
  }
  if (name === 'adam') return `${n(4)} parameters`
  if (name === 'gemmSliced') {
    const list = args[0] as number[]
    return `${list[7]}×${list[8]}×${list[9]} in slices of ${n(1)}`
  }
  const g = args.find((a) => typeof a === 'object' && a !== null && 'batch' in a) as
    | {
        batch: number
        outHeight: number
        outWidth: number
        size: number
        channels: number
        filters: number
      }
    | undefined
  return g
    ? `${g.batch} images, ${g.batch * g.outHeight * g.outWidth}×${g.size * g.size * g.channels}×${g.filters}`
    : ''
}

/**
 * How a run uses threads: one; two with the per-size choice (what `kernelThreads: 2` runs); two
 * splitting every call large enough (the choice off).
 */
type Threads = 'one' | 'two'

async function makeRun(model: Model, mode: Threads): Promise<Run> {
  const twoThreads = mode !== 'one'
  const compiled = await compileSharedKernels()
  if (!compiled) throw new Error('the shared kernel build does not compile here')
  const memory = new KernelMemory(compiled)
  const jobs = new Map<string, { count: number; ms: number }>()
  const threads = twoThreads ? new TwoThreadGemm(memory, spawnNodeKernelThread).attach() : undefined
  const deadline = Date.now() + 30_000
  while (threads && !threads.helperReady) {
    if (Date.now() > deadline) throw new Error('the kernel helper thread did not start')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  if (threads) instrument(threads, jobs)
  const splittable = { ms: 0 }
  if (!threads) {
    let inside = 0 // a product inside a timed convolution is not counted twice
    const timed =
      <A extends unknown[]>(large: (...args: A) => boolean, call: (...args: A) => void) =>
      (...args: A): void => {
        if (inside > 0 || !large(...args)) return call(...args)
        inside += 1
        const started = performance.now()
        try {
          call(...args)
        } finally {
          inside -= 1
        }
        splittable.ms += performance.now() - started
      }
    const big = (args: GemmArguments): boolean =>
      args[7] >= 8 && args[7] * args[8] * args[9] >= TWO_THREAD_MINIMUM_WORK
    const { kernels } = memory
    memory.gemm = timed((...args: GemmArguments) => big(args), kernels.gemm)
    memory.gemmPair = timed(
      (first: GemmArguments, second: GemmArguments) => big(first) && big(second),
      (first: GemmArguments, second: GemmArguments) => {
        kernels.gemm(...first)
        kernels.gemm(...second)
      },
    )
    memory.adam = timed(
      (...args: Parameters<typeof kernels.adam>) => args[4] >= TWO_THREAD_MINIMUM_ADAM,
      kernels.adam,
    )
    const model = memory.modelKernels
    setConvSplit(
      model,
      timed(
        (...[, g]: Parameters<ConvSplit>) =>
          g.batch >= 2 &&
          g.batch * g.outHeight * g.outWidth * g.size * g.size * g.channels * g.filters >=
            TWO_THREAD_MINIMUM_WORK,
        (
          operation: ConvOperation,
          g: ConvGeometry,
          x: number,
          kernel: number,
          out: number,
          scratch: ConvScratch,
        ) =>
          (operation === 'forward' ? convForwardOnce : transposedConvForwardOnce)(
            model,
            g,
            x,
            kernel,
            out,
            scratch,
          ),
      ),
    )
    setSlicedGemm(
      memory.modelKernels,
      timed(
        (args: GemmArguments, _slice: number) => big(args),
        (args: GemmArguments, slice: number) => gemmSlices(kernels, args, slice),
      ),
    )
  }
  const sprites = convStepSprites()
  const size = SIDE * SIDE
  const rows = sprites.length / size
  const noise = createRandom(3)
  const done =
    (dispose: () => void): Run['dispose'] =>
    () => {
      dispose()
      threads?.dispose()
    }
  if (model === 'gan') {
    const options = resolveGANModelOptions({ architecture: 'conv' }, size, true)
    const train = resolveGANTrainOptions({}, 'conv')
    const network = new GANNetwork([SIDE, SIDE, 1], options)
    const trainer = new FusedConvGANTrainer(memory, [SIDE, SIDE, 1], options, BATCH)
    const [gv, dv, statistics] = [
      network.generatorVariables(),
      network.discriminatorVariables(),
      network.statistics(),
    ]
    const step = (s: number): void => {
      const start = (s * BATCH) % (rows - BATCH)
      const indices = Uint32Array.from({ length: BATCH }, (_, i) => start + i)
      const z = [0, 1].map(() => noise.normals(BATCH * options.noiseDim))
      void trainer.step(gv, dv, sprites, indices, z, { ...train, realLabel: 1 }, statistics)
    }
    return { step, threads, jobs, splittable, dispose: done(() => network.dispose()) }
  }
  if (model === 'ae') {
    const options = resolveAutoencoderOptions({ architecture: 'conv' }, size)
    const train = resolveAutoencoderTrainOptions({})
    const network = new ConvAutoencoderNetwork([SIDE, SIDE, 1], options, 'sigmoid')
    const trainer = new FusedConvAutoencoderTrainer(
      memory,
      [SIDE, SIDE, 1],
      options,
      'sigmoid',
      BATCH,
    )
    const variables = network.variables()
    const step = (s: number): void => {
      const start = (s * BATCH) % (rows - BATCH)
      const x = sprites.subarray(start * size, (start + BATCH) * size)
      void trainer.step(variables, { input: x, clean: x }, train.learningRate)
    }
    return { step, threads, jobs, splittable, dispose: done(() => network.dispose()) }
  }
  const options = resolveVAEModelOptions({ seed: 1, hiddenUnits: [400], latentDim: 20 }, size)
  const network = new VAENetwork(size, options)
  const trainer = new FusedVAETrainer(memory, size, options, 128)
  const variables = network.variables()
  const step = (): void => {
    const picked = noise.permutation(rows).subarray(0, 128)
    void trainer.step(
      variables,
      { data: sprites, rows: picked, epsilon: noise.normals(128 * 20) },
      1e-3,
    )
  }
  return { step, threads, jobs, splittable, dispose: done(() => network.dispose()) }
}

const median = (list: readonly number[]): number => {
  const sorted = [...list].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** Per-step wall and CPU milliseconds of `steps` steps (after three warm-up steps). */
function timeSteps(run: Run, steps: number): { wall: number[]; cpu: number[]; handOffs: number } {
  for (let s = 0; s < 3; s++) run.step(s)
  run.jobs.clear()
  run.splittable.ms = 0
  const before = run.threads?.splitCount ?? 0
  const wall: number[] = []
  const cpu: number[] = []
  for (let s = 0; s < steps; s++) {
    const usage = process.cpuUsage()
    const started = performance.now()
    run.step(s)
    wall.push(performance.now() - started)
    const used = process.cpuUsage(usage)
    cpu.push((used.user + used.system) / 1000)
  }
  return { wall, cpu, handOffs: ((run.threads?.splitCount ?? 0) - before) / steps }
}

async function main(): Promise<void> {
  await tf.setBackend('wasm')
  await tf.ready()
  const steps = Number(process.argv[2] ?? 20)
  const rounds = Number(process.argv[3] ?? 3)
  const models: Model[] = (process.argv[4]?.split(',') as Model[] | undefined) ?? [
    'gan',
    'ae',
    'vae',
  ]
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  for (const model of models) {
    const modes: Threads[] = ['one', 'two']
    const runs = await Promise.all(modes.map((mode) => makeRun(model, mode)))
    const [one, two] = runs as [Run, Run]
    const figures = modes.map(() => ({ wall: [] as number[], cpu: [] as number[], handOffs: 0 }))
    let splittableShare = 0
    for (let r = 0; r < rounds; r++) {
      runs.forEach((run, i) => {
        const timed = timeSteps(run, steps)
        const figure = figures[i]!
        figure.wall.push(median(timed.wall))
        figure.cpu.push(median(timed.cpu))
        figure.handOffs = timed.handOffs
        if (i === 0) splittableShare = one.splittable.ms / timed.wall.reduce((a, b) => a + b, 0)
      })
    }
    const bound = 1 / (1 - splittableShare + splittableShare / 2)
    console.log(
      `\n${model}: on one thread ${(100 * splittableShare).toFixed(0)} % of the step in products, convolutions and updates large enough to split (last round): two threads at best ${bound.toFixed(2)}× with free hand-offs`,
    )
    modes.forEach((mode, i) => {
      const { wall, cpu, handOffs } = figures[i]!
      console.log(
        `${model}, ${mode.padEnd(16)}: wall ${wall.map((v) => v.toFixed(1)).join('/')} ms (median ${median(wall).toFixed(1)}, ` +
          `${(median(figures[0]!.wall) / median(wall)).toFixed(2)}× one thread), CPU ${cpu.map((v) => v.toFixed(1)).join('/')} ms ` +
          `(median ${median(cpu).toFixed(1)}); ${handOffs.toFixed(1)} hand-offs a step`,
      )
    })
    console.log('  handed off (last round):')
    for (const [label, { count, ms }] of [...two.jobs.entries()].sort(
      (a, b) => b[1].ms - a[1].ms,
    )) {
      console.log(
        `  ${label.padEnd(48)} ${(count / steps).toFixed(1).padStart(5)}/step ${(ms / count).toFixed(3)} ms each`,
      )
    }
    runs.forEach((run) => run.dispose())
  }
  console.log(
    `\nload average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
}

await main()
