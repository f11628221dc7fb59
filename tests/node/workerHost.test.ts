import * as Comlink from 'comlink'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WorkerHost } from '../../workers/host'
import { fromWireError } from '../../src/core/errors'
import type { HistoryPoint, ModelUpdate } from '../../workers/host'
import { switchBackend } from './setupBackend'

// The worker's API over a real MessageChannel, as Comlink's own same-window tests do.
let channel: MessageChannel
let api: Comlink.Remote<WorkerHost>
beforeAll(async () => {
  await switchBackend('cpu')
  channel = new MessageChannel()
  Comlink.expose(new WorkerHost(), channel.port1 as unknown as Comlink.Endpoint)
  api = Comlink.wrap<WorkerHost>(channel.port2 as unknown as Comlink.Endpoint)
})
afterAll(() => {
  channel.port1.close()
  channel.port2.close()
})

describe('WorkerHost over Comlink', () => {
  test('trains with throttled progress, returns transferred arrays, leaks nothing after dispose', async () => {
    const before = await api.memory()
    const backend = await api.init('cpu')
    expect(backend.name).toBe('cpu')
    await api.createVAE('m1', { seed: 1, hiddenUnits: [32], latentDim: 2 })
    const updates: ModelUpdate<HistoryPoint>[] = []
    const summary = await api.train(
      'm1',
      { name: 'digits', limit: 256 },
      { epochs: 3, batchSize: 32 },
      Comlink.proxy((u: ModelUpdate<HistoryPoint>) => void updates.push(u)),
    )
    expect(summary.steps).toBe(24)
    expect(summary.model.trainedSteps).toBe(24)
    expect(summary.model.imageShape).toEqual([8, 8, 1])
    // Every step reaches the client exactly once, batched into throttled updates.
    expect(updates.flatMap((u) => u.history.map((p) => p.step))).toEqual(
      [...Array(24).keys()].map((i) => i + 1),
    )
    expect(updates.length).toBeLessThanOrEqual(24)
    expect(updates.at(-1)?.model.trainedSteps).toBe(24)

    const images = await api.sample('m1', 4, 7)
    expect(images.shape).toEqual([4, 8, 8, 1])
    const again = await api.sample('m1', 4, 7)
    expect(Array.from(again.data)).toEqual(Array.from(images.data))

    // Data sent in is transferred by the caller when asked: the sender's buffer is detached.
    const input = new Float32Array(64).fill(0.25)
    const latents = await api.encode(
      'm1',
      Comlink.transfer({ data: input, shape: [1, 8, 8, 1] as const }, [input.buffer]),
    )
    expect(input.byteLength).toBe(0)
    expect(latents.shape).toEqual([1, 2])

    // Training continues on the cached data when none is sent.
    const more = await api.train('m1', undefined, { epochs: 1, batchSize: 256 })
    expect(more.model.trainedSteps).toBe(25)

    await api.disposeModel('m1')
    const after = await api.memory()
    expect(after.numTensors).toBe(before.numTensors)
  })

  test('errors cross as typed objects and keep the model alive', async () => {
    await api.createVAE('m2', { seed: 2, hiddenUnits: [8] })
    const notTrained = await api.sample('m2', 2).catch((e: unknown) => fromWireError(e))
    expect(notTrained).toMatchObject({ code: 'NOT_TRAINED', name: 'NotTrainedError' })
    await api.train('m2', 'digits', { epochs: 1 })
    const wrong = await api
      .train('m2', { data: new Float32Array(32).fill(0.1), shape: [2, 16] }, { epochs: 1 })
      .catch((e: unknown) => fromWireError(e))
    expect(wrong).toMatchObject({ code: 'SHAPE_MISMATCH' })
    const bad = await api.createVAE('m3', { latentDim: -1 }).catch((e: unknown) => fromWireError(e))
    expect(bad).toMatchObject({ code: 'INVALID_OPTION' })
    const info = await api.modelInfo('m2')
    expect(info.trainedSteps).toBe(29)
    const images = await api.sample('m2', 1, 1)
    expect(images.data.every(Number.isFinite)).toBe(true)
    await api.disposeModel('m2')
  })

  test('stop() ends a running training within one batch; a second train while busy is refused', async () => {
    await api.createVAE('m4', { seed: 3, hiddenUnits: [8] })
    let firstUpdate: () => void = () => {}
    const started = new Promise<void>((resolve) => (firstUpdate = resolve))
    const run = api.train(
      'm4',
      'digits',
      { epochs: 200, batchSize: 16 },
      Comlink.proxy(() => firstUpdate()),
    )
    await started
    const busy = await api.train('m4', undefined, {}).catch((e: unknown) => fromWireError(e))
    expect(busy).toMatchObject({ code: 'BUSY' })
    await api.stop('m4')
    const summary = await run
    expect(summary.stopped).toBe(true)
    expect(summary.steps).toBeLessThan(200 * 113)
    const stepsAfterStop = (await api.modelInfo('m4')).trainedSteps
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await api.modelInfo('m4')).trainedSteps).toBe(stepsAfterStop)
    await api.disposeModel('m4')
  })

  test('a sparse coding model trains, codes (non-zeros only), rebuilds, denoises and shows its atoms', async () => {
    const before = await api.memory()
    await api.createSparseCoding('s1', { atoms: 32, seed: 1 })
    const summary = await api.train(
      's1',
      { name: 'digits', limit: 300 },
      { epochs: 2, batchSize: 100 },
    )
    expect(summary.steps).toBe(6)
    expect(summary.model).toMatchObject({ kind: 'sparse', latentDim: 32, patchShape: [8, 8, 1] })
    const image = { data: new Float32Array(8 * 16).fill(0.5), shape: [1, 8, 16, 1] as const }
    const codes = await api.encodeSparse('s1', image, { stride: 8 })
    expect(codes.count).toBe(2)
    expect(Array.from(codes.positions)).toEqual([0, 0, 0, 0, 0, 8])
    expect(codes.offsets.length).toBe(3)
    const rebuilt = await api.reconstruct('s1', image)
    expect(rebuilt.shape).toEqual([1, 8, 16, 1])
    const clean = await api.denoise('s1', image, { lambda: 2 })
    expect(clean.shape).toEqual([1, 8, 16, 1])
    const view = await api.dictionary('s1')
    expect(view.atoms.shape).toEqual([32, 8, 8, 1])
    expect(view.usage.length).toBe(32)
    // Generative actions are refused with a typed error; the model is untouched.
    const refused = await api.sample('s1', 2).catch((e: unknown) => fromWireError(e))
    expect(refused).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('a sparse coding model has no prior to sample from'),
    })
    const noDecoder = await api
      .decode('s1', new Float32Array(32))
      .catch((e: unknown) => fromWireError(e))
    expect(noDecoder).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('use reconstruct() or encode()'),
    })
    const wrongFamily = await api
      .encodeSparse('m4-missing', image)
      .catch((e: unknown) => fromWireError(e))
    expect(wrongFamily).toMatchObject({ code: 'INVALID_INPUT' })
    const tooSmall = await api
      .encodeSparse('s1', { data: new Float32Array(16), shape: [1, 4, 4, 1] })
      .catch((e: unknown) => fromWireError(e))
    expect(tooSmall).toMatchObject({ code: 'SHAPE_MISMATCH' })
    expect((await api.modelInfo('s1')).trainedSteps).toBe(6)
    await api.disposeModel('s1')
    expect((await api.memory()).numTensors).toBe(before.numTensors)
  })

  test('an autoencoder trains, scores with error maps, calibrates on its training data and takes a threshold', async () => {
    const before = await api.memory()
    await api.createAutoencoder('a1', { codeSize: 4, hiddenUnits: [16], seed: 1 })
    const refusedEarly = await api
      .score('a1', { data: new Float32Array(64), shape: [1, 8, 8, 1] })
      .catch((e: unknown) => fromWireError(e))
    expect(refusedEarly).toMatchObject({ code: 'NOT_TRAINED' })
    const summary = await api.train(
      'a1',
      { name: 'digits', limit: 256 },
      { epochs: 2, batchSize: 64 },
    )
    expect(summary.model).toMatchObject({ kind: 'autoencoder', latentDim: 4, threshold: undefined })
    const images = { data: new Float32Array(3 * 64).fill(0.3), shape: [3, 8, 8, 1] as const }
    const scored = await api.score('a1', images)
    expect(scored.scores.length).toBe(3)
    expect(scored.maps.shape).toEqual([3, 8, 8, 1])
    expect(scored.anomalous).toBeUndefined()
    const calibrated = await api.calibrate('a1', undefined, { percentile: 90 })
    expect(calibrated.threshold).toBeGreaterThan(0)
    const flagged = await api.score('a1', images)
    expect(flagged.threshold).toBe(calibrated.threshold)
    expect(flagged.anomalous?.length).toBe(3)
    expect((await api.setThreshold('a1', 0.5)).threshold).toBe(0.5)
    const bad = await api.setThreshold('a1', -3).catch((e: unknown) => fromWireError(e))
    expect(bad).toMatchObject({ code: 'INVALID_OPTION' })
    expect((await api.modelInfo('a1')).threshold).toBe(0.5)
    const latents = await api.encode('a1', images)
    expect(latents.shape).toEqual([3, 4])
    expect((await api.decode('a1', latents)).shape).toEqual([3, 8, 8, 1])
    const noPrior = await api.sample('a1', 2).catch((e: unknown) => fromWireError(e))
    expect(noPrior).toMatchObject({ code: 'INVALID_INPUT' })
    await api.reset('a1')
    expect((await api.modelInfo('a1')).threshold).toBeUndefined()
    await api.disposeModel('a1')
    expect((await api.memory()).numTensors).toBe(before.numTensors)
  })
})
