import * as tf from '@tensorflow/tfjs-core'
// Only this check needs TF.js's automatic differentiation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { describe, expect, test } from 'vitest'
import {
  applyConvTraced,
  backpropConv,
  createConv,
  transposedConv,
} from '../../src/core/engine/conv'
import { createRandom } from '../../src/core/random'
import { switchBackend } from './setupBackend'
import { relativeGap } from './relativeGap'

/** Manual and (on CPU) automatic gradients of Σ(y·g) for one layer, flattened: kernel, bias, input. */
async function gradients(
  backend: 'cpu' | 'wasm',
  transposed: boolean,
  withAutodiff: boolean,
): Promise<{ manual: Float32Array; automatic: Float32Array | undefined }> {
  await switchBackend(backend)
  const random = createRandom(9)
  const [h, inputs, outputs] = transposed ? [7, 6, 3] : [14, 3, 6]
  const layer = createConv(4, inputs, outputs, 2, transposed, 'relu', random, 'test')
  const xValues = createRandom(2).normals(2 * h * h * inputs)
  const outSide = transposed ? h * 2 : Math.ceil(h / 2)
  const gValues = createRandom(3).normals(2 * outSide * outSide * outputs)
  const [manual, automatic] = tf.tidy(() => {
    const x = tf.tensor4d(xValues, [2, h, h, inputs])
    const g = tf.tensor4d(gValues, [2, outSide, outSide, outputs])
    const trace = applyConvTraced(layer, x)
    const grads = backpropConv(layer, trace, g, true)
    const flat = tf.concat([
      tf.reshape(grads.kernel, [-1]),
      grads.bias,
      tf.reshape(grads.input!, [-1]),
    ])
    if (!withAutodiff) return [flat, undefined]
    // The reference is TF.js's own layers, not the sub-pixel forward pass under test.
    const f = (kernel: tf.Tensor, bias: tf.Tensor, input: tf.Tensor): tf.Scalar => {
      const k = kernel as tf.Tensor4D
      const x4 = input as tf.Tensor4D
      const pre = transposed
        ? tf.conv2dTranspose(x4, k, [2, outSide, outSide, outputs], 2, 'same')
        : tf.conv2d(x4, k, 2, 'same')
      return tf.sum(tf.mul(tf.relu(tf.add(pre, bias)), g))
    }
    const auto = tf.grads(f)([layer.kernel, layer.bias, x])
    return [flat, tf.concat(auto.map((t) => tf.reshape(t, [-1])))]
  })
  const result = {
    manual: (await manual!.data()) as Float32Array,
    automatic: automatic ? ((await automatic.data()) as Float32Array) : undefined,
  }
  manual!.dispose()
  automatic?.dispose()
  layer.kernel.dispose()
  layer.bias.dispose()
  return result
}

describe('convolution layers with an explicit backward pass', () => {
  test.each([
    ['cpu', 7, 5, 3],
    ['cpu', 4, 2, 6],
    ['wasm', 7, 5, 3],
    ['wasm', 14, 32, 16],
  ] as const)(
    'sub-pixel transposed convolution equals conv2dTranspose (%s, side %i, %i → %i channels)',
    async (backend, side, inputs, outputs) => {
      await switchBackend(backend)
      const [fast, reference] = tf.tidy(() => {
        const x = tf.tensor4d(createRandom(4).normals(2 * side * side * inputs), [
          2,
          side,
          side,
          inputs,
        ])
        const kernel = tf.tensor4d(createRandom(5).normals(16 * inputs * outputs), [
          4,
          4,
          outputs,
          inputs,
        ])
        return [
          transposedConv(x, kernel, 2),
          tf.conv2dTranspose(x, kernel, [2, side * 2, side * 2, outputs], 2, 'same'),
        ]
      })
      expect(fast!.shape).toEqual(reference!.shape)
      expect(relativeGap(await fast!.data(), await reference!.data())).toBeLessThan(1e-5)
      fast!.dispose()
      reference!.dispose()
      await switchBackend('cpu')
    },
  )

  for (const transposed of [false, true]) {
    const name = transposed ? 'transposed convolution (stride 2)' : 'convolution (stride 2)'
    test(`${name}: equals automatic differentiation on CPU and the CPU result on WASM`, async () => {
      const cpu = await gradients('cpu', transposed, true)
      expect(cpu.manual.length).toBe(cpu.automatic!.length)
      expect(relativeGap(cpu.manual, cpu.automatic!)).toBeLessThan(1e-5)
      const wasm = await gradients('wasm', transposed, false)
      expect(relativeGap(wasm.manual, cpu.manual)).toBeLessThan(1e-4)
      await switchBackend('cpu')
    })
  }
})
