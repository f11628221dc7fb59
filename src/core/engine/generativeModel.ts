import * as tf from '@tensorflow/tfjs-core'
import { toLatentBatch, type ImageBatch, type ImageShape, type LatentBatch } from '../dataset'
import { InvalidOptionError, ShapeMismatchError } from '../errors'
import { interpolationPath, type InterpolationMethod } from '../interpolate'
import { createRandom } from '../random'
import { TrainableModel, type ModelTypes } from './trainableModel'

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
 * What every generative model adds to a trainable one: turning latents into images (`sample`,
 * `interpolate`).
 */
export abstract class GenerativeModel<T extends ModelTypes> extends TrainableModel<T> {
  /** Size of the latent (or noise) vectors the decoder takes. */
  protected abstract latentSize(network: T['network']): number
  /** Decodes latents into samples. Runs inside `tf.tidy`. */
  protected abstract decodeLatents(network: T['network'], latents: tf.Tensor2D): tf.Tensor2D

  /** Decodes `latents` (disposed here) into an image batch of the model's shape. */
  protected async latentsToImages(
    network: T['network'],
    latents: tf.Tensor2D,
  ): Promise<ImageBatch> {
    const shape = this.shape as ImageShape
    const n = latents.shape[0]
    const out = tf.tidy(() => this.decodeLatents(network, latents))
    latents.dispose()
    const data = (await out.data()) as Float32Array
    out.dispose()
    return { data, shape: [n, shape[0], shape[1], shape[2]] }
  }

  /** What the latent vectors are called in messages (`'latent'`, a GAN's `'noise'`). */
  protected readonly latentName: string = 'latent'

  /** Decodes latent vectors (`[n, latentSize]`) into images. */
  async decode(latents: LatentBatch | Float32Array): Promise<ImageBatch> {
    const network = this.requireNetwork('decode')
    const batch = toLatentBatch(latents, this.latentSize(network), this.latentName)
    return this.latentsToImages(network, tf.tensor2d(batch.data, [...batch.shape]))
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
      throw new ShapeMismatchError(
        `interpolate takes one latent vector per endpoint (${size} values); got ${a.length} and ${b.length}`,
      )
    }
    const path = interpolationPath(a, b, steps, options.method ?? 'linear')
    return this.latentsToImages(network, tf.tensor2d(path, [steps, size]))
  }
}
