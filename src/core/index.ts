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
export * from './memoryModel'
export {
  DEFAULT_MAX_MODEL_BYTES,
  MODEL_FILE_EXTENSION,
  MODEL_FILE_TYPE,
  artifactsToSnapshot,
  decodeModelFile,
  encodeModelFile,
  readModelFile,
  snapshotToArtifacts,
  type SaveModelOptions,
  type SavedModelArtifacts,
  type SavedModelInfo,
} from './family/modelFile'
export {
  fetchModelFile,
  listSaved,
  loadArtifacts,
  removeSaved,
  saveArtifacts,
} from './engine/modelStore'
export { PRESETS, presetsOf, findPreset, type PresetInfo } from '../presets/presetCatalog'
export {
  backendMemory,
  measurePass,
  guardWasmAllocations,
  memoryErrorOf,
  type PassCost,
} from './engine/memoryBudget'
export * from './vae/vaeOptions'
export { VAE } from './vae/engine/vae'
export { vaeSpec, type VAEHistoryPoint, type VAELogLikelihood } from './vae/vaeSpec'
export { vaeEngine } from './vae/engine/vaeEngine'
export {
  GenerativeModel,
  type SampleOptions,
  type InterpolateOptions,
} from './engine/generativeModel'
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
export * from './gan/infoCodes'
export * from './gan/infoGANSpec'
export { GAN } from './gan/engine/gan'
export {
  ganSpec,
  DIVERSITY_EVERY,
  type GANHistoryPoint,
  type View2D,
  type View2DOptions,
} from './gan/ganSpec'
export { ganEngine } from './gan/engine/ganEngine'
export * from './sparse/sparseOptions'
export { SparseCoding } from './sparse/engine/sparseCoding'
export {
  sparseCodingSpec,
  type SparseCodingHistoryPoint,
  type SparseDictionaryView,
  type SparseCodingEvaluation,
  type SparseCodingFacts,
} from './sparse/sparseSpec'
export { sparseCodingEngine } from './sparse/engine/sparseEngine'
export * from './pca/pcaOptions'
export { PCA } from './pca/engine/pca'
export { pcaSpec, type PCAHistoryPoint, type PCAComponentsView, type PCAFacts } from './pca/pcaSpec'
export { pcaEngine } from './pca/engine/pcaEngine'
export * from './projection/projectionOptions'
export { projectCodes } from './projection/engine/projectCodes'
export {
  leadingEigenpairs,
  randomizedEigenpairs,
  fixSigns,
  type Eigenpairs,
} from './pca/eigenSolvers'
export * from './rbm/rbmOptions'
export { RBM } from './rbm/engine/rbm'
export {
  rbmSpec,
  type RBMHistoryPoint,
  type RBMGibbsChain,
  type RBMLogLikelihood,
  type RBMFacts,
  type ClientRBMGibbsChainOptions,
} from './rbm/rbmSpec'
export { rbmEngine } from './rbm/engine/rbmEngine'
export * from './imported/importedOptions'
export { importedSpec, type ImportedFacts } from './imported/importedSpec'
export {
  planImport,
  shapeText,
  type ImportPlan,
  type ModelShapes,
  type SymbolicShape,
  type EncoderMean,
} from './imported/importedShapes'
export { ImportedModel } from './imported/engine/importedModel'
export { importedEngine } from './imported/engine/importedEngine'
export {
  annealedLogPartition,
  exactLogPartition,
  annealingSchedule,
  type PartitionEstimate,
} from './rbm/engine/partitionFunction'
export * from './kmeans/kmeansOptions'
export { KMeans } from './kmeans/engine/kmeans'
export {
  kMeansSpec,
  type KMeansHistoryPoint,
  type KMeansAssignment,
  type KMeansClusters,
  type KMeansFacts,
  type ClientKMeansClustersOptions,
} from './kmeans/kmeansSpec'
export { kMeansEngine } from './kmeans/engine/kmeansEngine'
export {
  adjustedRandIndex,
  clusteringAccuracy,
  normalizedMutualInformation,
  minimumCostAssignment,
  mutualInformation,
} from './kmeans/clusterAgreement'
export {
  mutualInformationGap,
  type MutualInformationGap,
  type MutualInformationGapOptions,
} from './disentanglement'
export * from './dec/decOptions'
export { DEC } from './dec/engine/dec'
export {
  decSpec,
  type DECHistoryPoint,
  type DECAssignment,
  type DECFacts,
  type DECPhase,
} from './dec/decSpec'
export { decEngine } from './dec/engine/decEngine'
export * from './sparse/sparseCodes'
export * from './sparse/patches'
export { fitWhitening, applyWhitening, type Whitening } from './sparse/whitening'
export { solveLasso, solveLassoCodes, resolveLassoSolver } from './sparse/engine/lassoSolver'
export {
  coordinateDescentLasso,
  type CoordinateDescentOptions,
  type CoordinateDescentResult,
} from './sparse/lassoCoordinateDescent'
export {
  fista,
  shrink,
  lassoObjective,
  type FistaOptions,
  type FistaResult,
  type LassoDictionary,
} from './sparse/engine/fista'
export { TrainableModel, type SnapshotOptions } from './engine/trainableModel'
export type { SnapshotTraining, SnapshotTrainingPart } from './family/snapshotTraining'
export * from './autoencoder/autoencoderOptions'
export {
  stackedSegment,
  type StackedOptions,
  type StackedCorruption,
  type ResolvedStackedOptions,
  type AutoencoderPhase,
  type StackedSegment,
} from './autoencoder/stackedOptions'
export { Autoencoder } from './autoencoder/engine/autoencoder'
export { autoencoderSpec, type AutoencoderHistoryPoint } from './autoencoder/autoencoderSpec'
export { autoencoderEngine } from './autoencoder/engine/autoencoderEngine'
export * from './autoregressive/autoregressiveOptions'
export { MADE } from './autoregressive/engine/made'
export { MADENetwork } from './autoregressive/engine/madeNetwork'
export * from './autoregressive/madeMasks'
export { assertBinarizable, binarizeValues, type BinarizeRule } from './autoregressive/binarize'
export {
  autoregressiveSpec,
  type AutoregressiveHistoryPoint,
  type AutoregressiveLogLikelihood,
  type AutoregressiveSampleSteps,
} from './autoregressive/autoregressiveSpec'
export { autoregressiveEngine } from './autoregressive/engine/autoregressiveEngine'
export * from './helmholtz/helmholtzOptions'
export { HelmholtzMachine } from './helmholtz/engine/helmholtz'
export { HelmholtzNetwork, type LayerStates } from './helmholtz/engine/helmholtzNetwork'
export {
  helmholtzSpec,
  type HelmholtzHistoryPoint,
  type HelmholtzLogLikelihood,
  type HelmholtzFacts,
} from './helmholtz/helmholtzSpec'
export { helmholtzEngine } from './helmholtz/engine/helmholtzEngine'
export * from './anomaly/anomalyScoring'
export * from './probe/probeOptions'
export { fitLinearProbe, fitProbeOnSplit } from './probe/engine/linearProbe'
export * from './report/reportOptions'
export {
  fewLabelsReport,
  encodeAndReport,
  type ReportEncoder,
} from './report/engine/fewLabelsReport'
export * from './family/familySpec'
export * from './family/modelSnapshot'
export * from './family/snapshotRecord'
export {
  createSnapshot,
  checkSnapshotWeights,
  restoreSnapshotWeights,
  type HostWeight,
  type NetworkWeight,
  type SnapshotHead,
} from './engine/modelSnapshot'
export * from './family/modelInfo'
export * from './family/commonActions'
export * from './engine/familyEngine'
export * from './engine/commonEngineActions'
export { BUILTIN_ENGINES } from './engine/builtinEngines'
export { BUILTIN_ENGINE_LOADERS } from './engine/builtinEngineLoaders'
export * from './contrastive/contrastiveOptions'
export * from './contrastive/augmentations'
export {
  contrastiveSpec,
  type ContrastiveHistoryPoint,
  type ContrastiveFacts,
  type AugmentedPairs,
  type AugmentPairsOptions,
} from './contrastive/contrastiveSpec'
export { Contrastive } from './contrastive/engine/contrastive'
export { ContrastiveNetwork } from './contrastive/engine/contrastiveNetwork'
export { ntXent, type NTXentResult } from './contrastive/engine/ntXent'
export { contrastiveEngine } from './contrastive/engine/contrastiveEngine'
export * from './pretext/pretextOptions'
export * from './pretext/permutations'
export * from './pretext/pretextTasks'
export {
  pretextSpec,
  type PretextHistoryPoint,
  type PretextFacts,
  type PretextExamples,
  type PretextPrediction,
  type MakeTaskOptions,
} from './pretext/pretextSpec'
export { Pretext } from './pretext/engine/pretext'
export { PretextNetwork, type PretextTerms } from './pretext/engine/pretextNetwork'
export { pretextEngine } from './pretext/engine/pretextEngine'
export { convEncoderStack, type ConvEncoderSpec } from './engine/convEncoder'
export * from './hashing/hashingOptions'
export * from './hashing/hammingIndex'
export { hashPrecisionAtK } from './hashing/hashPrecision'
export {
  hashingSpec,
  type HashingFacts,
  type HashingHistoryPoint,
  type HashCodes,
  type HashIndexInfo,
  type HashSearchResult,
  type ClientBuildIndexOptions,
} from './hashing/hashingSpec'
export { SemanticHashing } from './hashing/engine/semanticHashing'
export { hashingEngine } from './hashing/engine/hashingEngine'
