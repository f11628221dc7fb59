import * as tf from '@tensorflow/tfjs-core'
// Only this test needs TF.js's automatic differentiation, to check the engine's explicit backward pass.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { VAENetwork } from '../../src/core/vae/engine/vaeNetwork'
import { resolveVAEModelOptions } from '../../src/core/vae/vaeOptions'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

beforeAll(() => switchBackend('cpu'))

async function compare(likelihood: 'bernoulli' | 'gaussian', hiddenUnits: number[], beta: number) {
  const options = resolveVAEModelOptions(
    { latentDim: 3, hiddenUnits, likelihood, beta, seed: 7 },
    64,
  )
  const network = new VAENetwork(64, options)
  const digits = loadDigits({ limit: 16 }).images
  const epsilon = createRandom(3).normals(16 * 3)
  const [manual, automatic] = tf.tidy(() => {
    const x = tf.tensor2d(digits.data, [16, 64])
    const eps = tf.tensor2d(epsilon, [16, 3])
    const { gradients } = network.lossAndGradients(x, eps)
    const { grads } = tf.variableGrads(() => network.loss(x, eps).total, network.variables())
    const auto = network.variables().map((v) => grads[v.name] as tf.Tensor)
    return [
      tf.concat(gradients.map((g) => tf.reshape(g, [-1]))),
      tf.concat(auto.map((g) => tf.reshape(g, [-1]))),
    ]
  })
  const a = await manual!.data()
  const b = await automatic!.data()
  manual!.dispose()
  automatic!.dispose()
  network.dispose()
  return { count: a.length, relative: relativeGap(a, b) }
}

describe.each(['cpu', 'wasm'] as const)('explicit backward pass (%s)', (backend) => {
  beforeAll(() => switchBackend(backend))

  test('equals automatic differentiation (Bernoulli, two hidden layers, β = 1)', async () => {
    const { count, relative } = await compare('bernoulli', [32, 16], 1)
    expect(count).toBe(
      64 * 32 + 32 + 32 * 16 + 16 + 2 * (16 * 3 + 3) + 3 * 16 + 16 + 16 * 32 + 32 + 32 * 64 + 64,
    )
    expect(relative).toBeLessThan(1e-5)
  })

  test('equals automatic differentiation (Gaussian, one hidden layer, β = 4)', async () => {
    const { relative } = await compare('gaussian', [24], 4)
    expect(relative).toBeLessThan(1e-5)
  })
})
