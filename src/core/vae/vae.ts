import * as tf from '@tensorflow/tfjs-core'
import {
  assertImageShape,
  assertInRange,
  imageShapeOf,
  toLatentBatch,
  valuesPerImage,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../dataset'
import { BusyError, DivergedError, InvalidOptionError, NotTrainedError } from '../errors'
import { interpolationPath, type InterpolationMethod } from '../interpolate'
import { createRandom, deriveSeed, type Random } from '../random'
import type { TrainResult } from '../training'
import {
  applyGradientList,
  runTrainingLoop,
  type FitHooks,
  type TrainingCounters,
} from '../trainingLoop'
import { VAENetwork } from './vaeNetwork'
import {
  resolveVAEModelOptions,
  resolveVAETrainOptions,
  validateVAEModelOptions,
  type ResolvedVAEModelOptions,
  type VAEModelOptions,
  type VAETrainOptions,
} from './vaeOptions'

/** Loss of one training step, per image, in nats. */
export interface VAEHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** Reconstruction + β·KL. */
  readonly loss: number
  /** Negative log-likelihood of the data under the decoder. */
  readonly reconstruction: number
  /** KL divergence of the posterior from the prior. */
  readonly kl: number
}

/** Options of {@link VAE.sample}. */
export interface SampleOptions {
  /** Seed of the latent draws; the same seed gives the same latents. Default: a random seed. */
  readonly seed?: number
}

/** Options of {@link VAE.interpolate}. */
export interface InterpolateOptions {
  /** `'linear'` (default) or `'slerp'` (spherical, keeps latents at a typical norm). */
  readonly method?: InterpolationMethod
}

/**
 * A dense variational autoencoder on TF.js, framework-free. Runs in the worker, in Node (CPU or WASM
 * backend) and on the main thread alike. Takes and returns plain typed arrays.
 *
 * ```ts
 * const vae = new VAE({ latentDim: 8, seed: 1 })
 * await vae.fit(toImageBatch(rows), { epochs: 10 })
 * const images = await vae.sample(16, { seed: 3 })
 * vae.dispose()
 * ```
 */
export class VAE {
  private readonly modelOptions: VAEModelOptions
  private network: VAENetwork | undefined
  private optimizer: tf.Optimizer | undefined
  private optimizerRate: number | undefined
  private shape: ImageShape | undefined
  private shuffleRandom: Random | undefined
  private noiseRandom: Random | undefined
  private readonly counters: TrainingCounters = { steps: 0, epochs: 0 }
  private fitting = false

  constructor(options: VAEModelOptions = {}) {
    validateVAEModelOptions(options)
    this.modelOptions = { ...options }
  }

  /** True once at least one training step has run. */
  get isTrained(): boolean {
    return this.network !== undefined && this.counters.steps > 0
  }

  /** True while {@link VAE.fit} runs. */
  get isFitting(): boolean {
    return this.fitting
  }

  /** Shape of one image, known after the first fit. */
  get imageShape(): ImageShape | undefined {
    return this.shape
  }

  /** Options with defaults resolved, known after the first fit. */
  get resolvedOptions(): ResolvedVAEModelOptions | undefined {
    return this.network?.options
  }

  /** Training steps run so far. */
  get trainedSteps(): number {
    return this.counters.steps
  }

  /** Epochs run so far. */
  get trainedEpochs(): number {
    return this.counters.epochs
  }

  /**
   * Trains on `data` for `options.epochs` epochs, continuing from the current weights. The first call
   * builds the network for the data's image shape; later calls must pass images of the same size.
   * Stops early, keeping the weights, when `hooks.control` is stopped. On a non-finite loss the
   * weights of the start of the epoch are restored and a `DIVERGED` error is thrown.
   */
  async fit(
    data: ImageBatch,
    options: VAETrainOptions = {},
    hooks: FitHooks<VAEHistoryPoint> = {},
  ): Promise<TrainResult<VAEHistoryPoint>> {
    if (this.fitting) {
      throw new BusyError('this model is already training; stop() it or wait before training again')
    }
    const train = resolveVAETrainOptions(options)
    if (this.shape) assertImageShape(data, this.shape)
    const inputSize = valuesPerImage(data)
    const resolved = this.network?.options ?? resolveVAEModelOptions(this.modelOptions, inputSize)
    if (resolved.likelihood === 'bernoulli') {
      assertInRange(
        data.data,
        0,
        1,
        'data',
        "the Bernoulli likelihood needs values in [0, 1]: divide by the maximum (e.g. 255) or set likelihood: 'gaussian'",
      )
    }
    this.fitting = true
    try {
      this.build(data, resolved)
      return await this.runEpochs(data, train, hooks)
    } finally {
      this.fitting = false
    }
  }

  private build(data: ImageBatch, resolved: ResolvedVAEModelOptions): void {
    if (this.network) return
    this.shape = imageShapeOf(data)
    this.network = new VAENetwork(valuesPerImage(data), resolved)
    this.shuffleRandom = createRandom(deriveSeed(resolved.seed, 2))
    this.noiseRandom = createRandom(deriveSeed(resolved.seed, 3))
  }

  private ensureOptimizer(learningRate: number): tf.Optimizer {
    if (!this.optimizer || this.optimizerRate !== learningRate) {
      this.optimizer?.dispose()
      this.optimizer = tf.train.adam(learningRate)
      this.optimizerRate = learningRate
    }
    return this.optimizer
  }

  private async runEpochs(
    data: ImageBatch,
    train: Required<VAETrainOptions>,
    hooks: FitHooks<VAEHistoryPoint>,
  ): Promise<TrainResult<VAEHistoryPoint>> {
    const network = this.network as VAENetwork
    const noise = this.noiseRandom as Random
    const optimizer = this.ensureOptimizer(train.learningRate)
    const n = data.shape[0]
    const latentDim = network.options.latentDim
    const variables = network.variables()
    const all = tf.tensor2d(data.data, [n, network.inputSize])
    try {
      return await runTrainingLoop<VAEHistoryPoint>(
        {
          sampleCount: n,
          batchSize: train.batchSize,
          epochs: train.epochs,
          shuffle: this.shuffleRandom as Random,
          counters: this.counters,
          variables,
          step: async (indices) => {
            const epsilon = noise.normals(indices.length * latentDim)
            const terms = tf.tidy(() => {
              const x = tf.gather(all, tf.tensor1d(Int32Array.from(indices), 'int32'))
              const eps = tf.tensor2d(epsilon, [indices.length, latentDim])
              const { terms: loss, gradients } = network.lossAndGradients(x as tf.Tensor2D, eps)
              applyGradientList(optimizer, variables, gradients)
              return tf.stack([loss.total, loss.reconstruction, loss.kl])
            })
            const [loss = NaN, reconstruction = NaN, kl = NaN] = await terms.data()
            terms.dispose()
            return { loss, reconstruction, kl }
          },
          diverged: (values, step, epoch) => {
            this.optimizer?.dispose()
            this.optimizer = undefined
            return new DivergedError(
              `training diverged at step ${step} (loss ${values.loss}); the weights from the start of epoch ${epoch} were restored. Lower learningRate (now ${train.learningRate}) or check the data scale`,
              { step, learningRate: train.learningRate },
            )
          },
        },
        hooks,
      )
    } finally {
      all.dispose()
    }
  }

  private requireNetwork(action: string): VAENetwork {
    if (!this.network || this.counters.steps === 0) {
      throw new NotTrainedError(
        `cannot ${action} before the model is trained; call train() (or fit()) first and wait for at least one step`,
      )
    }
    return this.network
  }

  private async decodeToImages(network: VAENetwork, z: tf.Tensor2D): Promise<ImageBatch> {
    const shape = this.shape as ImageShape
    const n = z.shape[0]
    const out = tf.tidy(() => network.decode(z))
    z.dispose()
    const data = (await out.data()) as Float32Array
    out.dispose()
    return { data, shape: [n, shape[0], shape[1], shape[2]] }
  }

  /** Draws `n` latents from the prior N(0, I) and decodes them. */
  async sample(n: number, options: SampleOptions = {}): Promise<ImageBatch> {
    const network = this.requireNetwork('sample')
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidOptionError(`sample count must be an integer ≥ 1; got ${n}`)
    }
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
    const latents = createRandom(seed).normals(n * network.options.latentDim)
    return this.decodeToImages(network, tf.tensor2d(latents, [n, network.options.latentDim]))
  }

  /** Posterior means of `images`. */
  async encode(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireNetwork('encode')
    assertImageShape(images, this.shape as ImageShape, 'images')
    const n = images.shape[0]
    const mean = tf.tidy(
      () => network.encode(tf.tensor2d(images.data, [n, network.inputSize])).mean,
    )
    const data = (await mean.data()) as Float32Array
    mean.dispose()
    return { data, shape: [n, network.options.latentDim] }
  }

  /** Decodes latent vectors (`[n, latentDim]`) into images. */
  async decode(latents: LatentBatch | Float32Array): Promise<ImageBatch> {
    const network = this.requireNetwork('decode')
    const batch = toLatentBatch(latents, network.options.latentDim)
    return this.decodeToImages(network, tf.tensor2d(batch.data, [...batch.shape]))
  }

  /** Encodes then decodes `images` through the posterior means (deterministic). */
  async reconstruct(images: ImageBatch): Promise<ImageBatch> {
    const network = this.requireNetwork('reconstruct')
    const means = await this.encode(images)
    return this.decodeToImages(network, tf.tensor2d(means.data, [...means.shape]))
  }

  /** Decodes `steps` points from latent `a` to latent `b`, endpoints included. */
  async interpolate(
    a: Float32Array,
    b: Float32Array,
    steps: number,
    options: InterpolateOptions = {},
  ): Promise<ImageBatch> {
    const network = this.requireNetwork('interpolate')
    const latentDim = network.options.latentDim
    toLatentBatch(a, latentDim, 'start latent')
    toLatentBatch(b, latentDim, 'end latent')
    if (a.length !== latentDim || b.length !== latentDim) {
      throw new InvalidOptionError(
        `interpolate takes one latent per endpoint (${latentDim} values); got ${a.length} and ${b.length}`,
      )
    }
    const path = interpolationPath(a, b, steps, options.method ?? 'linear')
    return this.decodeToImages(network, tf.tensor2d(path, [steps, latentDim]))
  }

  /**
   * Mean loss terms per image on `images` with seeded noise, without training. Useful to compare
   * models or to check learning on held-out data.
   */
  async evaluate(
    images: ImageBatch,
    seed = 0,
  ): Promise<{ loss: number; reconstruction: number; kl: number }> {
    const network = this.requireNetwork('evaluate')
    assertImageShape(images, this.shape as ImageShape, 'images')
    const n = images.shape[0]
    const epsilon = createRandom(seed).normals(n * network.options.latentDim)
    const terms = tf.tidy(() => {
      const loss = network.loss(
        tf.tensor2d(images.data, [n, network.inputSize]),
        tf.tensor2d(epsilon, [n, network.options.latentDim]),
      )
      return tf.stack([loss.total, loss.reconstruction, loss.kl])
    })
    const [loss = NaN, reconstruction = NaN, kl = NaN] = await terms.data()
    terms.dispose()
    return { loss, reconstruction, kl }
  }

  /** Forgets the weights, the optimizer state and the step count; keeps the options. */
  reset(): void {
    if (this.fitting) {
      throw new BusyError('cannot reset while training; stop() first and wait for train() to end')
    }
    this.network?.dispose()
    this.optimizer?.dispose()
    this.network = undefined
    this.optimizer = undefined
    this.optimizerRate = undefined
    this.shape = undefined
    this.counters.steps = 0
    this.counters.epochs = 0
  }

  /** Frees every tensor the model holds. */
  dispose(): void {
    this.reset()
  }
}
