import { afterEach, describe, expect, test } from 'vitest'
import { GANClient, SparseCodingClient, VAEClient } from '../../src/client/builtinClients'
import { faultyWorkerFactory } from '../faults/faultyWorkers'
import { unwatchAll, watch, within } from './clientWatch'
import { waitFor } from './workerSpy'

// A stop (or pause) called right after train() must apply to that run, even though its message
// reaches the worker before the run's train (train waits for the model to be ready first).

afterEach(unwatchAll)

const data = { name: 'digits', limit: 128 } as const
const HUGE = { epochs: 1e6, batchSize: 16 } as const

const FAMILIES = [
  { name: 'vae', make: () => new VAEClient({ data, backend: 'wasm', ...HUGE }) },
  { name: 'gan', make: () => new GANClient({ data, backend: 'wasm', ...HUGE }) },
  { name: 'sparse', make: () => new SparseCodingClient({ data, backend: 'wasm', ...HUGE }) },
] as const

describe('stop() right after train()', () => {
  for (const { name, make } of FAMILIES) {
    test(`${name}: after a run ended, the next run stops and the trained model is kept`, async () => {
      const client = watch(make())
      const first = client.trainAsync()
      await waitFor(() => (client.getSnapshot().model?.trainedSteps ?? 0) >= 2)
      await client.stopAsync()
      await first
      const kept = client.getSnapshot().model?.trainedSteps ?? 0
      expect(kept).toBeGreaterThanOrEqual(2)

      const second = client.trainAsync()
      const stopping = client.stopAsync()
      expect(await within(stopping, 15_000)).toBe('settled')
      expect(await within(second, 15_000)).toBe('settled')
      expect((await second)?.stopped).toBe(true)
      expect(client.getSnapshot().status).toBe('ready')
      const after = client.getSnapshot().model?.trainedSteps ?? 0
      expect(after).toBeGreaterThanOrEqual(kept)
      // Stopped means stopped: no step is taken afterwards.
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(client.getSnapshot().model?.trainedSteps).toBe(after)
    })
  }

  test('after the worker died and the model was restored, train() then stop() stops', async () => {
    const { createWorker, workers, inject } = faultyWorkerFactory()
    const vae = watch(new VAEClient({ data, backend: 'wasm', ...HUGE, createWorker }))
    const first = vae.trainAsync()
    await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) >= 2)
    await vae.stopAsync()
    await first
    const kept = vae.getSnapshot().model?.trainedSteps ?? 0
    inject('terminate')
    await waitFor(() => vae.getSnapshot().error?.code === 'WORKER_CRASHED', 10_000)

    // At once, while the model is being restored into a new worker (no model id yet).
    const second = vae.trainAsync()
    const stopping = vae.stopAsync()
    expect(await within(stopping, 15_000)).toBe('settled')
    expect(await within(second, 15_000)).toBe('settled')
    expect(workers).toHaveLength(2)
    expect(vae.getSnapshot().status).toBe('ready')
    expect(vae.getSnapshot().model?.trainedSteps).toBe(kept)

    // And once restored and ready.
    const third = vae.trainAsync()
    const stoppingAgain = vae.stopAsync()
    expect(await within(stoppingAgain, 15_000)).toBe('settled')
    expect((await third)?.stopped).toBe(true)
    expect(vae.getSnapshot().status).toBe('ready')
    expect(vae.getSnapshot().model?.trainedSteps).toBe(kept)
  })

  test('reset() right after train() ends that run and forgets the weights', async () => {
    const vae = watch(new VAEClient({ data, backend: 'wasm', ...HUGE }))
    const first = vae.trainAsync()
    await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) >= 2)
    await vae.stopAsync()
    await first
    const second = vae.trainAsync()
    const resetting = vae.resetAsync()
    expect(await within(resetting, 15_000)).toBe('settled')
    expect(await within(second, 15_000)).toBe('settled')
    expect(vae.getSnapshot().model?.trainedSteps ?? 0).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(vae.getSnapshot().model?.trainedSteps ?? 0).toBe(0)
    expect(vae.getSnapshot().status).not.toBe('training')
  })

  test('pause() as soon as the status says training holds the run until resume()', async () => {
    const vae = watch(new VAEClient({ data, backend: 'wasm', ...HUGE }))
    const first = vae.trainAsync()
    await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) >= 2)
    await vae.stopAsync()
    await first
    const kept = vae.getSnapshot().model?.trainedSteps ?? 0

    // The listener runs when 'training' is dispatched, before the run's train is sent.
    let pausing: Promise<void> | undefined
    watch(vae, () => {
      if (!pausing && vae.getSnapshot().status === 'training') pausing = vae.pauseAsync()
    })
    const second = vae.trainAsync()
    await waitFor(() => pausing !== undefined)
    await pausing
    expect(vae.getSnapshot().status).toBe('paused')
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(vae.getSnapshot().model?.trainedSteps ?? kept).toBe(kept)

    await vae.resumeAsync()
    await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) >= kept + 2)
    expect(await within(vae.stopAsync(), 15_000)).toBe('settled')
    expect((await second)?.stopped).toBe(true)
    expect(vae.getSnapshot().status).toBe('ready')
  })
})
