/**
 * Failures of memory inside the worker, end to end: a refused allocation is a typed error that
 * changes nothing; a WebAssembly memory trap (TF.js's heap can no longer be trusted) restarts the
 * worker and brings every model of it back from its last snapshot.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { GANClient, VAEClient } from '../../src/client/builtinClients'
import { faultyWorkerFactory } from '../faults/faultyWorkers'
import { pastEpochSnapshots, rejection, unwatchAll, watch } from './clientWatch'
import { waitFor } from './workerSpy'

afterEach(unwatchAll)

/** Two models sharing one fault-injectable WASM worker; the GAN trained and fingerprinted. */
async function twoModels() {
  const factory = faultyWorkerFactory()
  const { createWorker } = factory
  const data = { name: 'digits', limit: 256 } as const
  // Unfused, so every step allocates through TF.js's WASM heap, where the faults are injected.
  const vae = watch(
    new VAEClient({
      data,
      backend: 'wasm',
      epochs: 1000,
      batchSize: 16,
      createWorker,
      fusedKernels: false,
    }),
  )
  const gan = watch(new GANClient({ data, backend: 'wasm', epochs: 1, createWorker }))
  const ganSteps = (await gan.trainAsync())?.model.trainedSteps ?? 0
  const ganPrint = Array.from((await gan.sampleAsync(4, { seed: 1 })).data)
  return { ...factory, vae, gan, ganSteps, ganPrint }
}

describe('out of memory in the worker', () => {
  test('a refused allocation is OUT_OF_MEMORY for that call only: same worker, other models untouched, training goes on', async () => {
    const { vae, gan, workers, inject, ganSteps, ganPrint } = await twoModels()
    const training = vae.trainAsync()
    await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) >= 3)
    inject('wasm-refuse')
    const error = await rejection(training)
    expect(error.code).toBe('OUT_OF_MEMORY')
    expect(error.details?.restartWorker).toBe(false)
    expect(error.message).toMatch(/could not allocate/)
    expect(vae.getSnapshot().error?.code).toBe('OUT_OF_MEMORY')
    expect(vae.getSnapshot().status).not.toBe('training')
    const stepsAfter = vae.getSnapshot().model?.trainedSteps ?? 0
    expect(stepsAfter).toBeGreaterThanOrEqual(3)

    // The GAN never heard of it and answers exactly as before, from the same worker.
    expect(gan.getSnapshot().error).toBeUndefined()
    expect(gan.getSnapshot().model?.trainedSteps).toBe(ganSteps)
    expect(Array.from((await gan.sampleAsync(4, { seed: 1 })).data)).toEqual(ganPrint)
    // The VAE keeps its steps and trains on in the same worker; the error clears.
    const again = vae.trainAsync()
    await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) > stepsAfter + 3)
    expect(vae.getSnapshot().error).toBeUndefined()
    await vae.stopAsync()
    await again
    expect(workers).toHaveLength(1)
  })

  test('a WebAssembly memory trap restarts the worker: OUT_OF_MEMORY, then every model comes back from its snapshot', async () => {
    const { vae, gan, workers, inject, ganSteps, ganPrint } = await twoModels()
    const training = vae.trainAsync()
    const started = performance.now()
    await pastEpochSnapshots(vae, started)
    const stepsAtFault = vae.getSnapshot().model?.trainedSteps ?? 0
    inject('wasm-trap')
    const error = await rejection(training)
    expect(error.code).toBe('OUT_OF_MEMORY')
    expect(error.details?.restartWorker).toBe(true)
    expect(error.message).toMatch(/memory access out of bounds/)

    // A fresh worker takes over; both models are restored into it.
    await waitFor(
      () =>
        workers.length === 2 &&
        vae.getSnapshot().status === 'ready' &&
        gan.getSnapshot().status === 'ready',
      15_000,
    )
    const restored = vae.getSnapshot().model?.trainedSteps ?? 0
    expect(restored).toBeGreaterThan(0)
    expect(restored).toBeLessThanOrEqual(stepsAtFault + 16)
    expect(gan.getSnapshot().model?.trainedSteps).toBe(ganSteps)
    // Both hear of the restart as a death they were restored from, and of its reason.
    for (const client of [vae, gan]) {
      const { error: restart } = client.getSnapshot()
      expect(restart?.code).toBe('WORKER_CRASHED')
      expect(restart?.details).toMatchObject({ cause: 'restarted', reason: 'OUT_OF_MEMORY' })
      expect(restart?.message).toMatch(/restored from its last snapshot/)
    }
    expect(gan.getSnapshot().error?.details?.restoredStep).toBe(ganSteps)
    expect(vae.getSnapshot().error?.details?.restoredStep).toBe(restored)
    expect(Array.from((await gan.sampleAsync(4, { seed: 1 })).data)).toEqual(ganPrint)
    const samples = await vae.sampleAsync(3, { seed: 2 })
    expect(samples.shape).toEqual([3, 8, 8, 1])

    // And the VAE trains on from where it was restored.
    const again = vae.trainAsync()
    await waitFor(() => (vae.getSnapshot().model?.trainedSteps ?? 0) > restored + 3)
    await vae.stopAsync()
    await again
    expect(vae.getSnapshot().error).toBeUndefined()
    expect(workers).toHaveLength(2)
  })
})
