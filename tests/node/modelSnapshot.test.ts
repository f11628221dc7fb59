/**
 * Snapshots of every built-in family and architecture (and of the test-only mean-image family):
 * a model restored from a snapshot (also one read back from a saved model file) gives the same outputs as the one it was taken from, keeps
 * training, leaks no tensor, and a bad snapshot is refused with a typed error that names what is
 * wrong, leaving the model it was restored into as it was.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { VAE } from '../../src/core/vae/engine/vae'
import { GAN } from '../../src/core/gan/engine/gan'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { SparseCoding } from '../../src/core/sparse/engine/sparseCoding'
import { KMeans } from '../../src/core/kmeans/engine/kmeans'
import { DEC } from '../../src/core/dec/engine/dec'
import { RBM } from '../../src/core/rbm/engine/rbm'
import { MADE } from '../../src/core/autoregressive/engine/made'
import { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import { Pretext } from '../../src/core/pretext/engine/pretext'
import { HelmholtzMachine } from '../../src/core/helmholtz/engine/helmholtz'
import { toImageBatch, type ImageBatch, type ImageShape } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import { TrainingControl } from '../../src/core/trainingControl'
import type { ModelSnapshot } from '../../src/core/family/modelSnapshot'
import { encodeModelFile, readModelFile } from '../../src/core/family/modelFile'
import { loadDigits } from '../../src/data/digits'
import { ringOfGaussians } from '../../src/data/toy2d'
import { SemanticHashing } from '../../src/core/hashing/engine/semanticHashing'
import { MeanImage } from '../families/meanImage/engine/meanImage'
import { switchBackend } from './setupBackend'

/** What the tests need of a model: training, snapshots, counters. */
interface SnapshotModel {
  fit(data: ImageBatch, options: object, hooks: object): Promise<unknown>
  snapshot(options?: { training?: boolean }): Promise<ModelSnapshot>
  restore(snapshot: ModelSnapshot): void
  dispose(): void
  readonly trainedSteps: number
  readonly trainedEpochs: number
  readonly imageShape: ImageShape | undefined
}

/** One family and architecture: how to make and train it, and what it outputs. */
interface Case<M extends SnapshotModel> {
  readonly name: string
  readonly create: () => M
  readonly data: ImageBatch
  readonly train: object
  /** Sets model state a snapshot must keep (a calibrated threshold). */
  readonly prepare?: (model: M, data: ImageBatch) => Promise<unknown>
  /** Everything the model computes, deterministically. */
  readonly outputs: (model: M, probe: ImageBatch) => Promise<readonly unknown[]>
}

const defineCase = <M extends SnapshotModel>(c: Case<M>): Case<SnapshotModel> =>
  c as unknown as Case<SnapshotModel>

const digits = loadDigits({ limit: 256 }).images
const firstHalf = rows(digits, 0, 128)
const secondHalf = rows(digits, 128, 256)
const probe = rows(digits, 0, 12)
const ring = toImageBatch(ringOfGaussians({ count: 256, seed: 1 }))
/** The digits moved to [−1, 1]: an autoencoder then picks a linear output. */
const signedDigits = { data: firstHalf.data.map((v) => 2 * v - 1), shape: firstHalf.shape }

function rows(batch: ImageBatch, start: number, end: number): ImageBatch {
  const size = batch.data.length / batch.shape[0]
  const [, h, w, c] = batch.shape
  return { data: batch.data.slice(start * size, end * size), shape: [end - start, h, w, c] }
}

function latents(n: number, size: number): Float32Array {
  return Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 1.7))
}

/** The outputs shared by the anomaly models: scores with the calibrated threshold and reduction. */
async function anomalyOutputs(model: VAE | Autoencoder, images: ImageBatch): Promise<unknown[]> {
  const { scores, maps, threshold, anomalous } = await model.anomaly.score(images)
  return [scores, maps.data, threshold, anomalous]
}

const calibrate = (model: VAE | Autoencoder, data: ImageBatch) =>
  model.anomaly.calibrate(data, { percentile: 90, reduction: 'mean' })

const autoencoderCase = (name: string, options: object, data = firstHalf) =>
  defineCase({
    name,
    create: () => new Autoencoder({ codeSize: 4, seed: 4, ...options }),
    data,
    train: { epochs: 1, batchSize: 32 },
    prepare: calibrate,
    outputs: async (model: Autoencoder, images) => {
      const codes = await model.encode(images)
      return [
        codes.data,
        (await model.decode(codes)).data,
        (await model.reconstruct(images)).data,
        (await model.decoderWeights())?.data,
        ...(await anomalyOutputs(model, images)),
      ]
    },
  })

const ganOutputs = async (model: GAN): Promise<unknown[]> => [
  (await model.sample(6, { seed: 9 })).data,
  (await model.decode(latents(3, model.resolvedOptions?.noiseDim ?? 0))).data,
]

const sparseCase = (name: string, options: object) =>
  defineCase({
    name,
    create: () => new SparseCoding({ atoms: 16, patchSize: 4, seed: 5, ...options }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 64, patchesPerEpoch: 256, codingIterations: 20 },
    outputs: async (model: SparseCoding, images) => [
      await model.encode(images),
      (await model.reconstruct(images, { maxIterations: 50 })).data,
      (await model.denoise(images, { lambda: 0.8, maxIterations: 50 })).data,
      model.dictionary(),
      await model.evaluate(images),
    ],
  })

const kMeansCase = (name: string, options: object) =>
  defineCase({
    name,
    create: () => new KMeans({ k: 5, seed: 6, ...options }),
    data: firstHalf,
    train: { epochs: 2, batchSize: 32 },
    outputs: async (model: KMeans, images) => [
      await model.assign(images),
      (await model.transform(images)).data,
      model.centroidImages().data,
      await model.clusters(images, { members: 2 }),
      model.converged,
    ],
  })

const decCase = (name: string, options: object) =>
  defineCase({
    name,
    create: () => new DEC({ clusters: 4, hiddenUnits: [16], codeSize: 3, seed: 6, ...options }),
    data: firstHalf,
    train: { epochs: 2, batchSize: 32, refineSteps: 6, kmeansRuns: 2 },
    outputs: async (model: DEC, images) => [
      await model.assign(images),
      (await model.softAssign(images)).data,
      (await model.centres()).data,
      (await model.reconstruct(images)).data,
      model.phase,
      model.converged,
    ],
  })

const rbmCase = (name: string, options: object) =>
  defineCase({
    name,
    create: () => new RBM({ layers: [12], seed: 7, ...options }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 16 },
    outputs: async (model: RBM, images) => [
      (await model.transform(images)).data,
      (await model.reconstruct(images)).data,
      (await model.filters()).data,
      await model.freeEnergy(images),
      (await model.sample(2, { steps: 5, seed: 3 })).data,
    ],
  })

/** A k-means patch model (clustering learning): whitening and contrast floor travel with it. */
const kMeansPatchCase = (name: string, options: object) =>
  defineCase({
    name,
    create: () => new KMeans({ k: 6, seed: 6, patchSize: 4, ...options }),
    data: firstHalf,
    train: { epochs: 2, batchSize: 256, patchesPerImage: 4 },
    outputs: async (model: KMeans, images) => [
      (await model.features(images)).data,
      (await model.featureMaps(images, { stride: 2 })).data,
      await model.assign(rows(patchesOf(images), 0, 20)),
      model.centroidImages().data,
      await model.clusters(images, { members: 2 }),
    ],
  })

/** The 4 × 4 patches of `images` at corners (0, 0) and (4, 4), as a batch `[2n, 4, 4, 1]`. */
function patchesOf(images: ImageBatch): ImageBatch {
  const n = images.shape[0]
  const data = new Float32Array(2 * n * 16)
  for (let i = 0; i < n; i++) {
    for (const [c, corner] of [0, 4].entries()) {
      for (let r = 0; r < 4; r++) {
        for (let x = 0; x < 4; x++) {
          data[(2 * i + c) * 16 + r * 4 + x] = images.data[i * 64 + (corner + r) * 8 + corner + x]!
        }
      }
    }
  }
  return { data, shape: [2 * n, 4, 4, 1] }
}

const CASES: readonly Case<SnapshotModel>[] = [
  defineCase({
    name: 'VAE',
    create: () => new VAE({ latentDim: 4, hiddenUnits: [16], seed: 3 }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    prepare: calibrate,
    outputs: async (model: VAE, images) => [
      (await model.sample(6, { seed: 9 })).data,
      (await model.decode(latents(3, 4))).data,
      (await model.encode(images)).data,
      (await model.reconstruct(images)).data,
      await model.evaluate(images, 2),
      ...(await anomalyOutputs(model, images)),
    ],
  }),
  defineCase({
    name: 'GAN dense on images (sigmoid output)',
    create: () => new GAN({ noiseDim: 4, generatorUnits: [16], discriminatorUnits: [16], seed: 2 }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: ganOutputs,
  }),
  defineCase({
    name: 'GAN dense on 2-D points (linear output, plane bounds)',
    create: () => new GAN({ generatorUnits: [16], seed: 2 }),
    data: ring,
    train: { epochs: 1, batchSize: 64 },
    outputs: async (model: GAN) => [
      ...(await ganOutputs(model)),
      await model.view2d({ gridSize: 6, samples: 8, seed: 1 }),
    ],
  }),
  defineCase({
    name: 'GAN conv (batch-norm running statistics)',
    create: () => new GAN({ architecture: 'conv', filters: 2, noiseDim: 4, seed: 2 }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: ganOutputs,
  }),
  defineCase({
    name: 'InfoGAN dense (Q head, codes)',
    create: () =>
      new GAN({
        noiseDim: 6,
        generatorUnits: [16],
        discriminatorUnits: [16],
        seed: 2,
        info: { categorical: [3], continuous: 1, weight: 0.5 },
      }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: GAN) => [
      ...(await ganOutputs(model)),
      (await model.generateWithCodes([{ categorical: [2], continuous: [0.5] }], { seed: 1 })).data,
      (await model.inferCodes(await model.sample(4, { seed: 3 }))).probabilities,
    ],
  }),
  defineCase({
    name: 'InfoGAN conv (Q head)',
    create: () =>
      new GAN({
        architecture: 'conv',
        filters: 2,
        noiseDim: 6,
        seed: 2,
        info: { categorical: [3] },
      }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: GAN) => [
      ...(await ganOutputs(model)),
      (await model.inferCodes(await model.sample(4, { seed: 3 }))).categorical,
    ],
  }),
  autoencoderCase('autoencoder plain dense', { hiddenUnits: [16] }),
  autoencoderCase('autoencoder plain dense, linear output', { hiddenUnits: [16] }, signedDigits),
  autoencoderCase('autoencoder denoising', { kind: 'denoising', hiddenUnits: [16] }),
  autoencoderCase('autoencoder sparse', { kind: 'sparse', hiddenUnits: [16] }),
  autoencoderCase('autoencoder linear', { kind: 'linear' }),
  autoencoderCase('autoencoder conv', { architecture: 'conv' }),
  autoencoderCase('autoencoder stacked, mid-pretraining', {
    hiddenUnits: [16],
    stacked: { pretrainEpochs: 2, noise: 0.2 },
  }),
  sparseCase('sparse coding', {}),
  sparseCase('sparse coding, whitened', { whiten: true, normalization: 'center' }),
  kMeansCase('k-means Lloyd', {}),
  kMeansCase('k-means mini-batch (per-centre counts)', { algorithm: 'minibatch' }),
  decCase('DEC', {}),
  decCase('IDEC', { idec: true, reconstructionWeight: 5 }),
  decCase('DEC conv', { architecture: 'conv' }),
  kMeansPatchCase('k-means patches (clustering learning, whitened)', {}),
  kMeansPatchCase('k-means patches, mini-batch, not whitened', {
    algorithm: 'minibatch',
    whiten: false,
  }),
  defineCase({
    name: 'semantic hashing, learned codes',
    create: () => new SemanticHashing({ bits: 12, hiddenUnits: [16], seed: 4 }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    // Codes barely move in a few steps: the weights themselves are compared too.
    outputs: async (model: SemanticHashing, images) => [
      (await model.hash(images)).codes,
      new Float32Array((await model.snapshot({ training: false })).weightData),
    ],
  }),
  rbmCase('RBM, Bernoulli visible units', {}),
  rbmCase('deep belief network, Gaussian visible units (scaling saved)', {
    layers: [12, 6],
    visible: 'gaussian',
  }),
  defineCase({
    name: 'autoregressive (MADE), random ordering',
    create: () => new MADE({ hiddenUnits: [16], ordering: 'random', seed: 8 }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: MADE, images) => [
      (await model.logLikelihood(images)).logLikelihoods,
      (await model.conditionals(images)).data,
      (await model.sampleSteps(2, { frames: 3, seed: 3 })).images.data,
    ],
  }),
  defineCase({
    name: 'Helmholtz machine (recognition and generative networks, top prior)',
    create: () => new HelmholtzMachine({ layers: [12, 4], seed: 8 }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: HelmholtzMachine, images) => [
      (await model.logLikelihood(images, { samples: 3 })).logLikelihoods,
      (await model.encode(images)).data,
      (await model.reconstruct(images)).data,
      (await model.sample(2, { seed: 3 })).data,
    ],
  }),
  defineCase({
    name: 'contrastive (encoder and projection head)',
    create: () =>
      new Contrastive({
        hiddenUnits: [16],
        featureSize: 8,
        headUnits: [8],
        augment: { rotation: true },
        seed: 8,
      }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: Contrastive, images) => [
      (await model.encode(images)).data,
      model.augmentPairs(images, 2, 1).first.data,
    ],
  }),
  defineCase({
    name: 'contrastive conv (convolutional encoder and projection head)',
    create: () =>
      new Contrastive({
        architecture: 'conv',
        convChannels: [2, 4],
        featureSize: 8,
        headUnits: [8],
        augment: { rotation: true },
        seed: 8,
      }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: Contrastive, images) => [
      (await model.encode(images)).data,
      model.augmentPairs(images, 2, 1).first.data,
    ],
  }),
  defineCase({
    name: "contrastive conv, encodeViews 'shifts' (features averaged over shifts)",
    create: () =>
      new Contrastive({
        architecture: 'conv',
        convChannels: [2, 4],
        featureSize: 8,
        headUnits: [8],
        encodeViews: 'shifts',
        seed: 8,
      }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: Contrastive, images) => [(await model.encode(images)).data],
  }),
  defineCase({
    name: 'pretext (jigsaw encoder and task head)',
    create: () =>
      new Pretext({
        task: 'jigsaw',
        permutations: 10,
        hiddenUnits: [16],
        featureSize: 8,
        headUnits: [8],
        seed: 8,
      }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: Pretext, images) => [
      (await model.encode(images)).data,
      (await model.predict(model.makeTask(images, 3, 1).inputs)).probabilities,
    ],
  }),
  defineCase({
    name: 'mean image (test family, EngineModel by hand)',
    create: () => new MeanImage({ noise: 0.2, seed: 1 }),
    data: firstHalf,
    train: { epochs: 1, batchSize: 32 },
    outputs: async (model: MeanImage) => [model.sample(3, 4).data, model.meanImage().data],
  }),
]

/** FNV-1a over a snapshot's bytes and counters: changes when any weight does. */
async function fingerprint(model: SnapshotModel): Promise<string> {
  const snapshot = await model.snapshot()
  let hash = 0x811c9dc5
  for (const byte of new Uint8Array(snapshot.weightData)) hash = Math.imul(hash ^ byte, 0x01000193)
  return `${hash >>> 0}:${model.trainedSteps}:${model.trainedEpochs}:${JSON.stringify(snapshot.state)}`
}

async function trained(c: Case<SnapshotModel>, data = c.data): Promise<SnapshotModel> {
  const model = c.create()
  await model.fit(data, c.train, {})
  await c.prepare?.(model, data)
  return model
}

function typedError(run: () => unknown): LatentkitError {
  try {
    run()
  } catch (error) {
    return error as LatentkitError
  }
  throw new Error('expected a typed error')
}

/** The same snapshot with `weightData` replaced. */
const withData = (s: ModelSnapshot, data: ArrayBuffer): ModelSnapshot => ({
  ...s,
  weightData: data,
})

/** A network record with its resolved options changed (a record that is `null` becomes one). */
function tamper(
  network: unknown,
  change: (options: Record<string, unknown>) => Record<string, unknown>,
): unknown {
  const record = (network ?? { options: {} }) as { options: Record<string, unknown> }
  return { ...record, options: change(record.options) }
}

/** Bad snapshots made from a good one, with the detail that must name what is wrong. */
function badSnapshots(
  s: ModelSnapshot,
): readonly [string, unknown, Readonly<Record<string, unknown>>][] {
  const last = s.weightSpecs.length - 1
  const lastSpec = s.weightSpecs[last] as ModelSnapshot['weightSpecs'][number]
  const lastBytes = lastSpec.shape.reduce((a, b) => a * b, 1) * 4
  const first = s.weightSpecs[0] as ModelSnapshot['weightSpecs'][number]
  const flatFirst =
    first.shape.length > 1 ? [first.shape.reduce((a, b) => a * b, 1)] : [1, ...first.shape]
  const nan = s.weightData.slice(0)
  new Float32Array(nan)[0] = NaN
  const [h, w] = s.imageShape
  return [
    ['not an object', null, {}],
    ['wrong format', { ...s, format: 'keras' }, { field: 'format' }],
    ['wrong version', { ...s, version: 2 }, { field: 'version', expected: 1 }],
    ['wrong kind', { ...s, kind: s.kind === 'vae' ? 'gan' : 'vae' }, { field: 'kind' }],
    ['malformed image shape', { ...s, imageShape: [h, w] }, { field: 'imageShape' }],
    ['another image shape (channels)', { ...s, imageShape: [h, w, 3] }, {}],
    ['other model options', { ...s, modelOptions: { seed: 77 } }, { field: 'modelOptions' }],
    ['network record not an object', { ...s, network: 'dense' }, { field: 'network' }],
    [
      "recorded options that disagree with the model's",
      { ...s, network: tamper(s.network, (options) => ({ ...options, seed: 999 })) },
      { field: s.network === null ? 'network' : 'network.options.seed' },
    ],
    [
      'incomplete recorded options',
      { ...s, network: tamper(s.network, ({ seed: _, ...options }) => options) },
      { field: s.network === null ? 'network' : 'network.options' },
    ],
    ['bad state', { ...s, state: 'calibrated' }, {}],
    ['no steps', { ...s, trainedSteps: 0 }, { field: 'trainedSteps' }],
    [
      'missing weight',
      {
        ...withData(s, s.weightData.slice(0, s.weightData.byteLength - lastBytes)),
        weightSpecs: s.weightSpecs.slice(0, last),
      },
      { field: 'weightSpecs', actual: last },
    ],
    [
      'extra weight',
      {
        ...withData(s, new Uint8Array([...new Uint8Array(s.weightData), 0, 0, 0, 0]).buffer),
        weightSpecs: [...s.weightSpecs, { name: `w${last + 1}`, shape: [1], dtype: 'float32' }],
      },
      { field: 'weightSpecs', actual: last + 2 },
    ],
    [
      'misshapen weight',
      { ...s, weightSpecs: [{ ...first, shape: flatFirst }, ...s.weightSpecs.slice(1)] },
      { weight: 0, actual: flatFirst },
    ],
    [
      'wrong dtype',
      { ...s, weightSpecs: [{ ...first, dtype: 'int32' }, ...s.weightSpecs.slice(1)] },
      { weight: 0 },
    ],
    [
      'truncated weightData',
      withData(s, s.weightData.slice(0, s.weightData.byteLength - 4)),
      { field: 'weightData', actual: s.weightData.byteLength - 4 },
    ],
    ['non-finite weight', withData(s, nan), { weight: 'w0' }],
  ]
}

describe('model snapshots (CPU)', () => {
  beforeAll(() => switchBackend('cpu'))

  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    test('a restored model gives the same outputs, counters and image shape; the snapshot is a copy', async () => {
      const baseline = tf.memory().numTensors
      const original = await trained(c)
      const expected = await c.outputs(original, probe)
      const before = tf.memory().numTensors
      const snapshot = await original.snapshot()
      expect(tf.memory().numTensors).toBe(before)
      const print = await fingerprint(original)
      const json = JSON.parse(
        JSON.stringify({ ...snapshot, weightData: undefined }),
      ) as ModelSnapshot
      expect(json.kind).toBe(snapshot.kind)

      // Training on does not reach into the snapshot taken before.
      await original.fit(secondHalfOf(c), c.train, {})
      expect(await c.outputs(original, probe)).not.toEqual(expected)

      // As itself, as a structured clone (postMessage) and through a saved model file.
      const file = encodeModelFile(snapshot)
      const fromFile = readModelFile(file.buffer, { kind: snapshot.kind })
      for (const copy of [snapshot, structuredClone(snapshot), fromFile]) {
        const restored = c.create()
        restored.restore(copy)
        expect(restored.trainedSteps).toBe(snapshot.trainedSteps)
        expect(restored.trainedEpochs).toBe(snapshot.trainedEpochs)
        expect(restored.imageShape).toEqual(snapshot.imageShape)
        expect(await c.outputs(restored, probe)).toEqual(expected)
        expect(await fingerprint(restored)).toBe(print)
        restored.dispose()
      }
      disposeAll(baseline, original)
    })

    test('restoring replaces a trained network; training continues the same into a fresh or a used model', async () => {
      const baseline = tf.memory().numTensors
      const source = await trained(c)
      const snapshot = await source.snapshot()
      const target = await trained(c, secondHalfOf(c))
      const expected = await c.outputs(source, probe)
      expect(await c.outputs(target, probe)).not.toEqual(expected)
      const held = tf.memory().numTensors
      target.restore(snapshot)
      expect(tf.memory().numTensors).toBeLessThanOrEqual(held)
      expect(await c.outputs(target, probe)).toEqual(expected)

      const fresh = c.create()
      fresh.restore(snapshot)
      await target.fit(c.data, c.train, {})
      await fresh.fit(c.data, c.train, {})
      expect(target.trainedSteps).toBeGreaterThan(snapshot.trainedSteps)
      expect(fresh.trainedSteps).toBe(target.trainedSteps)
      const continued = await c.outputs(fresh, probe)
      expect(continued).not.toEqual(expected)
      expect(await c.outputs(target, probe)).toEqual(continued)
      disposeAll(baseline, source, target, fresh)
    })

    test('each bad snapshot is refused with INVALID_INPUT naming the fault; the trained model is unchanged', async () => {
      const baseline = tf.memory().numTensors
      const source = await trained(c)
      // The network's envelope; resumeExact.test.ts refuses bad training states.
      const good = await source.snapshot({ training: false })
      const target = await trained(c, secondHalfOf(c))
      const print = await fingerprint(target)
      const outputs = await c.outputs(target, probe)
      for (const [fault, bad, details] of badSnapshots(good)) {
        const error = typedError(() => target.restore(bad as ModelSnapshot))
        expect(error.code, fault).toBe('INVALID_INPUT')
        expect(error.details, fault).toMatchObject(details)
        expect(error.message.length, fault).toBeGreaterThan(30)
      }
      expect(await fingerprint(target)).toBe(print)
      expect(await c.outputs(target, probe)).toEqual(outputs)
      disposeAll(baseline, source, target)
    })
  })
})

/** Disposes `models`, then checks that no tensor is left beyond `baseline`. */
function disposeAll(baseline: number, ...models: SnapshotModel[]): void {
  for (const model of models) model.dispose()
  expect(tf.memory().numTensors).toBe(baseline)
}

/** Data other than the case's (for a target trained differently). */
function secondHalfOf(c: Case<SnapshotModel>): ImageBatch {
  if (c.data === ring) return toImageBatch(ringOfGaussians({ count: 256, seed: 2 }))
  if (c.data === signedDigits)
    return { data: secondHalf.data.map((v) => 2 * v - 1), shape: secondHalf.shape }
  return secondHalf
}

describe('snapshot life cycle', () => {
  beforeAll(() => switchBackend('cpu'))

  test('a snapshot before the first step is NOT_TRAINED', async () => {
    const model = new VAE({ latentDim: 2, hiddenUnits: [8] })
    await expect(model.snapshot()).rejects.toMatchObject({ code: 'NOT_TRAINED' })
  })

  test('restore while training is BUSY and changes nothing; a snapshot taken mid-training is of one step', async () => {
    const model = new VAE({ latentDim: 2, hiddenUnits: [8], seed: 1 })
    await model.fit(firstHalf, { epochs: 1, batchSize: 32 })
    const good = await model.snapshot()
    const control = new TrainingControl()
    const taken: Promise<ModelSnapshot>[] = []
    const counted: number[] = []
    let refused: LatentkitError | undefined
    await model.fit(
      firstHalf,
      { epochs: 2, batchSize: 16 },
      {
        control,
        updateIntervalMs: 0,
        onUpdate: () => {
          refused ??= typedError(() => model.restore(good))
          counted.push(model.trainedSteps)
          taken.push(model.snapshot())
          if (taken.length === 3) control.stop()
        },
      },
    )
    expect(refused?.code).toBe('BUSY')
    const snapshots = await Promise.all(taken)
    expect(snapshots.map((s) => s.trainedSteps)).toEqual(counted)
    expect(counted[2]).toBeGreaterThan(good.trainedSteps)
    const restored = new VAE({ latentDim: 2, hiddenUnits: [8], seed: 1 })
    restored.restore(snapshots[2] as ModelSnapshot)
    expect((await restored.sample(4, { seed: 1 })).data).toEqual(
      (await model.sample(4, { seed: 1 })).data,
    )
    model.dispose()
    restored.dispose()
  })

  test('a transferred weightData is refused as truncated', async () => {
    const model = new MeanImage({})
    await model.fit(firstHalf, { epochs: 1 }, {})
    const snapshot = await model.snapshot()
    structuredClone(snapshot.weightData, { transfer: [snapshot.weightData] })
    const error = typedError(() => new MeanImage({}).restore(snapshot))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('transferred')
  })
})

describe('model snapshots with the fused WebAssembly trainers', () => {
  beforeAll(() => switchBackend('wasm'))

  const fused = [
    'VAE',
    'GAN dense on images (sigmoid output)',
    'autoencoder plain dense',
    'autoencoder stacked, mid-pretraining',
  ]
  test.each(CASES.filter((c) => fused.includes(c.name)).map((c) => [c.name, c] as const))(
    '%s: a restored model continues exactly as a fresh restore does (optimiser state comes from the snapshot, not the model restored into)',
    async (_, c) => {
      const baseline = tf.memory().numTensors
      const source = await trained(c)
      const snapshot = await source.snapshot()
      const used = await trained(c, secondHalfOf(c))
      used.restore(snapshot)
      const fresh = c.create()
      fresh.restore(snapshot)
      await used.fit(c.data, c.train, {})
      await fresh.fit(c.data, c.train, {})
      expect(await fingerprint(used)).toBe(await fingerprint(fresh))
      expect(await c.outputs(used, probe)).toEqual(await c.outputs(fresh, probe))
      disposeAll(baseline, source, used, fresh)
    },
  )
})
