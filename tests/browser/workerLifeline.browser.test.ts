import { afterEach, describe, expect, test } from 'vitest'
import { GANClient, VAEClient } from '../../src/client/builtinClients'
import { configureWorkerSupervision } from '../../src/client/workerSupervision'
import { slowLoadingWorkerFactory as workerFactory } from '../faults/slowLoadingWorkers'
import { settlement, unwatchAll, watch } from './clientWatch'
import { waitFor } from './workerSpy'

afterEach(() => {
  unwatchAll()
  configureWorkerSupervision({})
})

// The default start-up timeout (120 s) stays in force: these deaths must be seen through the
// lifeline the worker's first lines take, long before it.
const FAR_BELOW_STARTUP_TIMEOUT_MS = 15_000

/**
 * A VAE client on `workerFactory(delays, realEntry)`'s workers whose first worker is terminated as
 * soon as it holds the lifeline, while `train` waits for it: that call must reject with
 * `WORKER_CRASHED` (cause `ended`) long before the start-up timeout.
 */
async function killedWhileLoading(delays: number[], realEntry?: boolean) {
  const { createWorker, started } = workerFactory(delays, realEntry)
  const vae = watch(
    new VAEClient({
      data: { name: 'digits', limit: 128 },
      backend: 'wasm',
      epochs: 1,
      createWorker,
    }),
  )
  const training = vae.trainAsync()
  await waitFor(() => started[0]?.lifelineHeld === true, 10_000)
  const killedAt = performance.now()
  started[0]?.worker.terminate()
  const died = await settlement(training, killedAt)
  expect(died.code).toBe('WORKER_CRASHED')
  expect(died.cause).toBe('ended')
  expect(died.ms).toBeLessThan(FAR_BELOW_STARTUP_TIMEOUT_MS)
  return { vae, started }
}

describe("a worker that dies while still loading (the lifeline is taken by the entry's first lines)", () => {
  test('a call waiting for a loading worker rejects with WORKER_CRASHED (ended) at once, and the next call starts a fresh worker', async () => {
    expect(configureWorkerSupervision().startupTimeoutMs).toBe(120_000)
    const { vae, started } = await killedWhileLoading([600_000, 0])
    expect(vae.getSnapshot().error?.code).toBe('WORKER_CRASHED')
    expect(vae.getSnapshot().error?.details?.cause).toBe('ended')
    expect(vae.getSnapshot().status).toBe('error')

    const summary = await vae.trainAsync()
    expect(summary?.model.trainedSteps).toBeGreaterThan(0)
    expect(started).toHaveLength(2)
    expect(vae.getSnapshot().error).toBeUndefined()
  })

  test('a model being restored into a worker that dies while loading is restored into the next one, as after any death', async () => {
    const { createWorker, started } = workerFactory([0, 600_000, 0])
    const gan = watch(
      new GANClient({
        data: { name: 'digits', limit: 256 },
        backend: 'wasm',
        epochs: 1,
        createWorker,
      }),
    )
    const trained = await gan.trainAsync()
    const steps = trained?.model.trainedSteps ?? 0
    expect(steps).toBeGreaterThan(0)
    const before = await gan.sampleAsync(4, { seed: 1 })

    // A death after loading: the model is restored into a second worker, which is slow to load…
    started[0]?.worker.terminate()
    await waitFor(() => started[1]?.lifelineHeld === true, 10_000)
    expect(gan.getSnapshot().error?.details?.cause).toBe('ended')
    // …and dies while loading, with the restore waiting in it.
    const killedAt = performance.now()
    started[1]?.worker.terminate()
    await waitFor(() => started.length === 3, FAR_BELOW_STARTUP_TIMEOUT_MS)
    expect(performance.now() - killedAt).toBeLessThan(FAR_BELOW_STARTUP_TIMEOUT_MS)
    expect(gan.getSnapshot().error?.code).toBe('WORKER_CRASHED')
    expect(gan.getSnapshot().error?.details?.cause).toBe('ended')
    expect(gan.getSnapshot().error?.message).toMatch(/restored from its last snapshot/)
    expect(gan.getSnapshot().error?.details?.restoredStep).toBe(steps)

    await waitFor(() => gan.getSnapshot().status === 'ready', 20_000)
    expect(gan.getSnapshot().model?.trainedSteps).toBe(steps)
    const after = await gan.sampleAsync(4, { seed: 1 })
    expect(Array.from(after.data)).toEqual(Array.from(before.data))
    expect(started).toHaveLength(3)
  })

  test("latentkit's own worker entry answers the lifeline first: killed as soon as it holds it, the death is seen at once", async () => {
    const { vae, started } = await killedWhileLoading([0], true)
    // And the same entry, left alone, loads and trains.
    const summary = await vae.trainAsync()
    expect(summary?.model.trainedSteps).toBeGreaterThan(0)
    expect(started).toHaveLength(2)
  })
})
