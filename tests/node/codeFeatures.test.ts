import { describe, expect, test } from 'vitest'
import { pooledCodeFeatures } from '../../src/core/sparse/codeFeatures'
import { compressCodes } from '../../src/core/sparse/sparseCodes'

/** Codes of 4 × 4 patches over 2 atoms, at the given (image, top, left) positions. */
function codes(dense: number[], positions: number[]) {
  return {
    ...compressCodes(Float32Array.from(dense), 2),
    positions: Int32Array.from(positions),
    iterations: 1,
  }
}

describe('pooledCodeFeatures', () => {
  test('sums positive and negative parts per atom in the quadrant of each patch centre', () => {
    // Two 8 × 8 images, 4 × 4 tiles: image 0 top-left and bottom-right, image 1 top-right.
    const features = pooledCodeFeatures(
      codes([0.5, -1, 2, 0, -0.25, 3], [0, 0, 0, 0, 4, 4, 1, 0, 4]),
      2,
      8,
      8,
      4,
    )
    expect(features.shape).toEqual([2, 4 * 2 * 2])
    // Per image: quadrants (top-left, top-right, bottom-left, bottom-right) × atoms × (+, −).
    expect(Array.from(features.data.subarray(0, 16))).toEqual([
      0.5, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    ])
    expect(Array.from(features.data.subarray(16, 32))).toEqual([
      0, 0, 0, 0, 0, 0.25, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ])
  })

  test('one patch across an image pools over the whole image', () => {
    const features = pooledCodeFeatures(codes([1, -2], [0, 0, 0]), 1, 4, 4, 4)
    expect(features.shape).toEqual([1, 4])
    expect(Array.from(features.data)).toEqual([1, 0, 0, 2])
  })
})
