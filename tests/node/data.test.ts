import { describe, expect, test } from 'vitest'
import { loadDigits, DIGITS_ATTRIBUTION } from '../../src/data/digits'
import { generateSprites } from '../../src/data/sprites'
import { loadBuiltinDataset, isBuiltinDataset } from '../../src/data/builtin'
import { toImageBatch, toLatentBatch } from '../../src/core/dataset'

describe('shipped digits', () => {
  test('decode to 1,797 images of 8×8 in [0, 1] with all ten labels', () => {
    const { images, labels } = loadDigits()
    expect(images.shape).toEqual([1797, 8, 8, 1])
    expect(labels.length).toBe(1797)
    expect(new Set(labels).size).toBe(10)
    expect(Math.min(...images.data)).toBe(0)
    expect(Math.max(...images.data)).toBe(1)
    // First row of the CSV: 0,0,5,13,9,1,0,0 … label 0.
    expect(Array.from(images.data.slice(0, 8)).map((v) => v * 16)).toEqual([
      0, 0, 5, 13, 9, 1, 0, 0,
    ])
    expect(labels[0]).toBe(0)
    expect(DIGITS_ATTRIBUTION).toMatch(/CC BY 4\.0/)
  })

  test('filter by class and limit', () => {
    const { images, labels } = loadDigits({ classes: [3, 7], limit: 50 })
    expect(images.shape[0]).toBe(50)
    expect([...labels].every((l) => l === 3 || l === 7)).toBe(true)
  })
})

describe('procedural sprites', () => {
  test('seeded: same options give the same images; another seed differs', () => {
    const a = generateSprites({ count: 20, size: 28, seed: 7 })
    const b = generateSprites({ count: 20, size: 28, seed: 7 })
    const c = generateSprites({ count: 20, size: 28, seed: 8 })
    expect(a.images.shape).toEqual([20, 28, 28, 1])
    expect(Array.from(a.images.data)).toEqual(Array.from(b.images.data))
    expect(Array.from(a.images.data)).not.toEqual(Array.from(c.images.data))
    expect(a.factors).toEqual(b.factors)
  })

  test('shapes are drawn where the factors say, larger scale covers more pixels', () => {
    const { images, factors } = generateSprites({
      count: 200,
      size: 32,
      seed: 3,
      kinds: ['square'],
    })
    const size = 32
    const area = (i: number) =>
      images.data.slice(i * size * size, (i + 1) * size * size).reduce((s, v) => s + v, 0)
    let checked = 0
    factors.forEach((f, i) => {
      // Centre of mass sits at the factor position (x across, y down).
      let mx = 0
      let my = 0
      let total = 0
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const v = images.data[i * size * size + y * size + x] as number
          mx += v * (x + 0.5)
          my += v * (y + 0.5)
          total += v
        }
      const radius = size * 0.3 * f.scale
      expect(mx / total).toBeCloseTo(radius + f.x * (size - 2 * radius), 0)
      expect(my / total).toBeCloseTo(radius + f.y * (size - 2 * radius), 0)
      checked++
    })
    expect(checked).toBe(200)
    const bySize = factors
      .map((f, i) => ({ scale: f.scale, area: area(i) }))
      .sort((a, b) => a.scale - b.scale)
    expect(bySize[199]!.area).toBeGreaterThan(bySize[0]!.area * 2)
  })

  test('every kind appears and values stay in [0, 1]', () => {
    const { images, factors } = generateSprites({ count: 100, seed: 1 })
    expect(new Set(factors.map((f) => f.kind)).size).toBe(4)
    expect(images.data.every((v) => v >= 0 && v <= 1)).toBe(true)
  })

  test('bad options are typed errors', () => {
    expect(() => generateSprites({ count: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => generateSprites({ size: 4 })).toThrow(/size must be/)
  })
})

describe('built-in data set names', () => {
  test('resolve to data', () => {
    expect(isBuiltinDataset('digits')).toBe(true)
    expect(isBuiltinDataset({ name: 'sprites', count: 3 })).toBe(true)
    expect(isBuiltinDataset([[1, 2]])).toBe(false)
    expect(loadBuiltinDataset({ name: 'sprites', count: 3, size: 16 }).shape).toEqual([
      3, 16, 16, 1,
    ])
    expect(loadBuiltinDataset('digits').shape).toEqual([1797, 8, 8, 1])
  })
})

describe('toImageBatch validates user data', () => {
  test('accepts rows, flat + shape, and guesses square images', () => {
    expect(
      toImageBatch([
        [0, 1, 0, 1],
        [1, 0, 1, 0],
      ]).shape,
    ).toEqual([2, 2, 2, 1])
    expect(toImageBatch({ data: [1, 2, 3], shape: [1, 3] }).shape).toEqual([1, 1, 3, 1])
    expect(toImageBatch({ data: new Float32Array(12), shape: [2, 2, 3] }).shape).toEqual([
      2, 2, 3, 1,
    ])
    expect(
      toImageBatch({ data: new Float32Array(6), shape: [1, 6] }, { imageShape: [1, 2, 3] }).shape,
    ).toEqual([1, 1, 2, 3])
  })

  test('a Float32Array is used as is, not copied', () => {
    const data = new Float32Array(8)
    expect(toImageBatch({ data, shape: [2, 4] }).data).toBe(data)
  })

  test('each bad input has its code and says what to do', () => {
    expect(() => toImageBatch({ data: new Float32Array(783), shape: [1, 784] })).toThrow(
      expect.objectContaining({
        code: 'SHAPE_MISMATCH',
        message: expect.stringMatching(/783 values.*784/),
      }),
    )
    expect(() => toImageBatch([[1, 2], [3]])).toThrow(
      expect.objectContaining({
        code: 'SHAPE_MISMATCH',
        message: expect.stringMatching(/row 1 has 1/),
      }),
    )
    expect(() => toImageBatch({ data: [1, NaN], shape: [1, 2] })).toThrow(
      expect.objectContaining({
        code: 'NON_FINITE_INPUT',
        message: expect.stringMatching(/index 1/),
      }),
    )
    expect(() => toImageBatch({ data: [1, Infinity], shape: [1, 2] })).toThrow(
      expect.objectContaining({ code: 'NON_FINITE_INPUT' }),
    )
    expect(() => toImageBatch([])).toThrow(expect.objectContaining({ code: 'EMPTY_DATASET' }))
    expect(() => toImageBatch({ data: [], shape: [0, 64] })).toThrow(
      expect.objectContaining({ code: 'EMPTY_DATASET' }),
    )
    expect(() => toImageBatch({ data: [1, 2], shape: [2] })).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    )
    expect(() =>
      toImageBatch({ data: [1, 2, 3, 4], shape: [1, 4] }, { imageShape: [3, 3, 1] }),
    ).toThrow(/imageShape/)
    expect(() => toImageBatch('digits' as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
  })

  test('toLatentBatch checks the latent size', () => {
    expect(
      toLatentBatch(
        [
          [1, 2],
          [3, 4],
        ],
        2,
      ).shape,
    ).toEqual([2, 2])
    expect(() => toLatentBatch([1, 2, 3], 2)).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    )
  })
})
