import * as tf from '@tensorflow/tfjs-core'
import {
  assertImageShape,
  gatherRows,
  imageSize,
  valuesPerImage,
  type ImageBatch,
  type ImageShape,
} from '../../dataset'
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
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import { yieldToEventLoop } from '../../trainingControl'
import {
  DEFAULT_SAMPLE_FRAMES,
  resolveAutoregressiveOptions,
  resolveAutoregressiveTrainOptions,
  validateAutoregressiveModelOptions,
  type AutoregressiveLogLikelihoodOptions,
  type AutoregressiveModelOptions,
  type AutoregressiveSampleOptions,
  type AutoregressiveSampleStepsOptions,
  type AutoregressiveTrainOptions,
  type ResolvedAutoregressiveOptions,
} from '../autoregressiveOptions'
import {
  autoregressiveSpec,
  type AutoregressiveHistoryPoint,
  type AutoregressiveLogLikelihood,
  type AutoregressiveSampleSteps,
} from '../autoregressiveSpec'
import { assertBinarizable, binarizeValues } from '../binarize'
import { checkPixelCount } from '../madeMasks'
import { MADENetwork } from './madeNetwork'

/** What a MADE network is built from: its resolved options (the masks follow from them). */
interface MADEPlan {
  readonly options: ResolvedAutoregressiveOptions
}

/** The types a {@link MADE} is made of. */
interface MADETypes {
  readonly network: MADENetwork
  readonly options: AutoregressiveModelOptions
  readonly train: AutoregressiveTrainOptions
  readonly resolvedTrain: Required<AutoregressiveTrainOptions>
  readonly point: AutoregressiveHistoryPoint
  readonly plan: MADEPlan
}

const RULES: ModelRules<MADETypes> = {
  kind: autoregressiveSpec.kind,
  validateOptions: validateAutoregressiveModelOptions,
  resolveTrainOptions: resolveAutoregressiveTrainOptions,
}

/** Pixels drawn between two yields to the event loop while sampling. */
const YIELD_EVERY = 16

/**
 * MADE — the masked autoencoder for distribution estimation (Germain, Gregor, Murray & Larochelle
 * 2015) — on binarised images: an autoregressive model with an exact likelihood,
 * `log p(x) = Σ_d log p(x_d | x_<d)`, trained with Adam on that exact negative log-likelihood.
 *
 * Why MADE rather than a PixelCNN (van den Oord et al. 2016): one pass of a few masked dense layers
 * gives every pixel's conditional, hence the exact likelihood of an image, and dense layers run on
 * the same fast matrix-product path as the library's other dense models; for the small images a
 * browser trains on (8×8 digits, 28×28 sprites) a dense net sees the whole context a PixelCNN would
 * need many masked convolutions to reach. Sampling is sequential either way: one pass per pixel.
 * Framework-free: worker, Node or main thread.
 *
 * ```ts
 * const made = new MADE({ hiddenUnits: [256] })
 * await made.fit(digits, { epochs: 50 })
 * const { meanLogLikelihood } = await made.logLikelihood(heldOut) // exact nats per image
 * const images = await made.sample(16, { seed: 1 })
 * ```
 */
export class MADE extends TrainableModel<MADETypes> {
  private readonly adam = new AdamSlot()
  private binarizeRandom: Random | undefined

  constructor(options?: AutoregressiveModelOptions) {
    super(options, RULES)
  }

  protected checkTrainingData(data: ImageBatch): void {
    checkPixelCount(valuesPerImage(data))
    assertBinarizable(data.data, 'data')
  }

  protected planNetwork(data: ImageBatch): MADEPlan {
    return { options: resolveAutoregressiveOptions(this.modelOptions, valuesPerImage(data)) }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): MADEPlan {
    checkPixelCount(imageSize(shape))
    return {
      options: recordedOptions(
        record,
        this.modelOptions,
        (recorded: ResolvedAutoregressiveOptions) =>
          resolveAutoregressiveOptions(recorded, imageSize(shape)),
      ),
    }
  }

  protected construct({ options }: MADEPlan, shape: ImageShape): MADENetwork {
    return new MADENetwork(imageSize(shape), options)
  }

  protected adoptPlan({ options }: MADEPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.binarizeRandom = createRandom(deriveSeed(options.seed, 3))
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), binarize: this.binarizeRandom }
  }

  protected override trainingParts(network: MADENetwork): readonly TrainingStatePart[] {
    return [this.adam.trainingPart('adam', network.variables())]
  }

  protected async runEpochs(
    network: MADENetwork,
    data: ImageBatch,
    train: Required<AutoregressiveTrainOptions>,
    hooks: FitHooks<AutoregressiveHistoryPoint>,
  ): Promise<TrainResult<AutoregressiveHistoryPoint>> {
    const size = network.inputSize
    const variables = network.variables()
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables,
        step: async (indices) => {
          const grey = new Float32Array(indices.length * size)
          gatherRows(grey, data.data, indices, size)
          const binary = binarizeValues(grey, network.options, this.binarizeRandom as Random)
          const [loss = NaN] = await this.adam.step(train.learningRate, variables, () => {
            const result = network.lossAndGradients(tf.tensor2d(binary, [indices.length, size]))
            return { terms: [result.loss], gradients: result.gradients }
          })
          return { loss }
        },
        ...this.adam.loopParts(undefined, train.learningRate),
      },
      hooks,
    )
  }

  protected networkSize({ options }: MADEPlan, shape: ImageShape): NetworkSize {
    const size = imageSize(shape)
    // Masks are as large as the kernels: count the dense weights once more for them.
    const weights = denseWeightCount([size, ...options.hiddenUnits, size])
    return { weights: Math.ceil(weights * 1.2), advice: 'use smaller hiddenUnits' }
  }

  protected trainingStep(network: MADENetwork, data: ImageBatch): TrainingStepCost {
    return {
      key: '',
      rows: data.shape[0],
      run: (rows) => network.lossAndGradients(tf.zeros([rows, network.inputSize])),
      passFixedBytes: variableBytes(network.variables()),
      // The grey rows, the binary ones and the tensor made from them.
      hostValuesPerRow: 2 * network.inputSize,
    }
  }

  /** The network as a pass of binary rows into their log-likelihoods. */
  private likelihoodStage(network: MADENetwork): RowStage {
    return {
      name: 'logLikelihood',
      inputSize: network.inputSize,
      outputSize: 1,
      pass: (x) => tf.neg(network.negativeLogLikelihoods(x)),
    }
  }

  /** The network as a pass of binary rows into every pixel's logit. */
  private logitStage(network: MADENetwork): RowStage {
    return {
      name: 'logits',
      inputSize: network.inputSize,
      outputSize: network.inputSize,
      pass: (x) => network.logits(x),
    }
  }

  /** `images` (of the model's shape, values in [0, 1]) binarised as the model binarises. */
  binarize(images: ImageBatch, seed = 1): ImageBatch {
    const network = this.requireNetwork('binarize images')
    assertImageShape(images, this.shape as ImageShape, 'images')
    assertBinarizable(images.data)
    const random = createRandom(deriveSeed(seed, 7))
    return { data: binarizeValues(images.data, network.options, random), shape: images.shape }
  }

  /**
   * Exact `log p(x)` in nats of each image, binarised as in training (`'stochastic'`: one draw
   * from `options.seed`, default 1), in chunks that fit in memory.
   */
  async logLikelihood(
    images: ImageBatch,
    options: AutoregressiveLogLikelihoodOptions = {},
  ): Promise<AutoregressiveLogLikelihood> {
    const network = this.requireNetwork('compute a log-likelihood')
    const binary = this.binarize(images, options.seed ?? 1)
    const { data, rows } = await this.imageRows('logLikelihood', binary, [
      this.likelihoodStage(network),
    ])
    let total = 0
    for (const value of data) total += value
    const mean = total / rows
    return {
      logLikelihoods: data,
      meanLogLikelihood: mean,
      bitsPerPixel: -mean / Math.LN2 / network.inputSize,
    }
  }

  /**
   * `p(x_d = 1 | x_<d)` of every pixel d of each image (binarised as in training), `[n, …shape]`:
   * what the model expects of each pixel given the pixels before it.
   */
  async conditionals(images: ImageBatch, seed = 1): Promise<ImageBatch> {
    const network = this.requireNetwork('compute conditionals')
    const binary = this.binarize(images, seed)
    const stage = this.logitStage(network)
    const { data } = await this.imageRows('conditionals', binary, [
      { ...stage, name: 'conditionals', pass: (x) => tf.sigmoid(stage.pass(x)) },
    ])
    return { data, shape: images.shape }
  }

  /** `n` binary images drawn pixel by pixel; the same `seed` gives the same images. */
  async sample(n: number, options: AutoregressiveSampleOptions = {}): Promise<ImageBatch> {
    const steps = await this.draw(n, 1, options.seed)
    return steps.images
  }

  /**
   * `n` samples, each recorded at `options.frames` (default 17; more than pixels + 1 are clamped) evenly spaced
   * numbers of drawn pixels from 0 to all: a sample being drawn pixel by pixel.
   */
  async sampleSteps(
    n: number,
    options: AutoregressiveSampleStepsOptions = {},
  ): Promise<AutoregressiveSampleSteps> {
    return this.draw(
      n,
      checkCount(options.frames ?? DEFAULT_SAMPLE_FRAMES, 'frames', 2),
      options.seed,
    )
  }

  /**
   * Draws `n` images pixel by pixel in the model's order, each pixel 1 when a uniform draw (from
   * `seed`, one per pixel, image by image) falls below its conditional; records `frames` frames
   * (one: the finished images). The first layer's pre-activation is kept and updated by one kernel
   * row per drawn pixel (see `MADENetwork.pixelSampler`), so a step costs a pass of the deeper layers
   * and one output, not a full pass.
   */
  private async draw(
    n: number,
    wantedFrames: number,
    seed: number | undefined,
  ): Promise<AutoregressiveSampleSteps> {
    const network = this.requireNetwork('sample')
    checkCount(n, 'sample count')
    const size = network.inputSize
    const frames = Math.min(wantedFrames, size + 1)
    this.checkOnePass(this.logitStage(network), {
      what: 'sample count',
      actual: n,
      advice: (limit) => `draw at most ${limit} samples per call`,
    })
    checkRows(
      {
        what: 'sample count × frames',
        actual: n * (frames + 1),
        advice: (most) => `keep at most ${most} images per call (fewer samples or frames)`,
      },
      hostLimit(size),
    )
    const random = createRandom(seed ?? Math.floor(Math.random() * 2 ** 31))
    const uniforms = new Float32Array(n * size)
    for (let i = 0; i < uniforms.length; i++) uniforms[i] = random.uniform()
    const { order, degrees } = network.masks
    const recordAt = Array.from({ length: frames }, (_, f) =>
      frames === 1 ? size : Math.round((f * size) / (frames - 1)),
    )
    const images = new Float32Array(n * frames * size)
    const record = async (x: tf.Tensor2D, drawn: number, frame: number): Promise<void> => {
      const data = await x.data()
      for (let s = 0; s < n; s++) {
        const offset = (s * frames + frame) * size
        for (let p = 0; p < size; p++) {
          images[offset + p] =
            (degrees[p] as number) <= drawn ? (data[s * size + p] as number) : 0.5
        }
      }
    }
    const u = tf.tensor2d(uniforms, [n, size])
    const sampler = network.pixelSampler()
    let x = tf.zeros([n, size]) as tf.Tensor2D
    let state = tf.tidy(() => sampler.initial(n))
    let frame = 0
    try {
      if (recordAt[0] === 0) await record(x, 0, frame++)
      for (let k = 0; k < size; k++) {
        const pixel = order[k] as number
        const [nextX, nextState] = tf.tidy(() => {
          const logit = sampler.logit(state, pixel)
          const drawn = tf.cast(
            tf.less(tf.slice(u, [0, pixel], [n, 1]), tf.sigmoid(logit)),
            'float32',
          ) as tf.Tensor2D
          const hot = new Float32Array(size)
          hot[pixel] = 1
          return [
            tf.add(x, tf.mul(drawn, tf.tensor2d(hot, [1, size]))) as tf.Tensor2D,
            sampler.update(state, pixel, drawn),
          ]
        })
        x.dispose()
        state.dispose()
        x = nextX as tf.Tensor2D
        state = nextState as tf.Tensor2D
        if (recordAt[frame] === k + 1) await record(x, k + 1, frame++)
        if ((k + 1) % YIELD_EVERY === 0) await yieldToEventLoop()
      }
    } finally {
      x.dispose()
      state.dispose()
      u.dispose()
      sampler.dispose()
    }
    const [h, w, c] = this.shape as ImageShape
    return {
      images: { data: images, shape: [n * frames, h, w, c] },
      samples: n,
      frames,
      pixels: Int32Array.from(recordAt),
      order: Int32Array.from(order),
    }
  }

  protected resetExtras(): void {
    this.adam.dispose()
    this.binarizeRandom = undefined
  }
}
