/**
 * Image features from sparse codes, for probes and classifiers: each image's patch codes split into
 * their positive and negative parts and sum-pooled over its quadrants (Coates & Ng 2011), or over the
 * whole image when fewer than two patches fit across it. Pure TypeScript.
 */
import type { LatentBatch } from '../dataset'
import type { SparseCodes } from './sparseCodes'

/** Pooling regions per side for images `side` pixels across coded with `patchSize` patches. */
function regionsPerSide(height: number, width: number, patchSize: number): number {
  return height - patchSize >= 1 && width - patchSize >= 1 ? 2 : 1
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
    const row = Math.min(perSide - 1, Math.floor(((top + patchSize / 2) / height) * perSide))
    const column = Math.min(perSide - 1, Math.floor(((left + patchSize / 2) / width) * perSide))
    const base = image * size + (row * perSide + column) * codes.atoms * 2
    for (let o = codes.offsets[p] as number; o < (codes.offsets[p + 1] as number); o++) {
      const value = codes.values[o] as number
      const at = base + 2 * (codes.indices[o] as number) + (value > 0 ? 0 : 1)
      data[at] = (data[at] as number) + Math.abs(value)
    }
  }
  return { data, shape: [images, size] }
}
