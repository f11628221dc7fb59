/**
 * The few-labels report's engine: stratified draws (exactly n labels per class, from outside the
 * held-out set), seeded reproducibility, the spread (zero with one draw), a perfectly separable
 * feature set scoring 1.0, raw digit pixels improving with labels, typed errors, and no leaks.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { encodeAndReport, fewLabelsReport } from '../../src/core/report/engine/fewLabelsReport'
import {
  drawLabelled,
  reportSplit,
  resolveReportOptions,
} from '../../src/core/report/reportOptions'
import { loadDigits } from '../../src/data/digits'
import type { LatentkitError } from '../../src/core/errors'
import { switchBackend } from './setupBackend'

const digits = loadDigits()
const rows = digits.labels.length
const pixels = { data: digits.images.data, shape: [rows, 64] as [number, number] }

/** Three classes, 20 images each, one feature that is the class (perfectly separable). */
function separable(): {
  labels: number[]
  features: { data: Float32Array; shape: [number, number] }
} {
  const labels = Array.from({ length: 60 }, (_, i) => i % 3)
  const data = new Float32Array(60 * 2)
  labels.forEach((label, i) => {
    data[i * 2] = label === 0 ? 1 : 0
    data[i * 2 + 1] = label === 1 ? 1 : 0
  })
  return { labels, features: { data, shape: [60, 2] } }
}

async function caught(run: () => Promise<unknown>): Promise<LatentkitError> {
  try {
    await run()
  } catch (error) {
    return error as LatentkitError
  }
  throw new Error('expected a typed error')
}

beforeAll(() => switchBackend('cpu'))

describe('few-labels report: draws', () => {
  test('each draw takes exactly n rows of each class, none held out; the held-out set is fixed', () => {
    const options = resolveReportOptions({})
    const split = reportSplit(digits.labels, rows, options)
    const held = new Set(split.test)
    expect(split.test.length).toBeGreaterThan(350)
    for (const n of [1, 5, 10, 50]) {
      for (let draw = 0; draw < 3; draw++) {
        const probe = drawLabelled(split, n, 0, draw)
        expect(probe.test).toBe(split.test)
        expect(new Set(probe.train).size).toBe(probe.train.length)
        const perClass = new Map<number, number>()
        for (const row of probe.train) {
          expect(held.has(row)).toBe(false)
          const label = digits.labels[row] as number
          perClass.set(label, (perClass.get(label) ?? 0) + 1)
        }
        expect([...perClass.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        expect([...perClass.values()].every((count) => count === n)).toBe(true)
      }
    }
    const all = drawLabelled(split, 'all', 0, 0)
    expect(all.train.length + split.test.length).toBe(rows)
  })

  test('draws differ from one another and repeat with the same seed', () => {
    const split = reportSplit(digits.labels, rows, resolveReportOptions({ seed: 3 }))
    const a = drawLabelled(split, 5, 3, 0)
    const b = drawLabelled(split, 5, 3, 1)
    const again = drawLabelled(
      reportSplit(digits.labels, rows, resolveReportOptions({ seed: 3 })),
      5,
      3,
      0,
    )
    expect(Array.from(a.train)).not.toEqual(Array.from(b.train))
    expect(Array.from(again.train)).toEqual(Array.from(a.train))
    expect(Array.from(again.test)).toEqual(Array.from(a.test))
  })
})

describe('few-labels report: accuracies', () => {
  test('a perfectly separable feature set scores 1.0 in every cell; every encoder gets its row', async () => {
    const { labels, features } = separable()
    const noise = new Float32Array(60 * 2).map((_, i) => Math.sin(i * 12.9898) * 0.5)
    const report = await fewLabelsReport(
      [
        { name: 'class code', features },
        { name: 'noise', features: { data: noise, shape: [60, 2] } },
      ],
      labels,
      { labelsPerClass: [1, 5, 'all'], draws: 3 },
    )
    expect(report.rows.map((r) => r.encoder)).toEqual(['class code', 'noise'])
    expect(report.classes).toEqual([0, 1, 2])
    expect(report.testCount).toBe(12)
    const [code] = report.rows
    expect(code?.cells.map((c) => c.mean)).toEqual([1, 1, 1])
    expect(code?.cells.map((c) => c.labelled)).toEqual([3, 15, 48])
    expect(code?.cells.map((c) => c.accuracies.length)).toEqual([3, 3, 1])
    expect(code?.cells.every((c) => c.standardError === 0 && c.min === 1 && c.max === 1)).toBe(true)
  })

  test('raw digit pixels: accuracy grows with labels; the spread is > 0 over draws, 0 with one draw; seeded', async () => {
    const options = { labelsPerClass: [1, 10, 'all'] as const, draws: 4, maxIterations: 150 }
    const progress: number[] = []
    const report = await fewLabelsReport(
      [{ name: 'raw pixels', features: pixels }],
      digits.labels,
      {
        ...options,
        labelsPerClass: [...options.labelsPerClass],
      },
      (p) => progress.push(p.done),
    )
    const cells = report.rows[0]?.cells ?? []
    const [one, ten, all] = cells.map((c) => c.mean) as [number, number, number]
    expect(one).toBeGreaterThan(0.3)
    expect(ten).toBeGreaterThan(0.75)
    expect(all).toBeGreaterThan(0.93)
    expect(one).toBeLessThan(ten)
    expect(ten).toBeLessThan(all)
    expect(cells[0]?.standardError).toBeGreaterThan(0)
    expect(cells[0]?.min).toBeLessThan(cells[0]?.max as number)
    expect(cells[2]?.standardError).toBe(0)
    expect(progress).toEqual([4, 8, 9])

    const single = await fewLabelsReport(
      [{ name: 'raw pixels', features: pixels }],
      digits.labels,
      {
        labelsPerClass: [1],
        draws: 1,
        maxIterations: 150,
      },
    )
    expect(single.rows[0]?.cells[0]?.standardError).toBe(0)
    expect(single.rows[0]?.cells[0]?.accuracies).toEqual([cells[0]?.accuracies[0]])
  })

  test('encodeAndReport runs each encoder in the order asked and leaves no tensor behind', async () => {
    const { labels, features } = separable()
    const images = { data: features.data, shape: [60, 1, 2, 1] as [number, number, number, number] }
    const before = tf.memory().numTensors
    const report = await encodeAndReport(
      images,
      labels,
      [
        { name: 'first', encode: () => features },
        { name: 'second', encode: async (x) => ({ data: x.data, shape: [60, 2] }) },
      ],
      { labelsPerClass: [2], draws: 2, encoders: ['second', 'first'] },
    )
    expect(report.rows.map((r) => r.encoder)).toEqual(['second', 'first'])
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('few-labels report: typed errors', () => {
  const { labels, features } = separable()
  const encoders = [{ name: 'code', features }]

  test('labels of the wrong length: SHAPE_MISMATCH', async () => {
    const error = await caught(() =>
      fewLabelsReport(encoders, labels.slice(1), { labelsPerClass: [1] }),
    )
    expect(error.code).toBe('SHAPE_MISMATCH')
    expect(error.message).toMatch(/59 entries for 59 images|labels/)
  })

  test('features of the wrong length: SHAPE_MISMATCH naming the encoder', async () => {
    const error = await caught(() =>
      fewLabelsReport(
        [{ name: 'short', features: { data: new Float32Array(10), shape: [5, 2] } }],
        labels,
        { labelsPerClass: [1] },
      ),
    )
    expect(error.code).toBe('SHAPE_MISMATCH')
    expect(error.message).toContain("'short'")
  })

  test('a class with too few images for the labels asked: INVALID_INPUT naming the class and count', async () => {
    const fewer = [...labels, 3, 3]
    const data = new Float32Array(62 * 2)
    data.set(features.data)
    const error = await caught(() =>
      fewLabelsReport([{ name: 'code', features: { data, shape: [62, 2] } }], fewer, {
        labelsPerClass: [1, 5],
      }),
    )
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.details).toMatchObject({ class: 3, available: 1, asked: 5 })
    expect(error.message).toMatch(/class 3 has 2 image\(s\).*leaves 1.*5 labels per class/)
    const many = await caught(() => fewLabelsReport(encoders, labels, { labelsPerClass: [17] }))
    expect(many.code).toBe('INVALID_INPUT')
    expect(many.details).toMatchObject({ class: 0, available: 16, asked: 17 })
  })

  test('an unknown encoder: INVALID_OPTION listing the known ones; bad options name themselves', async () => {
    const error = await caught(() => fewLabelsReport(encoders, labels, { encoders: ['VAE'] }))
    expect(error.code).toBe('INVALID_OPTION')
    expect(error.message).toContain("unknown encoder 'VAE'")
    expect(error.message).toContain("'code'")
    const draws = await caught(() => fewLabelsReport(encoders, labels, { draws: 0 }))
    expect(draws.code).toBe('INVALID_OPTION')
    expect(draws.message).toContain('draws')
    const columns = await caught(() =>
      fewLabelsReport(encoders, labels, { labelsPerClass: [1, 'most' as never] }),
    )
    expect(columns.code).toBe('INVALID_OPTION')
    const twice = await caught(() => fewLabelsReport([...encoders, ...encoders], labels))
    expect(twice.code).toBe('INVALID_INPUT')
  })

  test('non-finite features: NON_FINITE_INPUT; no tensor is left behind by a failure', async () => {
    const before = tf.memory().numTensors
    const data = Float32Array.from(features.data)
    data[3] = NaN
    const error = await caught(() =>
      fewLabelsReport([{ name: 'bad', features: { data, shape: [60, 2] } }], labels, {
        labelsPerClass: [1],
      }),
    )
    expect(error.code).toBe('NON_FINITE_INPUT')
    expect(tf.memory().numTensors).toBe(before)
  })
})
