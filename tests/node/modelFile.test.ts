/**
 * Saved model files and loading by URL: a file read back restores the same model; every kind of bad
 * file is refused with `INVALID_MODEL_FILE` and the reason, before anything is decoded; the worker
 * host loads a model file over HTTP, says `STORAGE_FAILED` for a missing one, and refuses URLs no
 * storage here serves. (IndexedDB runs in the browser tests.)
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WorkerHost } from '../../workers/host'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'

import { crc32 } from '../../src/core/family/crc32'
import { decodeModelFile, encodeModelFile, readModelFile } from '../../src/core/family/modelFile'
import type { ModelSnapshot } from '../../src/core/family/modelSnapshot'
import { dequantize, fromHalf, quantize, toHalf } from '../../src/core/family/weightQuantization'
import type { ImageBatch } from '../../src/core/dataset'
import { act, failure } from '../workerCalls'
import { switchBackend } from './setupBackend'

const host = new WorkerHost(BUILTIN_ENGINES)
let snapshot: ModelSnapshot
let file: Uint8Array<ArrayBuffer>
let server: Server
let base: string
/** What the test server serves, by path. */
const served = new Map<string, Uint8Array>()

beforeAll(async () => {
  await switchBackend('cpu')
  await host.init('cpu')
  await host.create('vae', 'vae', { seed: 2, hiddenUnits: [16], latentDim: 2 })
  await host.train('vae', { name: 'digits', limit: 128 }, { epochs: 2, batchSize: 32 })
  snapshot = await host.snapshot('vae')
  file = encodeModelFile(snapshot)
  server = createServer((request, response) => {
    const body = served.get(request.url ?? '')
    if (!body) {
      response.writeHead(404).end('not here')
      return
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body)
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((closed) => server.close(() => closed())))

/** `bytes` with the header's JSON replaced by `edit(header)`. */
function withHeader(
  bytes: Uint8Array,
  edit: (header: Record<string, unknown>) => unknown,
): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as Record<
    string,
    unknown
  >
  const json = new TextEncoder().encode(JSON.stringify(edit(header)))
  const out = new Uint8Array(12 + json.length + bytes.length - 12 - length)
  out.set(bytes.subarray(0, 8))
  new DataView(out.buffer).setUint32(8, json.length, true)
  out.set(json, 12)
  out.set(bytes.subarray(12 + length), 12 + json.length)
  return out
}

const topologyEdit =
  (change: Record<string, unknown>) =>
  (header: Record<string, unknown>): unknown => ({
    ...header,
    modelTopology: { ...(header.modelTopology as object), ...change },
  })

const copyOf = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer

describe('model files', () => {
  test('a file read back restores the same model in a fresh host; its header is TF.js model.json', async () => {
    const text = new TextDecoder().decode(file.subarray(0, 8))
    expect(text).toBe('LKMODEL\0')
    const artifacts = decodeModelFile(copyOf(file))
    expect(artifacts.format).toBe('latentkit-model')
    expect(artifacts.userDefinedMetadata).toEqual({
      weightBytes: snapshot.weightData.byteLength,
      weightChecksum: crc32(new Uint8Array(snapshot.weightData)),
    })
    const read = readModelFile(copyOf(file), { kind: 'vae' })
    expect(read.trainedSteps).toBe(snapshot.trainedSteps)
    const other = new WorkerHost(BUILTIN_ENGINES)
    await other.create('copy', 'vae', read.modelOptions, read)
    const expected = await act<ImageBatch>(host, 'vae', 'sample', 4, 9)
    const actual = await act<ImageBatch>(other, 'copy', 'sample', 4, 9)
    expect(Array.from(actual.data)).toEqual(Array.from(expected.data))
    await other.disposeModel('copy')
  })

  test('CRC-32 is the standard one', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe('cbf43926')
    expect(crc32(new Uint8Array(0))).toBe('00000000')
  })

  const weightsStart = (): number => 12 + new DataView(file.buffer).getUint32(8, true)

  const BAD_FILES: readonly [
    string,
    () => Uint8Array,
    string,
    { kind?: string; maxBytes?: number }?,
  ][] = [
    ['empty', () => new Uint8Array(0), 'not-a-model'],
    [
      'random bytes',
      () => Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 251),
      'not-a-model',
    ],
    ['a JSON file', () => new TextEncoder().encode('{"modelTopology": {}}'), 'not-a-model'],
    ['cut inside the header', () => file.slice(0, 40), 'truncated'],
    ['cut inside the weights', () => file.slice(0, weightsStart() + 100), 'truncated'],
    [
      'one weight byte changed',
      () => {
        const bad = file.slice()
        bad[weightsStart() + 17] = (bad[weightsStart() + 17] as number) ^ 0x40
        return bad
      },
      'corrupt',
    ],
    [
      'header not JSON',
      () => {
        const bad = file.slice()
        bad[12] = 0x7d // '}' where '{' was
        return bad
      },
      'not-json',
    ],
    ['another family', () => file, 'wrong-family', { kind: 'gan' }],
    [
      'a newer format version',
      () => withHeader(file, topologyEdit({ version: 2 })),
      'future-version',
    ],
    ['over the size limit', () => file, 'too-large', { maxBytes: 1000 }],
    [
      "another library's model",
      () => withHeader(file, (h) => ({ ...h, format: 'layers-model' })),
      'not-a-model',
    ],
    [
      'a counter that is not one',
      () => withHeader(file, topologyEdit({ trainedSteps: -1 })),
      'invalid',
    ],
  ]

  const badFiles = BAD_FILES.map(([name, bytes, reason, options]) => ({
    name,
    bytes,
    reason,
    options: options ?? {},
  }))
  test.each(badFiles)('$name: INVALID_MODEL_FILE, reason $reason', ({ bytes, reason, options }) => {
    const read = (): unknown => readModelFile(copyOf(bytes()), { kind: 'vae', ...options })
    expect(read).toThrow(
      expect.objectContaining({
        code: 'INVALID_MODEL_FILE',
        details: expect.objectContaining({ reason }),
      }),
    )
  })

  test('a JSON file gets a hint about model.json and layers models', () => {
    expect(() => readModelFile(copyOf(new TextEncoder().encode(' {"a":1}')))).toThrow(/model\.json/)
  })
})

describe('quantised model files', () => {
  test('halves round as IEEE 754 does', () => {
    expect(toHalf(1)).toBe(0x3c00)
    expect(toHalf(-2)).toBe(0xc000)
    expect(toHalf(65504)).toBe(0x7bff)
    expect(toHalf(1e6)).toBe(0x7c00)
    expect(toHalf(2 ** -24)).toBe(0x0001)
    expect(toHalf(0.1)).toBe(0x2e66)
    expect(fromHalf(0x2e66)).toBeCloseTo(0.0999755859375, 12)
    for (const v of [0, 0.5, -0.75, 3.140625, 2 ** -20]) expect(fromHalf(toHalf(v))).toBe(v)
  })

  test.each(['float16', 'uint8'] as const)('%s codes decode as TF.js decodes them', (dtype) => {
    const values = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i * 0.37) * 3)
    const { bytes, quantization } = quantize(values, dtype)
    const ours = dequantize(bytes, values.length, quantization)
    const theirs = tf.io.decodeWeights(bytes.slice().buffer, [
      { name: 'w', shape: [300], dtype: 'float32', quantization },
    ]).w as tf.Tensor
    expect(Array.from(ours)).toEqual(Array.from(theirs.dataSync()))
    theirs.dispose()
    const worst = Math.max(...values.map((v, i) => Math.abs(v - (ours[i] as number))))
    expect(worst).toBeLessThan(dtype === 'float16' ? 2e-3 : 6 / 255)
    expect(worst).toBeGreaterThan(0)
  })

  test.each(['float16', 'uint8'] as const)(
    'a weights-only %s file is smaller, reads back as float32 and samples nearly the same images',
    async (dtype) => {
      const weightsOnly = await host.snapshot('vae', { training: false })
      const small = encodeModelFile(weightsOnly, { quantize: dtype })
      const full = encodeModelFile(weightsOnly)
      expect(small.length).toBeLessThan(full.length * (dtype === 'float16' ? 0.6 : 0.45))
      const read = readModelFile(copyOf(small), { kind: 'vae' })
      expect(read.weightSpecs.every((spec) => !('quantization' in spec))).toBe(true)
      expect(read.weightData.byteLength).toBe(weightsOnly.weightData.byteLength)
      const other = new WorkerHost(BUILTIN_ENGINES)
      await other.create('q', 'vae', read.modelOptions, read)
      const expected = await act<ImageBatch>(host, 'vae', 'sample', 8, 2)
      const actual = await act<ImageBatch>(other, 'q', 'sample', 8, 2)
      const gap = expected.data.reduce(
        (sum, v, i) => sum + Math.abs(v - (actual.data[i] as number)),
        0,
      )
      expect(gap / expected.data.length).toBeLessThan(dtype === 'float16' ? 1e-3 : 2e-2)
      expect(gap).toBeGreaterThan(0)
      await other.disposeModel('q')
      // A flipped byte in quantised weights is still caught by the checksum.
      const bad = small.slice()
      bad[bad.length - 3] = (bad[bad.length - 3] as number) ^ 1
      expect(() => readModelFile(copyOf(bad), { kind: 'vae' })).toThrow(
        expect.objectContaining({ details: expect.objectContaining({ reason: 'corrupt' }) }),
      )
    },
  )

  test('quantising a file with training state leaves the training state exact', () => {
    const read = readModelFile(copyOf(encodeModelFile(snapshot, { quantize: 'uint8' })), {
      kind: 'vae',
    })
    expect(read.training).toEqual(snapshot.training)
    const bytesOf = (s: ModelSnapshot, name: string): Uint8Array => {
      let offset = 0
      for (const spec of s.weightSpecs) {
        const size = spec.shape.reduce((a, b) => a * b, 1) * 4
        if (spec.name === name) return new Uint8Array(s.weightData, offset, size)
        offset += size
      }
      throw new Error(`no ${name}`)
    }
    const training = snapshot.weightSpecs.filter((spec) => spec.name.startsWith('t'))
    expect(training.length).toBeGreaterThan(0)
    for (const { name } of training) {
      expect(Array.from(bytesOf(read, name))).toEqual(Array.from(bytesOf(snapshot, name)))
    }
    // The network's weights were quantised: not all equal any more.
    expect(Array.from(bytesOf(read, 'w0'))).not.toEqual(Array.from(bytesOf(snapshot, 'w0')))
  })
})

describe('loading by URL in the worker host', () => {
  test('an HTTP model file loads and restores; a missing one is STORAGE_FAILED not-found', async () => {
    served.set('/models/digits.lkmodel', file)
    const loaded = await host.loadModel(`${base}/models/digits.lkmodel`, 'vae')
    expect(loaded.trainedSteps).toBe(snapshot.trainedSteps)
    await host.create('fromHttp', 'vae', loaded.modelOptions, loaded)
    const expected = await act<ImageBatch>(host, 'vae', 'sample', 3, 5)
    const actual = await act<ImageBatch>(host, 'fromHttp', 'sample', 3, 5)
    expect(Array.from(actual.data)).toEqual(Array.from(expected.data))
    await host.disposeModel('fromHttp')

    const missing = await failure(() => host.loadModel(`${base}/models/nothing.lkmodel`, 'vae'))
    expect(missing).toMatchObject({ code: 'STORAGE_FAILED', details: { reason: 'not-found' } })
    const wrongFamily = await failure(() => host.loadModel(`${base}/models/digits.lkmodel`, 'gan'))
    expect(wrongFamily).toMatchObject({
      code: 'INVALID_MODEL_FILE',
      details: { reason: 'wrong-family' },
    })
    const tooBig = await failure(() => host.loadModel(`${base}/models/digits.lkmodel`, 'vae', 100))
    expect(tooBig).toMatchObject({ code: 'INVALID_MODEL_FILE', details: { reason: 'too-large' } })
  })

  test('URLs no storage serves here are refused with what to use instead', async () => {
    const ftp = await failure(() => host.loadModel('ftp://x/model', 'vae'))
    expect(ftp.code).toBe('INVALID_INPUT')
    expect(ftp.message).toMatch(/indexeddb:\/\/.*exportModel/s)
    const httpSave = await failure(() => host.saveModel('vae', `${base}/upload`))
    expect(httpSave).toMatchObject({ code: 'INVALID_INPUT' })
    expect(httpSave.message).toMatch(/loading only/)
    // Node has no IndexedDB: the storage is unavailable, said as such.
    const idb = await failure(() => host.saveModel('vae', 'indexeddb://x'))
    expect(idb).toMatchObject({ code: 'STORAGE_FAILED', details: { reason: 'unavailable' } })
    expect(await host.savedModels()).toEqual([])
    const untrained = new WorkerHost(BUILTIN_ENGINES)
    await untrained.create('fresh', 'vae', {})
    const notTrained = await failure(() => untrained.saveModel('fresh', 'indexeddb://x'))
    expect(notTrained.code).toBe('NOT_TRAINED')
  })
})
