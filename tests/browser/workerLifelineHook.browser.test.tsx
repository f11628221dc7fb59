import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import type { UseVAEOptions, UseVAEResult } from '../../src/react/useVAE'
import { slowLoadingWorkerFactory } from '../faults/slowLoadingWorkers'
import { VAEPage } from './vaePage'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

test("through the hook: a worker killed while loading, the model's restore waiting in it, puts WORKER_CRASHED in error and the model comes back in the next worker", async () => {
  // The default start-up timeout (120 s) is in force: the death is seen through the lifeline.
  const { createWorker, started } = slowLoadingWorkerFactory([0, 600_000, 0])
  let vae: UseVAEResult | undefined
  const options: UseVAEOptions = {
    data: { name: 'digits', limit: 128 },
    backend: 'wasm',
    epochs: 1,
    batchSize: 32,
    seed: 4,
    createWorker,
  }
  const onResult = (v: UseVAEResult): void => {
    vae = v
  }
  await render(<VAEPage options={options} onResult={onResult} />)
  await waitFor(() => vae !== undefined)
  const summary = await vae!.trainAsync()
  const steps = summary?.model.trainedSteps ?? 0
  expect(steps).toBeGreaterThan(0)
  const before = await vae!.sampleAsync(3, { seed: 2 })

  started[0]?.worker.terminate()
  await waitFor(() => started[1]?.lifelineHeld === true, 10_000)
  const killedAt = performance.now()
  started[1]?.worker.terminate()
  await waitFor(() => started.length === 3, 15_000)
  expect(performance.now() - killedAt).toBeLessThan(15_000)
  expect(vae!.error?.code).toBe('WORKER_CRASHED')
  expect(vae!.error?.details?.cause).toBe('ended')
  expect(vae!.error?.details?.restoredStep).toBe(steps)
  await waitFor(() => vae!.status === 'ready', 20_000)
  expect(vae!.model?.trainedSteps).toBe(steps)
  const after = await vae!.sampleAsync(3, { seed: 2 })
  expect(Array.from(after.data)).toEqual(Array.from(before.data))
})
