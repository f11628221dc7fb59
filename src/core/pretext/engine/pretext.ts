import * as tf from '@tensorflow/tfjs-core'
import {
  assertImageShape,
  imageSize,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { InvalidInputError } from '../../errors'
import { recordedOptions } from '../../family/snapshotRecord'
import { createRandom, deriveSeed, type Random } from '../../random'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type RowStage,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import { checkCount, denseWeightCount } from '../../memoryModel'
import { checkRows, hostLimit, variableBytes } from '../../engine/memoryBudget'
import { AdamSlot } from '../../engine/adamSlot'
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import { assertConvolutionalShape } from '../../engine/conv'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import {
  resolvePretextOptions,
  resolvePretextTrainOptions,
  validatePretextModelOptions,
  type PretextModelOptions,
  type PretextTrainOptions,
  type ResolvedPretextOptions,
} from '../pretextOptions'
import {
  pretextSpec,
  type PretextExamples,
  type PretextHistoryPoint,
  type PretextPrediction,
} from '../pretextSpec'
import {
  exampleViews,
  imageViews,
  makeExamples,
  resolveTaskOptions,
  taskLayout,
  type TaskLayout,
} from '../pretextTasks'
import { PRETEXT_CONV_CHANNELS, PretextNetwork } from './pretextNetwork'
import { FusedPretextTrainer } from './fusedPretextTrainer'

/** What a pretext network is built from: options resolved against the images. */
interface PretextPlan {
  readonly options: ResolvedPretextOptions
}

interface PretextTypes {
  readonly network: PretextNetwork
  readonly options: PretextModelOptions
  readonly train: PretextTrainOptions
  readonly resolvedTrain: Required<PretextTrainOptions>
  readonly point: PretextHistoryPoint
  readonly plan: PretextPlan
}

const RULES: ModelRules<PretextTypes> = {
  kind: pretextSpec.kind,
  validateOptions: validatePretextModelOptions,
  resolveTrainOptions: resolvePretextTrainOptions,
}

/**
 * The task's layout for `options` and images of `shape`, with the convolutional encoder's check
 * (`SHAPE_MISMATCH` unless the view's sides are multiples of 4).
 */
function layoutFor(options: ResolvedPretextOptions, shape: ImageShape): TaskLayout {
  const layout = taskLayout(options, shape)
  if (options.architecture === 'convolutional') {
    assertConvolutionalShape(
      [0, ...layout.viewShape],
      `the convolutional encoder of the ${options.task} task (it reads ${layout.viewShape[0]} × ${layout.viewShape[1]} views)`,
    )
  }
  return layout
}

/**
 * Self-supervised features from a pretext task, on TF.js (on WASM, each step of a dense encoder
 * runs in latentkit's fused WebAssembly kernels unless `fusedKernels: false`): each step turns
 * every image of the batch into an example of the task with a random class — turned by a quarter
 * turn (Gidaris et al. 2018), its tiles shuffled by one of a fixed set of permutations (Noroozi &
 * Favaro 2016), or a patch beside one of its 8 neighbours (Doersch et al. 2015) — and lowers the
 * cross-entropy of a head that names the class from the encoder's features of the example's views.
 * The encoder's features are the representation (`encode`). Framework-free.
 *
 * ```ts
 * const model = new Pretext({ task: 'jigsaw', grid: 2 })
 * await model.fit(images, { epochs: 30 })
 * const features = await model.encode(images) // [n, 4 · featureSize]
 * ```
 */
export class Pretext extends TrainableModel<PretextTypes> {
  private readonly adam = new AdamSlot()
  /** The dense encoder's fused WebAssembly trainer, on WASM. */
  private readonly fused = new FusedTrainerSlot<FusedPretextTrainer>()
  private exampleRandom: Random | undefined
  private layout: TaskLayout | undefined

  constructor(options?: PretextModelOptions) {
    super(options, RULES)
  }

  /** The task's layout, once built. */
  get taskLayout(): TaskLayout | undefined {
    return this.layout
  }

  /** Refuses images the task cannot cut (see `resolveTaskOptions`). */
  protected checkTrainingData(data: ImageBatch): void {
    const [, height = 0, width = 0, channels = 0] = data.shape
    if (data.shape[0] < 1) throw new InvalidInputError('no images to learn from; pass at least one')
    layoutFor(resolvePretextOptions(this.modelOptions), [height, width, channels])
  }

  protected planNetwork(data: ImageBatch): PretextPlan {
    const [, height = 0, width = 0, channels = 0] = data.shape
    return {
      options: resolveTaskOptions(resolvePretextOptions(this.modelOptions), [
        height,
        width,
        channels,
      ]),
    }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): PretextPlan {
    const options = recordedOptions(record, this.modelOptions, (o: ResolvedPretextOptions) =>
      resolveTaskOptions(resolvePretextOptions(o), shape),
    )
    layoutFor(options, shape)
    return { options }
  }

  protected construct(plan: PretextPlan, shape: ImageShape): PretextNetwork {
    return new PretextNetwork(layoutFor(plan.options, shape), plan.options)
  }

  protected adoptPlan(plan: PretextPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(plan.options.seed, 2))
    this.exampleRandom = createRandom(deriveSeed(plan.options.seed, 3))
    this.layout = layoutFor(plan.options, this.shape as ImageShape)
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), examples: this.exampleRandom }
  }

  protected override trainingParts(network: PretextNetwork): readonly TrainingStatePart[] {
    const variables = network.variables()
    return [
      this.adam.trainingPart('adam', variables),
      this.fused.trainingPart('fusedAdam', [variables]),
    ]
  }

  protected async runEpochs(
    network: PretextNetwork,
    data: ImageBatch,
    train: Required<PretextTrainOptions>,
    hooks: FitHooks<PretextHistoryPoint>,
  ): Promise<TrainResult<PretextHistoryPoint>> {
    const layout = network.layout
    const variables = network.variables()
    const fused = await this.fusedTrainer(network, train)
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables,
        step: async (indices) => {
          const n = indices.length
          const { inputs, targets } = makeExamples(
            data.data,
            indices,
            layout,
            this.exampleRandom as Random,
          )
          const views = exampleViews(inputs, n, layout)
          if (fused) return fused.step(variables, { views, targets }, train.learningRate)
          const [loss = NaN, accuracy = NaN] = await this.adam.step(
            train.learningRate,
            variables,
            () => {
              const x = tf.tensor2d(views, [n * layout.views, network.viewSize])
              const { terms, gradients } = network.lossAndGradients(
                x,
                tf.tensor1d(targets, 'int32'),
              )
              return { terms: [terms.loss, terms.accuracy], gradients }
            },
          )
          return { loss, accuracy }
        },
        ...this.adam.loopParts(fused, train.learningRate),
      },
      hooks,
    )
  }

  /**
   * The fused WebAssembly trainer when it applies (dense encoder, WASM backend, `fusedKernels` on,
   * SIMD present), kept across calls (it holds the Adam moments) while the batch fits; a
   * convolutional encoder trains on TF.js.
   */
  private async fusedTrainer(
    network: PretextNetwork,
    train: Required<PretextTrainOptions>,
  ): Promise<FusedPretextTrainer | undefined> {
    if (network.options.architecture !== 'dense') return undefined
    const { layout, viewSize, options } = network
    return this.fused.get(
      train,
      train.batchSize * layout.views,
      (memory) => new FusedPretextTrainer(memory, layout, viewSize, options, train.batchSize),
    )
  }

  protected networkSize({ options }: PretextPlan, shape: ImageShape): NetworkSize {
    const layout = taskLayout(options, shape)
    const { hiddenUnits, featureSize, headUnits, architecture } = options
    const viewSize = imageSize(layout.viewShape)
    const [vh, vw, c] = layout.viewShape
    const [first, second] = PRETEXT_CONV_CHANNELS
    const encoder =
      architecture === 'convolutional'
        ? 16 * c * first +
          first +
          16 * first * second +
          second +
          denseWeightCount([(vh / 4) * (vw / 4) * second, featureSize])
        : denseWeightCount([viewSize, ...hiddenUnits, featureSize])
    return {
      weights:
        encoder + denseWeightCount([layout.views * featureSize, ...headUnits, layout.classes]),
      advice: 'use smaller hiddenUnits, featureSize or headUnits (or fewer permutations)',
    }
  }

  protected trainingStep(network: PretextNetwork, data: ImageBatch): TrainingStepCost {
    const { views } = network.layout
    return {
      key: '',
      rows: data.shape[0],
      run: (rows) =>
        network.lossAndGradients(
          tf.zeros([rows * views, network.viewSize]),
          tf.zeros([rows], 'int32'),
        ),
      passFixedBytes: variableBytes(network.variables()),
      hostValuesPerRow: 2 * imageSize(network.layout.inputShape) + views * network.viewSize,
    }
  }

  /** The encoder's features of `images`, `[n, encodeViews · featureSize]`, in chunks that fit. */
  async encode(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireNetwork('encode')
    const layout = network.layout
    assertImageShape(images, layout.shape, 'images')
    const n = images.shape[0]
    const k = layout.encodeViews
    const featureSize = network.options.featureSize
    const stage: RowStage = {
      name: 'encode',
      inputSize: k * network.viewSize,
      outputSize: k * featureSize,
      pass: (x) =>
        tf.reshape(network.encode(tf.reshape(x, [x.shape[0] * k, network.viewSize])), [
          x.shape[0],
          k * featureSize,
        ]),
    }
    const views = imageViews(images.data, n, layout)
    const data = await this.throughStages({ noun: 'image', action: 'encode' }, views, n, [stage])
    return { data, shape: [n, k * featureSize] }
  }

  /**
   * The task's answer on `examples` (images of the layout's input shape, as `makeTask` gives:
   * `SHAPE_MISMATCH` otherwise): each one's most probable class and every class's probability.
   */
  async predict(examples: ImageBatch): Promise<PretextPrediction> {
    const network = this.requireNetwork('predict')
    const layout = network.layout
    assertImageShape(examples, layout.inputShape, 'examples')
    const n = examples.shape[0]
    const classCount = layout.classes
    const stage: RowStage = {
      name: 'predict',
      inputSize: layout.views * network.viewSize,
      outputSize: classCount,
      pass: (x) => network.probabilities(x),
    }
    const views = exampleViews(examples.data, n, layout)
    const probabilities = await this.throughStages(
      { noun: 'example', action: 'predict' },
      views,
      n,
      [stage],
    )
    const classes = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      let best = 0
      for (let k = 1; k < classCount; k++) {
        if (
          (probabilities[i * classCount + k] as number) >
          (probabilities[i * classCount + best] as number)
        )
          best = k
      }
      classes[i] = best
    }
    return { classes, probabilities, classCount }
  }

  /**
   * `n` examples of the task made from images drawn from `images` with `seed` (the model's own
   * random streams are untouched). Works before training: the task is laid out for `images`' size;
   * once built, `images` must have the model's image shape (`SHAPE_MISMATCH`).
   */
  makeTask(images: ImageBatch, n: number, seed = 0): PretextExamples {
    if (this.shape) assertImageShape(images, this.shape, 'images')
    const [rows, height, width, channels] = images.shape
    if (rows < 1) throw new InvalidInputError('no images to make examples of; pass at least one')
    // The worker's own check: a raw message may skip the client's.
    checkCount(n, 'example count')
    const layout =
      this.layout ?? layoutFor(resolvePretextOptions(this.modelOptions), [height, width, channels])
    checkRows(
      { what: 'example count', actual: n, advice: (most) => `ask for at most ${most} examples` },
      hostLimit(imageSize(layout.inputShape)),
    )
    const random = createRandom(seed)
    const indices = Int32Array.from({ length: n }, () => random.int(rows))
    const { inputs, targets } = makeExamples(images.data, indices, layout, random)
    return {
      inputs: { data: inputs, shape: [n, ...layout.inputShape] },
      targets,
      indices,
      task: layout.task,
      grid: layout.grid,
      permutations: layout.permutations,
    }
  }

  protected resetExtras(): void {
    this.adam.dispose()
    this.fused.clear()
    this.exampleRandom = undefined
    this.layout = undefined
  }
}
