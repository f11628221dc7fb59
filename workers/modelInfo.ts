import type { ImageShape } from '../src/core/dataset'
import type { VAELikelihood } from '../src/core/vae/vaeOptions'

/** What the client needs to know about a model living in the worker. */
export interface ModelInfo {
  /** Steps trained so far (0 means untrained). */
  readonly trainedSteps: number
  /** Epochs trained so far. */
  readonly trainedEpochs: number
  /** Shape of one image, once built. */
  readonly imageShape: ImageShape | undefined
  /** Latent size, once built. */
  readonly latentDim: number | undefined
  /** Hidden layer sizes, once built. */
  readonly hiddenUnits: readonly number[] | undefined
  /** Decoder likelihood, once built. */
  readonly likelihood: VAELikelihood | undefined
}
