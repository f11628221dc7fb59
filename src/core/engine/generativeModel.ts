import type * as tf from '@tensorflow/tfjs-core'
import {
  imageSize,
  toLatentBatch,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../dataset'
import { ShapeMismatchError } from '../errors'
import { interpolationPath, type InterpolationMethod } from '../interpolate'
import { checkCount } from '../memoryModel'
import { createRandom, type Random } from '../random'
import { TrainableModel, type ModelTypes, type RowStage } from './trainableModel'

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
 * `decode`, `interpolate`), within the backend's memory: `sample` and `interpolate` are refused above
 * what one pass of the decoder takes, `decode` runs in chunks.
 */
export abstract class GenerativeModel<T extends ModelTypes> extends TrainableModel<T> {
  /** Size of the latent (or noise) vectors the decoder takes. */
  protected abstract latentSize(network: T['network']): number
  /** Decodes latents into samples. Runs inside `tf.tidy`. */
  protected abstract decodeLatents(network: T['network'], latents: tf.Tensor2D): tf.Tensor2D

  /** The decoder as a pass of latent rows into image rows. */
  protected decodeStage(network: T['network']): RowStage {
    return {
      name: 'decode',
      inputSize: this.latentSize(network),
      outputSize: imageSize(this.shape as ImageShape),
      pass: (latents) => this.decodeLatents(network, latents),
    }
  }

  /** Decodes `rows` latent vectors (flat) into an image batch of the model's shape. */
  protected async latentsToImages(
    network: T['network'],
    latents: Float32Array,
    rows: number,
  ): Promise<ImageBatch> {
    const request = { noun: `${this.latentName} vector`, action: 'decode' }
    const data = await this.throughStages(request, latents, rows, [this.decodeStage(network)])
    const [h, w, c] = this.shape as ImageShape
    return { data, shape: [rows, h, w, c] }
  }

  /** What the latent vectors are called in messages (`'latent'`, a GAN's `'noise'`). */
  protected readonly latentName: string = 'latent'

  /** Decodes latent vectors (`[n, latentSize]`) into images, in chunks that fit in memory. */
  async decode(latents: LatentBatch | Float32Array): Promise<ImageBatch> {
    const network = this.requireNetwork('decode')
    const batch = toLatentBatch(latents, this.latentSize(network), this.latentName)
    return this.latentsToImages(network, batch.data, batch.shape[0])
  }

  /**
   * `n` samples decoded from standard-normal draws made with `options.seed`. `INVALID_OPTION` above
   * what one pass of the decoder takes on this backend (the message gives the limit).
   */
  async sample(n: number, options: SampleOptions = {}): Promise<ImageBatch> {
    const network = this.requireNetwork('sample')
    checkCount(n, 'sample count')
    this.checkOnePass(this.decodeStage(network), {
      what: 'sample count',
      actual: n,
      advice: (limit) => `draw in batches of at most ${limit}`,
    })
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
    const latents = this.priorLatents(network, n, createRandom(seed))
    return this.latentsToImages(network, latents, n)
  }

  /** `n` latent vectors drawn from the prior `sample` decodes: standard normals unless overridden. */
  protected priorLatents(network: T['network'], n: number, random: Random): Float32Array {
    return random.normals(n * this.latentSize(network))
  }

  /**
   * Decodes `steps` points from latent `a` to latent `b`, endpoints included. `INVALID_OPTION` above
   * what one pass of the decoder takes on this backend.
   */
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
    checkCount(steps, 'steps', 2, 'Both endpoints are included')
    this.checkOnePass(this.decodeStage(network), {
      what: 'interpolation steps',
      actual: steps,
      advice: (limit) => `use at most ${limit} steps, or interpolate in several calls`,
    })
    const path = interpolationPath(a, b, steps, options.method ?? 'linear')
    return this.latentsToImages(network, path, steps)
  }
}
