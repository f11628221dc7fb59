/**
 * What the components need from a model. Any model hook's result fits (useVAE today; other model
 * families implement the same members), and so does a hand-written object, so one component API
 * serves every family.
 */
import type { DataInput, ImageBatch, LatentBatch } from '../core/dataset'
import type { InterpolationMethod } from '../core/interpolate'
import type { RBMGibbsChain } from '../core/rbm/rbmSpec'

/**
 * What a model action returns. A hook's plain action resolves `undefined` when it failed (the hook's
 * `error` says why); a hand-written one may resolve the value or reject. Either way the components
 * keep what they last drew.
 */
export type ActionResult<T> = Promise<T | undefined>

/** A model that can draw samples. */
export interface SampleSource {
  /** Increases whenever the weights change; components redraw when it moves. */
  readonly modelVersion: number
  /** Facts about the model; nothing is drawn until `trainedSteps > 0`. */
  readonly model: { readonly trainedSteps: number } | undefined
  /** Decodes `n` draws from the prior. */
  sample(n: number, options?: { readonly seed?: number }): ActionResult<ImageBatch>
}

/** A model whose latent space can be walked. */
export interface LatentSource extends SampleSource {
  /** Latent size (undefined before training). */
  readonly latentDim: number | undefined
  /** Decodes latents into images. */
  decode(latents: Float32Array): ActionResult<ImageBatch>
  /** Decodes a path between two latents. */
  interpolate(
    a: Float32Array,
    b: Float32Array,
    steps: number,
    options?: { readonly method?: InterpolationMethod },
  ): ActionResult<ImageBatch>
  /** Encodes images to latents (models without an encoder, such as GANs, leave it out). */
  encode?(images: DataInput): ActionResult<LatentBatch>
}

/** Options a {@link GibbsChainSource} is asked with. */
export interface GibbsChainRequest {
  /** Gibbs steps from the start to the last frame. */
  readonly steps?: number
  /** Images kept per chain, at evenly spaced steps from 0 to `steps`. */
  readonly frames?: number
  /** Seed of the chains. */
  readonly seed?: number
  /** Images the chains start from, one chain each (`n` is then their count). */
  readonly start?: DataInput
}

/** A model that runs Gibbs chains (`useRBM`, or a hand-written object). */
export interface GibbsChainSource {
  /** Increases whenever the weights change; components redraw when it moves. */
  readonly modelVersion: number
  /** Facts about the model; nothing is drawn until `trainedSteps > 0`. */
  readonly model: { readonly trainedSteps: number } | undefined
  /** `n` chains from noise (or from `options.start`), each recorded at `options.frames` steps. */
  gibbsChain(n: number, options?: GibbsChainRequest): ActionResult<RBMGibbsChain>
}

/** True when the model has weights worth drawing. */
export function isTrained(source: Pick<SampleSource, 'model'> | undefined): boolean {
  return Boolean(source?.model && source.model.trainedSteps > 0)
}
