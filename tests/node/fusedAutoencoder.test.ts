import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the fused kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { AutoencoderNetwork } from '../../src/core/autoencoder/engine/autoencoderNetwork'
import { FusedAutoencoderTrainer } from '../../src/core/autoencoder/engine/fusedAutoencoderTrainer'
import {
  resolveAutoencoderOptions,
  type AutoencoderModelOptions,
} from '../../src/core/autoencoder/autoencoderOptions'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { applyGradientList } from '../../src/core/engine/trainingLoop'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

beforeAll(() => switchBackend('wasm'))

const digits = loadDigits().images
const clean = digits.data.slice(0, 16 * 64)

async function setup(
  build: 'simd' | 'relaxed-simd',
  options: AutoencoderModelOptions,
  output: 'sigmoid' | 'linear',
) {
  const compiled = await compileKernelBuild(build)
  if (!compiled) throw new Error(`no ${build} build here`)
  const resolved = resolveAutoencoderOptions({ seed: 7, ...options }, 64)
  const network = new AutoencoderNetwork(64, resolved, output)
  const fused = new FusedAutoencoderTrainer(new KernelMemory(compiled), 64, resolved, output, 16)
  return { network, fused }
}

/** What the encoder sees: the clean digits, or shifted and noisy ones (outside [0, 1]). */
function inputFor(noisy: boolean): Float32Array {
  if (!noisy) return clean
  const noise = createRandom(4).normals(clean.length)
  return clean.map((v, i) => v + 0.3 * (noise[i] as number))
}

describe.each(['simd', 'relaxed-simd'] as const)('fused autoencoder step (%s build)', (build) => {
  test.each([
    ['plain, sigmoid output', { hiddenUnits: [32, 16], codeSize: 4 }, 'sigmoid', false],
    ['sparse (L1 on the code)', { kind: 'sparse', sparsity: 0.3, codeSize: 6 }, 'sigmoid', false],
    ['denoising (noisy input, clean target)', { kind: 'denoising', codeSize: 5 }, 'sigmoid', true],
    ['linear', { kind: 'linear', codeSize: 3 }, 'linear', false],
    ['linear output for data outside [0, 1]', { codeSize: 4 }, 'linear', true],
  ] as [string, AutoencoderModelOptions, 'sigmoid' | 'linear', boolean][])(
    'loss and gradients equal TF.js automatic differentiation (%s)',
    async (_, options, output, noisy) => {
      const { network, fused } = await setup(build, options, output)
      const input = inputFor(noisy)
      const ours = fused.gradients(network.variables(), { input, clean })
      const reference = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () =>
            network.lossAndGradients(tf.tensor2d(input, [16, 64]), tf.tensor2d(clean, [16, 64]))
              .terms.total,
          network.variables(),
        )
        return [value, ...network.variables().map((v) => grads[v.name] as tf.Tensor)]
      })
      const [loss, ...grads] = reference
      const expected = (loss as tf.Tensor).dataSync()[0] as number
      expect(Math.abs(ours.loss.loss - expected) / expected).toBeLessThan(1e-5)
      const flat = (arrays: ArrayLike<number>[]) =>
        Float32Array.from(arrays.flatMap((a) => Array.from(a)))
      expect(relativeGap(flat(ours.gradients), flat(grads.map((g) => g.dataSync())))).toBeLessThan(
        1e-5,
      )
      tf.dispose(reference)
      network.dispose()
    },
  )

  test('three steps move the weights as tf.train.adam does (sparse kind)', async () => {
    const options: AutoencoderModelOptions = { kind: 'sparse', sparsity: 0.1, codeSize: 6 }
    const a = await setup(build, options, 'sigmoid')
    const b = await setup(build, options, 'sigmoid')
    const optimizer = tf.train.adam(0.01)
    for (let step = 0; step < 3; step++) {
      a.fused.step(a.network.variables(), { input: clean, clean }, 0.01)
      tf.tidy(() => {
        const x = tf.tensor2d(clean, [16, 64])
        const { gradients } = b.network.lossAndGradients(x, x)
        applyGradientList(optimizer, b.network.variables(), gradients)
      })
    }
    const weights = (network: AutoencoderNetwork) =>
      Float32Array.from(network.variables().flatMap((v) => Array.from(v.dataSync())))
    const initial = weights((await setup(build, options, 'sigmoid')).network)
    expect(relativeGap(weights(a.network), initial)).toBeGreaterThan(1e-2)
    // Adam divides each gradient by its running RMS, so float32 rounding in tiny gradients (codes near
    // 0 under the L1 penalty) is amplified: the weights agree to 1e-4 of the largest, steps of 1e-2.
    expect(relativeGap(weights(a.network), weights(b.network))).toBeLessThan(1e-4)
    optimizer.dispose()
    a.network.dispose()
    b.network.dispose()
  })
})

test('Autoencoder.fit on WASM: fused and TF.js steps train the same model, tensors back to baseline', async () => {
  const baseline = tf.memory().numTensors
  const losses: number[] = []
  const kernels: string[] = []
  for (const fusedKernels of [true, false]) {
    const model = new Autoencoder({ kind: 'denoising', codeSize: 8, seed: 3 })
    const result = await model.fit(
      digits,
      { epochs: 2, batchSize: 64, fusedKernels },
      { onUpdate: (u) => kernels.push(u.progress.kernels) },
    )
    losses.push(result.last?.loss ?? NaN)
    model.dispose()
  }
  expect(kernels.at(0)).toMatch(/^wasm-/)
  expect(kernels.at(-1)).toBe('tfjs')
  expect(Math.abs(losses[0]! - losses[1]!)).toBeLessThan(1e-3 * losses[1]!)
  expect(tf.memory().numTensors).toBe(baseline)
})
