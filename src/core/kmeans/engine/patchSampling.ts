/**
 * The patches a k-means patch model (clustering learning, Coates et al. 2011) is made from: their
 * contrast floor, their normalisation, the random patches its whitening is fitted on, and the
 * patches of images it clusters in one call of `train`.
 */
import { imageShapeOf, type ImageBatch, type ImageShape } from '../../dataset'
import { InvalidOptionError } from '../../errors'
import { createRandom, deriveSeed, type Random } from '../../random'
import {
  densePositions,
  extractPatches,
  normalizePatches,
  positionAt,
  positionsPerImage,
  type PatchPositions,
  valueRange,
} from '../../sparse/patches'
import { fitWhitening } from '../../sparse/whitening'
import { DEFAULT_TRAINING_PATCHES, type ResolvedKMeansTrainOptions } from '../kmeansOptions'
import type { RunStages } from './centroidStages'
import type { KMeansCentroids } from './kmeansCentroids'

/** Patches a patch model's whitening is fitted on (at most; Coates et al. fit it on their training patches). */
const WHITENING_SAMPLE = 20_000
/** Whitening ε as a fraction of the mean eigenvalue (Coates' 0.1 on contrast-normalised patches). */
const WHITENING_EPSILON = 0.1
/** Coates' contrast normalisation, `√(var + 10)` on 0–255 pixels: the floor as a fraction of the range. */
const CONTRAST_FLOOR = Math.sqrt(10) / 255

/** The contrast floor of a patch model trained on `data`: Coates' floor scaled to the data's range. */
export function patchContrastFloor(data: ImageBatch): number {
  return CONTRAST_FLOOR * valueRange(data.data)
}

/** `INVALID_OPTION` naming `patchSize` when its patches do not fit in images of `shape`. */
export function checkPatchFits(shape: ImageShape, patchSize: number, name = 'the images'): void {
  const [height, width] = shape
  if (patchSize > height || patchSize > width) {
    const most = Math.min(height, width)
    throw new InvalidOptionError(
      `patchSize is ${patchSize} but ${name} are ${height} × ${width}; a patch must fit in an image: use patchSize ≤ ${most} (e.g. ${Math.max(1, Math.min(6, most - 1))}) or larger images`,
      { option: 'patchSize', limit: most, actual: patchSize },
    )
  }
}

/** Normalises `rows` (patches of the model's shape, host rows) in place as the model normalises them. */
export function normalizeModelPatches(centroids: KMeansCentroids, rows: Float32Array): void {
  normalizePatches(
    rows,
    centroids.size,
    centroids.options.normalization ?? 'none',
    centroids.contrastFloor,
  )
}

/** The patches of `images` at `positions`, normalised as the model normalises them (host rows). */
export function normalizedPatches(
  centroids: KMeansCentroids,
  images: ImageBatch,
  positions: PatchPositions,
): Float32Array {
  const rows = extractPatches(images, positions, centroids.options.patchSize as number)
  normalizeModelPatches(centroids, rows)
  return rows
}

/** Patch models with `whiten`: fits the whitening on random normalised patches of `data`. */
export function fitPatchWhitening(centroids: KMeansCentroids, data: ImageBatch): void {
  const { patchSize, seed } = centroids.options
  if (patchSize === undefined || !centroids.whitening) return
  const random = createRandom(deriveSeed(seed, 4))
  const shape = imageShapeOf(data)
  const perImage = positionsPerImage(shape, patchSize)
  const total = data.shape[0] * perImage
  const count = Math.min(WHITENING_SAMPLE, total)
  const positions = new Int32Array(3 * count)
  for (let i = 0; i < count; i++) {
    const index = count === total ? i : random.int(total)
    positions.set(positionAt(index, shape, patchSize), 3 * i)
  }
  const rows = normalizedPatches(centroids, data, positions)
  centroids.setWhitening(fitWhitening(rows, centroids.size, WHITENING_EPSILON))
}

/** Patches a patch model draws per image in one call of `train` (every position, at most). */
export function patchesPerImage(
  centroids: KMeansCentroids,
  data: ImageBatch,
  train: ResolvedKMeansTrainOptions,
): number {
  const n = data.shape[0]
  const positions = positionsPerImage(imageShapeOf(data), centroids.options.patchSize as number)
  const wanted = train.patchesPerImage ?? Math.max(1, Math.floor(DEFAULT_TRAINING_PATCHES / n))
  return Math.min(positions, wanted)
}

/**
 * A patch model's training rows for one call of `train`: `patchesPerImage` distinct random
 * positions of each image (drawn with `random`; all of them when that is every position),
 * normalised and whitened (through `run`), as a batch of `[patches, p, p, c]`.
 */
export async function trainingPatches(
  centroids: KMeansCentroids,
  data: ImageBatch,
  train: ResolvedKMeansTrainOptions,
  random: Random,
  run: RunStages,
): Promise<ImageBatch> {
  const shape = imageShapeOf(data)
  const p = centroids.options.patchSize as number
  const n = data.shape[0]
  const perImage = positionsPerImage(shape, p)
  const per = patchesPerImage(centroids, data, train)
  let positions: PatchPositions
  if (per === perImage) {
    positions = densePositions(n, shape, p, 1)
  } else {
    positions = new Int32Array(3 * n * per)
    for (let image = 0; image < n; image++) {
      const picked = random.permutation(perImage).subarray(0, per)
      picked.forEach((index, i) =>
        positions.set(positionAt(image * perImage + index, shape, p), 3 * (image * per + i)),
      )
    }
  }
  const rows = normalizedPatches(centroids, data, positions)
  const count = positions.length / 3
  const whitened = centroids.whitening
    ? await run({ noun: 'patch', action: 'train' }, rows, count, [
        {
          name: 'whiten',
          inputSize: centroids.size,
          outputSize: centroids.size,
          pass: (x) => centroids.toCentroidSpace(x),
        },
      ])
    : rows
  return { data: whitened, shape: [count, p, p, shape[2]] }
}
