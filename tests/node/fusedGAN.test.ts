import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { GAN } from '../../src/core/gan/engine/gan'
import { GANNetwork } from '../../src/core/gan/engine/ganNetwork'
import { FusedGANTrainer } from '../../src/core/gan/engine/fusedGANTrainer'
import { resolveGANModelOptions, type GANModelOptions } from '../../src/core/gan/ganOptions'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { gatherRows, toImageBatch } from '../../src/core/dataset'
import { createRandom } from '../../src/core/random'
import { drawInfoLatents } from '../../src/core/gan/infoCodes'
import { ringOfGaussians } from '../../src/data/toy2d'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'
import { expectFusedInfoGANFit } from './infoGANFitPaths'

beforeAll(() => switchBackend('wasm'))

const digits = loadDigits().images
const ROWS = Uint32Array.from({ length: 16 }, (_, i) => i * 5)

describe.each(['simd', 'relaxed-simd'] as const)('fused GAN step (%s build)', (build) => {
  test.each([
    [
      'digits, sigmoid output, label smoothing 0.1',
      64,
      { generatorUnits: [32], discriminatorUnits: [24, 16] },
      0.9,
    ],
    ['digits, tanh output', 64, { output: 'tanh', generatorUnits: [16, 16] }, 1],
    ['2-D points, linear output', 2, { output: 'linear' }, 1],
  ] as [string, number, GANModelOptions, number][])(
    'gradients equal the TF.js passes (%s)',
    async (_, size, options, realLabel) => {
      const compiled = await compileKernelBuild(build)
      expect(compiled).toBeDefined()
      const resolved = resolveGANModelOptions({ seed: 3, noiseDim: 5, ...options }, size, true)
      const shape = size === 2 ? ([1, 2, 1] as const) : ([8, 8, 1] as const)
      const network = new GANNetwork([...shape], resolved)
      const data =
        size === 2 ? toImageBatch(ringOfGaussians({ count: 128, seed: 1 })).data : digits.data
      const fused = new FusedGANTrainer(new KernelMemory(compiled!), size, resolved, 16)
      const random = createRandom(9)
      const zD = random.normals(16 * 5)
      const zG = random.normals(16 * 5)
      const ours = fused.gradients(
        network.generatorVariables(),
        network.discriminatorVariables(),
        data,
        ROWS,
        zD,
        zG,
        realLabel,
      )
      const x = new Float32Array(16 * size)
      gatherRows(x, data, ROWS, size)
      const [dLoss, dGrads, gGrads] = tf.tidy(() => {
        const d = network.discriminatorPass(
          tf.tensor2d(x, [16, size]),
          tf.tensor2d(zD, [16, 5]),
          realLabel,
        )
        const g = network.generatorPass(tf.tensor2d(zG, [16, 5]))
        return [d.loss, d.gradients, g.gradients] as const
      })
      const flat = (arrays: readonly ArrayLike<number>[]) =>
        Float32Array.from(arrays.flatMap((a) => Array.from(a)))
      const expectedLoss = dLoss.dataSync()[0] as number
      expect(Math.abs(ours.discriminatorLoss - expectedLoss) / expectedLoss).toBeLessThan(1e-5)
      expect(
        relativeGap(flat(ours.discriminator), flat(dGrads.map((g) => g.dataSync()))),
      ).toBeLessThan(1e-5)
      expect(relativeGap(flat(ours.generator), flat(gGrads.map((g) => g.dataSync())))).toBeLessThan(
        1e-5,
      )
      tf.dispose([dLoss, ...dGrads, ...gGrads])
      network.dispose()
    },
  )

  test("an InfoGAN's losses, L_I, code accuracy and gradients (Q head included) equal the TF.js passes", async () => {
    const compiled = await compileKernelBuild(build)
    expect(compiled).toBeDefined()
    const noiseDim = 12
    const resolved = resolveGANModelOptions(
      {
        seed: 3,
        noiseDim,
        generatorUnits: [32],
        discriminatorUnits: [24],
        info: { categorical: [4, 2], continuous: 2, weight: 0.8, continuousWeight: 0.2 },
      },
      64,
      true,
    )
    const network = new GANNetwork([8, 8, 1], resolved)
    const fused = new FusedGANTrainer(new KernelMemory(compiled!), 64, resolved, 16)
    const random = createRandom(9)
    const zD = drawInfoLatents(resolved.info!, noiseDim, 16, random)
    const zG = drawInfoLatents(resolved.info!, noiseDim, 16, random)
    const ours = fused.gradients(
      network.generatorVariables(),
      network.discriminatorVariables(),
      digits.data,
      ROWS,
      zD,
      zG,
      0.9,
    )
    const x = new Float32Array(16 * 64)
    gatherRows(x, digits.data, ROWS, 64)
    const reference = tf.tidy(() => {
      const d = network.discriminatorPass(
        tf.tensor2d(x, [16, 64]),
        tf.tensor2d(zD, [16, noiseDim]),
        0.9,
      )
      const g = network.generatorPass(tf.tensor2d(zG, [16, noiseDim]))
      return {
        scalars: tf.stack([d.loss, g.loss, g.informationLoss!, g.codeAccuracy!]),
        dGrads: d.gradients,
        gGrads: g.gradients,
      }
    })
    const [dLoss, gLoss, informationLoss, accuracy] = Array.from(reference.scalars.dataSync())
    expect(
      relativeGap(
        [ours.discriminatorLoss, ours.generatorLoss, ours.information!.loss],
        [dLoss!, gLoss!, informationLoss!],
      ),
    ).toBeLessThan(1e-5)
    expect(Math.fround(ours.information!.accuracy)).toBe(accuracy)
    const flat = (arrays: readonly ArrayLike<number>[]) =>
      Float32Array.from(arrays.flatMap((a) => Array.from(a)))
    // The last layer's kernel: the logit's column and the eight Q columns.
    expect(ours.discriminator.at(-2)!.length).toBe(24 * 9)
    expect(
      relativeGap(flat(ours.discriminator), flat(reference.dGrads.map((g) => g.dataSync()))),
    ).toBeLessThan(1e-5)
    expect(
      relativeGap(flat(ours.generator), flat(reference.gGrads.map((g) => g.dataSync()))),
    ).toBeLessThan(1e-5)
    tf.dispose([reference.scalars, ...reference.dGrads, ...reference.gGrads])
    network.dispose()
  })
})

describe('GAN.fit on the WASM backend', () => {
  test('fused and TF.js steps train the same dense GAN; tensors come back to the baseline', async () => {
    const baseline = tf.memory().numTensors
    const ring = toImageBatch(ringOfGaussians({ count: 512, seed: 1 }))
    const runs: { kernels: string[]; loss: number; sample: number[] }[] = []
    for (const fusedKernels of [true, false]) {
      const gan = new GAN({ seed: 2 })
      const kernels: string[] = []
      const result = await gan.fit(
        ring,
        { epochs: 2, batchSize: 64, fusedKernels, discriminatorSteps: 2, labelSmoothing: 0.1 },
        { onUpdate: (u) => kernels.push(u.progress.kernels) },
      )
      const sample = await gan.sample(4, { seed: 1 })
      runs.push({
        kernels,
        loss: result.last?.generatorLoss ?? NaN,
        sample: Array.from(sample.data),
      })
      gan.dispose()
    }
    expect(runs[0]!.kernels.at(-1)).toMatch(/^wasm-/)
    expect(runs[1]!.kernels.at(-1)).toBe('tfjs')
    expect(Math.abs(runs[0]!.loss - runs[1]!.loss)).toBeLessThan(1e-3 * Math.abs(runs[1]!.loss))
    expect(relativeGap(runs[0]!.sample, runs[1]!.sample)).toBeLessThan(1e-3)
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('fused and TF.js steps train the same dense InfoGAN: losses, L_I, code accuracy, samples and Q', async () => {
    await expectFusedInfoGANFit(
      {
        seed: 2,
        noiseDim: 16,
        generatorUnits: [64],
        discriminatorUnits: [64],
        info: { categorical: [10], continuous: 2 },
      },
      digits,
      { epochs: 2, batchSize: 64 },
      { categorical: [3], continuous: [0.5, -1] },
    )
  })

  test('diversity is measured on the fused path as on the TF.js one; fusedKernels must be a boolean', async () => {
    const ring = toImageBatch(ringOfGaussians({ count: 2048, seed: 1 }))
    const diversity: number[] = []
    for (const fusedKernels of [true, false]) {
      const gan = new GAN({ seed: 1 })
      await gan.fit(
        ring,
        { epochs: 1, batchSize: 64, fusedKernels },
        {
          onUpdate: (u) => {
            for (const point of u.history)
              if (point.diversity !== undefined) diversity.push(point.diversity)
          },
        },
      )
      gan.dispose()
    }
    // 32 steps: one measurement (step 25) per run.
    expect(diversity.length).toBe(2)
    expect(diversity[0]).toBeGreaterThan(0)
    expect(Math.abs(diversity[0]! - diversity[1]!)).toBeLessThan(1e-3 * diversity[1]!)
    const gan = new GAN()
    await expect(gan.fit(ring, { fusedKernels: 1 as unknown as boolean })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'fusedKernels' },
    })
    gan.dispose()
  })
})
