import { interpolateRdBu } from 'd3-scale-chromatic'
import { describe, expect, test } from 'vitest'
import {
  assemblePatches,
  cornerOffsets,
  densePositions,
  denormalizePatches,
  extractPatches,
  normalizePatches,
  positionAt,
} from '../../src/core/sparse/patches'
import { applyWhitening, fitWhitening } from '../../src/core/sparse/whitening'
import { compressCodes, expandCodes, codesOfPatch } from '../../src/core/sparse/sparseCodes'
import { atomOrder } from '../../src/components/DictionaryGrid'
import { colorLookup } from '../../src/components/colorScale'
import { signedToRGBA } from '../../src/components/divergingPixels'
import { createRandom } from '../../src/core/random'
import type { ImageBatch } from '../../src/core/dataset'

const random = createRandom(4)
const images: ImageBatch = { data: random.normals(2 * 10 * 9 * 3), shape: [2, 10, 9, 3] }

describe('patches', () => {
  test('corner offsets cover the edge; positions enumerate every image', () => {
    expect(cornerOffsets(10, 4, 3)).toEqual([0, 3, 6])
    expect(cornerOffsets(10, 4, 4)).toEqual([0, 4, 6])
    expect(cornerOffsets(4, 4, 1)).toEqual([0])
    const positions = densePositions(2, [10, 9, 3], 4, 4)
    expect(positions.length / 3).toBe(2 * 3 * 3)
    // 7 × 6 stride-1 positions per image: the last one of image 1 is at flat index 83.
    expect(positionAt(2 * 42 - 1, [10, 9, 3], 4)).toEqual([1, 6, 5])
    expect(positionAt(42 + 7, [10, 9, 3], 4)).toEqual([1, 1, 1])
  })

  test('dense patches put back together give the image again', () => {
    const positions = densePositions(2, [10, 9, 3], 4, 1)
    const patches = extractPatches(images, positions, 4)
    // Patch 0 of image 1 starts at that image's first pixel.
    const firstOfSecond = (positions.length / 3 / 2) * 4 * 4 * 3
    expect(patches[firstOfSecond]).toBe(images.data[10 * 9 * 3])
    const rebuilt = assemblePatches(patches, positions, 2, [10, 9, 3], 4)
    rebuilt.data.forEach((v, i) => expect(v).toBeCloseTo(images.data[i] as number, 5))
  })

  test('normalisation is undone exactly; contrast gives unit variance above the floor', () => {
    const positions = densePositions(2, [10, 9, 3], 5, 5)
    const patches = extractPatches(images, positions, 5)
    const copy = Float32Array.from(patches)
    const size = 75
    const scaling = normalizePatches(patches, size, 'contrast', 1e-3)
    for (let p = 0; p < patches.length / size; p++) {
      const row = patches.subarray(p * size, (p + 1) * size)
      const mean = row.reduce((s, v) => s + v, 0) / size
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / size
      expect(Math.abs(mean)).toBeLessThan(1e-5)
      expect(variance).toBeCloseTo(1, 3)
    }
    denormalizePatches(patches, size, scaling)
    patches.forEach((v, i) => expect(v).toBeCloseTo(copy[i] as number, 4))
  })

  test('ZCA whitening decorrelates patches and its inverse undoes it', () => {
    // Correlated 4-value rows: x = A·z.
    const rows = new Float32Array(4000 * 4)
    for (let r = 0; r < 4000; r++) {
      const z = [random.normal(), random.normal(), random.normal(), random.normal()] as const
      rows.set([z[0], z[0] + 0.5 * z[1], z[0] - z[2], 2 * z[3] + z[1]], r * 4)
    }
    const w = fitWhitening(rows, 4, 1e-6)
    const white = applyWhitening(rows, w)
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let c = 0
        for (let r = 0; r < 4000; r++)
          c += (white[r * 4 + i] as number) * (white[r * 4 + j] as number)
        expect(c / 3999).toBeCloseTo(i === j ? 1 : 0, 1)
      }
    }
    // dewhiten · whiten = identity
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let v = 0
        for (let k = 0; k < 4; k++)
          v += (w.whiten[i * 4 + k] as number) * (w.dewhiten[k * 4 + j] as number)
        expect(v).toBeCloseTo(i === j ? 1 : 0, 4)
      }
    }
  })
})

describe('sparse codes and atom display', () => {
  test('compressed codes keep exactly the non-zeros, in order', () => {
    const dense = Float32Array.from([0, 2, 0, -1, 0, 0, 0, 0, 3, 0, 0, 0.5])
    const codes = compressCodes(dense, 4)
    expect(Array.from(codes.offsets)).toEqual([0, 2, 2, 4])
    expect(Array.from(codes.indices)).toEqual([1, 3, 0, 3])
    expect(Array.from(expandCodes(codes))).toEqual(Array.from(dense))
    expect(codesOfPatch(codes, 0)).toEqual([
      { atom: 1, weight: 2 },
      { atom: 3, weight: -1 },
    ])
  })

  test('atoms sort by usage; zero maps to the middle of the diverging scale', () => {
    expect(atomOrder(4, Float32Array.from([0.1, 0.5, 0, 0.5]), 'usage')).toEqual([1, 3, 0, 2])
    expect(atomOrder(3, undefined, 'usage')).toEqual([0, 1, 2])
    const lookup = colorLookup(interpolateRdBu)
    const atom: ImageBatch = { data: Float32Array.from([-2, 0, 2, 1]), shape: [1, 2, 2, 1] }
    const rgba = signedToRGBA(atom, 0, lookup)
    // Most negative = the scale's start (red), most positive = its end (blue), zero = its middle.
    expect(Array.from(rgba.subarray(0, 3))).toEqual(Array.from(lookup.subarray(0, 3)))
    expect(Array.from(rgba.subarray(8, 11))).toEqual(Array.from(lookup.subarray(255 * 3, 256 * 3)))
    const middle = Array.from(rgba.subarray(4, 7))
    expect(middle.every((v) => v > 230)).toBe(true)
    expect(rgba[0]).toBeGreaterThan(rgba[2] as number)
    expect(rgba[10]).toBeGreaterThan(rgba[8] as number)
  })
})
