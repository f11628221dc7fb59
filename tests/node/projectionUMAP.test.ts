import { UMAP } from 'umap-js'
import { findABParams } from 'umap-js/dist/umap'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { nearestNeighbours } from '../../src/core/projection/engine/nearestNeighbors'
import { fuzzyGraph } from '../../src/core/projection/engine/fuzzyGraph'
import { UMAPLayout, defaultEpochs } from '../../src/core/projection/engine/umapLayout'
import { fitCurve } from '../../src/core/projection/engine/umapCurve'
import { createTimeSlicer } from '../../src/core/projection/engine/timeSlice'
import { projectCodes } from '../../src/core/projection/engine/projectCodes'
import { createRandom } from '../../src/core/random'
import type { LatentBatch } from '../../src/core/dataset'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('wasm'))

/** `rows` codes of `d` values in 10 Gaussian clusters (the bench's scatter codes). */
function clusters(rows: number, d: number, seed = 5): LatentBatch {
  const random = createRandom(seed)
  const centres = Array.from({ length: 10 }, () =>
    Array.from({ length: d }, () => random.normal() * 4),
  )
  const data = new Float32Array(rows * d)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = centres[i % 10]![j]! + random.normal()
  }
  return { data, shape: [rows, d] }
}

describe('UMAP in typed arrays', () => {
  test("fuzzy graph and layout give umap-js's map to the last bit (same neighbours, curve and seed)", async () => {
    const codes = clusters(400, 8)
    const [n, d] = codes.shape
    const k = 15
    const epochs = 40
    const knn = await nearestNeighbours(codes, k)
    const rows = (i: number) => Array.from(knn.indices.subarray(i * k, i * k + k))
    const gaps = (i: number) => Array.from(knn.distances.subarray(i * k, i * k + k))

    const reference = createRandom(9)
    const umap = new UMAP({
      nComponents: 2,
      nNeighbors: k,
      minDist: 0.1,
      nEpochs: epochs,
      random: () => reference.uniform(),
    })
    umap.setPrecomputedKNN(
      Array.from({ length: n }, (_, i) => rows(i)),
      Array.from({ length: n }, (_, i) => gaps(i)),
    )
    const data = Array.from({ length: n }, (_, i) =>
      Array.from(codes.data.subarray(i * d, i * d + d)),
    )
    expect(umap.initializeFit(data)).toBe(epochs)
    for (let epoch = 0; epoch < epochs;) epoch = umap.step()
    const expected = umap.getEmbedding().flat()

    const random = createRandom(9)
    const slicer = createTimeSlicer()
    const graph = await fuzzyGraph(knn, epochs, slicer)
    // Each point joined to about k others, both ways, less the weights dropped for being too small.
    expect(graph.size).toBeGreaterThan(n * (k - 1))
    expect(graph.size).toBeLessThanOrEqual(2 * n * (k - 1))
    const layout = new UMAPLayout(graph, {
      epochs,
      curve: findABParams(1, 0.1),
      random: () => random.uniform(),
    })
    while (layout.epochsDone < epochs) await layout.epoch(slicer)
    expect(Array.from(layout.embedding)).toEqual(expected)
    // Cut into 1-ms slices, the same map (where the work pauses changes nothing).
    const again = createRandom(9)
    const fine = createTimeSlicer(1)
    const sliced = new UMAPLayout(await fuzzyGraph(knn, epochs, fine), {
      epochs,
      curve: findABParams(1, 0.1),
      random: () => again.uniform(),
    })
    while (sliced.epochsDone < epochs) await sliced.epoch(fine)
    expect(Array.from(sliced.embedding)).toEqual(expected)
  })

  test("the curve's a and b are umap-learn's (SciPy curve_fit) to 1e-5 (SciPy stops at its own tolerance)", () => {
    // From umap-learn's find_ab_params recipe run with SciPy 1.x's curve_fit (spread 1).
    const scipy: readonly (readonly [number, number, number])[] = [
      [0.1, 1.5769434601962196, 0.8950608779914887],
      [0.001, 1.9290733952004866, 0.7915045329560677],
      [0.5, 0.583030020479462, 1.3341669929263487],
      [0.99, 0.11930530006447332, 1.9163904159174419],
    ]
    for (const [minDist, a, b] of scipy) {
      const fitted = fitCurve(minDist)
      expect(Math.abs(fitted.a - a) / a, `a at minDist ${minDist}`).toBeLessThan(1e-5)
      expect(Math.abs(fitted.b - b) / b, `b at minDist ${minDist}`).toBeLessThan(1e-5)
    }
  })

  test("umap-js's default epochs by row count", () => {
    expect([2500, 2501, 5000, 7500, 7501, 20_000].map(defaultEpochs)).toEqual([
      500, 400, 400, 300, 200, 200,
    ])
  })

  test('projecting 6,000 codes never starves a 50-ms timer for more than 1.5 s, and leaks no tensor', async () => {
    // Before the fuzzy graph and the layout were built in time slices, umap-js's initializeFit held
    // the event loop for one stretch: 7.3 s measured here (6,000 × 20 codes, 30 epochs, 2-core
    // machine at load 10), 26.2 s at 20,000 rows. Now the longest stretch is a block of neighbour
    // distances (666 rows × 6,000 on WASM) or a 50-ms slice: 0.5 s measured at the same load.
    // 1.5 s fails the old code by far even on a quiet machine and leaves margin under load.
    const codes = clusters(6000, 20)
    const before = tf.memory().numTensors
    let last = performance.now()
    let longest = 0
    const timer = setInterval(() => {
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
    }, 50)
    let layoutReports = 0
    try {
      const map = await projectCodes(codes, { method: 'umap', epochs: 30, seed: 1 }, (p) => {
        if (p.phase === 'layout') layoutReports += 1
      })
      longest = Math.max(longest, performance.now() - last)
      expect(map.count).toBe(6000)
      expect(map.points.every(Number.isFinite)).toBe(true)
    } finally {
      clearInterval(timer)
    }
    expect(layoutReports).toBeGreaterThan(0)
    expect(tf.memory().numTensors).toBe(before)
    expect(longest).toBeLessThan(1500)
  })
  test("the result waits until the last progress report is answered (a Comlink proxy's promise), for at most 1 s", async () => {
    const codes = clusters(100, 4)
    for (const method of ['umap', 'pca'] as const) {
      let answeredAt = NaN
      const map = await projectCodes(codes, { method, epochs: 5 }, (p) => {
        if (p.epoch < p.epochs) return undefined
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            answeredAt = performance.now()
            resolve()
          }, 150),
        ) as unknown as void
      })
      const resolvedAt = performance.now()
      expect(map.method).toBe(method)
      expect(resolvedAt, method).toBeGreaterThanOrEqual(answeredAt)
    }
    // A report never answered (the page went away) holds the result back 1 s; it does not hang.
    const started = performance.now()
    await projectCodes(
      codes,
      { method: 'umap', epochs: 5 },
      () => new Promise<void>(() => undefined) as unknown as void,
    )
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000)
  })
  test('a progress callback that throws rejects the projection with its error (none left unhandled)', async () => {
    const codes = clusters(100, 4)
    for (const phase of ['neighbours', 'layout'] as const) {
      const failure = await projectCodes(codes, { method: 'umap', epochs: 5 }, (p) => {
        if (p.phase === phase) throw new Error(`callback failed in ${phase}`)
      }).catch((error: unknown) => error as Error)
      expect((failure as Error).message).toBe(`callback failed in ${phase}`)
    }
  })
  test("a callback whose answer rejects (a Comlink proxy's, when the page's callback threw) rejects the projection, none left unhandled", async () => {
    const codes = clusters(100, 4)
    const cases = [
      ['umap', 'neighbours'],
      ['umap', 'layout'],
      ['pca', 'layout'],
    ] as const
    for (const [method, phase] of cases) {
      const failure = await projectCodes(
        codes,
        { method, epochs: 5 },
        (p) =>
          (p.phase === phase
            ? Promise.reject(new Error(`answer failed in ${phase}`))
            : undefined) as unknown as void,
      ).catch((error: unknown) => error as Error)
      expect((failure as Error).message, `${method}, ${phase}`).toBe(`answer failed in ${phase}`)
    }
  })
})
