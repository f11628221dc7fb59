import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { VAE } from '../../src/core/vae/engine/vae'
import { klDivergence } from '../../src/core/vae/engine/vaeNetwork'
import { TrainingControl } from '../../src/core/trainingControl'
import { loadDigits } from '../../src/data/digits'
import { initBackend } from '../../src/core/engine/backendChoice'
import type { ImageBatch } from '../../src/core/dataset'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('cpu'))

const digits = loadDigits().images

/** Reconstruction NLL per image of the best model that ignores the input: each pixel ~ Bernoulli(pixel mean). */
function meanImageBaseline(images: ImageBatch): number {
  const [n] = images.shape
  const d = images.data.length / n
  const mean = new Float64Array(d)
  for (let i = 0; i < images.data.length; i++) mean[i % d]! += (images.data[i] as number) / n
  let total = 0
  for (let i = 0; i < images.data.length; i++) {
    const x = images.data[i] as number
    const p = Math.min(1 - 1e-7, Math.max(1e-7, mean[i % d] as number))
    total -= x * Math.log(p) + (1 - x) * Math.log(1 - p)
  }
  return total / n
}

describe('VAE engine (Node, CPU backend)', () => {
  test('shapes of sample, encode, decode, reconstruct and interpolate', async () => {
    const vae = new VAE({ latentDim: 4, hiddenUnits: [32], seed: 1 })
    await vae.fit(digits, { epochs: 1 })
    expect(vae.imageShape).toEqual([8, 8, 1])
    const samples = await vae.sample(5, { seed: 3 })
    expect(samples.shape).toEqual([5, 8, 8, 1])
    expect(samples.data.length).toBe(5 * 64)
    const subset: ImageBatch = { data: digits.data.slice(0, 3 * 64), shape: [3, 8, 8, 1] }
    const latents = await vae.encode(subset)
    expect(latents.shape).toEqual([3, 4])
    const decoded = await vae.decode(latents)
    expect(decoded.shape).toEqual([3, 8, 8, 1])
    const reconstructed = await vae.reconstruct(subset)
    expect(Array.from(reconstructed.data)).toEqual(Array.from(decoded.data))
    const path = await vae.interpolate(latents.data.slice(0, 4), latents.data.slice(4, 8), 6, {
      method: 'slerp',
    })
    expect(path.shape).toEqual([6, 8, 8, 1])
    // The path's first image is the first endpoint decoded.
    expect(Array.from(path.data.slice(0, 64))).toEqual(Array.from(decoded.data.slice(0, 64)))
    vae.dispose()
  })

  test('KL term equals its closed form ½Σ(μ² + σ² − 1 − log σ²)', async () => {
    const mean = [0.5, -1.2, 0, 2.0, 0.3, -0.7]
    const logVar = [0.1, -0.5, 0, 1.2, -2.0, 0.4]
    const kl = tf.tidy(() => klDivergence(tf.tensor2d(mean, [2, 3]), tf.tensor2d(logVar, [2, 3])))
    const values = Array.from(await kl.data())
    kl.dispose()
    const expected = [0, 1].map((row) => {
      let sum = 0
      for (let j = 0; j < 3; j++) {
        const m = mean[row * 3 + j] as number
        const lv = logVar[row * 3 + j] as number
        sum += 0.5 * (m * m + Math.exp(lv) - 1 - lv)
      }
      return sum
    })
    expect(values[0]).toBeCloseTo(expected[0] as number, 5)
    expect(values[1]).toBeCloseTo(expected[1] as number, 5)
    const zero = tf.tidy(() => klDivergence(tf.zeros([1, 3]), tf.zeros([1, 3])))
    expect((await zero.data())[0]).toBeCloseTo(0, 7)
    zero.dispose()
  })

  test('training on the digits lowers the loss per image below the measured bound', async () => {
    // Measured on this engine (defaults: 64-128-8, batch 64, Adam 1e-3, seed 1; CPU and WASM agree):
    // the untrained model scores ≈ 45 nats/image; the best input-independent model (each pixel
    // Bernoulli(its mean)) ≈ 27.1; the entropy floor of the grey-level pixels ≈ 13.7; after 20
    // epochs the VAE's negative ELBO ≈ 25.4 (reconstruction ≈ 23.0, KL ≈ 2.4). The bounds keep about
    // a nat of margin and prove the latent code carries what the mean image cannot.
    await switchBackend('wasm')
    const vae = new VAE({ seed: 1 })
    await vae.fit(digits, { epochs: 1, batchSize: 1797, learningRate: 1e-9 })
    const untrained = await vae.evaluate(digits)
    vae.reset()
    await vae.fit(digits, { epochs: 20 })
    const trained = await vae.evaluate(digits)
    const baseline = meanImageBaseline(digits)
    expect(untrained.loss).toBeGreaterThan(40)
    expect(baseline).toBeGreaterThan(26.5)
    expect(trained.loss).toBeLessThan(26.5)
    expect(trained.loss).toBeLessThan(baseline - 1)
    expect(trained.reconstruction).toBeLessThan(baseline - 3)
    expect(trained.kl).toBeGreaterThan(1)
    expect(trained.reconstruction + trained.kl).toBeCloseTo(trained.loss, 3)
    vae.dispose()
    await switchBackend('cpu')
  })

  test('same seed, data and backend give the same losses (CPU and WASM, exactly)', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await switchBackend(backend)
      const runs: number[][] = []
      for (let r = 0; r < 2; r++) {
        const vae = new VAE({ seed: 42, hiddenUnits: [64] })
        const losses: number[] = []
        await vae.fit(
          digits,
          { epochs: 2 },
          { updateIntervalMs: 0, onUpdate: (u) => losses.push(...u.history.map((p) => p.loss)) },
        )
        runs.push(losses)
        vae.dispose()
      }
      expect(runs[0]!.length).toBe(58)
      expect(runs[1]).toEqual(runs[0])
      const other = new VAE({ seed: 43, hiddenUnits: [64] })
      const result = await other.fit(digits, { epochs: 2 })
      expect(result.last?.loss).not.toBe(runs[0]![57])
      other.dispose()
    }
    await switchBackend('cpu')
  })

  test('no tensor leaks: training, inference and dispose return to the baseline', async () => {
    const baseline = tf.memory().numTensors
    const vae = new VAE({ seed: 5, hiddenUnits: [32], latentDim: 3 })
    await vae.fit(digits, { epochs: 1 })
    const whileAlive = tf.memory().numTensors
    await vae.sample(4, { seed: 1 })
    await vae.reconstruct({ data: digits.data.slice(0, 128), shape: [2, 8, 8, 1] })
    await vae.interpolate(new Float32Array(3), new Float32Array([1, 1, 1]), 4)
    await vae.evaluate(digits)
    await vae.fit(digits, { epochs: 1 })
    expect(tf.memory().numTensors).toBe(whileAlive)
    vae.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('stop() takes effect at the next batch boundary; pause holds the loop', async () => {
    const control = new TrainingControl()
    const vae = new VAE({ seed: 1, hiddenUnits: [16] })
    const seen: number[] = []
    const result = await vae.fit(
      digits,
      { epochs: 10 },
      {
        control,
        updateIntervalMs: 0,
        onUpdate: (u) => {
          seen.push(...u.history.map((p) => p.step))
          if (u.progress.step === 7) control.stop()
        },
      },
    )
    expect(result.stopped).toBe(true)
    expect(result.steps).toBe(7)
    expect(vae.trainedSteps).toBe(7)

    const pausing = new TrainingControl()
    let stepsAtPause = 0
    const run = vae.fit(
      digits,
      { epochs: 1 },
      {
        control: pausing,
        updateIntervalMs: 0,
        onUpdate: (u) => {
          if (u.progress.step === 10) {
            pausing.pause()
            stepsAtPause = u.progress.step
          }
        },
      },
    )
    // However slow the machine, wait for the pause to happen, then check that it holds.
    while (stepsAtPause === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(vae.trainedSteps).toBe(stepsAtPause)
    pausing.resume()
    const resumed = await run
    expect(resumed.stopped).toBe(false)
    expect(vae.trainedSteps).toBe(7 + 29)
    vae.dispose()
  })

  // On WASM the steps run in the fused kernels, whose weights and Adam state must follow the restore.
  test.each(['cpu', 'wasm'] as const)(
    'a non-finite loss stops with DIVERGED and restores the last good weights; training goes on (%s)',
    async (backend) => {
      await switchBackend(backend)
      try {
        const vae = new VAE({ seed: 1, hiddenUnits: [16], likelihood: 'gaussian' })
        await vae.fit(digits, { epochs: 1 })
        const before = await vae.sample(2, { seed: 9 })
        const error = await vae
          .fit(digits, { epochs: 1, learningRate: 1e30 })
          .catch((e: unknown) => e)
        expect(error).toMatchObject({ code: 'DIVERGED' })
        expect((error as Error).message).toMatch(/learningRate/)
        const after = await vae.sample(2, { seed: 9 })
        expect(after.data.every(Number.isFinite)).toBe(true)
        // Weights are those of the start of the failing epoch: exactly the model before it.
        expect(Array.from(after.data)).toEqual(Array.from(before.data))
        const resumed = await vae.fit(digits, { epochs: 1 })
        expect(Number.isFinite(resumed.last?.loss)).toBe(true)
        vae.dispose()
      } finally {
        await switchBackend('cpu')
      }
    },
  )

  test('bad input is refused with typed errors', async () => {
    const vae = new VAE({ seed: 1 })
    await expect(vae.sample(2)).rejects.toMatchObject({ code: 'NOT_TRAINED' })
    await expect(
      vae.fit({ data: new Float32Array([0, 2]), shape: [1, 1, 2, 1] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(vae.fit(digits, { batchSize: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    expect(() => new VAE({ latentDim: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => new VAE({ hiddenUnits: [8, -1] })).toThrow(/hiddenUnits/)
    await vae.fit(digits, { epochs: 1 })
    await expect(vae.decode(new Float32Array(5))).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    await expect(
      vae.interpolate(new Float32Array(8), new Float32Array(8), 1),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    // Endpoints of the wrong length are a shape error, as in decode.
    await expect(
      vae.interpolate(new Float32Array(3), new Float32Array(8), 4),
    ).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    vae.dispose()
  })

  test('initBackend in Node: auto passes over browser-only backends and lands on WASM', async () => {
    const info = await initBackend('auto')
    expect(info.name).toBe('wasm')
    expect(info.skipped.map((s) => s.backend)).toEqual(['webgpu', 'webgl'])
    const forced = await initBackend('webgl')
    expect(forced.name).toBe('wasm')
    expect(forced.skipped[0]).toMatchObject({ backend: 'webgl' })
    await switchBackend('cpu')
  })
})
