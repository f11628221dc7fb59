import { afterEach, describe, expect, test } from 'vitest'
import { VAEClient } from '../../src/client/builtinClients'
import { workerPoolStats } from '../../src/client/workerPool'
import { waitFor } from './workerSpy'

const clients: (() => void)[] = []
afterEach(() => {
  for (const unsubscribe of clients.splice(0)) unsubscribe()
})

function subscribed(client: VAEClient): VAEClient {
  clients.push(client.subscribe(() => {}))
  return client
}

describe('VAEClient in a real worker', () => {
  for (const backend of ['wasm', 'webgl', 'webgpu'] as const) {
    test(`trains on the digits on ${backend} and reports the backend`, async () => {
      const epochs = backend === 'webgpu' ? 1 : 2
      const client = subscribed(
        new VAEClient({
          data: backend === 'webgpu' ? { name: 'digits', limit: 128 } : 'digits',
          backend,
          epochs,
          batchSize: 64,
          seed: 3,
        }),
      )
      const summary = await client.trainAsync()
      const state = client.getSnapshot()
      expect(state.backend?.name).toBe(backend)
      expect(state.status).toBe('ready')
      expect(summary?.steps).toBeGreaterThan(0)
      expect(state.history.length).toBe(summary?.steps)
      const first = state.history[0]
      const last = state.history[state.history.length - 1]
      expect(first && last).toBeTruthy()
      if (backend !== 'webgpu') expect(last!.loss).toBeLessThan(first!.loss)
      const samples = await client.sampleAsync(6, { seed: 1 })
      expect(samples.shape).toEqual([6, 8, 8, 1])
      expect(samples.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    })
  }

  test('auto skips software GPU adapters and says why', async () => {
    const client = subscribed(new VAEClient({ data: { name: 'digits', limit: 64 }, epochs: 1 }))
    await client.trainAsync()
    const backend = client.getSnapshot().backend
    expect(backend?.requested).toBe('auto')
    expect(backend?.name).toBe('wasm')
    expect(backend?.skipped.map((s) => s.backend)).toEqual(['webgpu', 'webgl'])
    expect(backend?.skipped[0]?.reason).toMatch(/fallback|software|not available|adapter/)
  })

  test('stop() takes effect within one batch and keeps the weights', async () => {
    const client = subscribed(
      new VAEClient({ data: 'digits', backend: 'wasm', epochs: 500, batchSize: 32 }),
    )
    const run = client.trainAsync()
    await waitFor(() => (client.getSnapshot().model?.trainedSteps ?? 0) >= 5)
    const stepsWhenAsked = client.getSnapshot().model?.trainedSteps ?? 0
    const stepsPerSecond = (client.getSnapshot().progress?.samplesPerSecond ?? 0) / 32
    await client.stopAsync()
    const summary = await run
    expect(summary?.stopped).toBe(true)
    const finalSteps = client.getSnapshot().model?.trainedSteps ?? 0
    // The loop checks every batch; what we saw lags by the progress throttle (100 ms) and the
    // messages' round trip: half a second of steps at most (the fused kernels run thousands a second).
    expect(finalSteps).toBeLessThan(57 * 500)
    expect(finalSteps - stepsWhenAsked).toBeLessThanOrEqual(Math.max(30, stepsPerSecond / 2))
    expect(client.getSnapshot().status).toBe('ready')
    const images = await client.sampleAsync(2, { seed: 4 })
    expect(images.shape[0]).toBe(2)
  })

  test('bad input gives typed errors and keeps the trained model', async () => {
    const client = subscribed(new VAEClient({ data: 'digits', backend: 'wasm', epochs: 1 }))
    await expect(client.sampleAsync(4)).rejects.toMatchObject({ code: 'NOT_TRAINED' })
    expect(client.getSnapshot().error?.code).toBe('NOT_TRAINED')
    await client.trainAsync()
    const stepsBefore = client.getSnapshot().model?.trainedSteps
    client.setOptions({
      data: { data: new Float32Array([0, NaN, 0, 1]), shape: [1, 2, 2, 1] },
      backend: 'wasm',
      epochs: 1,
    })
    await expect(client.trainAsync()).rejects.toMatchObject({ code: 'NON_FINITE_INPUT' })
    client.setOptions({
      data: { data: new Float32Array(10), shape: [2, 2, 2, 1] },
      backend: 'wasm',
      epochs: 1,
    })
    await expect(client.trainAsync()).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    client.setOptions({
      data: { data: new Float32Array(0), shape: [0, 8, 8, 1] },
      backend: 'wasm',
      epochs: 1,
    })
    await expect(client.trainAsync()).rejects.toMatchObject({ code: 'EMPTY_DATASET' })
    client.setOptions({ data: 'digits', backend: 'wasm', epochs: 1, learningRate: -1 })
    await expect(client.trainAsync()).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    client.setOptions({ data: 'digits', backend: 'wasm', epochs: 1, batchSize: 0 })
    await expect(client.trainAsync()).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    // Data of another size than the trained model: refused in the worker, model kept.
    client.setOptions({
      data: { data: new Float32Array(2 * 16).fill(0.5), shape: [2, 4, 4, 1] },
      backend: 'wasm',
      epochs: 1,
    })
    const mismatch = await client.trainAsync().catch((error: unknown) => error)
    expect(mismatch).toMatchObject({ code: 'SHAPE_MISMATCH' })
    expect((mismatch as Error).message).toMatch(/64/)
    expect(client.getSnapshot().model?.trainedSteps).toBe(stepsBefore)
    const images = await client.sampleAsync(3, { seed: 2 })
    expect(images.shape).toEqual([3, 8, 8, 1])
    // A successful sample says nothing about training: the training error stays until train() runs.
    expect(client.getSnapshot().error?.code).toBe('SHAPE_MISMATCH')
    expect(client.getSnapshot().errorSource).toBe('train')
  })

  test('latentDim < 1 is refused before the worker starts', async () => {
    const created = workerPoolStats().created
    const client = subscribed(new VAEClient({ data: 'digits', latentDim: 0 }))
    await expect(client.trainAsync()).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    expect(client.getSnapshot().error?.message).toMatch(/latentDim/)
    expect(workerPoolStats().created).toBe(created)
  })
})
