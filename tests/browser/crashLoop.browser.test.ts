/**
 * The crash-loop guard (`configureWorkerSupervision({ crashLoopLimit, crashLoopWindowMs })`): a model
 * whose worker dies more often than the limit within the window is kept, not restored into worker
 * after worker, and comes back when the next action asks for it; deaths spread wider than the window
 * are each restored at once.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { GANClient } from '../../src/client/builtinClients'
import { configureWorkerSupervision } from '../../src/client/workerSupervision'
import { faultyWorkerFactory } from '../faults/faultyWorkers'
import { unwatchAll, watch } from './clientWatch'
import { waitFor } from './workerSpy'

afterEach(() => {
  unwatchAll()
  configureWorkerSupervision({})
})

/** A trained GAN on fault-injectable workers, its steps and seeded samples. */
async function trainedGAN() {
  const { createWorker, workers, inject } = faultyWorkerFactory()
  const gan = watch(
    new GANClient({
      data: { name: 'digits', limit: 256 },
      backend: 'wasm',
      epochs: 1,
      createWorker,
    }),
  )
  const steps = (await gan.trainAsync())?.model.trainedSteps ?? 0
  expect(steps).toBeGreaterThan(0)
  const samples = Array.from((await gan.sampleAsync(4, { seed: 1 })).data)
  /** Terminates the current worker and waits until the client has seen the death. */
  const kill = async (): Promise<void> => {
    // The last death's error stays until its source succeeds: wait for this death's own.
    const previous = gan.getSnapshot().error
    inject('terminate')
    await waitFor(() => {
      const { error } = gan.getSnapshot()
      return error !== previous && error?.code === 'WORKER_CRASHED'
    }, 10_000)
  }
  return { gan, workers, steps, samples, kill }
}

describe('the crash-loop guard', () => {
  test('beyond crashLoopLimit deaths within the window, the model is kept and restored by the next action', async () => {
    configureWorkerSupervision({ crashLoopLimit: 1, crashLoopWindowMs: 60_000 })
    const { gan, workers, steps, samples, kill } = await trainedGAN()

    await kill()
    expect(gan.getSnapshot().error?.message).toMatch(/restored from its last snapshot/)
    await waitFor(() => workers.length === 2 && gan.getSnapshot().status === 'ready', 10_000)

    await kill()
    const error = gan.getSnapshot().error
    expect(error?.message).toMatch(/died 2 times within 60 s/)
    expect(error?.message).toMatch(/restored only when you call train\(\) or an action/)
    expect(error?.details?.restoredStep).toBe(steps)
    // No worker is started for it meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(workers).toHaveLength(2)

    const again = await gan.sampleAsync(4, { seed: 1 })
    expect(workers).toHaveLength(3)
    expect(Array.from(again.data)).toEqual(samples)
    expect(gan.getSnapshot().model?.trainedSteps).toBe(steps)
  })

  test('deaths spread wider than crashLoopWindowMs are each restored at once', async () => {
    configureWorkerSupervision({ crashLoopLimit: 1, crashLoopWindowMs: 1 })
    const { gan, workers, samples, kill } = await trainedGAN()
    for (let death = 1; death <= 2; death++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      await kill()
      expect(gan.getSnapshot().error?.message).toMatch(/restored from its last snapshot/)
      await waitFor(() => workers.length === death + 1 && gan.getSnapshot().status === 'ready')
    }
    expect(Array.from((await gan.sampleAsync(4, { seed: 1 })).data)).toEqual(samples)
  })
})
