import * as Comlink from 'comlink'
import { describe, expect, test } from 'vitest'
import type { ImageBatch } from '../../src/core/dataset'
import { act } from '../workerCalls'
import type { WorkerHost } from '../../workers/host'
import type { GANHistoryPoint } from '../../src/core/gan/ganSpec'

const sprites = { name: 'sprites', count: 64, size: 28 } as const

/** Samples of a barely trained convolutional GAN (same seed, tiny learning rate) on `backend`. */
async function convGANOn(backend: 'wasm' | 'webgl' | 'webgpu'): Promise<Float32Array> {
  const worker = new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
    type: 'module',
  })
  const api = Comlink.wrap<WorkerHost>(worker)
  try {
    expect((await api.init(backend)).name).toBe(backend)
    await api.create('g', 'gan', { architecture: 'conv', filters: 8, seed: 3 })
    const baseline = await api.memory()
    const summary = await api.train('g', sprites, { epochs: 1, batchSize: 32 })
    expect(summary.steps).toBe(2)
    const last = summary.last as GANHistoryPoint | undefined
    expect(Number.isFinite(last?.generatorLoss)).toBe(true)
    expect(Number.isFinite(last?.discriminatorLoss)).toBe(true)
    await api.create('still', 'gan', { architecture: 'conv', filters: 8, seed: 3 })
    await api.train('still', sprites, {
      epochs: 1,
      batchSize: 64,
      generatorLearningRate: 1e-12,
      discriminatorLearningRate: 1e-12,
    })
    const samples = await act<ImageBatch>(api, 'still', 'sample', 4, 1)
    expect(samples.shape).toEqual([4, 28, 28, 1])
    await api.disposeModel('g')
    await api.disposeModel('still')
    expect((await api.memory()).numTensors).toBe(baseline.numTensors)
    return samples.data
  } finally {
    worker.terminate()
  }
}

describe('the convolutional GAN in the real worker', () => {
  // Three workers on software GPUs here; each backend also compiles the training step and the
  // generator once more for a second batch shape (the memory measurement of a new architecture).
  test(
    'trains on WASM, WebGL and WebGPU, draws the same samples from the same weights, and returns to its tensor baseline',
    { timeout: 300_000 },
    async () => {
      const wasm = await convGANOn('wasm')
      expect(wasm.every((v) => v >= 0 && v <= 1)).toBe(true)
      for (const backend of ['webgl', 'webgpu'] as const) {
        const other = await convGANOn(backend)
        let largest = 0
        for (let i = 0; i < wasm.length; i++) {
          largest = Math.max(largest, Math.abs((wasm[i] as number) - (other[i] as number)))
        }
        expect(largest, backend).toBeLessThan(2e-3)
      }
    },
  )
})
