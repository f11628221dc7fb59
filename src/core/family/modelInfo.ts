/** What the main thread knows about a model living in the worker. Pure TypeScript. */
import type { ImageShape } from '../dataset'

/**
 * A model family's name as registered (`'vae'`, `'gan'`, `'sparse'`, `'autoencoder'`, or any family
 * registered by a library user).
 */
export type ModelKind = string

/** The facts every model has, whatever its family. */
export type BaseModelInfo = {
  /** Model family. */
  readonly kind: ModelKind
  /** Steps trained so far (0 means untrained). */
  readonly trainedSteps: number
  /** Epochs trained so far. */
  readonly trainedEpochs: number
  /** Shape of one sample, once built. */
  readonly imageShape: ImageShape | undefined
  /**
   * Size of the model's latent vectors once built: latent (VAE), noise (GAN), code (autoencoder) or
   * number of atoms (sparse coding).
   */
  readonly latentDim: number | undefined
}

/** The keys of {@link BaseModelInfo}: everything else in a model's info is its family's facts. */
export const BASE_INFO_KEYS: ReadonlySet<string> = new Set<keyof BaseModelInfo>([
  'kind',
  'trainedSteps',
  'trainedEpochs',
  'imageShape',
  'latentDim',
])

/** No family-specific facts. */
export type NoFacts = Readonly<Record<never, never>>

/** Facts of a family not known here: read them as `unknown`. */
export type UnknownFacts = Readonly<Record<string, unknown>>

/**
 * Facts about a model: the common ones and its family's own (e.g. a VAE's anomaly `threshold`).
 * Without a type argument the family's facts are `unknown`.
 */
export type ModelInfo<Facts extends object = UnknownFacts> = BaseModelInfo & Readonly<Facts>
