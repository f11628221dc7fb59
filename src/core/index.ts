/**
 * `latentkit/core`: the framework-free engine. Runs in a worker, in Node (CPU or WASM backend) or on
 * the main thread. Takes and returns plain typed arrays.
 */
export * from './errors'
export * from './dataset'
export * from './random'
export * from './interpolate'
export * from './training'
export { TrainingControl, yieldToEventLoop } from './trainingControl'
export * from './backend'
export { initBackend } from './engine/backendChoice'
export * from './vae/vaeOptions'
export { VAE } from './vae/engine/vae'
export type { VAEHistoryPoint } from './vae/engine/vae'
export { GenerativeModel, type SampleOptions, type InterpolateOptions } from './engine/generativeModel'
export {
  runTrainingLoop,
  applyGradientList,
  type FitHooks,
  type TrainingCounters,
  type TrainingLoopSpec,
} from './engine/trainingLoop'
export { klDivergence } from './vae/engine/vaeNetwork'
export * from './gan/ganOptions'
export * from './gan/ganMetrics'
export { GAN, DIVERSITY_EVERY } from './gan/engine/gan'
export type { GANHistoryPoint, View2D, View2DOptions } from './gan/engine/gan'
export * from './sparse/sparseOptions'
export { SparseCoding } from './sparse/engine/sparseCoding'
export type {
  SparseCodingHistoryPoint,
  SparseDictionaryView,
  SparseCodingEvaluation,
} from './sparse/engine/sparseCoding'
export * from './sparse/sparseCodes'
export * from './sparse/patches'
export { fitWhitening, applyWhitening, type Whitening } from './sparse/whitening'
export {
  fista,
  solveLasso,
  shrink,
  lassoObjective,
  type FistaOptions,
  type FistaResult,
  type LassoDictionary,
} from './sparse/engine/fista'
export { TrainableModel } from './engine/trainableModel'
export * from './autoencoder/autoencoderOptions'
export { Autoencoder, type AutoencoderHistoryPoint } from './autoencoder/engine/autoencoder'
export * from './anomaly/anomalyScoring'
export * from '../data/anomalies'
export * from '../data/toy2d'
export * from '../data/digits'
export * from '../data/sprites'
export * from '../data/builtin'
