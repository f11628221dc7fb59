import type { ImageShape } from '../src/core/dataset'

/** The model families a worker can hold. */
export type ModelKind = 'vae' | 'gan'

/** What the client needs to know about a model living in the worker. */
export interface ModelInfo {
  /** Model family. */
  readonly kind: ModelKind
  /** Steps trained so far (0 means untrained). */
  readonly trainedSteps: number
  /** Epochs trained so far. */
  readonly trainedEpochs: number
  /** Shape of one sample, once built. */
  readonly imageShape: ImageShape | undefined
  /** Latent (VAE) or noise (GAN) size, once built. */
  readonly latentDim: number | undefined
}
