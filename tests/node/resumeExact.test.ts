/**
 * Training resumes exactly after a snapshot: train one epoch, snapshot, copy it (structuredClone and
 * a model file), restore into a NEW model and train one more gives the same losses, weights and
 * outputs, bit for bit, as two epochs straight, on the CPU backend (TF.js operations) and on WASM
 * (the fused WebAssembly kernels for dense models, the conv autoencoder and the conv GAN or
 * InfoGAN, TF.js operations for the other convolutional ones). A weights-only snapshot (the format
 * before training state) still restores, and does NOT continue the same way: the test can fail.
 * A bad training state is refused, naming the field.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { VAE } from '../../src/core/vae/engine/vae'
import { GAN } from '../../src/core/gan/engine/gan'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { SemanticHashing } from '../../src/core/hashing/engine/semanticHashing'
import { SparseCoding } from '../../src/core/sparse/engine/sparseCoding'
import { KMeans } from '../../src/core/kmeans/engine/kmeans'
import { PCA } from '../../src/core/pca/engine/pca'
import { RBM } from '../../src/core/rbm/engine/rbm'
import { MADE } from '../../src/core/autoregressive/engine/made'
import { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import { Pretext } from '../../src/core/pretext/engine/pretext'
import { HelmholtzMachine } from '../../src/core/helmholtz/engine/helmholtz'
import { DEC } from '../../src/core/dec/engine/dec'
import type { ImageBatch } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import type { ModelSnapshot } from '../../src/core/family/modelSnapshot'
import { encodeModelFile, readModelFile } from '../../src/core/family/modelFile'
import type { TrainingUpdate } from '../../src/core/training'
import { loadDigits } from '../../src/data/digits'
import { switchBackend } from './setupBackend'

/** What the tests need of a model. */
interface ResumeModel {
  fit(
    data: ImageBatch,
    options: object,
    hooks: { onUpdate: (update: TrainingUpdate<object>) => void },
  ): Promise<unknown>
  snapshot(options?: { training?: boolean }): Promise<ModelSnapshot>
  restore(snapshot: ModelSnapshot): void
  dispose(): void
}

interface Case {
  readonly name: string
  readonly create: () => ResumeModel
  /** Training options of one epoch. */
  readonly train: object
  /** True when the WASM backend trains it with the fused kernels. */
  readonly fused: boolean
  /**
   * What the resumed model is compared with: two epochs in one call (`'straight'`), or two calls of
   * one epoch on one model, for families whose calls differ by design (an RBM's momentum restarts
   * each call; a patch model draws its patches per call).
   */
  readonly reference?: 'straight' | 'same calls'
  /** True for a family that keeps no training state that matters: weights alone resume it exactly. */
  readonly stateless?: boolean
  /** What the model computes, deterministically. */
  readonly outputs: (model: ResumeModel) => Promise<unknown[]>
}

const digits = loadDigits({ limit: 128 }).images
const probe: ImageBatch = { data: digits.data.slice(0, 8 * 64), shape: [8, 8, 8, 1] }

const sampled = async (model: ResumeModel): Promise<unknown[]> => [
  (await (model as unknown as VAE).sample(6, { seed: 9 })).data,
]
const rebuilt = async (model: ResumeModel): Promise<unknown[]> => [
  (await (model as unknown as Autoencoder).reconstruct(probe)).data,
]

const CASES: readonly Case[] = [
  {
    name: 'VAE',
    create: () => new VAE({ latentDim: 4, hiddenUnits: [24], seed: 3 }),
    train: { batchSize: 32 },
    fused: true,
    outputs: async (model) => [
      ...(await sampled(model)),
      (await (model as unknown as VAE).reconstruct(probe)).data,
    ],
  },
  {
    name: 'GAN dense',
    create: () => new GAN({ noiseDim: 4, generatorUnits: [24], discriminatorUnits: [24], seed: 2 }),
    train: { batchSize: 16 },
    fused: true,
    outputs: sampled,
  },
  {
    name: 'GAN conv',
    create: () => new GAN({ architecture: 'conv', filters: 2, noiseDim: 4, seed: 2 }),
    train: { batchSize: 32 },
    fused: true,
    outputs: sampled,
  },
  {
    name: 'InfoGAN dense',
    create: () =>
      new GAN({
        noiseDim: 6,
        generatorUnits: [24],
        discriminatorUnits: [24],
        seed: 2,
        info: { categorical: [3], continuous: 1 },
      }),
    train: { batchSize: 16 },
    fused: true,
    outputs: sampled,
  },
  {
    name: 'InfoGAN conv',
    create: () =>
      new GAN({
        architecture: 'conv',
        filters: 2,
        noiseDim: 6,
        seed: 2,
        info: { categorical: [3] },
      }),
    train: { batchSize: 32 },
    fused: true,
    outputs: sampled,
  },
  {
    name: 'autoencoder plain',
    create: () => new Autoencoder({ codeSize: 4, hiddenUnits: [16], seed: 4 }),
    train: { batchSize: 32 },
    fused: true,
    outputs: rebuilt,
  },
  {
    name: 'autoencoder denoising (corruption stream)',
    create: () => new Autoencoder({ kind: 'denoising', codeSize: 4, hiddenUnits: [16], seed: 4 }),
    train: { batchSize: 32 },
    fused: true,
    outputs: rebuilt,
  },
  {
    name: 'autoencoder stacked, inside layer 1 (layer stream of masking noise)',
    create: () =>
      new Autoencoder({
        codeSize: 4,
        hiddenUnits: [16],
        seed: 4,
        stacked: { pretrainEpochs: 2, noise: 0.2 },
      }),
    train: { batchSize: 32 },
    fused: true,
    outputs: async (model) => [
      ...(await rebuilt(model)),
      (await (model as unknown as Autoencoder).encodeLayer(probe, 1)).data,
    ],
  },
  {
    name: 'autoencoder stacked, from layer 1 to layer 2 (Gaussian noise)',
    create: () =>
      new Autoencoder({
        codeSize: 4,
        hiddenUnits: [16],
        seed: 4,
        stacked: { pretrainEpochs: 1, noise: 0.1, corruption: 'gaussian' },
      }),
    train: { batchSize: 32 },
    fused: true,
    outputs: rebuilt,
  },
  {
    name: 'autoencoder conv',
    create: () => new Autoencoder({ architecture: 'conv', codeSize: 4, seed: 4 }),
    train: { batchSize: 32 },
    fused: true,
    outputs: rebuilt,
  },
  {
    // Each call pretrains what is missing, then refines: two calls of one epoch are the reference.
    name: 'DEC (pretraining, then refinement each call)',
    create: () =>
      new DEC({ clusters: 4, hiddenUnits: [16], codeSize: 3, seed: 6 }) as unknown as ResumeModel,
    train: { batchSize: 32, refineSteps: 6, updateInterval: 3, kmeansRuns: 2 },
    fused: true,
    reference: 'same calls',
    outputs: async (model) => [
      await (model as unknown as DEC).assign(probe),
      (await (model as unknown as DEC).softAssign(probe)).data,
      (await (model as unknown as DEC).centres()).data,
    ],
  },
  {
    name: 'IDEC (fused refinement trains the decoder too)',
    create: () =>
      new DEC({
        clusters: 4,
        hiddenUnits: [16],
        codeSize: 3,
        seed: 6,
        idec: true,
      }) as unknown as ResumeModel,
    train: { batchSize: 32, refineSteps: 6, updateInterval: 3, kmeansRuns: 2 },
    fused: true,
    reference: 'same calls',
    outputs: async (model) => [
      await (model as unknown as DEC).assign(probe),
      (await (model as unknown as DEC).centres()).data,
    ],
  },
  {
    name: 'DEC conv (pretraining, then refinement each call)',
    create: () =>
      new DEC({
        architecture: 'conv',
        clusters: 4,
        codeSize: 3,
        seed: 6,
      }) as unknown as ResumeModel,
    train: { batchSize: 32, refineSteps: 6, updateInterval: 3, kmeansRuns: 2 },
    fused: false,
    reference: 'same calls',
    outputs: async (model) => [
      await (model as unknown as DEC).assign(probe),
      (await (model as unknown as DEC).softAssign(probe)).data,
      (await (model as unknown as DEC).centres()).data,
    ],
  },
  {
    name: 'semantic hashing (code noise stream)',
    create: () => new SemanticHashing({ bits: 12, hiddenUnits: [16], seed: 4 }),
    train: { batchSize: 32 },
    fused: false,
    outputs: async (model) => [(await (model as unknown as SemanticHashing).hash(probe)).codes],
  },
  {
    name: 'sparse coding',
    create: () => new SparseCoding({ atoms: 12, patchSize: 4, seed: 5 }),
    train: { batchSize: 64, patchesPerEpoch: 192, codingIterations: 20 },
    fused: false,
    outputs: async (model) => {
      const sparse = model as unknown as SparseCoding
      return [sparse.dictionary(), (await sparse.encode(probe)).values]
    },
  },
]

const transformed = async (model: ResumeModel): Promise<unknown[]> => [
  (await (model as unknown as PCA | RBM).transform(probe)).data,
]

/** The other built-in families: k-means, PCA, RBM / DBN (persistent chains). */
const MORE_CASES: readonly Case[] = [
  ...(['lloyd', 'minibatch'] as const).map((algorithm): Case => ({
    name: `k-means ${algorithm}`,
    create: () => new KMeans({ k: 5, seed: 6, algorithm }),
    // Lloyd does not converge (tolerance 0): a converged run stops early by design.
    train: { batchSize: 16, tolerance: 0 },
    fused: true,
    // Lloyd's full-batch steps depend on no random stream.
    stateless: algorithm === 'lloyd',
    outputs: async (model) => {
      const kmeans = model as unknown as KMeans
      return [await kmeans.assign(probe), kmeans.centroidImages().data]
    },
  })),
  {
    name: 'k-means patches, mini-batch (patches drawn per call)',
    create: () => new KMeans({ k: 6, seed: 6, patchSize: 4, algorithm: 'minibatch' }),
    train: { batchSize: 64, patchesPerImage: 2 },
    fused: true,
    reference: 'same calls',
    outputs: async (model) => [(model as unknown as KMeans).centroidImages().data],
  },
  {
    name: 'PCA',
    create: () => new PCA({ nComponents: 4, seed: 1 }),
    train: { batchSize: 32 },
    fused: false,
    outputs: transformed,
  },
  {
    name: 'RBM, PCD (persistent chains)',
    create: () => new RBM({ layers: [12], seed: 7 }),
    train: { batchSize: 16, sampler: 'pcd' },
    fused: true,
    reference: 'same calls',
    outputs: transformed,
  },
  {
    name: 'deep belief network, PCD',
    create: () => new RBM({ layers: [12, 6], seed: 7 }),
    train: { batchSize: 16, sampler: 'pcd' },
    fused: true,
    reference: 'same calls',
    outputs: transformed,
  },
  {
    name: 'autoregressive (MADE), stochastic binarisation stream',
    create: () =>
      new MADE({ hiddenUnits: [16], ordering: 'random', binarize: 'stochastic', seed: 8 }),
    train: { batchSize: 32 },
    fused: false,
    outputs: async (model) => {
      const made = model as unknown as MADE
      return [
        (await made.logLikelihood(probe)).logLikelihoods,
        (await made.sample(3, { seed: 2 })).data,
      ]
    },
  },
  {
    name: 'Helmholtz machine (wake-sleep draws and stochastic binarisation streams)',
    create: () => new HelmholtzMachine({ layers: [12, 4], binarize: 'stochastic', seed: 8 }),
    train: { batchSize: 16, boundEvery: 3, boundSamples: 2 },
    fused: false,
    outputs: async (model) => {
      const machine = model as unknown as HelmholtzMachine
      return [
        (await machine.logLikelihood(probe, { samples: 3 })).logLikelihoods,
        (await machine.sample(3, { seed: 2 })).data,
      ]
    },
  },
  {
    name: 'contrastive (augmentation stream)',
    create: () => new Contrastive({ hiddenUnits: [16], featureSize: 8, headUnits: [8], seed: 8 }),
    train: { batchSize: 16 },
    fused: true,
    outputs: async (model) => [(await (model as unknown as Contrastive).encode(probe)).data],
  },
  {
    name: 'contrastive, fusedKernels off (augmentation stream, TF.js Adam)',
    create: () => new Contrastive({ hiddenUnits: [16], featureSize: 8, headUnits: [8], seed: 8 }),
    train: { batchSize: 16, fusedKernels: false },
    fused: false,
    outputs: async (model) => [(await (model as unknown as Contrastive).encode(probe)).data],
  },
  {
    name: 'contrastive conv (augmentation stream)',
    create: () =>
      new Contrastive({
        architecture: 'conv',
        convChannels: [2, 4],
        featureSize: 8,
        headUnits: [8],
        seed: 8,
      }),
    train: { batchSize: 16 },
    fused: false,
    outputs: async (model) => [(await (model as unknown as Contrastive).encode(probe)).data],
  },
  {
    name: 'pretext (relative-position example stream)',
    create: () =>
      new Pretext({
        task: 'relativePosition',
        hiddenUnits: [16],
        featureSize: 8,
        headUnits: [8],
        seed: 8,
      }),
    train: { batchSize: 16 },
    fused: true,
    outputs: async (model) => [(await (model as unknown as Pretext).encode(probe)).data],
  },
  {
    name: 'pretext, fusedKernels off (relative-position example stream, TF.js Adam)',
    create: () =>
      new Pretext({
        task: 'relativePosition',
        hiddenUnits: [16],
        featureSize: 8,
        headUnits: [8],
        seed: 8,
      }),
    train: { batchSize: 16, fusedKernels: false },
    fused: false,
    outputs: async (model) => [(await (model as unknown as Pretext).encode(probe)).data],
  },
]

/** Trains `model` for `epochs` epochs; returns the history points and the kernels that ran. */
async function train(
  model: ResumeModel,
  c: Case,
  epochs: number,
): Promise<{ history: object[]; kernels: string }> {
  const history: object[] = []
  let kernels = ''
  await model.fit(
    digits,
    { ...c.train, epochs },
    {
      onUpdate: (update) => {
        history.push(...update.history)
        kernels = update.progress.kernels
      },
    },
  )
  return { history, kernels }
}

/** The network's weights (no training state), as bytes. */
async function weights(model: ResumeModel): Promise<Uint8Array> {
  return new Uint8Array((await model.snapshot({ training: false })).weightData)
}

/** The snapshot after a structured clone (postMessage) and a trip through a model file. */
function copied(snapshot: ModelSnapshot): ModelSnapshot {
  const cloned = structuredClone(snapshot)
  return readModelFile(encodeModelFile(cloned).buffer, { kind: snapshot.kind })
}

/**
 * Two epochs straight (or in two calls, see {@link Case.reference}), and one epoch + snapshot +
 * restore into a new model + one epoch.
 */
async function runBoth(c: Case, snapshotOptions: { training?: boolean } = {}) {
  const straight = c.create()
  let all = await train(straight, c, c.reference === 'same calls' ? 1 : 2)
  if (c.reference === 'same calls') {
    const more = await train(straight, c, 1)
    all = { history: [...all.history, ...more.history], kernels: more.kernels }
  }
  const first = c.create()
  const firstHalf = await train(first, c, 1)
  const snapshot = await first.snapshot(snapshotOptions)
  first.dispose()
  const resumed = c.create()
  resumed.restore(copied(snapshot))
  const secondHalf = await train(resumed, c, 1)
  return { straight, resumed, all, firstHalf, secondHalf, snapshot }
}

describe.each(['cpu', 'wasm'] as const)('training resumes exactly on %s', (backend) => {
  beforeAll(() => switchBackend(backend))

  test.each([...CASES, ...MORE_CASES].map((c) => [c.name, c] as const))(
    '%s: 1 epoch, snapshot, restore into a new model, 1 epoch = 2 epochs straight',
    async (_, c) => {
      const baseline = tf.memory().numTensors
      const { straight, resumed, all, firstHalf, secondHalf, snapshot } = await runBoth(c)
      expect(snapshot.training).toBeDefined()
      expect(all.kernels.startsWith('wasm-')).toBe(backend === 'wasm' && c.fused)
      expect(secondHalf.kernels).toBe(all.kernels)
      const split = firstHalf.history.length
      expect(split).toBeGreaterThan(0)
      expect(all.history.slice(0, split)).toEqual(firstHalf.history)
      expect(secondHalf.history.length).toBe(all.history.length - split)
      expect(secondHalf.history).toEqual(all.history.slice(split))
      expect(await weights(resumed)).toEqual(await weights(straight))
      expect(await c.outputs(resumed)).toEqual(await c.outputs(straight))
      // The training state goes on too: a snapshot of each holds the same bytes.
      const [a, b] = [await straight.snapshot(), await resumed.snapshot()]
      expect(new Uint8Array(b.weightData)).toEqual(new Uint8Array(a.weightData))
      expect(b.training).toEqual(a.training)
      straight.dispose()
      resumed.dispose()
      expect(tf.memory().numTensors).toBe(baseline)
    },
  )

  test.each([...CASES, ...MORE_CASES].map((c) => [c.name, c] as const))(
    '%s: a weights-only snapshot (the format without training state) restores the weights but does not continue the same (unless the family keeps no training state)',
    async (_, c) => {
      const baseline = tf.memory().numTensors
      const { straight, resumed, all, firstHalf, secondHalf, snapshot } = await runBoth(c, {
        training: false,
      })
      expect(snapshot.training).toBeUndefined()
      expect(snapshot.weightSpecs.every((spec) => spec.name.startsWith('w'))).toBe(true)
      const split = firstHalf.history.length
      expect(secondHalf.history.length).toBe(all.history.length - split)
      // The history, or the weights (a PCA pass ends at the same fit in another order), differ.
      const resumedRun = [secondHalf.history, await weights(resumed)]
      const straightRun = [all.history.slice(split), await weights(straight)]
      if (c.stateless) expect(resumedRun).toEqual(straightRun)
      else expect(resumedRun).not.toEqual(straightRun)
      straight.dispose()
      resumed.dispose()
      expect(tf.memory().numTensors).toBe(baseline)
    },
  )
})

function typedError(run: () => unknown): LatentkitError {
  try {
    run()
  } catch (error) {
    return error as LatentkitError
  }
  throw new Error('expected a typed error')
}

describe('bad training state', () => {
  beforeAll(() => switchBackend('cpu'))

  test('each is refused with INVALID_INPUT naming the field; the model is unchanged', async () => {
    const baseline = tf.memory().numTensors
    const c = CASES[0] as Case
    const source = c.create()
    await train(source, c, 1)
    const good = await source.snapshot()
    const training = good.training as NonNullable<ModelSnapshot['training']>
    const [adam] = training.parts
    const specs = good.weightSpecs
    const last = specs.length - 1
    const bad: [string, unknown, string][] = [
      ['not an object', { ...good, training: 3 }, 'training'],
      [
        'random not an object',
        { ...good, training: { ...training, random: [] } },
        'training.random',
      ],
      [
        'a random state out of range',
        {
          ...good,
          training: { ...training, random: { shuffle: { position: 2 ** 40, spareNormal: null } } },
        },
        'training.random.shuffle',
      ],
      [
        'a stream the model lacks',
        {
          ...good,
          training: {
            ...training,
            random: { ...training.random, colour: { position: 1, spareNormal: null } },
          },
        },
        'training.random.colour',
      ],
      ['parts not an array', { ...good, training: { ...training, parts: {} } }, 'training.parts'],
      [
        'a part the model lacks',
        { ...good, training: { ...training, parts: [{ ...adam, name: 'rmsprop' }] } },
        'training.parts[0].name',
      ],
      [
        'a bad Adam step count',
        {
          ...good,
          training: {
            ...training,
            parts: [{ ...adam, state: { ...(adam?.state as object), steps: -1 } }],
          },
        },
        'training.parts[0].state.steps',
      ],
      [
        'a bad learning rate',
        {
          ...good,
          training: {
            ...training,
            parts: [{ ...adam, state: { ...(adam?.state as object), learningRate: 'fast' } }],
          },
        },
        'training.parts[0].state.learningRate',
      ],
      [
        'moments of another network (one array fewer)',
        {
          ...good,
          training: { ...training, parts: [{ ...adam, arrays: (adam?.arrays ?? 0) - 1 }] },
        },
        'weightSpecs',
      ],
      [
        'a misnamed training array',
        { ...good, weightSpecs: [...specs.slice(0, last), { ...specs[last], name: 'w99' }] },
        'weightSpecs',
      ],
    ]
    const target = c.create()
    await train(target, c, 1)
    const before = await target.snapshot()
    const outputs = await c.outputs(target)
    for (const [fault, snapshot, field] of bad) {
      const error = typedError(() => target.restore(snapshot as ModelSnapshot))
      expect(error.code, fault).toBe('INVALID_INPUT')
      expect(error.details, fault).toMatchObject({ field })
    }
    const after = await target.snapshot()
    expect(new Uint8Array(after.weightData)).toEqual(new Uint8Array(before.weightData))
    expect(after.training).toEqual(before.training)
    expect(await c.outputs(target)).toEqual(outputs)
    source.dispose()
    target.dispose()
    expect(tf.memory().numTensors).toBe(baseline)
  })
})
