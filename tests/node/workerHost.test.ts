import * as Comlink from 'comlink'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WorkerHost } from '../../workers/host'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { fromWireError } from '../../src/core/errors'
import type { ImageBatch, LatentBatch } from '../../src/core/dataset'
import type { AnomalyScores } from '../../src/core/anomaly/anomalyScoring'
import type { SparseCodes } from '../../src/core/sparse/sparseCodes'
import type { SparseDictionaryView } from '../../src/core/sparse/sparseSpec'
import type { ModelUpdate } from '../../src/protocol'
import { act } from '../workerCalls'
import { switchBackend } from './setupBackend'

// The worker's API over a real MessageChannel, as Comlink's own same-window tests do.
let channel: MessageChannel
let api: Comlink.Remote<WorkerHost>
beforeAll(async () => {
  await switchBackend('cpu')
  channel = new MessageChannel()
  Comlink.expose(new WorkerHost(BUILTIN_ENGINES), channel.port1 as unknown as Comlink.Endpoint)
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
    await api.create('m1', 'vae', { seed: 1, hiddenUnits: [32], latentDim: 2 })
    const updates: ModelUpdate[] = []
    const summary = await api.train(
      'm1',
      { name: 'digits', limit: 256 },
      { epochs: 3, batchSize: 32 },
      Comlink.proxy((u: ModelUpdate) => void updates.push(u)),
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

    const images = await act<ImageBatch>(api, 'm1', 'sample', 4, 7)
    expect(images.shape).toEqual([4, 8, 8, 1])
    const again = await act<ImageBatch>(api, 'm1', 'sample', 4, 7)
    expect(Array.from(again.data)).toEqual(Array.from(images.data))

    // Data sent in is transferred by the caller when asked: the sender's buffer is detached.
    const input = new Float32Array(64).fill(0.25)
    const encoded = await api.call(
      'm1',
      'encode',
      Comlink.transfer([{ data: input, shape: [1, 8, 8, 1] as const }], [input.buffer]),
    )
    const latents = encoded.result as LatentBatch
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
    await api.create('m2', 'vae', { seed: 2, hiddenUnits: [8] })
    const notTrained = await act<ImageBatch>(api, 'm2', 'sample', 2).catch((e: unknown) =>
      fromWireError(e),
    )
    expect(notTrained).toMatchObject({ code: 'NOT_TRAINED', name: 'NotTrainedError' })
    await api.train('m2', 'digits', { epochs: 1 })
    const wrong = await api
      .train('m2', { data: new Float32Array(32).fill(0.1), shape: [2, 16] }, { epochs: 1 })
      .catch((e: unknown) => fromWireError(e))
    expect(wrong).toMatchObject({ code: 'SHAPE_MISMATCH' })
    const misspelt = await api
      .train('m2', 'digitz' as 'digits', {})
      .catch((e: unknown) => fromWireError(e))
    expect(misspelt).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(
        "names no built-in data set; use one of 'digits', 'sprites'",
      ),
    })
    const bad = await api
      .create('m3', 'vae', { latentDim: -1 })
      .catch((e: unknown) => fromWireError(e))
    expect(bad).toMatchObject({ code: 'INVALID_OPTION' })
    const info = await api.modelInfo('m2')
    expect(info.trainedSteps).toBe(29)
    // The refused data is not kept: training on "the data sent before" uses the accepted digits.
    expect((await api.train('m2', undefined, { epochs: 1 })).steps).toBe(29)
    const images = await act<ImageBatch>(api, 'm2', 'sample', 1, 1)
    expect(images.data.every(Number.isFinite)).toBe(true)
    await api.disposeModel('m2')
  })

  test('stop() ends a running training within one batch; a second train while busy is refused', async () => {
    await api.create('m4', 'vae', { seed: 3, hiddenUnits: [8] })
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
    await api.create('s1', 'sparse', { atoms: 32, seed: 1 })
    const summary = await api.train(
      's1',
      { name: 'digits', limit: 300 },
      { epochs: 2, batchSize: 100 },
    )
    expect(summary.steps).toBe(6)
    expect(summary.model).toMatchObject({ kind: 'sparse', latentDim: 32, patchShape: [8, 8, 1] })
    const image = { data: new Float32Array(8 * 16).fill(0.5), shape: [1, 8, 16, 1] as const }
    const codes = await act<SparseCodes>(api, 's1', 'encode', image, { stride: 8 })
    expect(codes.count).toBe(2)
    expect(Array.from(codes.positions)).toEqual([0, 0, 0, 0, 0, 8])
    expect(codes.offsets.length).toBe(3)
    const rebuilt = await act<ImageBatch>(api, 's1', 'reconstruct', image)
    expect(rebuilt.shape).toEqual([1, 8, 16, 1])
    const clean = await act<ImageBatch>(api, 's1', 'denoise', image, { lambda: 2 })
    expect(clean.shape).toEqual([1, 8, 16, 1])
    const view = await act<SparseDictionaryView>(api, 's1', 'readDictionary')
    expect(view.atoms.shape).toEqual([32, 8, 8, 1])
    expect(view.usage.length).toBe(32)
    // Actions the family lacks are refused with a typed error naming the family and what it
    // offers; the model is untouched.
    const refused = await act<ImageBatch>(api, 's1', 'sample', 2).catch((e: unknown) =>
      fromWireError(e),
    )
    expect(refused).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(
        'this sparse coding model has no action "sample"; it offers encode, reconstruct, denoise, readDictionary',
      ),
      details: { family: 'sparse', action: 'sample' },
    })
    const noDecoder = await act<ImageBatch>(api, 's1', 'decode', new Float32Array(32)).catch(
      (e: unknown) => fromWireError(e),
    )
    expect(noDecoder).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('it offers encode, reconstruct'),
    })
    const wrongFamily = await act<SparseCodes>(api, 'm4-missing', 'encode', image).catch(
      (e: unknown) => fromWireError(e),
    )
    expect(wrongFamily).toMatchObject({ code: 'INVALID_INPUT' })
    const tooSmall = await act<SparseCodes>(api, 's1', 'encode', {
      data: new Float32Array(16),
      shape: [1, 4, 4, 1],
    }).catch((e: unknown) => fromWireError(e))
    expect(tooSmall).toMatchObject({ code: 'SHAPE_MISMATCH' })
    expect((await api.modelInfo('s1')).trainedSteps).toBe(6)
    await api.disposeModel('s1')
    expect((await api.memory()).numTensors).toBe(before.numTensors)
  })

  test('an autoencoder trains, scores with error maps, calibrates on its training data and takes a threshold', async () => {
    const before = await api.memory()
    await api.create('a1', 'autoencoder', { codeSize: 4, hiddenUnits: [16], seed: 1 })
    const refusedEarly = await act<AnomalyScores>(api, 'a1', 'score', {
      data: new Float32Array(64),
      shape: [1, 8, 8, 1],
    }).catch((e: unknown) => fromWireError(e))
    expect(refusedEarly).toMatchObject({ code: 'NOT_TRAINED' })
    const summary = await api.train(
      'a1',
      { name: 'digits', limit: 256 },
      { epochs: 2, batchSize: 64 },
    )
    expect(summary.model).toMatchObject({ kind: 'autoencoder', latentDim: 4, threshold: undefined })
    const images = { data: new Float32Array(3 * 64).fill(0.3), shape: [3, 8, 8, 1] as const }
    const scored = await act<AnomalyScores>(api, 'a1', 'score', images)
    expect(scored.scores.length).toBe(3)
    expect(scored.maps.shape).toEqual([3, 8, 8, 1])
    expect(scored.anomalous).toBeUndefined()
    const calibrated = await api.call('a1', 'calibrate', [undefined, { percentile: 90 }])
    expect(calibrated.result).toBeGreaterThan(0)
    expect(calibrated.model.threshold).toBe(calibrated.result)
    const flagged = await act<AnomalyScores>(api, 'a1', 'score', images)
    expect(flagged.threshold).toBe(calibrated.result)
    expect(flagged.anomalous?.length).toBe(3)
    expect((await api.call('a1', 'setThreshold', [0.5])).model.threshold).toBe(0.5)
    const bad = await api.call('a1', 'setThreshold', [-3]).catch((e: unknown) => fromWireError(e))
    expect(bad).toMatchObject({ code: 'INVALID_OPTION' })
    expect((await api.modelInfo('a1')).threshold).toBe(0.5)
    const latents = await act<LatentBatch>(api, 'a1', 'encode', images)
    expect(latents.shape).toEqual([3, 4])
    expect((await act<ImageBatch>(api, 'a1', 'decode', latents)).shape).toEqual([3, 8, 8, 1])
    const noPrior = await act<ImageBatch>(api, 'a1', 'sample', 2).catch((e: unknown) =>
      fromWireError(e),
    )
    expect(noPrior).toMatchObject({ code: 'INVALID_INPUT' })
    await api.reset('a1')
    expect((await api.modelInfo('a1')).threshold).toBeUndefined()
    await api.disposeModel('a1')
    expect((await api.memory()).numTensors).toBe(before.numTensors)
  })
})
