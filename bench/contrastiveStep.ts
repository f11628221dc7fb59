/**
 * The contrastive step's throughput for the bench's `contrastive` part: the bench model's dense
 * encoder and projection head, one batch of fixed views (augmentations excluded on every side), one
 * step = forward of both views, NT-Xent, backward and Adam. latentkit's fused WebAssembly kernels and
 * TF.js's WASM kernels run in alternating blocks in this process (so they share the machine's load);
 * PyTorch's CPU step on one thread (bench/torch_contrastive.py) runs after each round of blocks,
 * and each ratio to it is the median of the rounds' ratios.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { augmentBatch, resolveAugmentations } from '../src/core/contrastive/augmentations'
import { resolveContrastiveOptions } from '../src/core/contrastive/contrastiveOptions'
import type { ContrastiveModelOptions } from '../src/core/contrastive/contrastiveOptions'
import { ContrastiveNetwork } from '../src/core/contrastive/engine/contrastiveNetwork'
import { FusedContrastiveTrainer } from '../src/core/contrastive/engine/fusedContrastiveTrainer'
import { AdamSlot } from '../src/core/engine/adamSlot'
import { compileKernels, KernelMemory } from '../src/core/kernels/wasmKernels'
import { createRandom } from '../src/core/random'
import { loadDigits } from '../src/data/digits'
import { runTorchScript } from './torchScript'
import { median, stepRate } from './stepRate'

/** What PyTorch's reference step gives. */
interface TorchStep {
  readonly torch: string
  readonly blas: string
  readonly imagesPerSecond: number
}

/** Images per second of each side, and PyTorch's (or why it is absent). */
export interface ContrastiveStepFigures {
  /** Images per step (two views each). */
  readonly batch: number
  readonly temperature: number
  /** Rounds of blocks, each followed by one PyTorch run. */
  readonly rounds: number
  /** Blocks per side in each round. */
  readonly blocks: number
  readonly stepsPerBlock: number
  /** The fused kernels' build, or undefined where this engine lacks WebAssembly SIMD. */
  readonly build: string | undefined
  /** Median over blocks, images per second. */
  readonly fused: number | undefined
  readonly tfjs: number
  /** PyTorch's images per second (median over rounds, its version and BLAS), or why it is absent. */
  readonly torch: TorchStep | string
  /** Median over rounds of each side's images/s over PyTorch's, when PyTorch ran. */
  readonly fusedToTorch: number | undefined
  readonly tfjsToTorch: number | undefined
}

/** Two augmented views of `batch` digits, first views then second views (fixed for every step). */
function benchViews(model: ContrastiveModelOptions, batch: number): Float32Array {
  const { images } = loadDigits()
  const random = createRandom(11)
  const rows = Int32Array.from({ length: batch }, () => random.int(images.shape[0]))
  const augment = resolveAugmentations(model.augment, 8, 8)
  return augmentBatch(
    images.data,
    rows,
    { height: 8, width: 8, channels: 1, unitRange: true },
    augment,
    random,
  )
}

/**
 * Measures the step of `model` at `batch` images on the WASM backend (which must be running):
 * `quick` runs 1 round of 3 blocks of 2 steps per side and 5 PyTorch steps, else 3 rounds of 3 blocks
 * of 5 steps, each followed by 15 PyTorch steps.
 */
export async function measureContrastiveStep(
  model: ContrastiveModelOptions,
  batch: number,
  learningRate: number,
  quick: boolean,
): Promise<ContrastiveStepFigures> {
  const rounds = quick ? 1 : 3
  const blocks = 3
  const stepsPerBlock = quick ? 2 : 5
  const options = resolveContrastiveOptions(model)
  const views = benchViews(model, batch)
  const rows = 2 * batch
  const fusedNetwork = new ContrastiveNetwork([8, 8, 1], options)
  const plainNetwork = new ContrastiveNetwork([8, 8, 1], options)
  const compiled = await compileKernels()
  const fused = compiled
    ? new FusedContrastiveTrainer(new KernelMemory(compiled), 64, options, rows)
    : undefined
  const adam = new AdamSlot()
  const fusedVariables = fusedNetwork.variables()
  const plainVariables = plainNetwork.variables()
  const fusedStep = (): unknown => fused?.step(fusedVariables, views, learningRate)
  const plainStep = (): Promise<Float32Array> =>
    adam.step(learningRate, plainVariables, () => {
      const { terms, gradients } = plainNetwork.lossAndGradients(tf.tensor2d(views, [rows, 64]))
      return { terms: [terms.loss], gradients }
    })
  // Warm-up: compilation, first allocations.
  fusedStep()
  await plainStep()
  const fusedRates: number[] = []
  const plainRates: number[] = []
  const torchRuns: TorchStep[] = []
  const ratios: { fused: number[]; tfjs: number[] } = { fused: [], tfjs: [] }
  let torchAbsent: string | undefined
  for (let round = 0; round < rounds; round++) {
    const roundFused: number[] = []
    const roundPlain: number[] = []
    for (let block = 0; block < blocks; block++) {
      if (fused) roundFused.push(await stepRate(fusedStep, stepsPerBlock, batch))
      roundPlain.push(await stepRate(plainStep, stepsPerBlock, batch))
    }
    fusedRates.push(...roundFused)
    plainRates.push(...roundPlain)
    if (torchAbsent !== undefined) continue
    const torch = runTorchScript<TorchStep>('torch_contrastive.py', (folder) => {
      const file = join(folder, 'views.f32')
      writeFileSync(file, views)
      return [file, String(batch), String(options.temperature), quick ? '5' : '15']
    })
    if (typeof torch === 'string') {
      torchAbsent = torch
      continue
    }
    torchRuns.push(torch)
    if (fused) ratios.fused.push(median(roundFused) / torch.imagesPerSecond)
    ratios.tfjs.push(median(roundPlain) / torch.imagesPerSecond)
  }
  adam.dispose()
  fusedNetwork.dispose()
  plainNetwork.dispose()
  const [firstTorch] = torchRuns
  const torch: TorchStep | string =
    torchAbsent ??
    (firstTorch
      ? { ...firstTorch, imagesPerSecond: median(torchRuns.map((run) => run.imagesPerSecond)) }
      : 'not run')
  return {
    batch,
    temperature: options.temperature,
    rounds,
    blocks,
    stepsPerBlock,
    build: compiled?.build,
    fused: fused ? median(fusedRates) : undefined,
    tfjs: median(plainRates),
    torch,
    fusedToTorch: ratios.fused.length ? median(ratios.fused) : undefined,
    tfjsToTorch: ratios.tfjs.length ? median(ratios.tfjs) : undefined,
  }
}

/** The step's rows of the part's report. */
export function contrastiveStepMarkdown(figures: ContrastiveStepFigures): string[] {
  const { torch } = figures
  const ratio = (value: number | undefined): string =>
    value === undefined ? '—' : `${value.toFixed(2)}×`
  const cell = (value: number | undefined): string =>
    value === undefined ? 'absent (no WebAssembly SIMD)' : value.toFixed(0)
  return [
    '',
    `### The contrastive step: fused kernels, TF.js kernels, PyTorch`,
    '',
    `One training step of the bench model's dense encoder and projection head (64 → 512 → 128, 128 → 128 → 64) on a batch of ${figures.batch} images (two views each: ${2 * figures.batch} rows), NT-Xent at temperature ${figures.temperature} over the batch, Adam. The views are made once and reused: augmentations are excluded on every side. latentkit's two step kinds run in ${figures.rounds} round(s) of ${figures.blocks} alternating blocks of ${figures.stepsPerBlock} steps in one Node process (the fused kernels on one thread), each round followed by PyTorch with torch.set_num_threads(1) (the median of 3 short runs); images/s are medians over blocks (PyTorch: over rounds), each ratio the median over rounds of the round's ratio, so a slow stretch of the shared machine falls on both sides. Figures are pessimistic (machine shared with other jobs).`,
    '',
    '| step | images/s | ratio to PyTorch (1 thread) |',
    '|---|---|---|',
    `| latentkit, fused WebAssembly kernels${figures.build ? ` (${figures.build})` : ''} | ${cell(figures.fused)} | ${ratio(figures.fusedToTorch)} |`,
    `| latentkit, TF.js WASM kernels | ${figures.tfjs.toFixed(0)} | ${ratio(figures.tfjsToTorch)} |`,
    typeof torch === 'string'
      ? `| PyTorch, 1 thread | absent: ${torch} | |`
      : `| PyTorch ${torch.torch}, 1 thread (${torch.blas} BLAS) | ${torch.imagesPerSecond.toFixed(0)} | 1.00× |`,
    '',
    figures.fused === undefined
      ? 'Fused kernels absent here: no WebAssembly SIMD.'
      : `Fused kernels against TF.js kernels, side by side: ${(figures.fused / figures.tfjs).toFixed(2)}×.`,
  ]
}
