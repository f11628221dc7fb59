/**
 * Image features from per-patch values, for probes and classifiers, sum-pooled over each image's
 * quadrants (Coates & Ng 2011), or over the whole image when fewer than two patches fit across it:
 * sparse codes split into their positive and negative parts ({@link pooledCodeFeatures}), or dense
 * activations such as k-means' triangle features ({@link pooledPatchFeatures}). Pure TypeScript.
 */
import type { LatentBatch } from '../dataset'
import type { PatchPositions } from './patches'
import type { SparseCodes } from './sparseCodes'

/**
 * Pooling regions per side (2: quadrants; 1: the whole image) for images of `height × width` with
 * `patchSize` patches.
 */
export function regionsPerSide(height: number, width: number, patchSize: number): number {
  return height - patchSize >= 1 && width - patchSize >= 1 ? 2 : 1
}

/**
 * The pooling region (`row × perSide + column`) of the patch at `top`, `left`: the one its centre is
 * in.
 */
function regionOf(
  top: number,
  left: number,
  height: number,
  width: number,
  patchSize: number,
  perSide: number,
): number {
  const row = Math.min(perSide - 1, Math.floor(((top + patchSize / 2) / height) * perSide))
  const column = Math.min(perSide - 1, Math.floor(((left + patchSize / 2) / width) * perSide))
  return row * perSide + column
}

/** Values per image of {@link pooledCodeFeatures} (for a memory check before they are made). */
export function pooledFeatureSize(
  height: number,
  width: number,
  patchSize: number,
  atoms: number,
): number {
  return regionsPerSide(height, width, patchSize) ** 2 * atoms * 2
}

/**
 * `[images, regions × atoms × 2]` features from `codes` of images of `height × width`: per pooling
 * region (by patch centre), the sums of each atom's positive and negative coefficients.
 */
export function pooledCodeFeatures(
  codes: SparseCodes,
  images: number,
  height: number,
  width: number,
  patchSize: number,
): LatentBatch {
  const perSide = regionsPerSide(height, width, patchSize)
  const size = pooledFeatureSize(height, width, patchSize, codes.atoms)
  const data = new Float32Array(images * size)
  for (let p = 0; p < codes.count; p++) {
    const image = codes.positions[3 * p] as number
    const top = codes.positions[3 * p + 1] as number
    const left = codes.positions[3 * p + 2] as number
    const region = regionOf(top, left, height, width, patchSize, perSide)
    const base = image * size + region * codes.atoms * 2
    for (let o = codes.offsets[p] as number; o < (codes.offsets[p + 1] as number); o++) {
      const value = codes.values[o] as number
      const at = base + 2 * (codes.indices[o] as number) + (value > 0 ? 0 : 1)
      data[at] = (data[at] as number) + Math.abs(value)
    }
  }
  return { data, shape: [images, size] }
}

/**
 * `[images, regions × channels]` features from dense per-patch values (`channels` of them per patch
 * at `positions`, in the same order) of images of `height × width`: per pooling region (by patch
 * centre, as {@link pooledCodeFeatures}), the sum of each channel over the region's patches.
 */
export function pooledPatchFeatures(
  values: Float32Array,
  channels: number,
  positions: PatchPositions,
  images: number,
  height: number,
  width: number,
  patchSize: number,
): LatentBatch {
  const perSide = regionsPerSide(height, width, patchSize)
  const size = perSide * perSide * channels
  const data = new Float32Array(images * size)
  for (let p = 0; p < positions.length / 3; p++) {
    const image = positions[3 * p] as number
    const top = positions[3 * p + 1] as number
    const left = positions[3 * p + 2] as number
    const base = image * size + regionOf(top, left, height, width, patchSize, perSide) * channels
    for (let j = 0; j < channels; j++) {
      data[base + j] = (data[base + j] as number) + (values[p * channels + j] as number)
    }
  }
  return { data, shape: [images, size] }
}
