/**
 * The data each preset trains on and is measured on: the embedded sets, seeded, split the way the
 * stories split them (the digits' first 1,700 to train, the other 97 held out).
 */
import { toImageBatch, type ImageBatch } from '../../src/core/dataset'
import { generateAnomalyBenchmark, type AnomalyBenchmark } from '../../src/data/anomalies'
import { loadDigits } from '../../src/data/digits'
import { generateSprites } from '../../src/data/sprites'
import { toy2d, type Toy2DName } from '../../src/data/toy2d'

/** Rows a preset trains on and rows it is measured on (never trained on). */
export interface PresetData {
  readonly train: ImageBatch
  readonly heldOut: ImageBatch
}

/** Digits 1,700 onwards are held out, as in the sparse-coding and RBM stories. */
export const DIGITS_TRAINING_ROWS = 1700

/** Rows `start` to `end` (exclusive) of `batch`. */
export function rowsOf(batch: ImageBatch, start: number, end: number): ImageBatch {
  const size = batch.data.length / batch.shape[0]
  const [, height, width, channels] = batch.shape
  return {
    data: batch.data.slice(start * size, end * size),
    shape: [end - start, height, width, channels],
  }
}

/** The 1,797 UCI digits: the first 1,700 to train, the last 97 held out. */
export function digitsData(): PresetData {
  const { images } = loadDigits()
  return {
    train: rowsOf(images, 0, DIGITS_TRAINING_ROWS),
    heldOut: rowsOf(images, DIGITS_TRAINING_ROWS, images.shape[0]),
  }
}

/** The autoregressive story's split: the first 1,500 digits to train, the other 297 held out. */
export function madeDigitsData(): PresetData {
  const { images } = loadDigits()
  return { train: rowsOf(images, 0, 1500), heldOut: rowsOf(images, 1500, images.shape[0]) }
}

/** The semantic-hashing story's split: every fifth digit held out as a query, with the labels. */
export function hashingDigitsSplit(): PresetData & {
  readonly trainLabels: number[]
  readonly heldOutLabels: number[]
} {
  const { images, labels } = loadDigits()
  const all = Array.from({ length: images.shape[0] }, (_, i) => i)
  const pick = (ids: number[]): ImageBatch => {
    const data = new Float32Array(ids.length * 64)
    ids.forEach((id, i) => data.set(images.data.subarray(id * 64, (id + 1) * 64), i * 64))
    return { data, shape: [ids.length, 8, 8, 1] }
  }
  const trainIds = all.filter((i) => i % 5 !== 4)
  const heldOutIds = all.filter((i) => i % 5 === 4)
  return {
    train: pick(trainIds),
    heldOut: pick(heldOutIds),
    trainLabels: trainIds.map((i) => labels[i] as number),
    heldOutLabels: heldOutIds.map((i) => labels[i] as number),
  }
}

/**
 * All 1,797 UCI digits to train, as the k-means story clusters them (it holds none out); the
 * figures are read on the last 97, which it trained on too.
 */
export function allDigitsData(): PresetData {
  const { images } = loadDigits()
  return { train: images, heldOut: rowsOf(images, DIGITS_TRAINING_ROWS, images.shape[0]) }
}

/** The seed of the 500 held-out sprites every sprites preset is measured on. */
export const HELD_OUT_SPRITES_SEED = 99

/** `count` 28×28 sprites (seed 1, the stories' seed) to train; 500 others (seed 99) held out. */
export function spritesData(count: number): PresetData {
  return {
    train: generateSprites({ count, size: 28, seed: 1 }).images,
    heldOut: generateSprites({ count: 500, size: 28, seed: HELD_OUT_SPRITES_SEED }).images,
  }
}

/** The GAN story's ring of eight Gaussians (4,096 points, seed 1); 2,000 others (seed 2) held out. */
export function ringData(): PresetData {
  return {
    train: toImageBatch(toy2d('ring', { count: 4096, seed: 1 })),
    heldOut: toImageBatch(toy2d('ring', { count: 2000, seed: 2 })),
  }
}

/**
 * The anomaly story's benchmark (seed 1): 2,000 normal sprites to train (and calibrate the
 * threshold on, as the story does), 200 normal and 200 defective test images held out.
 */
export function anomalyData(): PresetData & { readonly benchmark: AnomalyBenchmark } {
  const benchmark = generateAnomalyBenchmark({ seed: 1 })
  return { train: benchmark.train, heldOut: benchmark.test, benchmark }
}

/**
 * The wake-sleep story's data, binarised at 0.5 as it binarises them: the first 1,500 digits to
 * train, the other 297 held out (its held-out set).
 */
export function binarizedDigitsData(): PresetData {
  const { train, heldOut } = madeDigitsData()
  const binary = (batch: ImageBatch): ImageBatch => ({
    data: batch.data.map((v) => (v >= 0.5 ? 1 : 0)),
    shape: batch.shape,
  })
  return { train: binary(train), heldOut: binary(heldOut) }
}

/** The GAN playground's 2-D set `name` (4,096 points, seed 1); 2,000 others (seed 2) held out. */
export function planeData(name: Toy2DName): PresetData {
  return {
    train: toImageBatch(toy2d(name, { count: 4096, seed: 1 })),
    heldOut: toImageBatch(toy2d(name, { count: 2000, seed: 2 })),
  }
}
