import * as tf from '@tensorflow/tfjs-core'
import type { ImageBatch, ImageShape } from './dataset'
import { BusyError, InvalidOptionError, NotTrainedError } from './errors'
import { interpolationPath, type InterpolationMethod } from './interpolate'
import { createRandom } from './random'
import type { TrainingCounters } from './trainingLoop'

/** Options of `sample`. */
export interface SampleOptions {
  /** Seed of the latent draws; the same seed gives the same latents. Default: a random seed. */
  readonly seed?: number
}

/** Options of `interpolate`. */
export interface InterpolateOptions {
  /** `'linear'` (default) or `'slerp'` (spherical, keeps latents at a typical norm). */
  readonly method?: InterpolationMethod
}

/**
 * What every generative model shares: the network's life cycle, the step counters, the guard
 * against two trainings at once, and turning latents into images (`sample`, `interpolate`).
 */
export abstract class GenerativeModel<Network extends { dispose(): void }> {
  protected network: Network | undefined
  protected shape: ImageShape | undefined
  protected readonly counters: TrainingCounters = { steps: 0, epochs: 0 }
  private fitting = false

  /** Size of the latent (or noise) vectors the decoder takes. */
  protected abstract latentSize(network: Network): number
  /** Decodes latents into samples. Runs inside `tf.tidy`. */
  protected abstract decodeLatents(network: Network, latents: tf.Tensor2D): tf.Tensor2D
  /** Frees optimiser state and anything else beyond the network. */
  protected abstract resetExtras(): void

  /** True once at least one training step has run. */
  get isTrained(): boolean {
    return this.network !== undefined && this.counters.steps > 0
  }

  /** True while a training call runs. */
  get isFitting(): boolean {
    return this.fitting
  }

  /** Shape of one sample, known after the first training call. */
  get imageShape(): ImageShape | undefined {
    return this.shape
  }

  /** Training steps run so far. */
  get trainedSteps(): number {
    return this.counters.steps
  }

  /** Epochs run so far. */
  get trainedEpochs(): number {
    return this.counters.epochs
  }

  /** Runs `work` as the one training call of this model; a second one at once gets `BUSY`. */
  protected async exclusiveFit<T>(work: () => Promise<T>): Promise<T> {
    if (this.fitting) {
      throw new BusyError('this model is already training; stop() it or wait before training again')
    }
    this.fitting = true
    try {
      return await work()
    } finally {
      this.fitting = false
    }
  }

  /** The trained network, or `NOT_TRAINED` naming what was asked for. */
  protected requireNetwork(action: string): Network {
    if (!this.network || this.counters.steps === 0) {
      throw new NotTrainedError(
        `cannot ${action} before the model is trained; call train() (or fit()) first and wait for at least one step`,
      )
    }
    return this.network
  }

  /** Decodes `latents` (disposed here) into an image batch of the model's shape. */
  protected async latentsToImages(network: Network, latents: tf.Tensor2D): Promise<ImageBatch> {
    const shape = this.shape as ImageShape
    const n = latents.shape[0]
    const out = tf.tidy(() => this.decodeLatents(network, latents))
    latents.dispose()
    const data = (await out.data()) as Float32Array
    out.dispose()
    return { data, shape: [n, shape[0], shape[1], shape[2]] }
  }

  /** `n` samples decoded from standard-normal draws made with `options.seed`. */
  async sample(n: number, options: SampleOptions = {}): Promise<ImageBatch> {
    const network = this.requireNetwork('sample')
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidOptionError(`sample count must be an integer ≥ 1; got ${n}`)
    }
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
    const size = this.latentSize(network)
    return this.latentsToImages(
      network,
      tf.tensor2d(createRandom(seed).normals(n * size), [n, size]),
    )
  }

  /** Decodes `steps` points from latent `a` to latent `b`, endpoints included. */
  async interpolate(
    a: Float32Array,
    b: Float32Array,
    steps: number,
    options: InterpolateOptions = {},
  ): Promise<ImageBatch> {
    const network = this.requireNetwork('interpolate')
    const size = this.latentSize(network)
    if (a.length !== size || b.length !== size) {
      throw new InvalidOptionError(
        `interpolate takes one latent vector per endpoint (${size} values); got ${a.length} and ${b.length}`,
      )
    }
    const path = interpolationPath(a, b, steps, options.method ?? 'linear')
    return this.latentsToImages(network, tf.tensor2d(path, [steps, size]))
  }

  /** Forgets the weights, optimiser state and step count; keeps the options. */
  reset(): void {
    if (this.fitting) {
      throw new BusyError('cannot reset while training; stop() first and wait for train() to end')
    }
    this.network?.dispose()
    this.resetExtras()
    this.network = undefined
    this.shape = undefined
    this.counters.steps = 0
    this.counters.epochs = 0
  }

  /** Frees every tensor the model holds. */
  dispose(): void {
    this.reset()
  }
}
