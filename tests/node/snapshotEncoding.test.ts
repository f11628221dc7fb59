/**
 * `createSnapshot` writes the weights and training arrays straight into one buffer: it must be the
 * buffer `tf.io.encodeWeights` gives for the same arrays (the format saved files and older
 * snapshots use), on the CPU and WASM backends, and copy everything before its promise is returned.
 */
import * as tf from '@tensorflow/tfjs-core'
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu'
import { describe, expect, test } from 'vitest'
import { createSnapshot, type CapturedTraining } from '../../src/core/engine/modelSnapshot'
import type { SnapshotHead } from '../../src/core/engine/modelSnapshot'
import { switchBackend } from './setupBackend'

const head: SnapshotHead = {
  kind: 'test',
  modelOptions: {},
  imageShape: [2, 2, 1],
  trainedSteps: 3,
  trainedEpochs: 1,
  network: {},
  state: {},
}

/** Bytes of `tf.io.encodeWeights` for the arrays a snapshot of them must hold, in order. */
async function expectedBytes(arrays: readonly tf.Tensor[]): Promise<Uint8Array> {
  const named = arrays.map((tensor, i) => ({ name: `a${i}`, tensor }))
  return new Uint8Array((await tf.io.encodeWeights(named)).data)
}

/**
 * The CPU backend under another name, with its kernels: snapshots take the path of WebGL and WebGPU
 * (copies read asynchronously) for any backend but CPU and WASM.
 */
const DEVICE_LIKE = 'device-like'
function registerDeviceLike(): void {
  if (tf.findBackendFactory(DEVICE_LIKE)) return
  tf.registerBackend(DEVICE_LIKE, () => new MathBackendCPU())
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...kernel, backendName: DEVICE_LIKE })
  }
}

async function useBackend(name: 'cpu' | 'wasm' | typeof DEVICE_LIKE): Promise<void> {
  if (name !== DEVICE_LIKE) return switchBackend(name)
  registerDeviceLike()
  await tf.setBackend(DEVICE_LIKE)
  await tf.ready()
}

describe.each(['cpu', 'wasm', DEVICE_LIKE] as const)('snapshot weight data on %s', (backend) => {
  test('equals tf.io.encodeWeights of the same arrays, every kind of weight and state', async () => {
    await useBackend(backend)
    const floats = tf.variable(tf.tensor2d([0.1, -2.5, 3e-8, 7], [2, 2]))
    const ints = tf.variable(tf.tensor1d([1, -2, 2147483647], 'int32'))
    const hostWeight = { values: Float64Array.from([1 / 3, -0.7]), shape: [2] }
    const flags = tf.cast(tf.tensor1d([1, 0, 1], 'bool'), 'float32')
    const moments = { values: Float32Array.from([5, -6, 1e-30]), shape: [3] }
    const sums = { values: Float64Array.from([Math.PI, -1e300]), shape: [2] }
    const training: CapturedTraining = {
      record: { random: {}, parts: [{ name: 'test', state: {}, arrays: 3 }] },
      arrays: [flags, moments, sums],
    }
    const snapshot = await createSnapshot(head, [floats, ints, hostWeight], training)
    const expected = [
      floats,
      ints,
      tf.tensor1d(Float32Array.from(hostWeight.values)),
      tf.tensor1d([1, 0, 1]),
      tf.tensor1d(moments.values),
      tf.tensor2d(new Int32Array(sums.values.buffer.slice(0)), [2, 2], 'int32'),
    ]
    expect(new Uint8Array(snapshot.weightData)).toEqual(await expectedBytes(expected))
    expect(snapshot.weightSpecs).toEqual([
      { name: 'w0', shape: [2, 2], dtype: 'float32' },
      { name: 'w1', shape: [3], dtype: 'int32' },
      { name: 'w2', shape: [2], dtype: 'float32' },
      { name: 't0', shape: [3], dtype: 'float32' },
      { name: 't1', shape: [3], dtype: 'float32' },
      { name: 't2', shape: [2, 2], dtype: 'int32' },
    ])
    tf.dispose([floats, ints, flags, ...expected])
  })

  test('holds the values of the moment it was taken, and no tensor afterwards', async () => {
    await useBackend(backend)
    const weight = tf.variable(tf.tensor1d([1, 2, 3]))
    const moments = { values: Float32Array.from([4, 5]), shape: [2] }
    const before = tf.memory().numTensors
    const taking = createSnapshot(head, [weight], {
      record: { random: {}, parts: [{ name: 'test', state: {}, arrays: 1 }] },
      arrays: [moments],
    })
    // Training goes on at once: both change before the promise settles.
    const nines = tf.tensor1d([9, 9, 9])
    weight.assign(nines)
    nines.dispose()
    moments.values.fill(0)
    const snapshot = await taking
    expect(Array.from(new Float32Array(snapshot.weightData))).toEqual([1, 2, 3, 4, 5])
    expect(tf.memory().numTensors).toBe(before)
    weight.dispose()
  })
})
