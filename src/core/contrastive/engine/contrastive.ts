import * as tf from '@tensorflow/tfjs-core'
import {
  allInUnitRange,
  assertImageShape,
  imageSize,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { InvalidInputError } from '../../errors'
import { assertConvolutionalShape } from '../../engine/conv'
import { recordedOptions, type SnapshotRecord } from '../../family/snapshotRecord'
import { createRandom, deriveSeed, type Random } from '../../random'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type RowStage,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import { checkCount, convWeightCount, denseWeightCount } from '../../memoryModel'
import { checkRows, hostLimit, variableBytes } from '../../engine/memoryBudget'
import { AdamSlot } from '../../engine/adamSlot'
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import {
  augmentBatch,
  resolveAugmentations,
  type AugmentTarget,
  type ResolvedAugmentations,
} from '../augmentations'
import {
  resolveContrastiveOptions,
  resolveContrastiveTrainOptions,
  validateContrastiveModelOptions,
  type ContrastiveModelOptions,
  type ContrastiveTrainOptions,
  type ResolvedContrastiveOptions,
} from '../contrastiveOptions'
import {
  contrastiveSpec,
  type AugmentedPairs,
  type ContrastiveHistoryPoint,
} from '../contrastiveSpec'
import { SHIFT_VIEWS, shiftedImages } from '../shiftViews'
import { ContrastiveNetwork } from './contrastiveNetwork'
import { FusedContrastiveTrainer } from './fusedContrastiveTrainer'

/** What a contrastive network is built from: resolved options and whether the data lay in [0, 1]. */
interface ContrastivePlan {
  readonly options: ResolvedContrastiveOptions
  /** Views are clamped to [0, 1] when every training value lay in it. */
  readonly unitRange: boolean
}

interface ContrastiveTypes {
  readonly network: ContrastiveNetwork
  readonly options: ContrastiveModelOptions
  readonly train: ContrastiveTrainOptions
  readonly resolvedTrain: Required<ContrastiveTrainOptions>
  readonly point: ContrastiveHistoryPoint
  readonly plan: ContrastivePlan
}

const RULES: ModelRules<ContrastiveTypes> = {
  kind: contrastiveSpec.kind,
  validateOptions: validateContrastiveModelOptions,
  resolveTrainOptions: resolveContrastiveTrainOptions,
}

/** What `SHAPE_MISMATCH` names when images do not fit the convolutional encoder. */
const CONV_MODEL = 'the convolutional contrastive encoder'

/**
 * Snapshots taken before the family had `architecture` were all dense: their options get `'dense'`
 * and the default `convChannels` so they still restore; those taken before `encodeViews` read the
 * image itself (`'image'`).
 */
function withOlderDefaults(record: SnapshotNetwork): SnapshotNetwork {
  const options = record.options as SnapshotRecord | null | undefined
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return record
  const architecture =
    'architecture' in options ? {} : { architecture: 'dense', convChannels: [32, 64] }
  const encodeViews = 'encodeViews' in options ? {} : { encodeViews: 'image' }
  return { ...record, options: { ...options, ...architecture, ...encodeViews } }
}

/** The augmentations of `options` for images of `shape`, and how views are clamped. */
function viewsOf(
  options: ResolvedContrastiveOptions,
  shape: ImageShape,
  unitRange: boolean,
): { augment: ResolvedAugmentations; target: AugmentTarget } {
  const [height, width, channels] = shape
  return {
    augment: resolveAugmentations(options.augment, height, width),
    target: { height, width, channels, unitRange },
  }
}

/**
 * SimCLR-style contrastive learning (Chen et al. 2020) on TF.js (on WASM, each step of the dense
 * encoder runs in latentkit's fused WebAssembly kernels unless `fusedKernels: false`): each step makes two random views of
 * every image of the batch (in plain TypeScript: crop, shift, rotation, scale, noise, cutout,
 * brightness, contrast), passes them through a dense encoder and a projection head, and lowers the
 * NT-Xent loss — each view must pick out its partner among the batch's other views. The encoder's
 * features are the representation (`encode`); the head only serves the loss. Framework-free.
 *
 * ```ts
 * const model = new Contrastive({ temperature: 0.5 })
 * await model.fit(images, { epochs: 100 })
 * const features = await model.encode(images) // [n, featureSize]
 * ```
 */
export class Contrastive extends TrainableModel<ContrastiveTypes> {
  private readonly adam = new AdamSlot()
  /** The dense encoder's fused WebAssembly trainer, on WASM. */
  private readonly fused = new FusedTrainerSlot<FusedContrastiveTrainer>()
  private augmentRandom: Random | undefined
  private views: { augment: ResolvedAugmentations; target: AugmentTarget } | undefined

  constructor(options?: ContrastiveModelOptions) {
    super(options, RULES)
  }

  /**
   * Refuses data of fewer than 2 images, augmentations the image size cannot take and, for a new
   * convolutional encoder, image sides that are not multiples of 4 (`SHAPE_MISMATCH`).
   */
  protected checkTrainingData(data: ImageBatch): void {
    if (data.shape[0] < 2) {
      throw new InvalidInputError(
        `contrastive learning needs at least 2 images (the other images of a batch are the negatives); got ${data.shape[0]}`,
        { rows: data.shape[0] },
      )
    }
    const [, height = 0, width = 0] = data.shape
    const options = resolveContrastiveOptions(this.modelOptions)
    if (!this.network && options.architecture === 'conv') {
      assertConvolutionalShape(data.shape, CONV_MODEL)
    }
    resolveAugmentations(options.augment, height, width)
  }

  protected planNetwork(data: ImageBatch): ContrastivePlan {
    return {
      options: resolveContrastiveOptions(this.modelOptions),
      unitRange: allInUnitRange(data.data),
    }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): ContrastivePlan {
    const options = recordedOptions(
      withOlderDefaults(record),
      this.modelOptions,
      resolveContrastiveOptions,
    )
    if (options.architecture === 'conv') assertConvolutionalShape([0, ...shape], CONV_MODEL)
    resolveAugmentations(options.augment, shape[0], shape[1])
    if (typeof record.unitRange !== 'boolean') {
      throw new InvalidInputError(
        `snapshot network.unitRange must be true or false; got ${JSON.stringify(record.unitRange)}`,
        { field: 'network.unitRange' },
      )
    }
    return { options, unitRange: record.unitRange }
  }

  protected construct(plan: ContrastivePlan, shape: ImageShape): ContrastiveNetwork {
    return new ContrastiveNetwork(shape, plan.options)
  }

  protected adoptPlan(plan: ContrastivePlan): void {
    this.shuffleRandom = createRandom(deriveSeed(plan.options.seed, 2))
    this.augmentRandom = createRandom(deriveSeed(plan.options.seed, 3))
    this.views = viewsOf(plan.options, this.shape as ImageShape, plan.unitRange)
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), augment: this.augmentRandom }
  }

  protected override trainingParts(network: ContrastiveNetwork): readonly TrainingStatePart[] {
    const variables = network.variables()
    return [
      this.adam.trainingPart('adam', variables),
      this.fused.trainingPart('fusedAdam', [variables]),
    ]
  }

  protected async runEpochs(
    network: ContrastiveNetwork,
    data: ImageBatch,
    train: Required<ContrastiveTrainOptions>,
    hooks: FitHooks<ContrastiveHistoryPoint>,
  ): Promise<TrainResult<ContrastiveHistoryPoint>> {
    const size = network.inputSize
    const variables = network.variables()
    const { augment, target } = this.views as NonNullable<typeof this.views>
    const fused = await this.fusedTrainer(network, train)
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables,
        step: async (indices) => {
          const views = augmentBatch(
            data.data,
            indices,
            target,
            augment,
            this.augmentRandom as Random,
          )
          if (fused) return fused.step(variables, views, train.learningRate)
          const [loss = NaN, pairAccuracy = NaN] = await this.adam.step(
            train.learningRate,
            variables,
            () => {
              const x = tf.tensor2d(views, [2 * indices.length, size])
              const { terms, gradients } = network.lossAndGradients(x)
              return { terms: [terms.loss, terms.pairAccuracy], gradients }
            },
          )
          return { loss, pairAccuracy }
        },
        ...this.adam.loopParts(fused, train.learningRate),
      },
      hooks,
    )
  }

  /**
   * The fused WebAssembly trainer when it applies (dense encoder, WASM backend, `fusedKernels` on,
   * SIMD present), kept across calls (it holds the Adam moments) while the batch fits; buffers for
   * two views per image.
   */
  private async fusedTrainer(
    network: ContrastiveNetwork,
    train: Required<ContrastiveTrainOptions>,
  ): Promise<FusedContrastiveTrainer | undefined> {
    if (network.options.architecture !== 'dense') return undefined
    const rows = 2 * train.batchSize
    return this.fused.get(
      train,
      rows,
      (memory) => new FusedContrastiveTrainer(memory, network.inputSize, network.options, rows),
    )
  }

  protected networkSize({ options }: ContrastivePlan, shape: ImageShape): NetworkSize {
    const { hiddenUnits, featureSize, headUnits, projectionSize } = options
    const head = denseWeightCount([featureSize, ...headUnits, projectionSize])
    if (options.architecture === 'conv') {
      // As convEncoderStack's: two 4×4 stride-2 convolutions, then a dense layer.
      const [h, w, c] = shape
      const [first, second] = options.convChannels
      return {
        weights:
          convWeightCount(4, c, first) +
          convWeightCount(4, first, second) +
          denseWeightCount([(h / 4) * (w / 4) * second, featureSize]) +
          head,
        advice: 'use smaller convChannels, featureSize or headUnits, or smaller images',
      }
    }
    return {
      weights: denseWeightCount([imageSize(shape), ...hiddenUnits, featureSize]) + head,
      advice: 'use smaller hiddenUnits, featureSize or headUnits',
    }
  }

  protected trainingStep(network: ContrastiveNetwork, data: ImageBatch): TrainingStepCost {
    return {
      key: '',
      rows: data.shape[0],
      // Two views per image: the step's tensors are twice the batch.
      run: (rows) => network.lossAndGradients(tf.zeros([2 * rows, network.inputSize])),
      passFixedBytes: variableBytes(network.variables()),
      hostValuesPerRow: 2 * network.inputSize,
    }
  }

  private encodeStage(network: ContrastiveNetwork): RowStage {
    return {
      name: 'encode',
      inputSize: network.inputSize,
      outputSize: network.options.featureSize,
      pass: (x) => network.encode(x),
    }
  }

  /**
   * The encoder's features of `images`, `[n, featureSize]`, in chunks that fit in memory; with
   * `encodeViews: 'shifts'`, the mean of the features of the image and its four one-pixel shifts.
   */
  async encode(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireNetwork('encode')
    const stage = this.encodeStage(network)
    if (network.options.encodeViews === 'image') return this.imageFeatures('encode', images, stage)
    let sum: Float32Array | undefined
    for (const [dy, dx] of SHIFT_VIEWS) {
      const view = dy === 0 && dx === 0 ? images : shiftedImages(images, dy, dx)
      const { data } = await this.imageFeatures('encode', view, stage)
      if (sum === undefined) sum = data
      else for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (data[i] as number)
    }
    const mean = sum as Float32Array
    for (let i = 0; i < mean.length; i++) mean[i] = (mean[i] as number) / SHIFT_VIEWS.length
    return { data: mean, shape: [images.shape[0], stage.outputSize] }
  }

  /**
   * Two views of each of `n` images drawn from `images` with `seed` (the model's own random streams
   * are untouched), made with the model's augmentations. Works before training: the augmentations
   * are resolved against `images`' size; once built, `images` must have the model's image shape
   * (`SHAPE_MISMATCH`).
   */
  augmentPairs(images: ImageBatch, n: number, seed = 0): AugmentedPairs {
    if (this.shape) assertImageShape(images, this.shape, 'images')
    const [rows, height, width, channels] = images.shape
    if (rows < 1) throw new InvalidInputError('no images to augment; pass at least one')
    // The worker's own check: a raw message may skip the client's.
    checkCount(n, 'pair count')
    checkRows(
      { what: 'pair count', actual: n, advice: (most) => `ask for at most ${most} pairs` },
      hostLimit(2 * height * width * channels),
    )
    const random = createRandom(seed)
    const indices = Int32Array.from({ length: n }, () => random.int(rows))
    const options = resolveContrastiveOptions(this.modelOptions)
    const unitRange = this.network
      ? (this.views as NonNullable<typeof this.views>).target.unitRange
      : allInUnitRange(images.data)
    const { augment, target } = viewsOf(options, [height, width, channels], unitRange)
    const both = augmentBatch(images.data, indices, target, augment, random)
    const size = height * width * channels
    return {
      first: { data: both.slice(0, n * size), shape: [n, height, width, channels] },
      second: { data: both.slice(n * size), shape: [n, height, width, channels] },
      indices,
    }
  }

  protected resetExtras(): void {
    this.adam.dispose()
    this.fused.clear()
    this.augmentRandom = undefined
    this.views = undefined
  }
}
