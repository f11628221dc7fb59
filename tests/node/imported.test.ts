/**
 * Models trained elsewhere: small Keras-style networks built and saved with tfjs-layers (model.json
 * + weights.bin, as `model.save` and `tensorflowjs_converter` write them), served over HTTP and
 * imported through the worker host. Results must be the LayersModels' own outputs; shapes that do
 * not fit must give typed errors; the worker must survive them and leak no tensor.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { WorkerHost } from '../../workers/host'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { scoreReconstructions, type AnomalyScores } from '../../src/core/anomaly/anomalyScoring'
import type { ImageBatch, LatentBatch } from '../../src/core/dataset'

import { createRandom } from '../../src/core/random'
import { interpolationPath } from '../../src/core/interpolate'
import { planImport } from '../../src/core/imported/importedShapes'
import { resolveProbeOptions } from '../../src/core/probe/probeOptions'
import { act, failure } from '../workerCalls'
import { switchBackend } from './setupBackend'

const host = new WorkerHost(BUILTIN_ENGINES)
let server: Server
let base: string
/** What the test server serves, by path. */
const served = new Map<string, Uint8Array | string>()
/** The models built here, kept to compare with what the host gives. */
const built = new Map<string, tfl.LayersModel>()

const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed })

/** Saves `model` as tfjs-layers' `model.save` does over HTTP: `/<name>/model.json` + `weights.bin`. */
async function serve(name: string, model: tfl.LayersModel): Promise<string> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData)
      served.set(`/${name}/weights.bin`, new Uint8Array(weights))
      served.set(
        `/${name}/model.json`,
        JSON.stringify({
          modelTopology: artifacts.modelTopology,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy,
          weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }],
        }),
      )
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  built.set(name, model)
  return `${base}/${name}/model.json`
}

/** A Keras-style decoder: latent 4 → dense 16 → dense 64 (sigmoid) → reshape [8, 8, 1]. */
function decoder(reshape = true, latent = 4): tfl.Sequential {
  const model = tfl.sequential()
  model.add(
    tfl.layers.dense({
      inputShape: [latent],
      units: 16,
      activation: 'relu',
      kernelInitializer: seeded(1),
    }),
  )
  model.add(tfl.layers.dense({ units: 64, activation: 'sigmoid', kernelInitializer: seeded(2) }))
  if (reshape) model.add(tfl.layers.reshape({ targetShape: [8, 8, 1] }))
  return model
}

/** A DCGAN-style generator: noise 3 → dense 4·4·4 → reshape → transposed conv to [8, 8, 1], tanh. */
function generator(): tfl.Sequential {
  const model = tfl.sequential()
  model.add(
    tfl.layers.dense({
      inputShape: [3],
      units: 64,
      activation: 'relu',
      kernelInitializer: seeded(3),
    }),
  )
  model.add(tfl.layers.reshape({ targetShape: [4, 4, 4] }))
  model.add(
    tfl.layers.conv2dTranspose({
      filters: 1,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: seeded(4),
    }),
  )
  return model
}

/** A VAE encoder, Keras functional style: [8, 8, 1] → flatten → dense 16 → [mean, logVar] of `latent`. */
function vaeEncoder(latent = 4): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 1] })
  const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor
  const hidden = tfl.layers
    .dense({ units: 16, activation: 'relu', kernelInitializer: seeded(5) })
    .apply(flat) as tfl.SymbolicTensor
  const mean = tfl.layers
    .dense({ units: latent, kernelInitializer: seeded(6) })
    .apply(hidden) as tfl.SymbolicTensor
  const logVar = tfl.layers
    .dense({ units: latent, kernelInitializer: seeded(7) })
    .apply(hidden) as tfl.SymbolicTensor
  return tfl.model({ inputs: input, outputs: [mean, logVar] })
}

/** An autoencoder's encoder on flat rows: [64] → dense 4. */
function flatEncoder(units = 4, inputs = 64): tfl.Sequential {
  const model = tfl.sequential()
  model.add(tfl.layers.dense({ inputShape: [inputs], units, kernelInitializer: seeded(8) }))
  return model
}

/** A decoder whose input is not [null, latent]: [2, 2] → flatten → dense 64 → reshape. */
function rank3Decoder(): tfl.Sequential {
  const model = tfl.sequential()
  model.add(tfl.layers.flatten({ inputShape: [2, 2] }))
  model.add(tfl.layers.dense({ units: 64, activation: 'sigmoid' }))
  model.add(tfl.layers.reshape({ targetShape: [8, 8, 1] }))
  return model
}

/** A decoder making 2-channel images, which no component draws. */
function twoChannelDecoder(): tfl.Sequential {
  const model = tfl.sequential()
  model.add(tfl.layers.dense({ inputShape: [4], units: 128, activation: 'sigmoid' }))
  model.add(tfl.layers.reshape({ targetShape: [8, 8, 2] }))
  return model
}

const urls: Record<string, string> = {}

/** The LayersModel `name`'s own prediction for `rows` inputs of `shape`. */
function predict(name: string, values: Float32Array, shape: number[], output = 0): Float32Array {
  const result = tf.tidy(() => {
    const out = (built.get(name) as tfl.LayersModel).predict(tf.tensor(values, shape))
    return (Array.isArray(out) ? out[output] : out) as tf.Tensor
  })
  const data = result.dataSync() as Float32Array
  result.dispose()
  return data
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  return max
}

/** Images in [0, 1] (`n` of 8×8×1), seeded. */
function images(n: number, seed = 9): ImageBatch {
  const random = createRandom(seed)
  return {
    data: Float32Array.from({ length: n * 64 }, () => random.uniform()),
    shape: [n, 8, 8, 1],
  }
}

let baseline = 0

beforeAll(async () => {
  await switchBackend('cpu')
  await host.init('cpu')
  server = createServer((request, response) => {
    const body = served.get(request.url ?? '')
    if (body === undefined) {
      response.writeHead(404).end('not here')
      return
    }
    response.writeHead(200).end(body)
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  urls.decoder = await serve('decoder', decoder())
  urls.flatDecoder = await serve('flat-decoder', decoder(false))
  urls.generator = await serve('generator', generator())
  urls.vaeEncoder = await serve('vae-encoder', vaeEncoder())
  urls.flatEncoder = await serve('flat-encoder', flatEncoder())
  urls.wrongLatentEncoder = await serve('wrong-latent-encoder', vaeEncoder(5))
  urls.wrongInputEncoder = await serve('wrong-input-encoder', flatEncoder(4, 36))
  urls.rank3Decoder = await serve('rank3-decoder', rank3Decoder())
  urls.twoChannelDecoder = await serve('two-channel-decoder', twoChannelDecoder())
  served.set('/not-json/model.json', 'this is not JSON')
  baseline = tf.memory().numTensors
})
afterAll(async () => {
  for (const model of built.values()) model.dispose()
  await new Promise<void>((closed) => server.close(() => closed()))
})

describe('a VAE imported from tfjs-layers files', () => {
  test('sample, decode, interpolate, encode, reconstruct and score give the LayersModels’ outputs', async () => {
    const info = await host.create('vae', 'imported', {
      role: 'vae',
      decoder: urls.decoder,
      encoder: urls.vaeEncoder,
    })
    expect(info).toMatchObject({
      kind: 'imported',
      latentDim: 4,
      imageShape: [8, 8, 1],
      trainedSteps: 1,
      role: 'vae',
      hasEncoder: true,
    })

    const sampled = await act<ImageBatch>(host, 'vae', 'sample', 5, 42)
    expect(sampled.shape).toEqual([5, 8, 8, 1])
    const latents = createRandom(42).normals(5 * 4)
    expect(maxDiff(sampled.data, predict('decoder', latents, [5, 4]))).toBeLessThan(1e-6)

    const decoded = await act<ImageBatch>(host, 'vae', 'decode', { data: latents, shape: [5, 4] })
    expect(maxDiff(decoded.data, sampled.data)).toBe(0)

    const a = Float32Array.from([1, 0, -1, 0.5])
    const b = Float32Array.from([-1, 2, 0, 0])
    const path = await act<ImageBatch>(host, 'vae', 'interpolate', a, b, 4, 'slerp')
    const expected = predict('decoder', interpolationPath(a, b, 4, 'slerp'), [4, 4])
    expect(maxDiff(path.data, expected)).toBeLessThan(1e-6)

    const batch = images(6)
    const codes = await act<LatentBatch>(host, 'vae', 'encode', batch)
    expect(codes.shape).toEqual([6, 4])
    const means = predict('vae-encoder', batch.data, [6, 8, 8, 1], 0)
    expect(maxDiff(codes.data, means)).toBeLessThan(1e-6)

    const rebuilt = await act<ImageBatch>(host, 'vae', 'reconstruct', batch)
    expect(maxDiff(rebuilt.data, predict('decoder', means, [6, 4]))).toBeLessThan(1e-5)

    const scores = await act<AnomalyScores>(host, 'vae', 'score', batch, {})
    const own = scoreReconstructions(batch, rebuilt, {}, undefined, 'squared')
    expect(maxDiff(scores.scores, own.scores)).toBeLessThan(1e-6)
    expect(scores.anomalous).toBeUndefined()

    // Calibrating sets the threshold fact, and the reply carries a (weightless) snapshot that
    // brings it back in a new model imported from the same URLs.
    const reply = await host.call('vae', 'calibrate', [batch, { percentile: 90 }])
    const threshold = reply.result as number
    expect(threshold).toBeGreaterThan(0)
    expect(reply.model).toMatchObject({ threshold })
    expect(reply.snapshot?.weightData.byteLength).toBe(0)
    const restored = await host.create(
      'vae-again',
      'imported',
      reply.snapshot!.modelOptions,
      reply.snapshot,
    )
    expect(restored).toMatchObject({ threshold, latentDim: 4 })
    await host.disposeModel('vae-again')

    const probe = await act<{ accuracy: number }>(
      host,
      'vae',
      'probe',
      images(40),
      Int32Array.from({ length: 40 }, (_, i) => i % 2),
      resolveProbeOptions({ seed: 1 }),
    )
    expect(probe.accuracy).toBeGreaterThanOrEqual(0)
  })

  test('training is refused with a typed error, and the model stays', async () => {
    const error = await failure(() => host.train('vae', images(4), {}))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/cannot be trained here.*fine-tuning/)
    expect((await host.modelInfo('vae')).trainedSteps).toBe(1)
    await host.disposeModel('vae')
  })
})

describe('a GAN generator and an autoencoder', () => {
  test('a tanh generator with pixelRange [-1, 1] is drawn in [0, 1]; it has no encoder', async () => {
    await host.create('gan', 'imported', {
      role: 'gan',
      decoder: urls.generator,
      pixelRange: [-1, 1],
    })
    const sampled = await act<ImageBatch>(host, 'gan', 'sample', 3, 7)
    const own = predict('generator', createRandom(7).normals(9), [3, 3])
    expect(
      maxDiff(
        sampled.data,
        own.map((v) => (v + 1) / 2),
      ),
    ).toBeLessThan(1e-6)
    for (const [action, what] of [
      ['encode', 'encode'],
      ['reconstruct', 'reconstruct'],
      ['score', 'anomaly scoring'],
    ]) {
      const error = await failure(() => host.call('gan', action!, [images(2), {}]))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toContain(`${what} needs an encoder`)
    }
    await host.disposeModel('gan')
  })

  test('a flat decoder with imageShape and a flat encoder; no prior to sample', async () => {
    await host.create('ae', 'imported', {
      role: 'autoencoder',
      decoder: urls.flatDecoder,
      encoder: urls.flatEncoder,
      imageShape: [8, 8, 1],
    })
    const batch = images(3)
    const codes = await act<LatentBatch>(host, 'ae', 'encode', batch)
    expect(maxDiff(codes.data, predict('flat-encoder', batch.data, [3, 64]))).toBeLessThan(1e-6)
    const rebuilt = await act<ImageBatch>(host, 'ae', 'reconstruct', batch)
    expect(rebuilt.shape).toEqual([3, 8, 8, 1])
    expect(maxDiff(rebuilt.data, predict('flat-decoder', codes.data, [3, 4]))).toBeLessThan(1e-5)
    const error = await failure(() => host.call('ae', 'sample', [2, 1]))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('no prior')
    await host.disposeModel('ae')
  })
})

describe('shapes and files that do not fit', () => {
  const cases: [string, () => object, string, RegExp][] = [
    ['no decoder', () => ({ role: 'vae' }), 'INVALID_OPTION', /decoder must be the URL/],
    ['a bad role', () => ({ role: 'flow', decoder: urls.decoder }), 'INVALID_OPTION', /role/],
    [
      'a decoder input of rank 3',
      () => ({ decoder: urls.rank3Decoder }),
      'SHAPE_MISMATCH',
      /decoder's input is \[null, 2, 2\]; it must be \[null, latent\]/,
    ],
    [
      'flat rows without imageShape',
      () => ({ decoder: urls.flatDecoder }),
      'INVALID_OPTION',
      /flat rows of 64 values; set imageShape .*\[8, 8, 1\]/,
    ],
    [
      'an imageShape of another size',
      () => ({ decoder: urls.flatDecoder, imageShape: [7, 7, 1] }),
      'SHAPE_MISMATCH',
      /has 49 values but the decoder outputs rows of 64/,
    ],
    [
      'an imageShape that contradicts the decoder',
      () => ({ decoder: urls.decoder, imageShape: [4, 16, 1] }),
      'SHAPE_MISMATCH',
      /does not match the decoder's output \[null, 8, 8, 1\]/,
    ],
    ['two channels', () => ({ decoder: urls.twoChannelDecoder }), 'SHAPE_MISMATCH', /2 channels/],
    [
      'an encoder of another latent size',
      () => ({ decoder: urls.decoder, encoder: urls.wrongLatentEncoder }),
      'SHAPE_MISMATCH',
      /encoder outputs \[null, 5\], \[null, 5\] but the decoder takes latents of 4/,
    ],
    [
      'an encoder of other images',
      () => ({ decoder: urls.decoder, encoder: urls.wrongInputEncoder }),
      'SHAPE_MISMATCH',
      /encoder's input is \[null, 36\] but the decoder makes 8×8×1 images/,
    ],
    [
      'an autoencoder encoder with [mean, logVar]',
      () => ({ role: 'autoencoder', decoder: urls.decoder, encoder: urls.vaeEncoder }),
      'SHAPE_MISMATCH',
      /has 2 outputs/,
    ],
    [
      'a URL with nothing there',
      () => ({ decoder: `${base}/missing/model.json` }),
      'STORAGE_FAILED',
      /no decoder at/,
    ],
    [
      'a file that is not JSON',
      () => ({ decoder: `${base}/not-json/model.json` }),
      'INVALID_MODEL_FILE',
      /not a TF.js model.json/,
    ],
  ]
  test.each(cases)('%s gives %s', async (_, options, code, message) => {
    const error = await failure(() => host.create('bad', 'imported', options()))
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
  })

  test('the worker survives every failure and leaks no tensor', async () => {
    expect(tf.memory().numTensors).toBe(baseline)
    await host.create('after', 'imported', { decoder: urls.decoder })
    const sampled = await act<ImageBatch>(host, 'after', 'sample', 2, 1)
    expect(sampled.shape).toEqual([2, 8, 8, 1])
    const wrong = await failure(() => host.call('after', 'decode', [Float32Array.from([1, 2, 3])]))
    expect(wrong.code).toBe('SHAPE_MISMATCH')
    const tooMany = await failure(() => host.call('after', 'sample', [1e9, 1]))
    expect(tooMany.code).toBe('INVALID_OPTION')
    await host.disposeModel('after')
    expect(tf.memory().numTensors).toBe(baseline)
  })

  test('the rules hold on symbolic shapes alone (VAE encoder of one 2·latent output)', () => {
    const plan = planImport(
      'vae',
      undefined,
      { inputs: [[null, 3]], outputs: [[null, 28, 28, 1]] },
      { inputs: [[null, 784]], outputs: [[null, 6]] },
    )
    expect(plan).toEqual({
      latentDim: 3,
      imageShape: [28, 28, 1],
      encoder: { input: [null, 784], mean: 'first-half' },
    })
  })
})
