/**
 * DEC's and IDEC's refinement step throughput for the bench's `decstep` part: the `dec` part's dense
 * autoencoder, one batch of digits and fixed targets P, one step = encoder (and decoder) forward,
 * Student's t assignments, KL(P‖Q) (+ IDEC's reconstruction), backward and Adam. latentkit's fused
 * WebAssembly kernels and TF.js's WASM kernels run in alternating blocks in this process (so they
 * share the machine's load); PyTorch's CPU step on one thread (bench/torch_dec.py) runs after each
 * round of blocks, and each ratio to it is the median of the rounds' ratios. Each side is timed by
 * the wall clock and by its own process's CPU time (`process.cpuUsage`, `time.process_time`): on a
 * shared machine the wall clock charges each side for the others' load, the CPU time much less.
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { resolveDECOptions, type DECModelOptions } from '../src/core/dec/decOptions'
import { DECNetwork, studentT, targetDistribution } from '../src/core/dec/engine/decNetwork'
import { FusedDECTrainer } from '../src/core/dec/engine/fusedDECTrainer'
import { AdamSlot } from '../src/core/engine/adamSlot'
import { compileKernels, KernelMemory } from '../src/core/kernels/wasmKernels'
import { loadDigits } from '../src/data/digits'
import { runTorchScript } from './torchScript'
import { median } from './stepRate'

/** What PyTorch's reference step gives. */
interface TorchStep {
  readonly torch: string
  readonly blas: string
  readonly imagesPerSecond: number
  /** Images per CPU second of the Python process. */
  readonly cpuImagesPerSecond: number
}

/** A block's images per wall-clock second and per CPU second of this process. */
interface BlockRate {
  readonly wall: number
  readonly cpu: number
}

/** Images per second of `steps` calls of `step` on batches of `batch` images, wall clock and CPU. */
async function blockRate(
  step: () => Promise<unknown> | unknown,
  steps: number,
  batch: number,
): Promise<BlockRate> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (let i = 0; i < steps; i++) await step()
  const wall = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  return { wall: (steps * batch) / wall, cpu: (steps * batch) / Math.max(cpuSeconds, 1e-9) }
}

/** One variant's (DEC or IDEC) images per second on each side, and the ratios to PyTorch. */
export interface DECStepFigures {
  readonly method: 'DEC' | 'IDEC'
  /** Median over blocks, images per second; undefined where this engine lacks WebAssembly SIMD. */
  readonly fused: number | undefined
  readonly tfjs: number
  /** PyTorch's images per second (median over rounds), or why it is absent. */
  readonly torch: TorchStep | string
  /** Median over rounds of each side's images/s over PyTorch's, when PyTorch ran. */
  readonly fusedToTorch: number | undefined
  readonly tfjsToTorch: number | undefined
  /** The same figures per CPU second (each side's own process). */
  readonly cpu: {
    readonly fused: number | undefined
    readonly tfjs: number
    readonly torch: number | undefined
    readonly fusedToTorch: number | undefined
    readonly tfjsToTorch: number | undefined
  }
}

/** How the step was measured. */
export interface DECStepRun {
  readonly batch: number
  readonly rounds: number
  readonly blocks: number
  readonly stepsPerBlock: number
  /** The fused kernels' build, or undefined where this engine lacks WebAssembly SIMD. */
  readonly build: string | undefined
  /** The machine's 1-minute load average before and after. */
  readonly load: readonly [number, number]
  readonly rows: readonly DECStepFigures[]
}

const LEARNING_RATE = 0.0001

/** One variant measured; the WASM backend must be running. */
async function measureVariant(
  model: DECModelOptions,
  batch: number,
  plan: { rounds: number; blocks: number; stepsPerBlock: number; torchSteps: number },
): Promise<{
  fused: BlockRate[]
  tfjs: BlockRate[]
  torch: TorchStep[]
  ratios: { fused: number[]; tfjs: number[]; fusedCpu: number[]; tfjsCpu: number[] }
  absent?: string
  build?: string
}> {
  const options = resolveDECOptions(model)
  const { images } = loadDigits()
  const input = images.data.slice(0, batch * 64)
  const fusedNetwork = new DECNetwork([8, 8, 1], options, 'sigmoid')
  const plainNetwork = new DECNetwork([8, 8, 1], options, 'sigmoid')
  const targets = tf.tidy(() => {
    const centres = tf.randomNormal<tf.Rank.R2>(
      [options.clusters, options.codeSize],
      0,
      1,
      'float32',
      5,
    )
    fusedNetwork.centres.assign(centres)
    plainNetwork.centres.assign(centres)
    const q = studentT(fusedNetwork.encode(tf.tensor2d(input, [batch, 64])), centres)
    return targetDistribution(q.dataSync() as Float32Array, batch, options.clusters)
  })
  const compiled = await compileKernels()
  const fused = compiled
    ? new FusedDECTrainer(new KernelMemory(compiled), 64, options, 'sigmoid', batch)
    : undefined
  const adam = new AdamSlot()
  const plainVariables = plainNetwork.refineVariables()
  const fusedStep = (): unknown => fused?.step(fusedNetwork, { input, targets }, LEARNING_RATE)
  const plainStep = (): Promise<Float32Array> =>
    adam.step(LEARNING_RATE, plainVariables, () => {
      const x = tf.tensor2d(input, [batch, 64])
      const p = tf.tensor2d(targets, [batch, options.clusters])
      const { terms, gradients } = plainNetwork.refineLossAndGradients(x, p)
      return { terms: [terms.total], gradients }
    })
  fusedStep()
  await plainStep()
  const result = {
    fused: [] as BlockRate[],
    tfjs: [] as BlockRate[],
    torch: [] as TorchStep[],
    ratios: {
      fused: [] as number[],
      tfjs: [] as number[],
      fusedCpu: [] as number[],
      tfjsCpu: [] as number[],
    },
    absent: undefined as string | undefined,
    build: compiled?.build,
  }
  for (let round = 0; round < plan.rounds; round++) {
    const roundFused: BlockRate[] = []
    const roundPlain: BlockRate[] = []
    for (let block = 0; block < plan.blocks; block++) {
      if (fused) roundFused.push(await blockRate(fusedStep, plan.stepsPerBlock, batch))
      roundPlain.push(await blockRate(plainStep, plan.stepsPerBlock, batch))
    }
    result.fused.push(...roundFused)
    result.tfjs.push(...roundPlain)
    if (result.absent !== undefined) continue
    const torch = runTorchScript<TorchStep>('torch_dec.py', (folder) => {
      const file = join(folder, 'digits.f32')
      writeFileSync(file, images.data)
      return [
        file,
        '64',
        String(batch),
        options.hiddenUnits.join(','),
        String(options.codeSize),
        String(options.clusters),
        String(options.reconstructionWeight),
        String(plan.torchSteps),
      ]
    })
    if (typeof torch === 'string') {
      result.absent = torch
      continue
    }
    result.torch.push(torch)
    const wall = (rates: BlockRate[]): number => median(rates.map((r) => r.wall))
    const cpu = (rates: BlockRate[]): number => median(rates.map((r) => r.cpu))
    if (fused) {
      result.ratios.fused.push(wall(roundFused) / torch.imagesPerSecond)
      result.ratios.fusedCpu.push(cpu(roundFused) / torch.cpuImagesPerSecond)
    }
    result.ratios.tfjs.push(wall(roundPlain) / torch.imagesPerSecond)
    result.ratios.tfjsCpu.push(cpu(roundPlain) / torch.cpuImagesPerSecond)
  }
  adam.dispose()
  fusedNetwork.dispose()
  plainNetwork.dispose()
  return result
}

/**
 * Measures DEC's and IDEC's refinement step of `model` (with 10 clusters) at `batch` images on the
 * WASM backend (which must be running): `quick` runs 1 round of 2 blocks of 2 steps per side and 3
 * PyTorch steps, else 3 rounds of 2 blocks of 4 steps, each followed by 10 PyTorch steps.
 */
export async function measureDECStep(
  model: DECModelOptions,
  batch: number,
  quick: boolean,
): Promise<DECStepRun> {
  const plan = quick
    ? { rounds: 1, blocks: 2, stepsPerBlock: 2, torchSteps: 3 }
    : { rounds: 3, blocks: 2, stepsPerBlock: 4, torchSteps: 10 }
  const rows: DECStepFigures[] = []
  const loadBefore = loadavg()[0] as number
  let build: string | undefined
  for (const method of ['DEC', 'IDEC'] as const) {
    const run = await measureVariant({ ...model, idec: method === 'IDEC' }, batch, plan)
    build = run.build
    const [first] = run.torch
    const orNone = (xs: number[]): number | undefined => (xs.length ? median(xs) : undefined)
    rows.push({
      method,
      fused: orNone(run.fused.map((r) => r.wall)),
      tfjs: median(run.tfjs.map((r) => r.wall)),
      torch:
        run.absent ??
        (first
          ? {
              ...first,
              imagesPerSecond: median(run.torch.map((t) => t.imagesPerSecond)),
              cpuImagesPerSecond: median(run.torch.map((t) => t.cpuImagesPerSecond)),
            }
          : 'not run'),
      fusedToTorch: orNone(run.ratios.fused),
      tfjsToTorch: orNone(run.ratios.tfjs),
      cpu: {
        fused: orNone(run.fused.map((r) => r.cpu)),
        tfjs: median(run.tfjs.map((r) => r.cpu)),
        torch: orNone(run.torch.map((t) => t.cpuImagesPerSecond)),
        fusedToTorch: orNone(run.ratios.fusedCpu),
        tfjsToTorch: orNone(run.ratios.tfjsCpu),
      },
    })
  }
  return { batch, ...plan, build, load: [loadBefore, loadavg()[0] as number], rows }
}

/** The `decstep` part's section of the report. */
export function decStepMarkdown(run: DECStepRun, encoder: string): string[] {
  const ratio = (value: number | undefined): string =>
    value === undefined ? '—' : `${value.toFixed(2)}×`
  const rate = (value: number | undefined): string =>
    value === undefined ? 'absent (no WebAssembly SIMD)' : value.toFixed(0)
  const name = (row: DECStepFigures): string => `${row.method}${run.build ? ` (${run.build})` : ''}`
  const [before, after] = run.load
  return [
    '## DEC and IDEC refinement step: fused kernels, TF.js kernels, PyTorch',
    '',
    `One refinement step of the dense autoencoder ${encoder} on a batch of ${run.batch} digits with fixed targets P (10 clusters): encoder and decoder forward, Student's t assignments, KL(P‖Q) (IDEC: + 10 × the squared error, through the decoder), backward, Adam. latentkit's two step kinds run in ${run.rounds} round(s) of ${run.blocks} alternating blocks of ${run.stepsPerBlock} steps in one Node process (one thread), each round followed by PyTorch (bench/torch_dec.py, torch.set_num_threads(1), the median of 3 short runs); images/s are medians over blocks (PyTorch: over rounds), each ratio the median over rounds of the round's ratio. Load average (1 min) ${before.toFixed(1)} before, ${after.toFixed(1)} after, on a machine shared with other jobs: the wall-clock rows are pessimistic, and load slows PyTorch more than latentkit, so loaded wall-clock ratios flatter latentkit; the CPU-time rows (each process's own CPU seconds) depend much less on the load.`,
    '',
    '| step | fused kernels, images/s | TF.js kernels, images/s | PyTorch (1 thread), images/s | fused ÷ PyTorch | TF.js ÷ PyTorch | fused ÷ TF.js |',
    '|---|---|---|---|---|---|---|',
    ...run.rows.map((row) => {
      const torch =
        typeof row.torch === 'string'
          ? `absent: ${row.torch}`
          : `${row.torch.imagesPerSecond.toFixed(0)} (${row.torch.torch}, ${row.torch.blas} BLAS)`
      const sideBySide = row.fused === undefined ? '—' : `${(row.fused / row.tfjs).toFixed(2)}×`
      return `| ${name(row)} | ${rate(row.fused)} | ${row.tfjs.toFixed(0)} | ${torch} | ${ratio(row.fusedToTorch)} | ${ratio(row.tfjsToTorch)} | ${sideBySide} |`
    }),
    '',
    "Per CPU second of each side's own process:",
    '',
    '| step | fused kernels, images per CPU s | TF.js kernels, images per CPU s | PyTorch, images per CPU s | fused ÷ PyTorch | TF.js ÷ PyTorch |',
    '|---|---|---|---|---|---|',
    ...run.rows.map(
      ({ cpu, ...row }) =>
        `| ${name({ ...row, cpu })} | ${rate(cpu.fused)} | ${cpu.tfjs.toFixed(0)} | ${cpu.torch === undefined ? '—' : cpu.torch.toFixed(0)} | ${ratio(cpu.fusedToTorch)} | ${ratio(cpu.tfjsToTorch)} |`,
    ),
  ]
}
