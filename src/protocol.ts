/**
 * What crosses between the main thread and a latentkit worker: the worker's API and the plain data
 * it takes and returns. TF-free and framework-free: the client, the hooks and the components import
 * these types; the worker host implements {@link WorkerAPI}. Tensors never cross; typed arrays are
 * transferred.
 */
import type { BackendInfo, BackendPreference } from './core/backend'
import type { DataInput, LatentBatch } from './core/dataset'
import type {
  Projection,
  ProjectionOptions,
  ProjectionProgress,
} from './core/projection/projectionOptions'
import type { HistoryPoint } from './core/family/familySpec'
import type { ModelInfo } from './core/family/modelInfo'
import type { SaveModelOptions, SavedModelInfo } from './core/family/modelFile'
import type { ModelSnapshot } from './core/family/modelSnapshot'
import type {
  EncoderFeatures,
  FewLabelsReport,
  ReportOptions,
  ReportProgress,
} from './core/report/reportOptions'
import type { TrainingUpdate, TrainResult } from './core/training'
import type { BuiltinDataset } from './data/builtinSpec'

export type { ModelInfo, ModelKind, BaseModelInfo } from './core/family/modelInfo'
export type { HistoryPoint } from './core/family/familySpec'
export type { ModelSnapshot } from './core/family/modelSnapshot'
export type { SavedModelInfo } from './core/family/modelFile'

/** Data a client sends for training: a batch, or the name of a built-in data set. */
export type TrainingData = DataInput | BuiltinDataset

/** How a call of `train` ended, with the model's state after it. */
export interface TrainSummary<
  Point = HistoryPoint,
  Info extends ModelInfo = ModelInfo,
> extends TrainResult<Point> {
  /** Facts about the model after training. */
  readonly model: Info
}

/** A training update with the model's facts after it. */
export interface ModelUpdate<Point = HistoryPoint> extends TrainingUpdate<Point> {
  /** Facts about the model now. */
  readonly model: ModelInfo
}

/** What an action sends back: its result, and the model's facts after it (e.g. a new threshold). */
export interface ActionReply<Result = unknown> {
  readonly result: Result
  readonly model: ModelInfo
  /** A fresh snapshot when the action changed the model's state (e.g. calibrated a threshold). */
  readonly snapshot?: ModelSnapshot
}

/** Tensor counts of the worker's TF.js engine (for leak checks). */
export interface WorkerMemory {
  readonly numTensors: number
  readonly numBytes: number
}

/**
 * The API a latentkit worker exposes over Comlink: one host, many models of any registered family,
 * all on one TF.js backend. Every method rejects with a plain `WireError` (see `fromWireError`).
 */
export interface WorkerAPI {
  /** Starts the backend once (later calls return the first result). */
  init(preference?: BackendPreference): Promise<BackendInfo>
  /** Answers at once: the main thread's heartbeat. */
  ping(): Promise<void>
  /**
   * Takes the Web Lock `name` and holds it for the worker's life, so the main thread learns of the
   * worker's end (however it ends) when its own request for the lock is granted. Resolves `true`
   * once held, `false` where Web Locks are missing (insecure contexts).
   */
  holdLifeline(name: string): Promise<boolean>
  /**
   * Creates (or replaces) model `id` of family `kind`. Validates the options first. With
   * `snapshot` (taken from a model of this family with these options), the model is restored from it.
   */
  create(id: string, kind: string, options: object, snapshot?: ModelSnapshot): Promise<ModelInfo>
  /**
   * Trains model `id`. `data` replaces the cached data set when given; omit it to train again on the
   * data sent before. Progress goes to `onUpdate` (throttled to about 10 per second). Snapshots of
   * the weights go to `onSnapshot` at epoch ends (at most one a second, at least one every 30 s)
   * and when training ends, before the call resolves. `run` names this run for `pause`, `resume`
   * and `stop` (default: unnamed): a control naming it that arrived before it started applies to it.
   */
  train(
    id: string,
    data: TrainingData | undefined,
    options: object,
    onUpdate?: (update: ModelUpdate) => void,
    onSnapshot?: (snapshot: ModelSnapshot) => void,
    run?: string,
  ): Promise<TrainSummary>
  /**
   * Makes `data` the data model `id`'s actions default to ("the data the model was trained on"), as
   * `train` would, without training: a model loaded from a file or a preset gets its hook's data.
   */
  setData(id: string, data: TrainingData): Promise<void>
  /**
   * Pauses training of `id` at the next batch boundary. With `run` (the name given to `train`), only
   * that run: if it has not started here yet (this message overtook it), it starts paused.
   */
  pause(id: string, run?: string): Promise<void>
  /** Resumes a paused training of `id`; with `run`, only that run (also before it starts). */
  resume(id: string, run?: string): Promise<void>
  /**
   * Stops training of `id` at the next batch boundary, keeping the weights. With `run`, only that
   * run: if it has not started here yet, it ends at once when it starts (resolving before then).
   */
  stop(id: string, run?: string): Promise<void>
  /** Stops training and forgets the weights of `id`; keeps its options and data. */
  reset(id: string): Promise<ModelInfo>
  /** Facts about model `id`. */
  modelInfo(id: string): Promise<ModelInfo>
  /**
   * A snapshot of trained model `id` (`NOT_TRAINED` before its first step); with `training: false`,
   * the weights without the training state.
   */
  snapshot(id: string, options?: { readonly training?: boolean }): Promise<ModelSnapshot>
  /**
   * Runs the action `action` of model `id`'s family with `args` (its wire form). An action the family
   * does not offer is refused with `INVALID_INPUT`, naming the family and what it offers.
   */
  call(id: string, action: string, args: readonly unknown[]): Promise<ActionReply>
  /**
   * Saves trained model `id` at `url` (`indexeddb://name`) through TF.js's save handlers; resolves
   * with what a listing says of it. `NOT_TRAINED` before the first step, `STORAGE_FAILED` when the
   * storage refuses.
   */
  saveModel(id: string, url: string, options?: SaveModelOptions): Promise<SavedModelInfo>
  /**
   * The snapshot saved at `url` (`indexeddb://name`, an HTTP(S) `model.json`, or an HTTP(S) model
   * file), checked to be a `kind` model (when given) of at most `maxBytes` of weights; the weights are
   * transferred. `INVALID_MODEL_FILE` or `STORAGE_FAILED` with `details.reason` when it cannot be.
   */
  loadModel(url: string, kind?: string, maxBytes?: number): Promise<ModelSnapshot>
  /**
   * The snapshot of the shipped preset `name` of family `kind` (fetched from the worker's preset
   * files). `INVALID_OPTION` for a preset that does not exist, `STORAGE_FAILED` when its file cannot
   * be fetched.
   */
  loadPreset(kind: string, name: string): Promise<ModelSnapshot>
  /**
   * A 2-D map of `codes` (`[n, d]`, checked again here): PCA, or UMAP loaded on first use; UMAP's
   * epochs go to `onProgress` (about 10 per second). Holds no model; bad codes or options reject
   * with a typed error and leave every model as it was. `points` is transferred.
   */
  project(
    codes: LatentBatch,
    options: ProjectionOptions,
    onProgress?: (progress: ProjectionProgress) => void,
  ): Promise<Projection>
  /** Every latentkit model saved in this origin's IndexedDB, newest first. */
  savedModels(): Promise<readonly SavedModelInfo[]>
  /** Removes the model saved at `url` (`indexeddb://name`). */
  removeSavedModel(url: string): Promise<void>
  /** Stops and frees model `id` (no error when it does not exist). */
  disposeModel(id: string): Promise<void>
  /** The families this worker knows. */
  families(): Promise<readonly string[]>
  /** TF.js memory of this worker. */
  memory(): Promise<WorkerMemory>
  /**
   * The few-labels report on `encoders`' features of the same images (one row per entry of
   * `labels`): linear probes fitted in the worker, each cell sent to `onProgress` as it completes.
   * Typed errors as `fewLabelsReport`; no model is touched.
   */
  probeReport(
    encoders: readonly EncoderFeatures[],
    labels: ArrayLike<number>,
    options?: ReportOptions,
    onProgress?: (progress: ReportProgress) => void,
  ): Promise<FewLabelsReport>
}
