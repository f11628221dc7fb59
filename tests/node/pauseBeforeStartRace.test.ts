import * as Comlink from 'comlink'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { VAEClient } from '../../src/client/builtinClients'
import type { ModelStatus } from '../../src/client/modelState'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { WorkerHost } from '../../workers/host'
import { switchBackend } from './setupBackend'

// pause() called before the run has started (the worker or the model still loading, or the run's
// train not yet sent) makes the run start paused; resume() before the start cancels the pause. The
// client talks to a real WorkerHost over a real MessageChannel, as it talks to its worker.

beforeAll(async () => {
  await switchBackend('cpu')
})

const closers: (() => void)[] = []
afterAll(() => {
  for (const close of closers.splice(0)) close()
})

/** A `createWorker` whose "worker" is a WorkerHost on the far end of a MessageChannel. */
function channelWorker(): () => Worker {
  return () => {
    const channel = new MessageChannel()
    Comlink.expose(new WorkerHost(BUILTIN_ENGINES), channel.port1 as unknown as Comlink.Endpoint)
    const port = channel.port2
    const close = (): void => {
      channel.port1.close()
      port.close()
    }
    closers.push(close)
    return Object.assign(port, { terminate: close, onerror: null }) as unknown as Worker
  }
}

const data = { name: 'digits', limit: 64 } as const
const HUGE = { epochs: 1e6, batchSize: 16 } as const

/** A VAE client with a listener (so it keeps its worker), and every status it went through. */
function watched(seed: number) {
  const client = new VAEClient({
    data,
    backend: 'cpu',
    seed,
    hiddenUnits: [8],
    ...HUGE,
    createWorker: channelWorker(),
  })
  const statuses: ModelStatus[] = []
  const unsubscribe = client.subscribe(() => {
    const status = client.getSnapshot().status
    if (statuses[statuses.length - 1] !== status) statuses.push(status)
  })
  closers.push(unsubscribe)
  return { client, statuses }
}

const steps = (client: VAEClient): number => client.getSnapshot().model?.trainedSteps ?? 0
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now()
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for condition')
    await sleep(10)
  }
}

describe('pause() before the run has started', () => {
  test('while the worker is loading: the run starts paused, no step taken, resume() trains', async () => {
    const { client, statuses } = watched(1)
    const run = client.trainAsync()
    expect(client.getSnapshot().status).toBe('loading')
    await client.pauseAsync()
    await until(() => client.getSnapshot().status === 'paused')
    await sleep(300)
    expect(steps(client)).toBe(0)
    expect(client.getSnapshot().status).toBe('paused')
    // Straight from loading to paused: the run never showed as training before the pause.
    expect(statuses).toEqual(['loading', 'paused'])

    await client.resumeAsync()
    expect(client.getSnapshot().status).toBe('training')
    await until(() => steps(client) >= 3)
    await client.stopAsync()
    const summary = await run
    expect(summary?.stopped).toBe(true)
    expect(summary?.steps).toBeGreaterThanOrEqual(3)
    expect(client.getSnapshot().status).toBe('ready')
  })

  test('with the model ready, before the run is sent: the next run starts paused; stop() ends it', async () => {
    const { client, statuses } = watched(2)
    const first = client.trainAsync()
    await until(() => steps(client) >= 2)
    await client.stopAsync()
    await first
    const kept = steps(client)
    expect(client.getSnapshot().status).toBe('ready')

    statuses.length = 0
    const second = client.trainAsync()
    // The model exists, but train() has not yet sent its run: the status still says 'ready'.
    expect(client.getSnapshot().status).toBe('ready')
    await client.pauseAsync()
    await until(() => client.getSnapshot().status === 'paused')
    await sleep(300)
    expect(steps(client)).toBe(kept)
    expect(statuses).toEqual(['paused'])

    await client.stopAsync()
    const summary = await second
    expect(summary?.stopped).toBe(true)
    expect(summary?.steps).toBe(0)
    expect(steps(client)).toBe(kept)
    expect(client.getSnapshot().status).toBe('ready')
  })

  test('resume() before the start cancels the pause: the run trains and is never paused', async () => {
    const { client, statuses } = watched(3)
    // While the worker loads (the pause is held by the client)…
    const run = client.trainAsync()
    await client.pauseAsync()
    await client.resumeAsync()
    await until(() => steps(client) >= 3)
    expect(client.getSnapshot().status).toBe('training')
    await client.stopAsync()
    expect((await run)?.stopped).toBe(true)
    // …and with the model ready (both reach the worker before the run does).
    const kept = steps(client)
    const next = client.trainAsync()
    const pausing = client.pauseAsync()
    await client.resumeAsync()
    await pausing
    await until(() => steps(client) >= kept + 3)
    expect(client.getSnapshot().status).toBe('training')
    expect(statuses).not.toContain('paused')
    await client.stopAsync()
    expect((await next)?.stopped).toBe(true)
  })

  test('pause() with no run started does nothing: a later train() runs', async () => {
    const { client, statuses } = watched(4)
    await client.pauseAsync()
    const run = client.trainAsync()
    await until(() => steps(client) >= 2)
    expect(statuses).not.toContain('paused')
    await client.stopAsync()
    expect((await run)?.stopped).toBe(true)
  })
})
