import { afterEach, describe, expect, test } from 'vitest'
import { GANClient, VAEClient } from '../../src/client/builtinClients'
import { workerPoolStats } from '../../src/client/workerPool'
import { configureWorkerSupervision } from '../../src/client/workerSupervision'
import { faultyWorkerFactory, type Fault } from '../faults/faultyWorkers'
import { pastEpochSnapshots, settlement, unwatchAll, watch } from './clientWatch'
import { waitFor } from './workerSpy'

afterEach(() => {
  unwatchAll()
  configureWorkerSupervision({})
})

// Silent deaths (no error event) are seen through the worker's Web Lock; a hang through the
// heartbeat, made short here; a crash through the error event.
const FAULTS: readonly { fault: Fault; cause: string; withinMs: number }[] = [
  { fault: 'terminate', cause: 'ended', withinMs: 2000 },
  { fault: 'close', cause: 'ended', withinMs: 2000 },
  { fault: 'throw', cause: 'error', withinMs: 2000 },
  { fault: 'hang', cause: 'unresponsive', withinMs: 4000 },
]

describe('a worker that dies, however it dies', () => {
  for (const { fault, cause, withinMs } of FAULTS) {
    test(`${fault}: pending calls settle, both models say so, and a fresh worker takes over`, async () => {
      configureWorkerSupervision({ heartbeatIntervalMs: 100, unresponsiveAfterMs: 1500 })
      const { createWorker, workers, inject } = faultyWorkerFactory()
      const data = { name: 'digits', limit: 256 } as const
      const vae = watch(
        new VAEClient({ data, backend: 'wasm', epochs: 500, batchSize: 16, createWorker }),
      )
      const gan = watch(new GANClient({ data, backend: 'wasm', epochs: 1, createWorker }))
      const ganSummary = await gan.trainAsync()
      const ganSteps = ganSummary?.model.trainedSteps ?? 0
      const ganBefore = await gan.sampleAsync(4, { seed: 1 })
      const training = vae.trainAsync()
      await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) >= 3)
      expect(workers).toHaveLength(1)
      const aliveBefore = workerPoolStats().alive

      const start = performance.now()
      inject(fault)
      const trained = await settlement(training, start)
      expect(trained.code).toBe('WORKER_CRASHED')
      expect(trained.ms).toBeLessThan(withinMs)
      for (const client of [vae, gan]) {
        const { error } = client.getSnapshot()
        expect(error?.code).toBe('WORKER_CRASHED')
        expect(error?.details?.cause).toBe(cause)
        expect(client.getSnapshot().status).not.toBe('training')
      }
      // The VAE died before its first snapshot: it says the model was lost.
      expect(vae.getSnapshot().status).toBe('error')
      expect(vae.getSnapshot().error?.message).toMatch(/lost/)
      expect(vae.getSnapshot().model).toBeUndefined()
      // The GAN had finished a run: it is restored from that snapshot into a new worker.
      expect(gan.getSnapshot().error?.message).toMatch(/restored from its last snapshot/)
      expect(gan.getSnapshot().error?.details?.restoredStep).toBe(ganSteps)
      expect(gan.getSnapshot().model?.trainedSteps).toBe(ganSteps)
      await waitFor(() => workers.length === 2 && gan.getSnapshot().status === 'ready', 10_000)
      expect(workerPoolStats().alive).toBe(aliveBefore)
      const ganAfter = await gan.sampleAsync(4, { seed: 1 })
      expect(Array.from(ganAfter.data)).toEqual(Array.from(ganBefore.data))

      // The next train() starts a fresh worker and works; the error is cleared by it.
      const again = vae.trainAsync()
      await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) >= 3)
      expect(vae.getSnapshot().error).toBeUndefined()
      await vae.stopAsync()
      expect((await again)?.steps).toBeGreaterThan(0)
      expect(workers).toHaveLength(2)
      expect(vae.getSnapshot().status).toBe('ready')
    })
  }

  test('a model training when its worker dies comes back from its last epoch-end snapshot and trains on', async () => {
    const { createWorker, inject } = faultyWorkerFactory()
    const vae = watch(
      new VAEClient({
        data: { name: 'digits', limit: 256 },
        backend: 'wasm',
        epochs: 1000,
        batchSize: 16,
        createWorker,
        fusedKernels: false,
      }),
    )
    const training = vae.trainAsync()
    const started = performance.now()
    await pastEpochSnapshots(vae, started)
    const stepsAtCrash = vae.getSnapshot().model?.trainedSteps ?? 0
    inject('terminate')
    expect((await settlement(training, started)).code).toBe('WORKER_CRASHED')
    const restored = vae.getSnapshot().error?.details?.restoredStep as number
    expect(restored).toBeGreaterThan(0)
    // Snapshots and progress travel on separate channels: the last snapshot may be one update ahead.
    expect(restored).toBeLessThanOrEqual(stepsAtCrash + 16)
    await waitFor(() => vae.getSnapshot().status === 'ready', 10_000)
    expect(vae.getSnapshot().model?.trainedSteps).toBe(restored)
    const samples = await vae.sampleAsync(3, { seed: 2 })
    expect(samples.shape).toEqual([3, 8, 8, 1])
    // Training continues from the restored step (the data is sent to the new worker again).
    const again = vae.trainAsync()
    await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) > restored + 3)
    await vae.stopAsync()
    await again
    expect(vae.getSnapshot().error).toBeUndefined()
  })

  test('a train() called after the death starts a fresh worker instead of returning a dead promise', async () => {
    const { createWorker, workers, inject } = faultyWorkerFactory()
    const vae = watch(
      new VAEClient({
        data: { name: 'digits', limit: 128 },
        backend: 'wasm',
        epochs: 1,
        createWorker,
      }),
    )
    await vae.trainAsync()
    inject('terminate')
    await waitFor(() => vae.getSnapshot().error?.code === 'WORKER_CRASHED', 3000)
    const summary = await vae.trainAsync()
    expect(summary?.model.trainedSteps).toBeGreaterThan(0)
    expect(workers).toHaveLength(2)
  })
})
