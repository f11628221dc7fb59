import * as Comlink from 'comlink'
import { describe, expect, test } from 'vitest'
import type { ImageBatch, LatentBatch } from '../../src/core/dataset'
import { act } from '../workerCalls'
import type { WorkerHost } from '../../workers/host'
import { fromWireError } from '../../src/core/errors'

function startWorker(): { api: Comlink.Remote<WorkerHost>; worker: Worker } {
  const worker = new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
    type: 'module',
  })
  return { api: Comlink.wrap<WorkerHost>(worker), worker }
}

describe('the real worker', () => {
  for (const backend of ['wasm', 'webgl'] as const) {
    test(`returns to its tensor baseline after training and dispose (${backend})`, async () => {
      const { api, worker } = startWorker()
      try {
        expect((await api.init(backend)).name).toBe(backend)
        await api.create('a', 'vae', { seed: 1 })
        const baseline = await api.memory()
        await api.train('a', { name: 'digits', limit: 256 }, { epochs: 2 })
        await act<ImageBatch>(api, 'a', 'sample', 8, 1)
        await act<ImageBatch>(api, 'a', 'reconstruct', {
          data: new Float32Array(64).fill(0.5),
          shape: [1, 8, 8, 1],
        })
        await api.disposeModel('a')
        const after = await api.memory()
        expect(after.numTensors).toBe(baseline.numTensors)
        expect(after.numBytes).toBe(baseline.numBytes)
      } finally {
        worker.terminate()
      }
    })
  }

  test('a result array is transferred to the page, not copied', async () => {
    const { api, worker } = startWorker()
    try {
      await api.init('wasm')
      await api.create('b', 'vae', { seed: 1 })
      await api.train('b', { name: 'digits', limit: 64 }, { epochs: 1 })
      const input = new Float32Array(64).fill(0.3)
      const encoded = await api.call(
        'b',
        'encode',
        Comlink.transfer([{ data: input, shape: [1, 8, 8, 1] as const }], [input.buffer]),
      )
      expect(input.byteLength).toBe(0)
      expect((encoded.result as LatentBatch).shape).toEqual([1, 8])
      const error = await act<ImageBatch>(api, 'b', 'decode', new Float32Array(3)).catch(
        (e: unknown) => fromWireError(e),
      )
      expect(error).toMatchObject({ code: 'SHAPE_MISMATCH' })
      // The worker survived the bad call and still serves the model.
      expect((await act<ImageBatch>(api, 'b', 'sample', 2, 5)).shape).toEqual([2, 8, 8, 1])
    } finally {
      worker.terminate()
    }
  })
})
