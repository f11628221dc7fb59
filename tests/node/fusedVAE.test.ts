import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the fused kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { VAE } from '../../src/core/vae/engine/vae'
import { VAENetwork } from '../../src/core/vae/engine/vaeNetwork'
import { FusedVAETrainer } from '../../src/core/vae/engine/fusedVAETrainer'
import { resolveVAEModelOptions, type VAEModelOptions } from '../../src/core/vae/vaeOptions'
import {
  compileKernelBuild,
  KernelMemory,
  type KernelBuild,
} from '../../src/core/kernels/wasmKernels'
import { applyGradientList } from '../../src/core/engine/trainingLoop'
import { createRandom } from '../../src/core/random'
import { gatherRows } from '../../src/core/dataset'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

beforeAll(() => switchBackend('wasm'))

const digits = loadDigits().images
const ROWS = Uint32Array.from({ length: 16 }, (_, i) => i * 7)

async function trainer(build: KernelBuild, options: VAEModelOptions, batch: number) {
  const compiled = await compileKernelBuild(build)
  if (!compiled) throw new Error(`no ${build} build here`)
  const resolved = resolveVAEModelOptions({ seed: 7, ...options }, 64)
  const network = new VAENetwork(64, resolved)
  return { network, fused: new FusedVAETrainer(new KernelMemory(compiled), 64, resolved, batch) }
}

/** The batch of ROWS as a tensor, for the TF.js side. */
function batchTensor(): tf.Tensor2D {
  const x = new Float32Array(ROWS.length * 64)
  gatherRows(x, digits.data, ROWS, 64)
  return tf.tensor2d(x, [ROWS.length, 64])
}

describe.each(['simd', 'relaxed-simd'] as const)('fused VAE step (%s build)', (build) => {
  test.each([
    ['Bernoulli, two hidden layers, β = 1', { hiddenUnits: [32, 16], latentDim: 3 }],
    [
      'Gaussian, one hidden layer, β = 4',
      { hiddenUnits: [24], latentDim: 5, likelihood: 'gaussian', beta: 4 },
    ],
    ['no hidden layer', { hiddenUnits: [], latentDim: 2 }],
  ] as [string, VAEModelOptions][])(
    'loss and gradients equal TF.js automatic differentiation (%s)',
    async (_, options) => {
      const { network, fused } = await trainer(build, options, 16)
      const latent = network.options.latentDim
      const epsilon = createRandom(3).normals(16 * latent)
      const ours = fused.gradients(network.variables(), { data: digits.data, rows: ROWS, epsilon })
      const [loss, reference] = tf.tidy(() => {
        const x = batchTensor()
        const eps = tf.tensor2d(epsilon, [16, latent])
        const { value, grads } = tf.variableGrads(
          () => network.loss(x, eps).total,
          network.variables(),
        )
        return [value, network.variables().map((v) => grads[v.name] as tf.Tensor)]
      })
      const expectedLoss = (await loss.data())[0] as number
      const flatOurs = Float32Array.from(ours.gradients.flatMap((g) => Array.from(g)))
      const flatReference = Float32Array.from(
        reference.flatMap((g) => Array.from(g.dataSync() as Float32Array)),
      )
      expect(Math.abs(ours.loss.loss - expectedLoss) / Math.abs(expectedLoss)).toBeLessThan(1e-5)
      expect(flatOurs.length).toBe(flatReference.length)
      expect(relativeGap(flatOurs, flatReference)).toBeLessThan(1e-5)
      tf.dispose([loss, ...reference])
      network.dispose()
    },
  )

  test('three steps move the weights as tf.train.adam does', async () => {
    const options: VAEModelOptions = { hiddenUnits: [32], latentDim: 4 }
    const a = await trainer(build, options, 16)
    const b = await trainer(build, options, 16)
    const optimizer = tf.train.adam(0.01)
    for (let step = 0; step < 3; step++) {
      const epsilon = createRandom(step).normals(16 * 4)
      a.fused.step(a.network.variables(), { data: digits.data, rows: ROWS, epsilon }, 0.01)
      tf.tidy(() => {
        const { gradients } = b.network.lossAndGradients(
          batchTensor(),
          tf.tensor2d(epsilon, [16, 4]),
        )
        applyGradientList(optimizer, b.network.variables(), gradients)
      })
    }
    const weights = (network: VAENetwork) =>
      Float32Array.from(network.variables().flatMap((v) => Array.from(v.dataSync())))
    const initial = weights((await trainer(build, options, 16)).network)
    const moved = weights(a.network)
    expect(relativeGap(moved, initial)).toBeGreaterThan(1e-3)
    expect(relativeGap(moved, weights(b.network))).toBeLessThan(1e-5)
    optimizer.dispose()
    a.network.dispose()
    b.network.dispose()
  })
})

describe('VAE.fit on the WASM backend', () => {
  test('fused and TF.js steps train the same model; tensors come back to the baseline', async () => {
    const baseline = tf.memory().numTensors
    const losses: number[] = []
    for (const fusedKernels of [true, false]) {
      const vae = new VAE({ seed: 2, hiddenUnits: [32], latentDim: 4 })
      const result = await vae.fit(digits, { epochs: 2, batchSize: 64, fusedKernels })
      losses.push(result.last?.loss ?? NaN)
      const images = await vae.sample(3, { seed: 1 })
      expect(images.data.every(Number.isFinite)).toBe(true)
      vae.dispose()
    }
    expect(Math.abs((losses[0] as number) - (losses[1] as number))).toBeLessThan(
      1e-3 * Math.abs(losses[1] as number),
    )
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('seeded fused runs repeat exactly, and decode between calls sees the trained weights', async () => {
    const run = async () => {
      const vae = new VAE({ seed: 5, hiddenUnits: [16], latentDim: 2 })
      await vae.fit(digits, { epochs: 1, batchSize: 100 })
      const early = await vae.evaluate(digits, 1)
      await vae.fit(digits, { epochs: 3, batchSize: 100 })
      const late = await vae.evaluate(digits, 1)
      const decoded = await vae.decode(new Float32Array([0.5, -0.5]))
      vae.dispose()
      return { early: early.loss, late: late.loss, decoded: Array.from(decoded.data) }
    }
    const first = await run()
    const second = await run()
    expect(second).toEqual(first)
    expect(first.late).toBeLessThan(first.early)
  })

  test('fusedKernels must be a boolean', async () => {
    const vae = new VAE()
    await expect(
      vae.fit(digits, { fusedKernels: 'yes' as unknown as boolean }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'fusedKernels' } })
    vae.dispose()
  })
})
