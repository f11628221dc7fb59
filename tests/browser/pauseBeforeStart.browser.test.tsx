import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import type { ModelStatus } from '../../src/client/modelState'
import type { UseVAEOptions, UseVAEResult } from '../../src/react/useVAE'
import { slowLoadingWorkerFactory } from '../faults/slowLoadingWorkers'
import { VAEPage } from './vaePage'
import { waitFor } from './workerSpy'

// Through the hook, in a real worker: pause() while the worker is still loading makes the run start
// paused (status 'paused', no step taken) and resume() continues it; resume() before the start
// cancels the pause.

afterEach(async () => {
  await cleanup()
})

/** Renders `useVAE` in a worker that takes a second to load; the latest result and its statuses. */
async function mount() {
  const { createWorker } = slowLoadingWorkerFactory([1000])
  const seen: { vae: UseVAEResult | undefined; statuses: ModelStatus[] } = {
    vae: undefined,
    statuses: [],
  }
  const options: UseVAEOptions = {
    data: { name: 'digits', limit: 128 },
    backend: 'wasm',
    epochs: 1e6,
    batchSize: 16,
    seed: 5,
    createWorker,
  }
  const onResult = (vae: UseVAEResult): void => {
    seen.vae = vae
    if (seen.statuses[seen.statuses.length - 1] !== vae.status) seen.statuses.push(vae.status)
  }
  await render(<VAEPage options={options} onResult={onResult} />)
  await waitFor(() => seen.vae !== undefined)
  const vae = (): UseVAEResult => seen.vae as UseVAEResult
  return { vae, statuses: seen.statuses }
}

const steps = (vae: UseVAEResult): number => vae.model?.trainedSteps ?? 0

describe('pause() before the run has started, through useVAE', () => {
  test('while the worker loads: the run starts paused, takes no step, and resume() trains it', async () => {
    const { vae, statuses } = await mount()
    const run = vae().trainAsync()
    await waitFor(() => vae().status === 'loading')
    await vae().pauseAsync()
    await waitFor(() => vae().status === 'paused', 20_000)
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(steps(vae())).toBe(0)
    expect(vae().status).toBe('paused')
    expect(statuses).not.toContain('training')

    await vae().resumeAsync()
    await waitFor(() => steps(vae()) >= 2)
    expect(vae().status).toBe('training')
    await vae().stopAsync()
    expect((await run)?.stopped).toBe(true)
    await waitFor(() => vae().status === 'ready')
  })

  test('resume() before the start cancels the pause', async () => {
    const { vae, statuses } = await mount()
    const run = vae().trainAsync()
    await waitFor(() => vae().status === 'loading')
    await vae().pauseAsync()
    await vae().resumeAsync()
    await waitFor(() => steps(vae()) >= 2, 20_000)
    expect(vae().status).toBe('training')
    expect(statuses).not.toContain('paused')
    await vae().stopAsync()
    expect((await run)?.stopped).toBe(true)
  })
})
