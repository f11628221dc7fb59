/**
 * DEC's and IDEC's refinement step throughput for the bench's `dec` part: the bench's dense
 * autoencoder, one batch of digits and fixed targets P, one step = encoder (and decoder) forward,
 * Student's t assignments, KL(P‖Q) (+ IDEC's reconstruction), backward and Adam. latentkit's fused
 * WebAssembly kernels and TF.js's WASM kernels run in alternating blocks in this process (so they
 * share the machine's load); PyTorch's CPU step on one thread (bench/torch_dec.py) runs after each
 * round of blocks, and each ratio to it is the median of the rounds' ratios.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { resolveDECOptions, type DECModelOptions } from '../src/core/dec/decOptions'
import { DECNetwork, studentT, targetDistribution } from '../src/core/dec/engine/decNetwork'
import { FusedDECTrainer } from '../src/core/dec/engine/fusedDECTrainer'
import { AdamSlot } from '../src/core/engine/adamSlot'
import { compileKernels, KernelMemory } from '../src/core/kernels/wasmKernels'
import { loadDigits } from '../src/data/digits'
import { runTorchScript } from './torchScript'
import { median, stepRate } from './stepRate'

/** What PyTorch's reference step gives. */
interface TorchStep {
  readonly torch: string
  readonly blas: string
  readonly imagesPerSecond: number
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
}

/** How the step was measured. */
export interface DECStepRun {
  readonly batch: number
  readonly rounds: number
  readonly blocks: number
  readonly stepsPerBlock: number
  /** The fused kernels' build, or undefined where this engine lacks WebAssembly SIMD. */
  readonly build: string | undefined
  readonly rows: readonly DECStepFigures[]
}

const LEARNING_RATE = 0.0001

/** One variant measured; the WASM backend must be running. */
async function measureVariant(
  model: DECModelOptions,
  batch: number,
  plan: { rounds: number; blocks: number; stepsPerBlock: number; torchSteps: number },
): Promise<{
  fused: number[]
  tfjs: number[]
  torch: TorchStep[]
  ratios: { fused: number[]; tfjs: number[] }
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
    fused: [] as number[],
    tfjs: [] as number[],
    torch: [] as TorchStep[],
    ratios: { fused: [] as number[], tfjs: [] as number[] },
    absent: undefined as string | undefined,
    build: compiled?.build,
  }
  for (let round = 0; round < plan.rounds; round++) {
    const roundFused: number[] = []
    const roundPlain: number[] = []
    for (let block = 0; block < plan.blocks; block++) {
      if (fused) roundFused.push(await stepRate(fusedStep, plan.stepsPerBlock, batch))
      roundPlain.push(await stepRate(plainStep, plan.stepsPerBlock, batch))
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
    if (fused) result.ratios.fused.push(median(roundFused) / torch.imagesPerSecond)
    result.ratios.tfjs.push(median(roundPlain) / torch.imagesPerSecond)
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
  let build: string | undefined
  for (const method of ['DEC', 'IDEC'] as const) {
    const run = await measureVariant({ ...model, idec: method === 'IDEC' }, batch, plan)
    build = run.build
    const [first] = run.torch
    rows.push({
      method,
      fused: run.fused.length ? median(run.fused) : undefined,
      tfjs: median(run.tfjs),
      torch:
        run.absent ??
        (first
          ? { ...first, imagesPerSecond: median(run.torch.map((t) => t.imagesPerSecond)) }
          : 'not run'),
      fusedToTorch: run.ratios.fused.length ? median(run.ratios.fused) : undefined,
      tfjsToTorch: run.ratios.tfjs.length ? median(run.ratios.tfjs) : undefined,
    })
  }
  return { batch, ...plan, build, rows }
}

/** The step's rows of the part's report. */
export function decStepMarkdown(run: DECStepRun, encoder: string): string[] {
  const ratio = (value: number | undefined): string =>
    value === undefined ? '—' : `${value.toFixed(2)}×`
  const rate = (value: number | undefined): string =>
    value === undefined ? 'absent (no WebAssembly SIMD)' : value.toFixed(0)
  return [
    '',
    '### The refinement step: fused kernels, TF.js kernels, PyTorch',
    '',
    `One refinement step of the dense autoencoder ${encoder} on a batch of ${run.batch} digits with fixed targets P (10 clusters): encoder and decoder forward, Student's t assignments, KL(P‖Q) (IDEC: + 10 × the squared error, through the decoder), backward, Adam. latentkit's two step kinds run in ${run.rounds} round(s) of ${run.blocks} alternating blocks of ${run.stepsPerBlock} steps in one Node process (one thread), each round followed by PyTorch (bench/torch_dec.py, torch.set_num_threads(1), the median of 3 short runs); images/s are medians over blocks (PyTorch: over rounds), each ratio the median over rounds of the round's ratio. Figures are pessimistic (machine shared with other jobs).`,
    '',
    '| step | fused kernels, images/s | TF.js kernels, images/s | PyTorch (1 thread), images/s | fused ÷ PyTorch | TF.js ÷ PyTorch | fused ÷ TF.js |',
    '|---|---|---|---|---|---|---|',
    ...run.rows.map((row) => {
      const torch =
        typeof row.torch === 'string'
          ? `absent: ${row.torch}`
          : `${row.torch.imagesPerSecond.toFixed(0)} (${row.torch.torch}, ${row.torch.blas} BLAS)`
      const sideBySide = row.fused === undefined ? '—' : `${(row.fused / row.tfjs).toFixed(2)}×`
      return `| ${row.method}${run.build ? ` (${run.build})` : ''} | ${rate(row.fused)} | ${row.tfjs.toFixed(0)} | ${torch} | ${ratio(row.fusedToTorch)} | ${ratio(row.tfjsToTorch)} | ${sideBySide} |`
    }),
  ]
}
