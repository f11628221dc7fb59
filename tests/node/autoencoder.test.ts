import * as tf from '@tensorflow/tfjs-core'
// Only the gradient check needs TF.js's automatic differentiation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { Matrix, SingularValueDecomposition } from 'ml-matrix'
import { beforeAll, describe, expect, test } from 'vitest'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { AutoencoderNetwork } from '../../src/core/autoencoder/engine/autoencoderNetwork'
import { ConvAutoencoderNetwork } from '../../src/core/autoencoder/engine/convAutoencoderNetwork'
import { resolveAutoencoderOptions } from '../../src/core/autoencoder/autoencoderOptions'
import { VAE } from '../../src/core/vae/engine/vae'
import { PCA } from '../../src/core/pca/engine/pca'
import { rocAuc, percentile, smoothMaps } from '../../src/core/anomaly/anomalyScoring'
import { loadDigits } from '../../src/data/digits'
import { generateAnomalyBenchmark } from '../../src/data/anomalies'
import type { ImageBatch } from '../../src/core/dataset'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

const digits = loadDigits().images

/** Largest gap between the network's explicit gradients and TF.js autodiff, relative to the largest gradient. */
async function gradientGap(
  network: AutoencoderNetwork | ConvAutoencoderNetwork,
  rows: number,
): Promise<number> {
  const [manual, automatic] = tf.tidy(() => {
    const x = tf.tensor2d(digits.data.slice(0, rows * 64), [rows, 64])
    const noisy = tf.add(
      x,
      tf.mul(tf.randomNormal([rows, 64], 0, 1, 'float32', 3), 0.1),
    ) as tf.Tensor2D
    const { gradients } = network.lossAndGradients(noisy, x)
    const { grads } = tf.variableGrads(
      () => network.lossAndGradients(noisy, x).terms.total,
      network.variables(),
    )
    return [
      tf.concat(gradients.map((g) => tf.reshape(g, [-1]))),
      tf.concat(network.variables().map((v) => tf.reshape(grads[v.name] as tf.Tensor, [-1]))),
    ]
  })
  const a = await manual!.data()
  const b = await automatic!.data()
  manual!.dispose()
  automatic!.dispose()
  network.dispose()
  expect(a.length).toBe(b.length)
  return relativeGap(a, b)
}

describe('autoencoder gradients (CPU)', () => {
  beforeAll(() => switchBackend('cpu'))
  for (const kind of ['plain', 'sparse', 'linear'] as const) {
    test(`the explicit backward pass equals automatic differentiation (${kind})`, async () => {
      const options = resolveAutoencoderOptions(
        {
          kind,
          codeSize: 3,
          seed: 5,
          sparsity: 0.3,
          ...(kind === 'linear' ? {} : { hiddenUnits: [12] }),
        },
        64,
      )
      expect(await gradientGap(new AutoencoderNetwork(64, options, 'sigmoid'), 10)).toBeLessThan(
        1e-5,
      )
    })
  }

  test('the explicit backward pass equals automatic differentiation (conv, sparse penalty)', async () => {
    const options = resolveAutoencoderOptions(
      { architecture: 'conv', kind: 'sparse', codeSize: 3, seed: 5, sparsity: 0.3 },
      64,
    )
    const network = new ConvAutoencoderNetwork([8, 8, 1], options, 'sigmoid')
    expect(await gradientGap(network, 6)).toBeLessThan(1e-5)
  })
})

/** Principal angles (radians) between the row spaces of `a` (k × d) and `b` (k × d). */
function principalAngles(a: Matrix, b: Matrix): number[] {
  const qa = new SingularValueDecomposition(a.transpose(), { autoTranspose: true })
    .leftSingularVectors
  const qb = new SingularValueDecomposition(b.transpose(), { autoTranspose: true })
    .leftSingularVectors
  const k = a.rows
  const cosines = new SingularValueDecomposition(
    qa
      .subMatrix(0, qa.rows - 1, 0, k - 1)
      .transpose()
      .mmul(qb.subMatrix(0, qb.rows - 1, 0, k - 1)),
  ).diagonal
  return cosines.map((c) => Math.acos(Math.min(1, Math.max(-1, c))))
}

describe('the linear autoencoder learns the PCA subspace (WASM)', () => {
  beforeAll(() => switchBackend('wasm'))
  test('its decoder spans the top-4 principal subspace of the digits', async () => {
    const k = 4
    const d = 64
    // The engine's exact PCA (one more component than compared, for the eigen-gap).
    const exact = new PCA({ nComponents: k + 1, solver: 'full' })
    await exact.fit(digits)
    const { components, explainedVariance } = exact.componentsView()
    exact.dispose()
    const pca = new Matrix(k, d)
    for (let row = 0; row < k; row++)
      for (let j = 0; j < d; j++) pca.set(row, j, components.data[row * d + j] as number)
    // The eigen-gap after the 4th component keeps the subspace well defined.
    expect(explainedVariance[k - 1]! / explainedVariance[k]!).toBeGreaterThan(1.05)

    const ae = new Autoencoder({ kind: 'linear', codeSize: k, seed: 2 })
    await ae.fit(digits, { epochs: 300, batchSize: 128, learningRate: 0.01 })
    const weights = (await ae.decoderWeights())!
    expect(weights.shape).toEqual([k, d])
    const learned = new Matrix(k, d)
    for (let r = 0; r < k; r++)
      for (let j = 0; j < d; j++) learned.set(r, j, weights.data[r * d + j] as number)
    const angles = principalAngles(learned, pca)
    const largest = (Math.max(...angles) * 180) / Math.PI
    // Stated bound: the largest principal angle under 10° (measured here: 3.5°, the others 1–2.3°).
    expect(largest).toBeLessThan(10)
    ae.dispose()
  }, 120_000)
})

describe('anomaly scoring', () => {
  test('ROC AUC, percentiles and smoothing are right on small cases', () => {
    expect(rocAuc([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1])).toBe(1)
    expect(rocAuc([0.4, 0.3, 0.2, 0.1], [0, 0, 1, 1])).toBe(0)
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5)
    expect(rocAuc([1, 2], [1, 1])).toBeNaN()
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3)
    expect(percentile([1, 2, 3, 4, 5], 100)).toBe(5)
    expect(percentile([0, 10], 99)).toBeCloseTo(9.9)
    const map: ImageBatch = { data: new Float32Array(25), shape: [1, 5, 5, 1] }
    map.data[12] = 9
    smoothMaps(map, 1)
    expect(map.data[12]).toBeCloseTo(1)
    expect(map.data[0]).toBe(0)
    expect(map.data.reduce((s, v) => s + v, 0)).toBeCloseTo(9)
  })

  test('trained on normal sprites, the heatmap marks injected defects above the rest; calibration and errors', async () => {
    await switchBackend('wasm')
    const before = tf.memory().numTensors
    const bench = generateAnomalyBenchmark({
      trainCount: 600,
      normalTestCount: 40,
      defectTestCount: 40,
      seed: 4,
    })
    const ae = new Autoencoder({ seed: 1, codeSize: 16 })
    await expect(ae.anomaly.score(bench.test)).rejects.toMatchObject({ code: 'NOT_TRAINED' })
    await ae.fit(bench.train, { epochs: 15 })
    const scored = await ae.anomaly.score(bench.test)
    expect(scored.maps.shape).toEqual([80, 28, 28, 1])
    expect(scored.threshold).toBeUndefined()
    // Inside the defect masks the error map is far above the rest of the same images.
    let inside = 0
    let insideCount = 0
    let outside = 0
    let outsideCount = 0
    bench.masks.data.forEach((m, p) => {
      const v = scored.maps.data[p] as number
      if (m === 1) {
        inside += v
        insideCount += 1
      } else if (bench.labels[Math.floor(p / 784)] === 1) {
        outside += v
        outsideCount += 1
      }
    })
    expect(inside / insideCount).toBeGreaterThan(5 * (outside / outsideCount))
    expect(rocAuc(scored.maps.data, bench.masks.data)).toBeGreaterThan(0.85)
    // A small model trained briefly here; the bench measures the defaults properly.
    expect(rocAuc(scored.scores, bench.labels)).toBeGreaterThan(0.7)

    const threshold = await ae.anomaly.calibrate(bench.train)
    expect(threshold).toBeGreaterThan(0)
    const again = await ae.anomaly.score(bench.test)
    expect(again.threshold).toBe(threshold)
    const flagged = again.anomalous!
    const normalsFlagged = flagged.slice(0, 40).reduce((s, v) => s + v, 0)
    const defectsFlagged = flagged.slice(40).reduce((s, v) => s + v, 0)
    expect(normalsFlagged).toBeLessThanOrEqual(4)
    expect(defectsFlagged).toBeGreaterThan(normalsFlagged)
    expect(() => ae.anomaly.setThreshold(-1)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => ae.anomaly.setThreshold(Number.NaN)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    await expect(ae.anomaly.calibrate(bench.train, { percentile: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    await expect(ae.anomaly.score(bench.test, { topFraction: 2 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    await expect(
      ae.anomaly.score({ data: new Float32Array(64), shape: [1, 8, 8, 1] }),
    ).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
    })
    expect(ae.anomaly.threshold).toBe(threshold)
    ae.anomaly.setThreshold(0.5)
    expect(ae.anomaly.threshold).toBe(0.5)
    ae.reset()
    expect(ae.anomaly.threshold).toBeUndefined()
    ae.dispose()
    expect(tf.memory().numTensors).toBe(before)
  }, 120_000)

  test('the VAE scores images the same way, with its own likelihood per pixel', async () => {
    await switchBackend('wasm')
    const images: ImageBatch = { data: digits.data.slice(0, 640), shape: [10, 8, 8, 1] }
    const vae = new VAE({ seed: 1 })
    await vae.fit(digits, { epochs: 2 })
    const threshold = await vae.anomaly.calibrate(digits, { percentile: 95 })
    const scored = await vae.anomaly.score(images)
    expect(scored.scores.length).toBe(10)
    expect(scored.maps.shape).toEqual([10, 8, 8, 1])
    expect(scored.threshold).toBe(threshold)
    // Unsmoothed, a Bernoulli VAE's map is each pixel's cross-entropy under its reconstruction.
    const raw = await vae.anomaly.score(images, { smoothing: 0 })
    const means = await vae.reconstruct(images)
    const crossEntropy = Float32Array.from(images.data, (x, i) => {
      const p = means.data[i] as number
      return -(x * Math.log(p) + (1 - x) * Math.log(1 - p))
    })
    expect(relativeGap(raw.maps.data, crossEntropy)).toBeLessThan(1e-4)
    expect(raw.pixelError).toBe('bernoulli')
    vae.dispose()
    // A Gaussian VAE's is the squared error.
    const gaussian = new VAE({ seed: 1, likelihood: 'gaussian' })
    await gaussian.fit(digits, { epochs: 1 })
    const squared = await gaussian.anomaly.score(images, { smoothing: 0 })
    const reconstructed = await gaussian.reconstruct(images)
    const errors = Float32Array.from(
      images.data,
      (x, i) => (x - (reconstructed.data[i] as number)) ** 2,
    )
    expect(relativeGap(squared.maps.data, errors)).toBeLessThan(1e-4)
    expect(squared.pixelError).toBe('squared')
    gaussian.dispose()
  })

  test('bad autoencoder options get typed errors', () => {
    expect(() => new Autoencoder({ kind: 'linear', hiddenUnits: [8] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => new Autoencoder({ kind: 'conv' as 'plain' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => new Autoencoder({ corruption: 'mask', corruptionLevel: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => new Autoencoder({ codeSize: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
  })

  test('the convolutional autoencoder trains on WASM, scores, and refuses sides that are not multiples of 4', async () => {
    await switchBackend('wasm')
    const before = tf.memory().numTensors
    const bench = generateAnomalyBenchmark({
      trainCount: 256,
      normalTestCount: 16,
      defectTestCount: 16,
      seed: 5,
    })
    const ae = new Autoencoder({ architecture: 'conv', codeSize: 16, seed: 1 })
    const history: number[] = []
    await ae.fit(
      bench.train,
      { epochs: 12, batchSize: 32, learningRate: 0.003 },
      {
        onUpdate: (u) => history.push(...u.history.map((p) => p.reconstruction)),
        updateIntervalMs: 0,
      },
    )
    expect(history.at(-1)!).toBeLessThan(0.6 * history[0]!)
    const scored = await ae.anomaly.score(bench.test)
    expect(scored.maps.shape).toEqual([32, 28, 28, 1])
    expect((await ae.encode(bench.test)).shape).toEqual([32, 16])
    ae.dispose()
    expect(tf.memory().numTensors).toBe(before)
    await expect(
      new Autoencoder({ architecture: 'conv' }).fit({
        data: new Float32Array(2 * 30 * 30),
        shape: [2, 30, 30, 1],
      }),
    ).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
      message: expect.stringContaining('multiples of 4'),
    })
    expect(() => new Autoencoder({ architecture: 'conv', kind: 'linear' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
  }, 60_000)
})
