import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { VAE } from '../../src/core/vae/engine/vae'
import { resolveVAELogLikelihoodOptions } from '../../src/core/vae/vaeOptions'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import { switchBackend } from './setupBackend'
import { failure } from '../workerCalls'

beforeAll(() => switchBackend('wasm'))

/** The digits, binarised at 0.5 (so the Bernoulli likelihood is a probability). */
function binaryDigits(limit?: number): ImageBatch {
  const { images } = loadDigits(limit === undefined ? {} : { limit })
  return { data: images.data.map((x) => (x > 0.5 ? 1 : 0)), shape: images.shape }
}

/** log p(x) of each image by quadrature over a one-dimensional latent (exact to far below 0.01 nat). */
async function quadratureLogLikelihood(vae: VAE, images: ImageBatch): Promise<number[]> {
  const points = 4001
  const low = -8
  const width = 16 / (points - 1)
  const grid = Float32Array.from({ length: points }, (_, g) => low + g * width)
  const decoded = await vae.decode({ data: grid, shape: [points, 1] })
  const [n] = images.shape
  const d = images.data.length / n
  const result: number[] = []
  for (let i = 0; i < n; i++) {
    const terms = new Float64Array(points)
    let top = -Infinity
    for (let g = 0; g < points; g++) {
      const z = grid[g] as number
      let log = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) + Math.log(width)
      for (let j = 0; j < d; j++) {
        const p = Math.min(1 - 1e-7, Math.max(1e-7, decoded.data[g * d + j] as number))
        log += images.data[i * d + j] === 1 ? Math.log(p) : Math.log(1 - p)
      }
      terms[g] = log
      top = Math.max(top, log)
    }
    let sum = 0
    for (let g = 0; g < points; g++) sum += Math.exp((terms[g] as number) - top)
    result.push(top + Math.log(sum))
  }
  return result
}

describe('VAE log-likelihood (importance-weighted bound)', () => {
  test('with one latent dimension it converges to log p(x) by quadrature', async () => {
    const vae = new VAE({ latentDim: 1, hiddenUnits: [32], seed: 3 })
    try {
      await vae.fit(binaryDigits(), { epochs: 5 })
      const images = binaryDigits(6)
      const exact = await quadratureLogLikelihood(vae, images)
      const estimate = await vae.logLikelihood(images, { samples: 20_000, seed: 2 })
      for (let i = 0; i < exact.length; i++) {
        expect(estimate.logLikelihoods[i]).toBeCloseTo(exact[i] as number, 1)
      }
      // A bound: the ELBO (the mean log weight of the same draws) sits below log p(x).
      const exactMean = exact.reduce((sum, value) => sum + value, 0) / exact.length
      expect(estimate.meanLogLikelihood).toBeCloseTo(exactMean, 1)
      expect(estimate.meanELBO).toBeLessThan(exactMean - 0.05)
    } finally {
      vae.dispose()
    }
  }, 120_000)

  test('the bound rises with k (ELBO < IWAE-50 < IWAE-500) on held-out digits; k = 1 is the ELBO', async () => {
    const all = binaryDigits()
    const d = 64
    const train: ImageBatch = { data: all.data.subarray(0, 1440 * d), shape: [1440, 8, 8, 1] }
    const heldOut: ImageBatch = { data: all.data.subarray(1440 * d), shape: [357, 8, 8, 1] }
    const vae = new VAE({ seed: 1 })
    try {
      await vae.fit(train, { epochs: 20 })
      const baseline = tf.memory().numTensors
      const one = await vae.logLikelihood(heldOut, { samples: 1, seed: 5 })
      const fifty = await vae.logLikelihood(heldOut, { samples: 50, seed: 5 })
      const many = await vae.logLikelihood(heldOut, { samples: 500, seed: 5 })
      expect(tf.memory().numTensors).toBe(baseline)
      expect(one.meanLogLikelihood).toBeCloseTo(one.meanELBO, 4)
      expect(fifty.meanLogLikelihood).toBeGreaterThan(one.meanLogLikelihood + 0.5)
      expect(many.meanLogLikelihood).toBeGreaterThan(fifty.meanLogLikelihood)
      // The ELBO from 50 samples per image averages more draws but estimates the same quantity.
      expect(Math.abs(fifty.meanELBO - one.meanELBO)).toBeLessThan(0.5)
      expect(many.logLikelihoods.length).toBe(357)
      expect(many.standardError).toBeGreaterThan(0)
      expect(many.standardError).toBeLessThan(1)
      // Binarised 8×8 digits: far better than independent pixels (about 25 nats), below 0.
      expect(many.meanLogLikelihood).toBeGreaterThan(-25)
      expect(many.meanLogLikelihood).toBeLessThan(0)
      const again = await vae.logLikelihood(heldOut, { samples: 50, seed: 5 })
      expect(Array.from(again.logLikelihoods)).toEqual(Array.from(fifty.logLikelihoods))
    } finally {
      vae.dispose()
    }
  }, 120_000)

  test('bad options and images are refused with typed errors', async () => {
    for (const samples of [0, -1, 1.5, Number.NaN, 1e9]) {
      expect(() => resolveVAELogLikelihoodOptions({ samples })).toThrowError(
        expect.objectContaining({ code: 'INVALID_OPTION' }) as Error,
      )
    }
    expect(resolveVAELogLikelihoodOptions({})).toEqual({ samples: 100, seed: 1 })
    const vae = new VAE({ seed: 1 })
    try {
      expect(
        await failure(() => vae.logLikelihood(binaryDigits(2), { samples: 2, seed: 1 })),
      ).toMatchObject({
        code: 'NOT_TRAINED',
      })
      await vae.fit(binaryDigits(100), { epochs: 1 })
      const wrong: ImageBatch = { data: new Float32Array(2 * 49), shape: [2, 7, 7, 1] }
      expect(await failure(() => vae.logLikelihood(wrong, { samples: 2, seed: 1 }))).toMatchObject({
        code: 'SHAPE_MISMATCH',
      })
    } finally {
      vae.dispose()
    }
  })
})
