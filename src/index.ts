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
export { usePCA, type UsePCAOptions, type UsePCAResult } from './react/usePCA'
export { useRBM, type UseRBMOptions, type UseRBMResult } from './react/useRBM'
export {
  useAutoregressive,
  type UseAutoregressiveOptions,
  type UseAutoregressiveResult,
} from './react/useAutoregressive'
export {
  useHelmholtz,
  type UseHelmholtzOptions,
  type UseHelmholtzResult,
} from './react/useHelmholtz'
export {
  useImportedModel,
  type UseImportedModelOptions,
  type UseImportedModelResult,
} from './react/useImportedModel'
export { ScreeChart, type ScreeChartProps, type ScreeSource } from './components/ScreeChart'
export { LikelihoodTable, type LikelihoodTableProps } from './components/LikelihoodTable'
export type { LikelihoodEntry, LikelihoodKind, LikelihoodResult } from './components/likelihoodRows'
export {
  useSparseCoding,
  type UseSparseCodingOptions,
  type UseSparseCodingResult,
} from './react/useSparseCoding'
export { useKMeans, type UseKMeansOptions, type UseKMeansResult } from './react/useKMeans'
export { useDEC, type UseDECOptions, type UseDECResult } from './react/useDEC'
export { ClusterGrid, type ClusterGridProps } from './components/ClusterGrid'
export type { ClusterSource } from './components/clusterTiles'
export {
  DictionaryGrid,
  atomOrder,
  type DictionaryGridProps,
  type DictionarySource,
  type SelectedAtom,
} from './components/DictionaryGrid'
export {
  FilterGrid,
  type FilterGridProps,
  type FilterSource,
  type SelectedFilter,
} from './components/FilterGrid'
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
export { GibbsChain, type GibbsChainProps } from './components/GibbsChain'
export { GANPlane, type GANPlaneProps, type PlaneSource } from './components/GANPlane'
export {
  InterpolationSlider,
  type InterpolationSliderProps,
  type InterpolationEndpoint,
} from './components/InterpolationSlider'
export { LatentTraversal, type LatentTraversalProps } from './components/LatentTraversal'
export { useLatentTraversal, type LatentTraversalState } from './components/useLatentTraversal'
export {
  traversalPlan,
  type TraversalSpec,
  type TraversalRow,
  type TraversalPlanRow,
  type LatentDimensionTraversal,
  type InfoCodeTraversal,
} from './components/latentTraversalRows'
export { LossChart, type LossChartProps } from './components/LossChart'
export { TrainingStatus, type TrainingStatusProps } from './components/TrainingStatus'
export { ModelFiles, type ModelFilesProps, type ModelFilesSource } from './components/ModelFiles'
export type { TrainingStatusSource, TrainingStatusValue } from './components/trainingStatusText'
export type { HistoryPointLike, LossSeries } from './components/lossChartGeometry'
export type { ImageColorMap } from './components/imagePixels'
export type {
  SampleSource,
  LatentSource,
  GibbsChainSource,
  GibbsChainRequest,
  ActionResult,
} from './components/modelHandle'
export {
  VAEClient,
  GANClient,
  SparseCodingClient,
  AutoencoderClient,
  type VAEClientOptions,
  type GANClientOptions,
  type SparseCodingClientOptions,
  type AutoencoderClientOptions,
} from './client/builtinClients'
export { KMeansClient, type KMeansClientOptions } from './client/builtinClients'
export { DECClient, type DECClientOptions } from './client/builtinClients'
export { PCAClient, type PCAClientOptions } from './client/builtinClients'
export { RBMClient, type RBMClientOptions } from './client/builtinClients'
export { AutoregressiveClient, type AutoregressiveClientOptions } from './client/builtinClients'
export { HelmholtzClient, type HelmholtzClientOptions } from './client/builtinClients'
export { ImportedModelClient, type ImportedModelClientOptions } from './client/builtinClients'
export { importedSpec, type ImportedFacts } from './core/imported/importedSpec'
export type {
  ImportedModelOptions,
  ImportedRole,
  ImportedLatent,
  ImportedTrainOptions,
} from './core/imported/importedOptions'
export {
  createClientClass,
  type ClientActions,
  type FamilyClient,
  type FamilyClientClass,
} from './client/familyClient'
export {
  createModelHook,
  type ModelHookResult,
  type HookFacts,
  type UseExtra,
} from './react/createModelHook'
export {
  defineFamily,
  defineAction,
  optionKeys,
  type FamilySpec,
  type AnyFamilySpec,
  type ActionSpec,
  type AnyActionSpec,
  type ActionMap,
  type ActionContext,
  type ChartSpec,
  type ChartSeries,
  type HistoryPoint,
  type ModelOptionsOf,
  type TrainOptionsOf,
  type PointOf,
  type FactsOf,
  type ActionsOf,
  type ArgsOf,
  type WireOf,
  type ResultOf,
} from './core/family/familySpec'
export {
  generativeActions,
  latentActions,
  anomalyActions,
  latentPayload,
  type LatentInput,
  type AnomalyFacts,
  type ClientSampleOptions,
  type ClientInterpolateOptions,
  type ClientCalibrateOptions,
} from './core/family/commonActions'
export type { ProbeOptions, ProbeResult } from './core/probe/probeOptions'
export { vaeSpec } from './core/vae/vaeSpec'
export { ganSpec } from './core/gan/ganSpec'
export { sparseCodingSpec, type SparseCodingFacts } from './core/sparse/sparseSpec'
export {
  kMeansSpec,
  type KMeansFacts,
  type KMeansHistoryPoint,
  type KMeansAssignment,
  type KMeansClusters,
  type ClientKMeansClustersOptions,
} from './core/kmeans/kmeansSpec'
export {
  adjustedRandIndex,
  clusteringAccuracy,
  normalizedMutualInformation,
  minimumCostAssignment,
  mutualInformation,
} from './core/kmeans/clusterAgreement'
export {
  mutualInformationGap,
  type MutualInformationGap,
  type MutualInformationGapOptions,
} from './core/disentanglement'
export {
  decSpec,
  type DECFacts,
  type DECHistoryPoint,
  type DECAssignment,
  type DECPhase,
} from './core/dec/decSpec'
export type { DECModelOptions, DECTrainOptions, EvaluationLabels } from './core/dec/decOptions'
export type {
  KMeansAlgorithm,
  KMeansModelOptions,
  KMeansTrainOptions,
  KMeansClustersOptions,
  KMeansFeaturesOptions,
} from './core/kmeans/kmeansOptions'
export { autoencoderSpec } from './core/autoencoder/autoencoderSpec'
export type { AutoencoderHistoryPoint } from './core/autoencoder/autoencoderSpec'
export {
  pcaSpec,
  type PCAFacts,
  type PCAHistoryPoint,
  type PCAComponentsView,
} from './core/pca/pcaSpec'
export {
  rbmSpec,
  type RBMFacts,
  type RBMHistoryPoint,
  type RBMGibbsChain,
  type RBMLogLikelihood,
  type ClientRBMGibbsChainOptions,
} from './core/rbm/rbmSpec'
export type {
  RBMModelOptions,
  RBMTrainOptions,
  RBMVisibleUnits,
  RBMSampler,
  RBMSampleOptions,
  RBMGibbsChainOptions,
  RBMLogLikelihoodOptions,
} from './core/rbm/rbmOptions'
export {
  autoregressiveSpec,
  type AutoregressiveHistoryPoint,
  type AutoregressiveLogLikelihood,
  type AutoregressiveSampleSteps,
} from './core/autoregressive/autoregressiveSpec'
export type {
  AutoregressiveModelOptions,
  AutoregressiveTrainOptions,
  AutoregressiveSampleOptions,
  AutoregressiveSampleStepsOptions,
  AutoregressiveLogLikelihoodOptions,
  PixelOrdering,
  Binarization,
} from './core/autoregressive/autoregressiveOptions'
export {
  helmholtzSpec,
  type HelmholtzHistoryPoint,
  type HelmholtzLogLikelihood,
  type HelmholtzFacts,
} from './core/helmholtz/helmholtzSpec'
export type {
  HelmholtzModelOptions,
  HelmholtzTrainOptions,
  HelmholtzSampleOptions,
  HelmholtzLogLikelihoodOptions,
} from './core/helmholtz/helmholtzOptions'
export type {
  PCAModelOptions,
  PCATrainOptions,
  PCAReconstructOptions,
  PCASolver,
  PCAChosenSolver,
} from './core/pca/pcaOptions'
export type {
  AutoencoderModelOptions,
  AutoencoderTrainOptions,
  AutoencoderKind,
  AutoencoderArchitecture,
  Corruption,
} from './core/autoencoder/autoencoderOptions'
export type {
  StackedOptions,
  StackedCorruption,
  AutoencoderPhase,
} from './core/autoencoder/stackedOptions'
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
export {
  ModelClient,
  type ModelClientOptions,
  type ModelData,
  type ClientOptions,
  type FamilyModelInfo,
  type FamilyState,
  type FamilyTrainSummary,
  type TrainingActions,
} from './client/modelClient'
export type { ModelState, ModelStatus, TrainingHistory } from './client/modelState'
export type { LoadModelOptions, ModelFileActions } from './client/modelFileActions'
export { PRESETS, presetsOf, type PresetInfo } from './presets/presetCatalog'
export {
  DEFAULT_MAX_MODEL_BYTES,
  MODEL_FILE_EXTENSION,
  MODEL_FILE_TYPE,
  encodeModelFile,
  readModelFile,
  type SaveModelOptions,
  type SavedModelInfo,
} from './core/family/modelFile'
export { workerPoolStats, type CreateWorker } from './client/workerPool'
export { configureWorkerSupervision, type SupervisionSettings } from './client/workerSupervision'
export {
  MODEL_SNAPSHOT_FORMAT,
  MODEL_SNAPSHOT_VERSION,
  type ModelSnapshot,
  type SnapshotWeightSpec,
} from './core/family/modelSnapshot'
export type { SnapshotTraining, SnapshotTrainingPart } from './core/family/snapshotTraining'
export type {
  TrainSummary,
  TrainingData,
  ModelUpdate,
  ActionReply,
  WorkerAPI,
  WorkerMemory,
  ModelInfo,
  ModelKind,
  BaseModelInfo,
} from './protocol'
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
export type { KernelThreads } from './core/kernels/fusedKernelsOption'
export type { VAEHistoryPoint, VAELogLikelihood } from './core/vae/vaeSpec'
export type { GANHistoryPoint, View2D, View2DOptions } from './core/gan/ganSpec'
export type {
  GANArchitecture,
  GANModelOptions,
  GANTrainOptions,
  GANOutput,
} from './core/gan/ganOptions'
export type {
  InfoGANOptions,
  ResolvedInfoGANOptions,
  InfoCodeRow,
  InferredCodes,
} from './core/gan/infoCodes'
export type { GenerateWithCodesOptions } from './core/gan/infoGANSpec'
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
export type {
  VAEModelOptions,
  VAETrainOptions,
  VAELikelihood,
  VAELogLikelihoodOptions,
} from './core/vae/vaeOptions'
export type {
  SparseCodingHistoryPoint,
  SparseDictionaryView,
  SparseCodingEvaluation,
} from './core/sparse/sparseSpec'
export type {
  SparseCodingModelOptions,
  SparseCodingTrainOptions,
  SparseEncodeOptions,
  PatchNormalization,
  LassoSolver,
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
  generateSpritesByKind,
  type LabelledSprites,
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
export {
  useContrastive,
  type UseContrastiveOptions,
  type UseContrastiveResult,
} from './react/useContrastive'
export { ContrastiveClient, type ContrastiveClientOptions } from './client/builtinClients'
export {
  contrastiveSpec,
  type ContrastiveHistoryPoint,
  type ContrastiveFacts,
  type AugmentedPairs,
  type AugmentPairsOptions,
} from './core/contrastive/contrastiveSpec'
export type {
  ContrastiveModelOptions,
  ContrastiveTrainOptions,
  ContrastiveArchitecture,
  ContrastiveEncodeViews,
} from './core/contrastive/contrastiveOptions'
export type {
  AugmentationOptions,
  CropAugmentation,
  ShiftAugmentation,
  RotationAugmentation,
  ScaleAugmentation,
  NoiseAugmentation,
  CutoutAugmentation,
  BrightnessAugmentation,
  ContrastAugmentation,
} from './core/contrastive/augmentations'
export { usePretext, type UsePretextOptions, type UsePretextResult } from './react/usePretext'
export { PretextClient, type PretextClientOptions } from './client/builtinClients'
export {
  pretextSpec,
  type PretextHistoryPoint,
  type PretextFacts,
  type PretextExamples,
  type PretextPrediction,
  type MakeTaskOptions,
} from './core/pretext/pretextSpec'
export {
  PRETEXT_TASKS,
  MAX_PERMUTATIONS,
  type PretextTask,
  type PretextArchitecture,
  type PretextModelOptions,
  type PretextTrainOptions,
} from './core/pretext/pretextOptions'
export {
  maximalHammingPermutations,
  shuffleTiles,
  unshuffleTiles,
  invertPermutation,
  permutationDistance,
} from './core/pretext/permutations'
export {
  useSemanticHashing,
  type UseSemanticHashingOptions,
  type UseSemanticHashingResult,
} from './react/useSemanticHashing'
export { HashingClient, type HashingClientOptions } from './client/builtinClients'
export {
  hashingSpec,
  type HashingFacts,
  type HashingHistoryPoint,
  type HashCodes,
  type HashIndexInfo,
  type HashSearchResult,
  type ClientBuildIndexOptions,
} from './core/hashing/hashingSpec'
export type {
  HashingMethod,
  CodeBinarization,
  HashingModelOptions,
  HashingTrainOptions,
  HashSearchOptions,
} from './core/hashing/hashingOptions'
export {
  popcount32,
  packBits,
  unpackBits,
  wordsPerCode,
  hammingDistance,
  HammingIndex,
  type HammingQuery,
  type HammingMatches,
} from './core/hashing/hammingIndex'
export { hashPrecisionAtK } from './core/hashing/hashPrecision'
export { HashSearch, type HashSearchProps, type HashSearchSource } from './components/HashSearch'
export { codeBits, queryMatches, type HashMatch } from './components/hashSearchText'
export {
  useRepresentationReport,
  type UseRepresentationReportOptions,
  type UseRepresentationReportResult,
} from './react/useRepresentationReport'
export {
  RepresentationReportClient,
  rawPixelsEncoder,
  type RepresentationEncoder,
  type RepresentationReportState,
  type ReportClientOptions,
  type ReportStatus,
} from './client/reportClient'
export {
  DEFAULT_LABELS_PER_CLASS,
  type LabelsPerClass,
  type ReportOptions,
  type ReportCell,
  type ReportRow,
  type FewLabelsReport,
  type ReportProgress,
  type EncoderFeatures,
} from './core/report/reportOptions'
export {
  RepresentationReport,
  type RepresentationReportProps,
} from './components/RepresentationReport'
export { type ReportSpread } from './components/reportChartGeometry'
export { SERIES_COLORS, seriesColorAt } from './components/seriesColors'
export {
  useProjection,
  type UseProjectionOptions,
  type UseProjectionResult,
} from './react/useProjection'
export {
  ProjectionClient,
  type ProjectionClientOptions,
  type ProjectionState,
} from './client/projectionClient'
export {
  resolveProjectionOptions,
  checkCodes,
  type CodesInput,
  type Projection,
  type ProjectionMethod,
  type ProjectionOptions,
  type ProjectionProgress,
  type ResolvedProjectionOptions,
} from './core/projection/projectionOptions'
export {
  LatentScatter,
  type LatentScatterProps,
  type ScatterTool,
} from './components/LatentScatter'
export {
  scatterClusters,
  scatterSummaryText,
  categoricalColors,
  type ScatterCluster,
  type ScatterClusters,
} from './components/scatterSummary'
