/**
 * A k-means patch model's features of whole images (clustering learning, Coates, Lee & Ng 2011):
 * triangle activations of the normalised, whitened patch at every position on a stride grid,
 * pooled over the quadrants of each image (`features`) or kept as maps (`featureMaps`).
 */
import {
  assertFinite,
  imageShapeOf,
  imageSize,
  type ImageBatch,
  type LatentBatch,
} from '../../dataset'
import { checkRows, hostLimit } from '../../engine/memoryBudget'
import { ShapeMismatchError } from '../../errors'
import { pooledPatchFeatures, regionsPerSide } from '../../sparse/codeFeatures'
import { cornerOffsets, densePositions, type PatchPositions } from '../../sparse/patches'
import { validateKMeansFeaturesOptions, type KMeansFeaturesOptions } from '../kmeansOptions'
import { centroidStage, type RunStages } from './centroidStages'
import type { KMeansCentroids } from './kmeansCentroids'
import { triangleActivations } from './kmeansPasses'
import { checkPatchFits, normalizedPatches } from './patchSampling'

/** Patches per host chunk of `features` and `featureMaps` at most (whole images at a time). */
const FEATURE_CHUNK = 16_384

/** Checks images a patch model's features are computed on: finite, its channels, patches fit. */
export function checkPatchImages(centroids: KMeansCentroids, images: ImageBatch): void {
  const channels = centroids.imageShape[2]
  if (images.shape[3] !== channels) {
    throw new ShapeMismatchError(
      `images have ${images.shape[3]} channel(s), the filters were learned on ${channels}; convert the images to ${channels} channel(s)`,
      { expected: channels, actual: images.shape[3] },
    )
  }
  assertFinite(images.data, 'images')
  checkPatchFits(imageShapeOf(images), centroids.options.patchSize as number)
}

/**
 * `INVALID_OPTION` when the host cannot hold `images` with `size` output values each; `advice`
 * says what to do, given the most images it holds.
 */
function checkImageCount(images: ImageBatch, size: number, advice: (most: number) => string): void {
  checkRows(
    { what: 'image count', actual: images.shape[0], advice },
    hostLimit(size + imageSize(imageShapeOf(images))),
  )
}

/**
 * Triangle activations at every position on the `stride` grid of `images`, whole images at a
 * time (each chunk's patches through the device in passes that fit): `visit` gets the chunk's
 * first image, its image count, positions (image numbers from 0 in the chunk) and activations
 * (`k` per position, in position order).
 */
async function activationChunks(
  centroids: KMeansCentroids,
  run: RunStages,
  action: string,
  images: ImageBatch,
  stride: number,
  visit: (start: number, count: number, positions: PatchPositions, values: Float32Array) => void,
): Promise<void> {
  const p = centroids.options.patchSize as number
  const shape = imageShapeOf(images)
  const perImage =
    cornerOffsets(shape[0], p, stride).length * cornerOffsets(shape[1], p, stride).length
  const imagesPerChunk = Math.max(1, Math.floor(FEATURE_CHUNK / perImage))
  const stage = centroidStage(
    centroids,
    'triangle',
    centroids.options.k,
    (x) => triangleActivations(x, centroids.tensors()),
    true,
  )
  const size = imageSize(shape)
  for (let start = 0; start < images.shape[0]; start += imagesPerChunk) {
    const count = Math.min(imagesPerChunk, images.shape[0] - start)
    const chunk: ImageBatch = {
      data: images.data.subarray(start * size, (start + count) * size),
      shape: [count, shape[0], shape[1], shape[2]],
    }
    const positions = densePositions(count, shape, p, stride)
    const rows = normalizedPatches(centroids, chunk, positions)
    const values = await run({ noun: 'patch', action }, rows, positions.length / 3, [stage])
    visit(start, count, positions, values)
  }
}

/**
 * Clustering-learning features of `images` by a patch model's `centroids`, `[n, 4k]` (`[n, k]`
 * when no two positions fit across an image): triangle activations at every position on the
 * `options.stride` grid, summed over the positions whose centre is in each quadrant of the image.
 * `INVALID_OPTION` on patches larger than the images or more images than the host holds.
 */
export async function patchFeatures(
  centroids: KMeansCentroids,
  run: RunStages,
  images: ImageBatch,
  options: KMeansFeaturesOptions,
): Promise<LatentBatch> {
  validateKMeansFeaturesOptions(options)
  checkPatchImages(centroids, images)
  const p = centroids.options.patchSize as number
  const [n, height, width] = images.shape
  const { k } = centroids.options
  const size = regionsPerSide(height, width, p) ** 2 * k
  checkImageCount(images, size, (most) => `compute the features of at most ${most} images per call`)
  const out = new Float32Array(n * size)
  await activationChunks(
    centroids,
    run,
    'features',
    images,
    options.stride ?? 1,
    (start, count, positions, values) => {
      const pooled = pooledPatchFeatures(values, k, positions, count, height, width, p)
      out.set(pooled.data, start * size)
    },
  )
  return { data: out, shape: [n, size] }
}

/**
 * A patch model's triangle activations of `images` before pooling, `[n, rows, columns, k]`: one
 * pixel per position on the `options.stride` grid, one channel per centroid. Errors as
 * {@link patchFeatures}.
 */
export async function patchFeatureMaps(
  centroids: KMeansCentroids,
  run: RunStages,
  images: ImageBatch,
  options: KMeansFeaturesOptions,
): Promise<ImageBatch> {
  validateKMeansFeaturesOptions(options)
  checkPatchImages(centroids, images)
  const p = centroids.options.patchSize as number
  const stride = options.stride ?? 1
  const [n, height, width] = images.shape
  const { k } = centroids.options
  const rows = cornerOffsets(height, p, stride).length
  const columns = cornerOffsets(width, p, stride).length
  const size = rows * columns * k
  checkImageCount(
    images,
    size,
    (most) => `compute the maps of at most ${most} images per call, or a larger stride`,
  )
  const out = new Float32Array(n * size)
  await activationChunks(centroids, run, 'featureMaps', images, stride, (start, _, __, values) =>
    out.set(values, start * size),
  )
  return { data: out, shape: [n, rows, columns, k] }
}
