import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { projectCodes } from '../../src/core/projection/engine/projectCodes'
import { PCA } from '../../src/core/pca/engine/pca'
import { nearestNeighbours } from '../../src/core/projection/engine/nearestNeighbors'
import { scatterClusters } from '../../src/components/scatterSummary'
import { createRandom } from '../../src/core/random'
import type { LatentBatch } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import { WorkerHost } from '../../workers/host'
import { pcaEngine } from '../../src/core/pca/engine/pcaEngine'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('cpu'))

/** `clusters` Gaussian blobs in `d` dimensions, `perCluster` rows each, centres 10 apart. */
function blobs(clusters: number, perCluster: number, d: number, seed = 1) {
  const random = createRandom(seed)
  const centres = Array.from({ length: clusters }, () =>
    Array.from({ length: d }, () => random.normal() * 10),
  )
  const data = new Float32Array(clusters * perCluster * d)
  const labels = new Int32Array(clusters * perCluster)
  for (let c = 0; c < clusters; c++) {
    for (let r = 0; r < perCluster; r++) {
      const row = c * perCluster + r
      labels[row] = c
      for (let j = 0; j < d; j++) data[row * d + j] = centres[c]![j]! + random.normal() * 0.5
    }
  }
  return { codes: { data, shape: [clusters * perCluster, d] } as LatentBatch, labels }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return (error as LatentkitError).code
  }
  return 'resolved'
}

describe('projectCodes', () => {
  test('PCA projection equals the PCA family with two components, and leaks no tensor', async () => {
    const { codes } = blobs(4, 50, 12)
    const before = tf.memory().numTensors
    const map = await projectCodes(codes, { method: 'pca' })
    expect(tf.memory().numTensors).toBe(before)
    const pca = new PCA({ nComponents: 2, solver: 'full' })
    const images = { data: codes.data, shape: [200, 1, 12, 1] as const }
    await pca.fit(images, { batchSize: 256 })
    const family = await pca.transform(images)
    pca.dispose()
    expect(map.count).toBe(200)
    expect(map.points.length).toBe(400)
    let worst = 0
    for (let i = 0; i < 400; i++)
      worst = Math.max(worst, Math.abs(map.points[i]! - family.data[i]!))
    expect(worst).toBeLessThan(1e-4)
    const ratio = map.explainedVarianceRatio!
    expect(ratio[0]!).toBeGreaterThan(ratio[1]!)
    expect(ratio[0]! + ratio[1]!).toBeLessThanOrEqual(1.0001)
  })

  test('UMAP separates well-separated blobs (every point nearest the centre of its own cluster), reports its epochs and leaks nothing', async () => {
    const { codes, labels } = blobs(3, 60, 10, 7)
    const before = tf.memory().numTensors
    const progress: number[] = []
    const phases: string[] = []
    const map = await projectCodes(codes, { method: 'umap', epochs: 60, seed: 3 }, (p) => {
      progress.push(p.epoch)
      phases.push(p.phase)
    })
    expect(tf.memory().numTensors).toBe(before)
    expect(map.method).toBe('umap')
    expect(progress.at(-1)).toBe(60)
    expect(phases[0]).toBe('neighbours')
    const { separation } = scatterClusters(map.points, labels)
    expect(separation).toBeGreaterThan(5)
    // Every point sits nearer the centre of its own cluster than any other's.
    const { clusters } = scatterClusters(map.points, labels)
    let wrong = 0
    for (let i = 0; i < labels.length; i++) {
      const x = map.points[2 * i]!
      const y = map.points[2 * i + 1]!
      const nearest = clusters.reduce((best, c) =>
        (c.x - x) ** 2 + (c.y - y) ** 2 < (best.x - x) ** 2 + (best.y - y) ** 2 ? c : best,
      )
      if (nearest.label !== labels[i]) wrong++
    }
    expect(wrong).toBe(0)
  })

  test('UMAP neighbours are exact: the k nearest rows by brute force, self first, in blocks, no tensor left', async () => {
    const { codes } = blobs(3, 40, 6, 11)
    const before = tf.memory().numTensors
    const blocks: number[] = []
    // Blocks of 50 rows (6,000 distances each): 50, 100, 120.
    const knn = await nearestNeighbours(codes, 5, (rows) => blocks.push(rows), 6000)
    expect(tf.memory().numTensors).toBe(before)
    expect(blocks).toEqual([50, 100, 120])
    const row = (i: number) => codes.data.subarray(i * 6, i * 6 + 6)
    const distance = (a: number, b: number) =>
      Math.sqrt(row(a).reduce((s, v, j) => s + (v - row(b)[j]!) ** 2, 0))
    for (let i = 0; i < 120; i++) {
      const expected = Array.from({ length: 120 }, (_, j) => j)
        .filter((j) => j !== i)
        .sort((a, b) => distance(i, a) - distance(i, b))
        .slice(0, 4)
      expect(knn.k).toBe(5)
      expect(Array.from(knn.indices.subarray(i * 5, i * 5 + 5))).toEqual([i, ...expected])
      expect(knn.distances[i * 5]).toBe(0)
      knn.distances
        .subarray(i * 5 + 1, i * 5 + 5)
        .forEach((value, j) => expect(value).toBeCloseTo(distance(i, expected[j]!), 3))
    }
  })

  test('the same seed gives the same UMAP map', async () => {
    const { codes } = blobs(2, 20, 4, 2)
    const a = await projectCodes(codes, { method: 'umap', epochs: 20, seed: 5 })
    const b = await projectCodes(codes, { method: 'umap', epochs: 20, seed: 5 })
    expect(Array.from(a.points)).toEqual(Array.from(b.points))
  })

  test('bad input is a typed error', async () => {
    const { codes } = blobs(2, 5, 3)
    expect(await codeOf(projectCodes(codes, { method: 'umap' }))).toBe('INVALID_INPUT')
    expect(await codeOf(projectCodes({ data: new Float32Array(1), shape: [1, 1] }))).toBe(
      'INVALID_INPUT',
    )
    const nan = codes.data.slice()
    nan[4] = NaN
    expect(await codeOf(projectCodes({ data: nan, shape: codes.shape }))).toBe('NON_FINITE_INPUT')
    expect(await codeOf(projectCodes({ data: codes.data, shape: [7, 3] }))).toBe('SHAPE_MISMATCH')
    expect(await codeOf(projectCodes([[1, 2], [3]]))).toBe('SHAPE_MISMATCH')
    expect(await codeOf(projectCodes('codes' as never))).toBe('INVALID_INPUT')
    expect(await codeOf(projectCodes(codes, { method: 'tsne' as never }))).toBe('INVALID_OPTION')
    expect(await codeOf(projectCodes(codes, { nNeighbors: 0 }))).toBe('INVALID_OPTION')
    expect(await codeOf(projectCodes(codes, { minDist: -1 }))).toBe('INVALID_OPTION')
    expect(await codeOf(projectCodes(codes, { perplexity: 30 } as never))).toBe('INVALID_OPTION')
  })

  test('rows given one array each, and one-column codes, project', async () => {
    const rows = [
      [0, 1],
      [1, 3],
      [2, 5.5],
    ]
    const map = await projectCodes(rows)
    expect(map.count).toBe(3)
    const single = await projectCodes({ data: Float32Array.of(1, 2, 3), shape: [3, 1] })
    expect(Array.from(single.points.filter((_, i) => i % 2 === 1))).toEqual([0, 0, 0])
  })

  test('the worker host projects, rejects bad codes with a wire error, and keeps its models', async () => {
    const host = new WorkerHost([pcaEngine])
    await host.init('cpu')
    const { codes } = blobs(2, 30, 5)
    await host.create('kept', 'pca', { nComponents: 2 })
    await host.train('kept', { data: codes.data, shape: [60, 5] }, {})
    const map = await host.project(codes, { method: 'pca' })
    expect(map.points.length).toBe(120)
    const failure = await host
      .project({ data: new Float32Array(3), shape: [1, 3] }, { method: 'pca' })
      .catch((error: unknown) => error as { code: string })
    expect((failure as { code: string }).code).toBe('INVALID_INPUT')
    expect((await host.modelInfo('kept')).trainedSteps).toBeGreaterThan(0)
    await host.disposeModel('kept')
  })
})
