/** The main-thread side of a generative model (VAE, GAN): sampling and walking its latent space. */
import type { ImageBatch, LatentBatch } from '../core/dataset'
import type { InterpolationMethod } from '../core/interpolate'
import type { HistoryPoint } from '../../workers/host'
import { ModelClient, type ModelClientOptions } from './modelClient'

/** Options of `sample`. */
export interface ClientSampleOptions {
  /** Seed of the latent draws: the same seed gives the same latents. Default: random. */
  readonly seed?: number
}

/** Options of `interpolate`. */
export interface ClientInterpolateOptions {
  /** `'linear'` (default) or `'slerp'`. */
  readonly method?: InterpolationMethod
}

/** Latent vectors as the worker takes them: a batch, or flat values of one or more vectors. */
export function latentPayload(
  latents: LatentBatch | Float32Array | readonly number[],
): LatentBatch | Float32Array {
  return latents instanceof Float32Array || Array.isArray(latents)
    ? Float32Array.from(latents as ArrayLike<number>)
    : (latents as LatentBatch)
}

/** A model with a latent space to sample from, decode and walk. */
export abstract class GenerativeClient<
  Point extends HistoryPoint,
  Options extends ModelClientOptions,
> extends ModelClient<Point, Options> {
  constructor(options: Options) {
    super(options)
    this.sample = this.sample.bind(this)
    this.decode = this.decode.bind(this)
    this.interpolate = this.interpolate.bind(this)
  }

  /** Decodes `n` draws from the prior. */
  sample(n: number, options: ClientSampleOptions = {}): Promise<ImageBatch> {
    return this.call('sample', (id, lease) => lease.api.sample(id, n, options.seed))
  }

  /** Images decoded from latent (VAE) or noise (GAN) vectors, `[n, latentDim]`. */
  decode(latents: LatentBatch | Float32Array | readonly number[]): Promise<ImageBatch> {
    return this.call('decode', (id, lease) => lease.api.decode(id, latentPayload(latents)))
  }

  /** `steps` decoded images on the path from latent `a` to latent `b`, endpoints included. */
  interpolate(
    a: Float32Array | readonly number[],
    b: Float32Array | readonly number[],
    steps: number,
    options: ClientInterpolateOptions = {},
  ): Promise<ImageBatch> {
    return this.call('interpolate', (id, lease) =>
      lease.api.interpolate(
        id,
        Float32Array.from(a),
        Float32Array.from(b),
        steps,
        options.method ?? 'linear',
      ),
    )
  }
}
