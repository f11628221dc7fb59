import * as tf from '@tensorflow/tfjs-core'
import {
  assertImageShape,
  gatherRows,
  imageSize,
  valuesPerImage,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { DivergedError, InvalidInputError } from '../../errors'
import { recordedOptions } from '../../family/snapshotRecord'
import { checkCount, denseWeightCount } from '../../memoryModel'
import { createRandom, deriveSeed, type Random } from '../../random'
import type { TrainResult } from '../../training'
import { checkRows, hostLimit, variableBytes } from '../../engine/memoryBudget'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type RowStage,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import type { FitHooks } from '../../engine/trainingLoop'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import { assertBinarizable, binarizeValues } from '../../autoregressive/binarize'
import {
  resolveHelmholtzLogLikelihoodOptions,
  resolveHelmholtzOptions,
  resolveHelmholtzTrainOptions,
  validateHelmholtzModelOptions,
  validateHelmholtzSampleOptions,
  type HelmholtzLogLikelihoodOptions,
  type HelmholtzModelOptions,
  type HelmholtzSampleOptions,
  type HelmholtzTrainOptions,
  type ResolvedHelmholtzOptions,
} from '../helmholtzOptions'
import {
  helmholtzSpec,
  type HelmholtzHistoryPoint,
  type HelmholtzLogLikelihood,
} from '../helmholtzSpec'
import { HelmholtzNetwork } from './helmholtzNetwork'

/** What a Helmholtz machine's network is built from: its resolved options. */
interface HelmholtzPlan {
  readonly options: ResolvedHelmholtzOptions
}

/** The types a {@link HelmholtzMachine} is made of. */
interface HelmholtzTypes {
  readonly network: HelmholtzNetwork
  readonly options: HelmholtzModelOptions
  readonly train: HelmholtzTrainOptions
  readonly resolvedTrain: Required<HelmholtzTrainOptions>
  readonly point: HelmholtzHistoryPoint
  readonly plan: HelmholtzPlan
}

const RULES: ModelRules<HelmholtzTypes> = {
  kind: helmholtzSpec.kind,
  validateOptions: validateHelmholtzModelOptions,
  resolveTrainOptions: resolveHelmholtzTrainOptions,
}

const WHO = 'the Helmholtz machine'

/** `count` uniforms in [0, 1) from `random`, in order. */
function uniforms(random: Random, count: number): Float32Array {
  const values = new Float32Array(count)
  for (let i = 0; i < count; i++) values[i] = random.uniform()
  return values
}

/** Adds `rate × update` to each variable. Call inside `tf.tidy`. */
function ascend(variables: readonly tf.Variable[], updates: readonly tf.Tensor[], rate: number) {
  variables.forEach((variable, i) => {
    variable.assign(tf.add(variable, tf.mul(updates[i] as tf.Tensor, rate)))
  })
}

/**
 * The Helmholtz machine (Hinton, Dayan, Frey & Neal 1995; Dayan, Hinton, Neal & Zemel 1995):
 * stochastic binary layers with a bottom-up recognition network and a top-down generative network
 * (its top layer's prior a learned bias), trained by **wake-sleep** on binarised images. Wake: draw
 * hidden states bottom-up with the recognition network and move the generative weights by the local
 * delta rule to predict each layer from the one above. Sleep: dream a fantasy top-down and move the
 * recognition weights to recover its causes. Plain gradient steps on the batch means; every draw
 * comes from the model's seeded streams, so runs and resumed runs are exact. The VAE descends from
 * it: the reparameterisation trick replaced the sleep phase's wrong-direction KL. Framework-free:
 * worker, Node or main thread.
 *
 * ```ts
 * const machine = new HelmholtzMachine({ layers: [128, 8] })
 * await machine.fit(digits, { epochs: 50 })
 * const { meanLogLikelihood } = await machine.logLikelihood(heldOut, { samples: 100 })
 * const images = await machine.sample(16, { seed: 1 })
 * ```
 */
export class HelmholtzMachine extends TrainableModel<HelmholtzTypes> {
  private noise: Random | undefined
  private binarizeRandom: Random | undefined
  /** The last measured bound, carried between measurements (a snapshot keeps it). */
  private lastBound: number | undefined

  constructor(options?: HelmholtzModelOptions) {
    super(options, RULES)
  }

  protected checkTrainingData(data: ImageBatch): void {
    assertBinarizable(data.data, 'data', WHO)
  }

  protected planNetwork(data: ImageBatch): HelmholtzPlan {
    return { options: resolveHelmholtzOptions(this.modelOptions, valuesPerImage(data)) }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): HelmholtzPlan {
    return {
      options: recordedOptions(record, this.modelOptions, (recorded: ResolvedHelmholtzOptions) =>
        resolveHelmholtzOptions(recorded, imageSize(shape)),
      ),
    }
  }

  protected construct({ options }: HelmholtzPlan, shape: ImageShape): HelmholtzNetwork {
    return new HelmholtzNetwork(imageSize(shape), options)
  }

  /** The pixels' generative bias starts at the logits of their rates of 1s in the data. */
  protected override initialize(network: HelmholtzNetwork, data: ImageBatch): void {
    const size = network.inputSize
    const rows = data.shape[0]
    const rates = new Float32Array(size)
    const { binarize, threshold } = network.options
    for (let i = 0; i < data.data.length; i++) {
      const value = data.data[i] as number
      const on = binarize === 'threshold' ? (value >= threshold ? 1 : 0) : value
      rates[i % size] = (rates[i % size] as number) + on
    }
    for (let p = 0; p < size; p++) rates[p] = (rates[p] as number) / rows
    network.setPixelRates(rates)
  }

  protected adoptPlan({ options }: HelmholtzPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.binarizeRandom = createRandom(deriveSeed(options.seed, 3))
    this.noise = createRandom(deriveSeed(options.seed, 4))
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), binarize: this.binarizeRandom, noise: this.noise }
  }

  /** The carried bound, so that a resumed run reports what the straight one would. */
  protected override trainingParts(): readonly TrainingStatePart[] {
    return [
      {
        name: 'bound',
        capture: () =>
          this.lastBound === undefined ? undefined : { state: this.lastBound, arrays: [] },
        prepare: (state, arrays, field) => {
          if (typeof state !== 'number' || !Number.isFinite(state) || arrays.length > 0) {
            throw new InvalidInputError(
              `snapshot ${field} must be the last bound, a finite number with no arrays; got ${JSON.stringify(state)}. Take the snapshot again from a Helmholtz machine`,
              { field },
            )
          }
          return () => {
            this.lastBound = state
          }
        },
      },
    ]
  }

  protected async runEpochs(
    network: HelmholtzNetwork,
    data: ImageBatch,
    train: Required<HelmholtzTrainOptions>,
    hooks: FitHooks<HelmholtzHistoryPoint>,
  ): Promise<TrainResult<HelmholtzHistoryPoint>> {
    const size = network.inputSize
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables: network.variables(),
        step: async (indices) => {
          const rows = indices.length
          const grey = new Float32Array(rows * size)
          gatherRows(grey, data.data, indices, size)
          const binary = binarizeValues(grey, network.options, this.binarizeRandom as Random)
          const measure =
            this.counters.steps % train.boundEvery === 0 || this.lastBound === undefined
          const noise = this.noise as Random
          const boundDraws = measure
            ? uniforms(noise, train.boundSamples * rows * network.hiddenSize)
            : undefined
          const wakeDraws = uniforms(noise, rows * network.hiddenSize)
          const sleepDraws = uniforms(noise, rows * network.dreamSize)
          const terms = tf.tidy(() => {
            const x = tf.tensor2d(binary, [rows, size])
            const bound = boundDraws
              ? this.boundOnBatch(network, x, boundDraws, train.boundSamples)
              : tf.scalar(0)
            const wake = network.wakeUpdates(
              network.recognize(x, tf.tensor2d(wakeDraws, [rows, network.hiddenSize])),
            )
            ascend(network.generativeVariables(), wake.updates, train.learningRate)
            const sleep = network.sleepUpdates(
              network.dream(tf.tensor2d(sleepDraws, [rows, network.dreamSize])),
            )
            ascend(network.recognitionVariables(), sleep.updates, train.learningRate)
            return tf.stack([wake.loss, sleep.loss, bound])
          })
          const [wake = NaN, sleep = NaN, measured = NaN] = await terms.data()
          terms.dispose()
          if (measure) this.lastBound = measured
          return { wake, sleep, bound: this.lastBound ?? measured }
        },
        diverged: (values, step, epoch) => {
          this.lastBound = undefined
          return new DivergedError(
            `wake-sleep diverged at step ${step} (wake loss ${values.wake}, sleep loss ${values.sleep}); the weights from the start of epoch ${epoch} were restored. Lower learningRate (now ${train.learningRate})`,
            { step, learningRate: train.learningRate },
          )
        },
      },
      hooks,
    )
  }

  /** `−log (1/K) Σ w` averaged over the batch `x`, from `K × rows` recognition draws. */
  private boundOnBatch(
    network: HelmholtzNetwork,
    x: tf.Tensor2D,
    draws: Float32Array,
    samples: number,
  ): tf.Scalar {
    const rows = x.shape[0]
    const tiled = samples === 1 ? x : (tf.tile(x, [samples, 1]) as tf.Tensor2D)
    const weights = network.logWeights(
      tiled,
      tf.tensor2d(draws, [samples * rows, network.hiddenSize]),
    )
    const perRow = tf.sub(tf.logSumExp(tf.reshape(weights, [samples, rows]), 0), Math.log(samples))
    return tf.neg(tf.mean(perRow)) as tf.Scalar
  }

  protected networkSize({ options }: HelmholtzPlan, shape: ImageShape): NetworkSize {
    // Two networks of the same sizes, one up and one down.
    const weights = 2 * denseWeightCount([imageSize(shape), ...options.layers])
    return { weights, advice: 'use smaller layers' }
  }

  protected trainingStep(
    network: HelmholtzNetwork,
    data: ImageBatch,
    train: Required<HelmholtzTrainOptions>,
  ): TrainingStepCost {
    return {
      key: `k${train.boundSamples}`,
      rows: data.shape[0],
      run: (rows) => {
        const x = tf.zeros([rows, network.inputSize]) as tf.Tensor2D
        const wake = network.wakeUpdates(network.recognize(x, tf.zeros([rows, network.hiddenSize])))
        const sleep = network.sleepUpdates(network.dream(tf.zeros([rows, network.dreamSize])))
        const bound = network.logWeights(
          tf.zeros([rows * train.boundSamples, network.inputSize]),
          tf.zeros([rows * train.boundSamples, network.hiddenSize]),
        )
        return [...wake.updates, ...sleep.updates, bound]
      },
      passFixedBytes: variableBytes(network.variables()),
      // The grey rows, the binary ones and the draws of both phases and of the bound.
      hostValuesPerRow:
        2 * network.inputSize + network.dreamSize + (1 + train.boundSamples) * network.hiddenSize,
      advice: '; or lower boundSamples',
    }
  }

  /** `images` (of the model's shape, values in [0, 1]) binarised as the model binarises. */
  binarize(images: ImageBatch, seed = 1): ImageBatch {
    const network = this.requireNetwork('binarize images')
    assertImageShape(images, this.shape as ImageShape, 'images')
    assertBinarizable(images.data, 'images', WHO)
    const random = createRandom(deriveSeed(seed, 7))
    return { data: binarizeValues(images.data, network.options, random), shape: images.shape }
  }

  /** The top layer's recognition probabilities (mean-field, bottom-up), `[n, top layer size]`. */
  async encode(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireNetwork('encode')
    const stage: RowStage = {
      name: 'encode',
      inputSize: network.inputSize,
      outputSize: network.topSize,
      pass: (x) => network.encode(x),
    }
    const { data, rows } = await this.imageRows('encode', images, [stage])
    return { data, shape: [rows, network.topSize] }
  }

  /** `images` up the recognition network and down the generative one, mean-field. */
  async reconstruct(images: ImageBatch): Promise<ImageBatch> {
    const network = this.requireNetwork('reconstruct')
    const stage: RowStage = {
      name: 'reconstruct',
      inputSize: network.inputSize,
      outputSize: network.inputSize,
      pass: (x) => network.decode(network.encode(x)),
    }
    const { data } = await this.imageRows('reconstruct', images, [stage])
    return { data, shape: images.shape }
  }

  /**
   * `n` images drawn top-down from the generative network: the pixels' probabilities given the
   * drawn layer above (default), or binary pixels (`binary: true`). The same `seed` gives the same
   * images.
   */
  async sample(n: number, options: HelmholtzSampleOptions = {}): Promise<ImageBatch> {
    validateHelmholtzSampleOptions(options)
    const network = this.requireNetwork('sample')
    const count = checkCount(n, 'sample count')
    const stage: RowStage = {
      name: 'sample',
      inputSize: network.dreamSize,
      outputSize: network.inputSize,
      pass: (u) => network.sample(u, options.binary ?? false),
    }
    const random = createRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31))
    // The draws are made on the host before the passes: refuse a count whose arrays would not fit.
    checkRows(
      {
        what: 'sample count',
        actual: count,
        advice: (most) => `draw at most ${most} samples per call`,
      },
      hostLimit(network.dreamSize + network.inputSize),
    )
    const draws = uniforms(random, count * network.dreamSize)
    const data = await this.throughStages({ noun: 'sample', action: 'draw' }, draws, count, [stage])
    const [h, w, c] = this.shape as ImageShape
    return { data, shape: [count, h, w, c] }
  }

  /**
   * The importance-sampled estimate `log (1/K) Σ p(x, hₖ) / q(hₖ | x)` of each binarised image with
   * `K = samples` recognition draws (`samples: 1`: the ELBO-like bound), in nats; see
   * {@link HelmholtzLogLikelihood}. Images and samples go in passes that fit in memory; a call
   * whose images alone would not fit is refused with `INVALID_OPTION`.
   */
  async logLikelihood(
    images: ImageBatch,
    given: HelmholtzLogLikelihoodOptions = {},
  ): Promise<HelmholtzLogLikelihood> {
    const { samples, seed } = resolveHelmholtzLogLikelihoodOptions(given)
    const network = this.requireNetwork('estimate the log-likelihood')
    const binary = this.binarize(images, seed)
    const rows = images.shape[0]
    const random = createRandom(deriveSeed(seed, 11))
    return this.importanceSampled(binary.data, rows, samples, {
      inputSize: network.inputSize,
      noiseSize: network.hiddenSize,
      logWeights: (x, draws) => network.logWeights(x, draws),
      draw: (count) => uniforms(random, count),
    })
  }

  protected resetExtras(): void {
    this.noise = undefined
    this.binarizeRandom = undefined
    this.lastBound = undefined
  }
}
