/**
 * A k-means model's `clusters` view: the clusters of some images (or, for a patch model, of a
 * sample of their patches), each with its members spread from the nearest to the farthest.
 */
import { assertImageShape, imageShapeOf, type ImageBatch, type ImageShape } from '../../dataset'
import { createRandom, deriveSeed } from '../../random'
import { positionAt, positionsPerImage } from '../../sparse/patches'
import { chooseMembers } from '../clusterMembers'
import type { KMeansClusters } from '../kmeansSpec'
import { nearestRows, type RunStages } from './centroidStages'
import type { KMeansCentroids } from './kmeansCentroids'
import { checkPatchImages } from './patchFeatures'
import { normalizedPatches } from './patchSampling'

/** Patches a patch model's `clusters` view groups at most (drawn at random beyond). */
const CLUSTER_PATCHES = 10_000

/** The rows a `clusters` view groups, and how its members are reported. */
interface GroupedRows {
  /** The rows, `count × d` (`raw` when they are normalised patches a patch model still whitens). */
  readonly values: Float32Array
  readonly count: number
  readonly raw: boolean
  /** What a row is, in a refusal. */
  readonly noun: string
  /** The shape of one member. */
  readonly memberShape: ImageShape
  /** The index reported for a member row. */
  readonly indexOf: (row: number) => number
}

/** The clusters of `rows` with `m` members each, from the nearest to the farthest. */
async function groupRows(
  centroids: KMeansCentroids,
  run: RunStages,
  rows: GroupedRows,
  m: number,
): Promise<KMeansClusters> {
  const { k } = centroids.options
  const d = centroids.size
  const { labels, distances, inertia } = await nearestRows(
    centroids,
    run,
    'group',
    rows.values,
    rows.count,
    rows.raw,
    rows.noun,
  )
  const chosen = chooseMembers(labels, distances, k, m)
  const members = new Float32Array(k * m * d)
  const memberIndices = chosen.memberIndices.map((row, i) => {
    if (row < 0) return -1
    members.set(rows.values.subarray(row * d, (row + 1) * d), i * d)
    return rows.indexOf(row)
  })
  return {
    centroids: centroids.displayImages(),
    sizes: chosen.sizes,
    membersPerCluster: m,
    members: { data: members, shape: [k * m, ...rows.memberShape] },
    memberIndices,
    inertia,
  }
}

/**
 * A whole-image model's clusters of `images` (of the model's image `shape`, else
 * `SHAPE_MISMATCH`), `m` members each; a member's index is its image's.
 */
export async function imageClusters(
  centroids: KMeansCentroids,
  run: RunStages,
  images: ImageBatch,
  m: number,
  shape: ImageShape,
): Promise<KMeansClusters> {
  assertImageShape(images, shape, 'images')
  return groupRows(
    centroids,
    run,
    {
      values: images.data,
      count: images.shape[0],
      raw: false,
      noun: 'image',
      memberShape: imageShapeOf(images),
      indexOf: (row) => row,
    },
    m,
  )
}

/**
 * A patch model's clusters of the patches of `images`, `m` members each: every position, at most
 * {@link CLUSTER_PATCHES} of them drawn at random (with the model's seed); centroids and members
 * normalised, not whitened. A member's index is the image it was taken from.
 */
export async function patchClusters(
  centroids: KMeansCentroids,
  run: RunStages,
  images: ImageBatch,
  m: number,
): Promise<KMeansClusters> {
  const p = centroids.options.patchSize as number
  checkPatchImages(centroids, images)
  const shape = imageShapeOf(images)
  const total = images.shape[0] * positionsPerImage(shape, p)
  const count = Math.min(CLUSTER_PATCHES, total)
  const indices =
    count === total
      ? Uint32Array.from({ length: total }, (_, i) => i)
      : createRandom(deriveSeed(centroids.options.seed, 6))
          .permutation(total)
          .subarray(0, count)
          .sort()
  const positions = new Int32Array(3 * count)
  indices.forEach((index, i) => positions.set(positionAt(index, shape, p), 3 * i))
  return groupRows(
    centroids,
    run,
    {
      values: normalizedPatches(centroids, images, positions),
      count,
      raw: true,
      noun: 'patch',
      memberShape: [p, p, shape[2]],
      indexOf: (row) => positions[3 * row] as number,
    },
    m,
  )
}
