/**
 * What the page keeps of a worker that died: nothing. After a few deaths and restores, with progress
 * updates streaming in between, a forced garbage collection (DevTools protocol) leaves no dead
 * `Worker`, and only the Comlink callback ports of the training runs in the live worker.
 */
import { afterEach, expect, test } from 'vitest'
import { GANClient, SparseCodingClient, VAEClient } from '../../src/client/builtinClients'
import { unwatchAll, watch } from './clientWatch'
import { heapAfterGC, weakSet } from './retention'
import { waitFor } from './workerSpy'

const NativeMessageChannel = globalThis.MessageChannel
afterEach(() => {
  unwatchAll()
  globalThis.MessageChannel = NativeMessageChannel
})

test('three models, three worker deaths and restores, hundreds of progress updates: no dead worker is kept, callback ports stay at one pair per training model, the heap does not grow per life', async () => {
  const workers = weakSet<Worker>()
  const ports = weakSet<MessagePort>()
  // Comlink's callback proxies (progress, snapshots) are MessageChannels opened on the page.
  globalThis.MessageChannel = class extends NativeMessageChannel {
    constructor() {
      super()
      ports.add(this.port1)
    }
  }
  let current: Worker | undefined
  const createWorker = (): Worker => {
    current = new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
      type: 'module',
    })
    workers.add(current)
    return current
  }
  const common = {
    data: { name: 'digits', limit: 256 } as const,
    backend: 'wasm' as const,
    epochs: 1_000_000,
    batchSize: 16,
    createWorker,
  }
  const clients = [
    new VAEClient({ ...common, latentDim: 8 }),
    new GANClient(common),
    new SparseCodingClient(common),
  ]
  let updates = 0
  for (const client of clients) watch(client, () => (updates += 1))
  const steps = (): number[] => clients.map((c) => c.getSnapshot().model?.trainedSteps ?? 0)
  const stepsBeyond = async (moreSteps: number): Promise<void> => {
    const from = steps()
    await waitFor(() => steps().every((s, i) => s >= (from[i] ?? 0) + moreSteps), 60_000)
  }
  /**
   * Trains every model `moreSteps` steps further, then on past a snapshot: the worker takes one at
   * the first epoch boundary at least a second into a run (16 steps an epoch here), and a model
   * killed before its first is lost, not restored.
   */
  const trainFor = async (moreSteps: number): Promise<void> => {
    for (const client of clients) client.trainAsync().catch(() => undefined)
    await stepsBeyond(moreSteps)
    await new Promise((resolve) => setTimeout(resolve, 1200))
    await stepsBeyond(2 * 16)
  }

  const LIVES = 4
  const heapPerLife: number[] = []
  const portsPerLife: number[] = []
  for (let life = 1; life <= LIVES; life++) {
    const updatesBefore = updates
    await trainFor(40)
    expect(updates - updatesBefore).toBeGreaterThan(20)
    // UI calls between progress updates, as grids make them.
    for (const client of clients.slice(0, 2)) {
      await (client as InstanceType<typeof VAEClient>).sampleAsync(16, { seed: life })
    }
    heapPerLife.push(await heapAfterGC())
    portsPerLife.push(ports.alive())
    // Exactly the live worker is alive, however many died before it. A terminated worker's thread
    // winds down asynchronously and its Worker object is collectable only after: collect again for
    // up to 3 s (what a page would keep would stay reachable for good).
    expect(workers.total()).toBe(life)
    for (let tries = 0; tries < 10 && workers.alive() > 1; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 300))
      await heapAfterGC()
    }
    expect(workers.alive()).toBe(1)
    if (life === LIVES) break
    current?.terminate()
    await waitFor(
      () => clients.every((c) => c.getSnapshot().error?.code === 'WORKER_CRASHED'),
      15_000,
    )
    await waitFor(() => clients.every((c) => c.getSnapshot().status === 'ready'), 30_000)
  }
  // Each training model holds its progress and snapshot callbacks while it trains: 2 ports each,
  // in every life, however many updates came through them.
  expect(portsPerLife).toEqual(portsPerLife.map(() => 2 * clients.length))
  expect(ports.total()).toBe(2 * clients.length * LIVES)
  // Histories grow by a few KB per life; anything kept per life (a worker, its snapshots, its
  // proxies) would add far more than this.
  const growth = (heapPerLife.at(-1) ?? 0) - (heapPerLife[1] ?? 0)
  expect(growth, heapPerLife.map((h) => (h / 2 ** 20).toFixed(2)).join(' → ')).toBeLessThan(
    0.5 * 2 ** 20,
  )
  await Promise.all(clients.map((c) => c.stopAsync()))
  expect(clients.map((c) => c.getSnapshot().status)).toEqual(['ready', 'ready', 'ready'])
}, 240_000)
