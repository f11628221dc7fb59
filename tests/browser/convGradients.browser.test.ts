import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-webgl'
import '@tensorflow/tfjs-backend-webgpu'
import { describe, expect, test } from 'vitest'
import { applyConvTraced, backpropConv, createConv } from '../../src/core/engine/conv'
import { createRandom } from '../../src/core/random'
import { relativeGap } from '../node/relativeGap'

/**
 * Kernel, bias and input gradients of Σ(y·g) for one 4×4 stride-2 layer on `backend`, flattened. The
 * filter gradient is a dilated convolution with explicit padding, which the GPU backends must run as
 * the CPU does (WASM against the CPU: tests/node/conv.test.ts).
 */
async function layerGradients(
  backend: string,
  transposed: boolean,
  outputs: number,
): Promise<Float32Array> {
  await tf.setBackend(backend)
  const [h, inputs] = transposed ? [7, 8] : [14, 3]
  const layer = createConv(4, inputs, outputs, 2, transposed, 'relu', createRandom(9), 'grad')
  const outSide = transposed ? h * 2 : h / 2
  const x = tf.tensor4d(createRandom(2).normals(2 * h * h * inputs), [2, h, h, inputs])
  const g = tf.tensor4d(createRandom(3).normals(2 * outSide * outSide * outputs), [
    2,
    outSide,
    outSide,
    outputs,
  ])
  const flat = tf.tidy(() => {
    const grads = backpropConv(layer, applyConvTraced(layer, x), g, true)
    return tf.concat([tf.reshape(grads.kernel, [-1]), grads.bias, tf.reshape(grads.input!, [-1])])
  })
  const values = (await flat.data()) as Float32Array
  tf.dispose([flat, x, g, layer.kernel, layer.bias])
  return values
}

describe('convolution layers on every backend in Chromium', () => {
  for (const [transposed, outputs] of [
    [false, 6],
    [true, 3],
  ] as const) {
    test(`${transposed ? 'transposed' : 'plain'} 4×4 stride-2 layer, ${outputs} outputs: WebGL and WebGPU gradients equal the CPU's`, async () => {
      const reference = await layerGradients('cpu', transposed, outputs)
      for (const backend of ['webgl', 'webgpu']) {
        const numTensors = tf.memory().numTensors
        const gap = relativeGap(await layerGradients(backend, transposed, outputs), reference)
        expect(gap, backend).toBeLessThan(1e-4)
        expect(tf.memory().numTensors, backend).toBe(numTensors)
      }
      await tf.setBackend('cpu')
    })
  }
})
