import type { ImageShape } from '../src/core/dataset'

/** The model families a worker can hold. */
export type ModelKind = 'vae' | 'gan' | 'sparse' | 'autoencoder'

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
  /** Latent (VAE), noise (GAN) or code (autoencoder; sparse coding: the number of atoms) size, once built. */
  readonly latentDim: number | undefined
  /** Shape of one patch of a sparse coding model, once built; undefined for other families. */
  readonly patchShape: ImageShape | undefined
  /** The anomaly threshold of a VAE or autoencoder, once calibrated or set. */
  readonly threshold: number | undefined
}
