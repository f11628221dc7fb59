/**
 * GAN quality figures for `npm run bench`: ring-of-8 mode coverage over training, and precision /
 * recall (Kynkäänniemi et al., 2019, k = 3, pixel space) of digits samples against held-out digits.
 */
import * as tf from '@tensorflow/tfjs-core'
import { GAN } from '../src/core/gan/engine/gan'
import { VAE } from '../src/core/vae/engine/vae'
import { modeCoverage, precisionRecall } from '../src/core/gan/ganMetrics'
import type { GANModelOptions, GANTrainOptions } from '../src/core/gan/ganOptions'
import { toImageBatch, type ImageBatch } from '../src/core/dataset'
import { ringCentres, ringOfGaussians } from '../src/data/toy2d'
import { loadDigits } from '../src/data/digits'
import { generateSprites } from '../src/data/sprites'

export interface RingRow {
  readonly settings: string
  readonly steps: number
  readonly modesCovered: number
  readonly highQualityShare: number
  readonly seconds: number
}

export interface QualityRow {
  readonly model: string
  readonly steps: number
  readonly precision: number
  readonly recall: number
  /** Training time so far (Node, WASM), when it applies. */
  readonly seconds?: number
}

/** Held-out sprites the samples are compared with, and how many samples. */
const SPRITE_PROBE = 500

/**
 * Precision/recall of GAN samples on 28×28 sprites against held-out sprites, at checkpoints of one
 * training run.
 */
async function spriteCurve(
  label: string,
  options: GANModelOptions,
  train: GANTrainOptions,
  epochsPerCheckpoint: number,
  checkpoints: number,
  data: { train: ImageBatch; heldOut: ImageBatch },
): Promise<QualityRow[]> {
  const gan = new GAN({ seed: 1, ...options })
  const rows: QualityRow[] = []
  let seconds = 0
  for (let c = 0; c < checkpoints; c++) {
    const started = performance.now()
    await gan.fit(data.train, { ...train, epochs: epochsPerCheckpoint })
    seconds += (performance.now() - started) / 1000
    const samples = await gan.sample(SPRITE_PROBE, { seed: 1 })
    rows.push({
      model: label,
      steps: gan.trainedSteps,
      seconds,
      ...precisionRecall(data.heldOut.data, samples.data, 784),
    })
  }
  gan.dispose()
  return rows
}

async function ringCurve(
  label: string,
  options: GANTrainOptions,
  epochsPerCheckpoint: number,
  checkpoints: number,
): Promise<RingRow[]> {
  const data = toImageBatch(ringOfGaussians({ count: 4096, seed: 1 }))
  const gan = new GAN({ seed: 1 })
  const rows: RingRow[] = []
  const started = performance.now()
  for (let c = 0; c < checkpoints; c++) {
    await gan.fit(data, { ...options, epochs: epochsPerCheckpoint })
    const samples = await gan.sample(2000, { seed: 5 })
    const coverage = modeCoverage(samples.data, ringCentres(8, 1), 0.02)
    rows.push({
      settings: label,
      steps: gan.trainedSteps,
      modesCovered: coverage.modesCovered,
      highQualityShare: coverage.highQualityShare,
      seconds: (performance.now() - started) / 1000,
    })
  }
  gan.dispose()
  return rows
}

function split(images: ImageBatch, at: number): [ImageBatch, ImageBatch] {
  const d = images.data.length / images.shape[0]
  const [, h, w, c] = images.shape
  return [
    { data: images.data.slice(0, at * d), shape: [at, h, w, c] },
    { data: images.data.slice(at * d), shape: [images.shape[0] - at, h, w, c] },
  ]
}

/** Runs the GAN quality benchmarks on the current backend. */
export async function runGANBench(
  quick: boolean,
): Promise<{ ring: RingRow[]; digits: QualityRow[]; sprites: QualityRow[] }> {
  await tf.setBackend('wasm')
  await tf.ready()
  const ring = [
    ...(await ringCurve('defaults: batch 64, lr 2e-4, β1 0.5', {}, quick ? 4 : 16, quick ? 1 : 9)),
    ...(await ringCurve(
      'batch 256, lr 1e-3 (the story’s)',
      { batchSize: 256, generatorLearningRate: 1e-3, discriminatorLearningRate: 1e-3 },
      quick ? 16 : 64,
      quick ? 1 : 2,
    )),
  ]
  const [train, heldOut] = split(loadDigits().images, 1400)
  const d = 64
  const n = heldOut.shape[0]
  const digits: QualityRow[] = [
    {
      model: 'training digits (reference ceiling)',
      steps: 0,
      ...precisionRecall(heldOut.data, train.data.subarray(0, n * d), d),
    },
  ]
  const epochs = quick ? 10 : 100
  const gan = new GAN({ seed: 1 })
  await gan.fit(train, { epochs, labelSmoothing: 0.1 })
  digits.push({
    model: `GAN (dense, defaults + label smoothing 0.1), ${epochs} epochs`,
    steps: gan.trainedSteps,
    ...precisionRecall(heldOut.data, (await gan.sample(n, { seed: 1 })).data, d),
  })
  gan.dispose()
  const vaeEpochs = quick ? 10 : 100
  const vae = new VAE({ seed: 1 })
  await vae.fit(train, { epochs: vaeEpochs })
  digits.push({
    model: `VAE (defaults), ${vaeEpochs} epochs`,
    steps: vae.trainedSteps,
    ...precisionRecall(heldOut.data, (await vae.sample(n, { seed: 1 })).data, d),
  })
  vae.dispose()
  const spriteData = spriteSets()
  const sprites: QualityRow[] = [
    {
      model: `${SPRITE_PROBE} training sprites (reference ceiling)`,
      steps: 0,
      ...precisionRecall(
        spriteData.heldOut.data,
        spriteData.train.data.subarray(0, SPRITE_PROBE * 784),
        784,
      ),
    },
    ...(await spriteCurve('dense GAN, defaults', {}, {}, quick ? 1 : 40, 1, spriteData)),
  ]
  return { ring, digits, sprites }
}

function spriteSets(): { train: ImageBatch; heldOut: ImageBatch } {
  return {
    train: generateSprites({ count: 2000, seed: 1 }).images,
    heldOut: generateSprites({ count: SPRITE_PROBE, seed: 99 }).images,
  }
}

/**
 * The convolutional GAN's precision/recall curve on sprites: the longest GAN figure, run on its own
 * so it can go side by side with the others.
 */
export async function runConvSpriteCurve(quick: boolean): Promise<QualityRow[]> {
  await tf.setBackend('wasm')
  await tf.ready()
  return spriteCurve(
    'conv (DCGAN) GAN, defaults',
    { architecture: 'conv' },
    {},
    quick ? 1 : 10,
    quick ? 1 : 4,
    spriteSets(),
  )
}
