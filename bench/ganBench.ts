/**
 * GAN quality figures for `npm run bench`: ring-of-8 mode coverage over training, and precision /
 * recall (Kynkäänniemi et al., 2019, k = 3, pixel space) of digits samples against held-out digits.
 */
import * as tf from '@tensorflow/tfjs-core'
import { GAN } from '../src/core/gan/gan'
import { VAE } from '../src/core/vae/vae'
import { modeCoverage, precisionRecall } from '../src/core/gan/ganMetrics'
import type { GANTrainOptions } from '../src/core/gan/ganOptions'
import { toImageBatch, type ImageBatch } from '../src/core/dataset'
import { ringCentres, ringOfGaussians } from '../src/data/toy2d'
import { loadDigits } from '../src/data/digits'

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
): Promise<{ ring: RingRow[]; digits: QualityRow[] }> {
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
  return { ring, digits }
}
