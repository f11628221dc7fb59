/**
 * latentkit: React hooks and components for unsupervised deep learning in the browser. Models train
 * in a Web Worker; this entry loads no TF.js.
 */
export { useVAE, type UseVAEOptions, type UseVAEResult } from './react/useVAE'
export { useGAN, type UseGANOptions, type UseGANResult } from './react/useGAN'
export {
  useAutoencoder,
  type UseAutoencoderOptions,
  type UseAutoencoderResult,
} from './react/useAutoencoder'
export type { AnomalyHookResult } from './react/anomalyHookResult'
export {
  useSparseCoding,
  type UseSparseCodingOptions,
  type UseSparseCodingResult,
} from './react/useSparseCoding'
export {
  DictionaryGrid,
  atomOrder,
  type DictionaryGridProps,
  type DictionarySource,
  type SelectedAtom,
} from './components/DictionaryGrid'
export {
  SparseCodeView,
  type SparseCodeViewProps,
  type SparseCodeSource,
  type PatchPosition,
} from './components/SparseCodeView'
export type { ColorScale } from './components/colorScale'
export {
  AnomalyHeatmap,
  type AnomalyHeatmapProps,
  type AnomalySource,
} from './components/AnomalyHeatmap'
export type { AnomalyImageSource } from './components/anomalyImage'
export {
  ReconstructionGrid,
  type ReconstructionGridProps,
  type ReconstructionSource,
} from './components/ReconstructionGrid'
export type { TileGridAppearance } from './components/drawGrid'
export { SampleGrid, type SampleGridProps } from './components/SampleGrid'
export { GANPlane, type GANPlaneProps, type PlaneSource } from './components/GANPlane'
export {
  InterpolationSlider,
  type InterpolationSliderProps,
  type InterpolationEndpoint,
} from './components/InterpolationSlider'
export { LossChart, type LossChartProps } from './components/LossChart'
export type { HistoryPointLike, LossSeries } from './components/lossChartGeometry'
export type { ImageColorMap } from './components/imagePixels'
export type { SampleSource, LatentSource } from './components/modelHandle'
export { VAEClient, type VAEClientOptions } from './client/vaeClient'
export { GANClient, type GANClientOptions } from './client/ganClient'
export { SparseCodingClient, type SparseCodingClientOptions } from './client/sparseCodingClient'
export { AutoencoderClient, type AutoencoderClientOptions } from './client/autoencoderClient'
export type { ClientCalibrateOptions } from './client/anomalyActions'
export type { AutoencoderHistoryPoint } from './core/autoencoder/engine/autoencoder'
export type {
  AutoencoderModelOptions,
  AutoencoderTrainOptions,
  AutoencoderKind,
  AutoencoderArchitecture,
  Corruption,
} from './core/autoencoder/autoencoderOptions'
export {
  rocAuc,
  percentile,
  type AnomalyScores,
  type ScoreOptions,
  type CalibrateOptions,
  type ScoreReduction,
} from './core/anomaly/anomalyScoring'
export {
  generateAnomalyBenchmark,
  DEFECT_KINDS,
  type AnomalyBenchmark,
  type AnomalyBenchmarkOptions,
  type DefectKind,
} from './data/anomalies'
export { ModelClient, type ModelClientOptions, type ModelData } from './client/modelClient'
export {
  GenerativeClient,
  type ClientSampleOptions,
  type ClientInterpolateOptions,
} from './client/generativeClient'
export type { ModelState, ModelStatus } from './client/modelState'
export { workerPoolStats, type CreateWorker } from './client/workerPool'
export type { TrainSummary, HistoryPoint } from '../workers/host'
export type { ModelInfo, ModelKind } from '../workers/modelInfo'
export * from './core/errors'
export {
  toImageBatch,
  type DataInput,
  type ImageBatch,
  type LatentBatch,
  type ImageShape,
  type ToImageBatchOptions,
} from './core/dataset'
export { interpolateLatent, interpolationPath, type InterpolationMethod } from './core/interpolate'
export type { BackendName, BackendPreference, BackendInfo, BackendSkip } from './core/backend'
export type { TrainingKernels, TrainingProgress } from './core/training'
export type { VAEHistoryPoint } from './core/vae/engine/vae'
export type { GANHistoryPoint, View2D, View2DOptions } from './core/gan/engine/gan'
export type {
  GANArchitecture,
  GANModelOptions,
  GANTrainOptions,
  GANOutput,
} from './core/gan/ganOptions'
export { ganHealth, modeCoverage, type GANHealth, type ModeCoverage } from './core/gan/ganMetrics'
export {
  ringOfGaussians,
  ringCentres,
  twoMoons,
  spiral,
  toy2d,
  type PointSet,
  type RingOptions,
  type ShapeOptions,
  type Toy2DName,
} from './data/toy2d'
export type { VAEModelOptions, VAETrainOptions, VAELikelihood } from './core/vae/vaeOptions'
export type {
  SparseCodingHistoryPoint,
  SparseDictionaryView,
  SparseCodingEvaluation,
} from './core/sparse/engine/sparseCoding'
export type {
  SparseCodingModelOptions,
  SparseCodingTrainOptions,
  SparseEncodeOptions,
  PatchNormalization,
} from './core/sparse/sparseOptions'
export { expandCodes, codesOfPatch, type SparseCodes } from './core/sparse/sparseCodes'
export type { BuiltinDataset } from './data/builtinSpec'
export {
  loadDigits,
  DIGITS_ATTRIBUTION,
  type DigitsDataset,
  type LoadDigitsOptions,
} from './data/digits'
export {
  generateSprites,
  SPRITE_KINDS,
  type SpriteKind,
  type SpriteFactors,
  type SpriteOptions,
  type SpriteDataset,
} from './data/sprites'
export {
  fromImageData,
  fromImageSources,
  type DrawableImage,
  type ImageConversionOptions,
  type ResizeOptions,
} from './data/imageInput'
