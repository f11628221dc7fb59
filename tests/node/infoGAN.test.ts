import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { GAN } from '../../src/core/gan/engine/gan'
import { GANNetwork } from '../../src/core/gan/engine/ganNetwork'
import { informationTerm, weightedInformationGradient } from '../../src/core/gan/engine/infoTerm'
import { resolveGANModelOptions, validateGANModelOptions } from '../../src/core/gan/ganOptions'
import { drawInfoLatents } from '../../src/core/gan/infoCodes'
import type { GANHistoryPoint } from '../../src/core/gan/ganSpec'
import { toImageBatch } from '../../src/core/dataset'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import { ringOfGaussians } from '../../src/data/toy2d'
import fc from 'fast-check'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { fromWireError, isWireError, LatentkitError } from '../../src/core/errors'
import { prepareAction, type AnyActionSpec } from '../../src/core/family/familySpec'
import { ganSpec } from '../../src/core/gan/ganSpec'
import { WorkerHost } from '../../workers/host'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

beforeAll(() => switchBackend('cpu'))

async function gap(a: tf.Tensor[], b: tf.Tensor[]): Promise<number> {
  const flatA = tf.concat(a.map((t) => tf.reshape(t, [-1])))
  const flatB = tf.concat(b.map((t) => tf.reshape(t, [-1])))
  const result = relativeGap(await flatA.data(), await flatB.data())
  flatA.dispose()
  flatB.dispose()
  return result
}

const INFO = { categorical: [3], continuous: 2, weight: 0.7 }

describe('InfoGAN (Node)', () => {
  test.each([
    ['dense', { generatorUnits: [16, 8], discriminatorUnits: [12] }],
    ['conv', { architecture: 'conv', filters: 4 }],
  ] as const)(
    'explicit gradients with L_I equal automatic differentiation, and L_I reaches the generator: %s',
    async (_, family) => {
      const options = resolveGANModelOptions(
        { noiseDim: 8, seed: 3, info: INFO, ...family },
        64,
        true,
      )
      const network = new GANNetwork([8, 8, 1], options)
      const info = options.info!
      const digits = loadDigits({ limit: 8 }).images
      const noise = drawInfoLatents(info, 8, 8, createRandom(2))
      const [manualD, autoD, manualG, autoG, infoOnly] = tf.tidy(() => {
        const x = tf.tensor2d(digits.data, [8, 64])
        const z = tf.tensor2d(noise, [8, 8])
        const codes = tf.slice(z, [0, 0], [8, 5]) as tf.Tensor2D
        const split = (out: tf.Tensor2D) => ({
          logit: tf.slice(out, [0, 0], [out.shape[0], 1]) as tf.Tensor2D,
          q: tf.slice(out, [0, 1], [out.shape[0], 5]) as tf.Tensor2D,
        })
        const raw = (input: tf.Tensor2D) =>
          tf.concat([network.discriminate(input), network.qOutputs(input)], 1) as tf.Tensor2D
        const d = network.discriminatorPass(x, z, 0.9)
        const dVars = network.discriminatorVariables()
        const autoDGrads = tf.variableGrads(() => {
          const real = split(raw(x))
          const fake = split(raw(network.generate(z, true)))
          const gan = tf.add(
            tf.mean(tf.sub(tf.softplus(real.logit), tf.mul(real.logit, 0.9))),
            tf.mean(tf.softplus(fake.logit)),
          )
          return tf.add(gan, tf.mul(informationTerm(info, fake.q, codes).loss, 0.7)) as tf.Scalar
        }, dVars).grads
        const g = network.generatorPass(z)
        const gVars = network.generatorVariables()
        const generatorLoss = (lambda: number) => () => {
          const fake = split(raw(network.generate(z, true)))
          return tf.add(
            tf.mul(tf.mean(tf.softplus(tf.neg(fake.logit))), lambda === 0 ? 0 : 1),
            tf.mul(informationTerm(info, fake.q, codes).loss, lambda === 0 ? 0.7 : lambda),
          ) as tf.Scalar
        }
        const autoGGrads = tf.variableGrads(generatorLoss(0.7), gVars).grads
        // L_I alone (no adversarial term) still moves the generator.
        const infoGrads = tf.variableGrads(generatorLoss(0), gVars).grads
        return [
          d.gradients,
          dVars.map((v) => autoDGrads[v.name] as tf.Tensor),
          g.gradients,
          gVars.map((v) => autoGGrads[v.name] as tf.Tensor),
          [
            tf.reshape(
              tf.max(tf.stack(gVars.map((v) => tf.max(tf.abs(infoGrads[v.name] as tf.Tensor))))),
              [1],
            ),
          ],
        ]
      })
      expect(await gap(manualD!, autoD!)).toBeLessThan(1e-5)
      expect(await gap(manualG!, autoG!)).toBeLessThan(1e-5)
      expect((await infoOnly![0]!.data())[0]).toBeGreaterThan(1e-6)
      for (const list of [manualD!, autoD!, manualG!, autoG!, infoOnly!])
        list.forEach((t) => t.dispose())
      network.dispose()
    },
  )

  test('Q learns the categorical code on a toy problem and L_I falls; no tensor leaks', async () => {
    const data = toImageBatch(ringOfGaussians({ count: 1024, seed: 1 }))
    const before = tf.memory().numTensors
    const gan = new GAN({
      seed: 2,
      noiseDim: 8,
      generatorUnits: [64],
      discriminatorUnits: [64],
      info: { categorical: [4], continuous: 1 },
    })
    const points: GANHistoryPoint[] = []
    await gan.fit(
      data,
      { epochs: 12, batchSize: 64, generatorLearningRate: 1e-3, discriminatorLearningRate: 1e-3 },
      { updateIntervalMs: 0, onUpdate: (u) => points.push(...u.history) },
    )
    const trained = tf.memory().numTensors
    const mean = (list: GANHistoryPoint[], key: 'informationLoss' | 'codeAccuracy') =>
      list.reduce((s, p) => s + (p[key] ?? NaN), 0) / list.length
    const first = points.slice(0, 10)
    const last = points.slice(-20)
    // A 4-way code starts at log 4 ≈ 1.39 nats of cross-entropy and 25% accuracy.
    expect(mean(first, 'informationLoss')).toBeGreaterThan(mean(last, 'informationLoss') + 0.5)
    expect(mean(last, 'codeAccuracy')).toBeGreaterThan(0.9)
    // Q reads the codes back from images generated with them.
    const codes = [0, 1, 2, 3].flatMap((k) =>
      Array.from({ length: 25 }, () => ({ categorical: [k] })),
    )
    const images = await gan.generateWithCodes(codes, { seed: 3, sharedNoise: false })
    const inferred = await gan.inferCodes(images)
    const hits = codes.filter((c, i) => inferred.categorical[i] === c.categorical[0]).length
    expect(hits / codes.length).toBeGreaterThan(0.9)
    expect(inferred.probabilities.length).toBe(100 * 4)
    expect(inferred.continuous.length).toBe(100)
    // sample() draws from the codes' prior, and every call leaves no tensor behind.
    await gan.sample(16, { seed: 1 })
    expect(tf.memory().numTensors).toBe(trained)
    gan.dispose()
    expect(tf.memory().numTensors).toBe(before)
  }, 120_000)

  test('info.continuousWeight weighs the continuous part of L_I apart: gradient equals automatic differentiation', () => {
    const info = resolveGANModelOptions(
      {
        noiseDim: 8,
        info: { categorical: [3], continuous: 2, weight: 0.7, continuousWeight: 0.1 },
      },
      64,
      true,
    ).info!
    expect(info.continuousWeight).toBe(0.1)
    const noise = drawInfoLatents(info, 8, 6, createRandom(4))
    const [manual, automatic] = tf.tidy(() => {
      const q = tf.randomNormal([6, 5], 0, 1, 'float32', 5) as tf.Tensor2D
      const codes = tf.slice(tf.tensor2d(noise, [6, 8]), [0, 0], [6, 5]) as tf.Tensor2D
      const part =
        (categorical: number[], continuous: number, from: number, size: number) => (x: tf.Tensor) =>
          informationTerm(
            { categorical, continuous, weight: 1 },
            tf.slice(x, [0, from], [6, size]) as tf.Tensor2D,
            tf.slice(codes, [0, from], [6, size]) as tf.Tensor2D,
          ).loss
      // d(0.7 · L_cat + 0.1 · L_cont)/dq, both batch means.
      const weighted = (x: tf.Tensor) =>
        tf.add(tf.mul(part([3], 0, 0, 3)(x), 0.7), tf.mul(part([], 2, 3, 2)(x), 0.1)) as tf.Scalar
      const term = informationTerm(info, q, codes)
      return [weightedInformationGradient(info, term.gradient, 6), tf.grad(weighted)(q)]
    })
    const a = manual!.arraySync() as number[][]
    const b = automatic!.arraySync() as number[][]
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 5; j++) expect(a[i]![j]!).toBeCloseTo(b[i]![j]!, 6)
    }
    // The continuous columns carry a seventh of the weight they would carry under λ alone.
    expect(Math.abs(b[0]![3]!)).toBeGreaterThan(0)
    manual!.dispose()
    automatic!.dispose()
  })

  test('info.continuousWeight: left out or equal to weight, training gives the same bits; 0.1 changes them; snapshots record it', async () => {
    const data = toImageBatch(ringOfGaussians({ count: 256, seed: 1 }))
    const trained = async (info: object) => {
      const gan = new GAN({
        seed: 2,
        noiseDim: 8,
        generatorUnits: [16],
        discriminatorUnits: [16],
        info,
      })
      await gan.fit(data, { epochs: 2, batchSize: 64 })
      const snapshot = await gan.snapshot()
      const samples = await gan.sample(8, { seed: 1 })
      gan.dispose()
      return { snapshot, samples }
    }
    const before = tf.memory().numTensors
    const base = { categorical: [3], continuous: 2, weight: 0.5 }
    const plain = await trained(base)
    const same = await trained({ ...base, continuousWeight: 0.5 })
    const apart = await trained({ ...base, continuousWeight: 0.1 })
    const bits = (s: { snapshot: { weightData: ArrayBuffer } }) =>
      Buffer.from(s.snapshot.weightData).toString('base64')
    expect(bits(same)).toBe(bits(plain))
    expect(bits(apart)).not.toBe(bits(plain))
    // A model without the option records no such key: earlier snapshots and presets read as before.
    expect(Object.keys((plain.snapshot.modelOptions as { info: object }).info)).not.toContain(
      'continuousWeight',
    )
    expect(
      (apart.snapshot.modelOptions as { info: { continuousWeight: number } }).info,
    ).toMatchObject({ continuousWeight: 0.1 })
    const restored = new GAN(apart.snapshot.modelOptions)
    restored.restore(apart.snapshot)
    expect(Array.from((await restored.sample(8, { seed: 1 })).data)).toEqual(
      Array.from(apart.samples.data),
    )
    restored.dispose()
    expect(tf.memory().numTensors).toBe(before)
  }, 60_000)

  test('bad input: typed errors, and the trained model survives them', async () => {
    const bad: [unknown, RegExp][] = [
      [{ categorical: [1] }, /at least 2 values/],
      [{ categorical: [10], weight: -1 }, /weight must be a finite number ≥ 0/],
      [{ continuous: 2, continuousWeight: -0.1 }, /continuousWeight must be a finite number ≥ 0/],
      [{ continuous: 2, continuousWeight: NaN }, /continuousWeight must be a finite number ≥ 0/],
      [{ continuous: 2, continuousWeight: '0.1' }, /continuousWeight must be a finite number ≥ 0/],
      [{ continuous: 1.5 }, /continuous must be an integer/],
      [{}, /has no code/],
      ['ten', /must be an object/],
    ]
    for (const [info, message] of bad) {
      expect(() => validateGANModelOptions({ info } as never)).toThrow(message)
      try {
        validateGANModelOptions({ info } as never)
      } catch (error) {
        expect((error as { code: string }).code).toBe('INVALID_OPTION')
      }
    }
    expect(() => validateGANModelOptions({ noiseDim: 10, info: { categorical: [10] } })).toThrow(
      /larger than the noise/,
    )
    const data = toImageBatch(ringOfGaussians({ count: 128, seed: 1 }))
    // noiseDim 8 (the default for 2-D data) cannot hold a 10-way code beside noise.
    const tooLarge = new GAN({ info: { categorical: [10] } })
    await expect(tooLarge.fit(data, { epochs: 1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    tooLarge.dispose()
    const gan = new GAN({
      noiseDim: 6,
      generatorUnits: [8],
      discriminatorUnits: [8],
      info: { categorical: [3] },
    })
    await gan.fit(data, { epochs: 1, batchSize: 64 })
    await expect(gan.generateWithCodes([{ categorical: [3] }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    await expect(gan.generateWithCodes([{ categorical: [0, 1] }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    await expect(gan.generateWithCodes([{ continuous: [1] }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    const ok = await gan.generateWithCodes([{ categorical: [2] }, { categorical: [1] }])
    expect(ok.shape[0]).toBe(2)
    const plain = new GAN({ generatorUnits: [8], discriminatorUnits: [8] })
    await plain.fit(data, { epochs: 1, batchSize: 64 })
    await expect(plain.inferCodes(data)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    plain.dispose()
    gan.dispose()
  }, 60_000)

  test('junk codes and images through the InfoGAN actions: typed errors, weights unchanged', async () => {
    const host = new WorkerHost(BUILTIN_ENGINES)
    await host.init('cpu')
    const options = { generatorUnits: [8], discriminatorUnits: [8], noiseDim: 8, seed: 1 }
    await host.create('i', 'gan', { ...options, info: { categorical: [3], continuous: 2 } })
    const digits = { name: 'digits', limit: 64 } as const
    await host.train('i', digits, { epochs: 1, batchSize: 32 })
    const weights = async () =>
      Buffer.from((await host.snapshot('i')).weightData).toString('base64')
    const before = await weights()
    const info = await host.modelInfo('i')
    const context = {
      images: (input: unknown) =>
        toImageBatch(input as never, { name: 'images', imageShape: info.imageShape! }),
      model: info,
    }
    const value = fc.oneof(
      fc.integer({ min: -3, max: 5 }),
      fc.double(),
      fc.constantFrom(Number.NaN, null, undefined, 'a', true),
    )
    const row = fc.record(
      {
        categorical: fc.array(value, { maxLength: 3 }),
        continuous: fc.array(value, { maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    const junk = fc.oneof(fc.array(row, { maxLength: 3 }), value, fc.dictionary(fc.string(), value))
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('generateWithCodes', 'inferCodes'),
        fc.array(junk, { maxLength: 2 }),
        async (name, args) => {
          const action = ganSpec.actions[name] as AnyActionSpec
          let result: unknown
          try {
            const prepared = await prepareAction(action, name, context as never, args)
            result = await host.call('i', name, prepared as unknown[])
          } catch (error) {
            result =
              isWireError(error) || error instanceof LatentkitError ? fromWireError(error) : error
          }
          if (result instanceof Error) {
            expect(result, String(result)).toBeInstanceOf(LatentkitError)
            expect((result as LatentkitError).code).not.toBe('INTERNAL')
          }
        },
      ),
      { numRuns: 100 },
    )
    expect(await weights()).toBe(before)
    await host.disposeModel('i')
  }, 60_000)
})
