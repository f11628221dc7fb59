import * as Comlink from 'comlink'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WorkerHost } from '../../workers/host'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { switchBackend } from './setupBackend'

// Controls name the run they are for: one that reaches the host before its run's train applies to
// that run when it starts; one for a run that has ended does nothing to the next.

let channel: MessageChannel
let api: Comlink.Remote<WorkerHost>
beforeAll(async () => {
  await switchBackend('cpu')
  channel = new MessageChannel()
  Comlink.expose(new WorkerHost(BUILTIN_ENGINES), channel.port1 as unknown as Comlink.Endpoint)
  api = Comlink.wrap<WorkerHost>(channel.port2 as unknown as Comlink.Endpoint)
  await api.init('cpu')
})
afterAll(() => {
  channel.port1.close()
  channel.port2.close()
})

const data = { name: 'digits', limit: 64 } as const
const HUGE = { epochs: 1e6, batchSize: 16 } as const

describe('pause, resume and stop naming a run', () => {
  test('a stop that arrives before its run makes the run end at once, weights kept', async () => {
    await api.create('a', 'vae', { seed: 1, hiddenUnits: [8] })
    const first = await api.train(
      'a',
      data,
      { epochs: 1, batchSize: 16 },
      undefined,
      undefined,
      'r1',
    )
    expect(first.steps).toBe(4)
    // The stop resolves at once: there is nothing running to wait for.
    await api.stop('a', 'r2')
    const summary = await api.train('a', undefined, HUGE, undefined, undefined, 'r2')
    expect(summary.stopped).toBe(true)
    expect(summary.steps).toBe(0)
    expect(summary.model.trainedSteps).toBe(4)
    await api.disposeModel('a')
  })

  test('a stop naming a run that ended does not stop the next run', async () => {
    await api.create('b', 'vae', { seed: 2, hiddenUnits: [8] })
    await api.train('b', data, { epochs: 1, batchSize: 16 }, undefined, undefined, 'r1')
    await api.stop('b', 'r1')
    const summary = await api.train(
      'b',
      undefined,
      { epochs: 2, batchSize: 16 },
      undefined,
      undefined,
      'r2',
    )
    expect(summary.stopped).toBe(false)
    expect(summary.steps).toBe(8)
    await api.disposeModel('b')
  })

  test('a pause that arrives before its run holds it until resumed; stop then ends it', async () => {
    await api.create('c', 'vae', { seed: 3, hiddenUnits: [8] })
    await api.setData('c', data)
    await api.pause('c', 'r1')
    const run = api.train('c', undefined, HUGE, undefined, undefined, 'r1')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await api.modelInfo('c')).trainedSteps).toBe(0)
    await api.resume('c', 'r1')
    let steps = 0
    while (steps < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      steps = (await api.modelInfo('c')).trainedSteps
    }
    await api.stop('c', 'r1')
    const summary = await run
    expect(summary.stopped).toBe(true)
    expect(summary.steps).toBeGreaterThanOrEqual(3)
    await api.disposeModel('c')
  })

  test('an unnamed stop still stops whatever runs', async () => {
    await api.create('d', 'vae', { seed: 4, hiddenUnits: [8] })
    let firstUpdate: () => void = () => {}
    const started = new Promise<void>((resolve) => (firstUpdate = resolve))
    const run = api.train(
      'd',
      data,
      HUGE,
      Comlink.proxy(() => firstUpdate()),
      undefined,
      'r1',
    )
    await started
    await api.stop('d')
    expect((await run).stopped).toBe(true)
    await api.disposeModel('d')
  })
})
