/**
 * The main-thread side of a model of any family: owns its state (changed only through
 * {@link modelReducer}), talks to the shared worker over Comlink, validates input before any work is
 * sent. A family's client is this class over the family's spec (see {@link createClientClass}). No
 * TF.js, no React.
 *
 * Every action comes in two forms, as TanStack Query's `mutate` / `mutateAsync`: the plain one records
 * a failure in `error` and never rejects (safe in `onClick`); its `…Async` twin also rejects.
 */
import * as Comlink from 'comlink'
import type { BackendPreference } from '../core/backend'
import { toImageBatch, type DataInput, type ImageBatch } from '../core/dataset'
import {
  CancelledError,
  InvalidInputError,
  NotTrainedError,
  WorkerCrashedError,
  fromWireError,
  type LatentkitError,
} from '../core/errors'
import {
  offersAction,
  prepareAction,
  unknownActionError,
  type ActionContext,
  type AnyActionSpec,
  type AnyFamilySpec,
  type FactsOf,
  type ModelOptionsOf,
  type PointOf,
  type TrainOptionsOf,
} from '../core/family/familySpec'
import { checkDatasetName, isBuiltinDataset, type BuiltinDataset } from '../data/builtinSpec'
import { findPreset } from '../presets/presetCatalog'
import { checkSnapshot } from '../core/family/modelSnapshot'
import type {
  ModelInfo,
  ModelSnapshot,
  ModelUpdate,
  TrainSummary,
  TrainingData,
  WorkerAPI,
} from '../protocol'
import {
  MODEL_FILE_ACTION_NAMES,
  createModelFileActions,
  type ModelFileActions,
  type ModelFileHost,
} from './modelFileActions'
import { initialModelState, modelReducer, type ModelAction, type ModelState } from './modelState'
import { Subscribable } from './subscribable'
import { acquireWorker, type CreateWorker, type WorkerLease } from './workerPool'
import { configureWorkerSupervision } from './workerSupervision'

/** Data a model can train on: user data, or a built-in data set by name. */
export type ModelData = DataInput | BuiltinDataset

/** Options every model client (and model hook) takes besides its model's own. */
export interface ModelClientOptions {
  /** Training data. Keep its identity stable (e.g. `useMemo`) so it is sent to the worker once. */
  readonly data?: ModelData
  /** Shape of one image when `data` is given as flat rows. See `toImageBatch`. */
  readonly imageShape?: readonly [number, number, number]
  /** TF.js backend: `'auto'` (default: WebGPU → WebGL → WASM → CPU, skipping software GPUs) or one to force. */
  readonly backend?: BackendPreference
  /**
   * Start training as soon as there is data and nothing is trained. After `reset()` the model stays
   * untrained until `train()` or a change of model options. Default `false`.
   */
  readonly autoTrain?: boolean
  /** Most history points kept (older ones are dropped). Default `5000`. */
  readonly historyLimit?: number
  /** Starts the worker yourself (escape hatch for unusual bundlers); default: latentkit's bundled worker. */
  readonly createWorker?: CreateWorker
  /**
   * A pretrained model of this family to start from, by name (`'digits'`; see `PRESETS` and
   * `presetsOf(family)`): the worker fetches it when the hook mounts, so trained output shows at once,
   * and it trains further like any model. Its options stand in for the hook's model options until
   * those change; `reset()` forgets it (train from scratch). Default: none.
   */
  readonly preset?: string
}

/** Options of a family's client and hook: its model and training options, and the common ones. */
export type ClientOptions<F> = ModelOptionsOf<F> & TrainOptionsOf<F> & ModelClientOptions

/** Facts about a model of family `F`. */
export type FamilyModelInfo<F> = ModelInfo<FactsOf<F>>

/** The state of a model of family `F`. */
export type FamilyState<F> = ModelState<PointOf<F>, FamilyModelInfo<F>>

/** How a call of `train` ended for a model of family `F`. */
export type FamilyTrainSummary<F> = TrainSummary<PointOf<F>, FamilyModelInfo<F>>

/** The training actions every model has, each with its rejecting `…Async` twin. */
export interface TrainingActions<Summary> {
  /**
   * Trains for `epochs` epochs, continuing from the current weights; resolves when training ends
   * (also after `stop()`) with its summary, or `undefined` when it failed (see `error`). Never rejects.
   * Calling it while training returns the running training.
   */
  train(): Promise<Summary | undefined>
  /** As `train`, but rejects with the typed error. */
  trainAsync(): Promise<Summary | undefined>
  /**
   * Pauses training at the next batch boundary. Called after `train()` but before the run has
   * started (status `'loading'`: the worker or the model is still starting), the run starts paused:
   * status `'paused'`, no step taken until `resume()`. Without a run, does nothing. Never rejects.
   */
  pause(): Promise<void>
  /** As `pause`, but rejects on failure. */
  pauseAsync(): Promise<void>
  /**
   * Resumes paused training; before the run has started, cancels a pause asked for it. Never
   * rejects.
   */
  resume(): Promise<void>
  /** As `resume`, but rejects on failure. */
  resumeAsync(): Promise<void>
  /** Stops training at the next batch boundary, keeping the weights trained so far. Never rejects. */
  stop(): Promise<void>
  /** As `stop`, but rejects on failure. */
  stopAsync(): Promise<void>
  /** Stops training and forgets the weights and history; options and data are kept. Never rejects. */
  reset(): Promise<void>
  /** As `reset`, but rejects on failure. */
  resetAsync(): Promise<void>
}

/** Picks the keys of `options` that are set. */
export function pickDefined<T extends object, K extends keyof T>(
  options: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {}
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key]
  return picked
}

/** The training actions every client and hook has (each with its `…Async` twin). */
export const TRAINING_ACTION_NAMES = ['train', 'pause', 'resume', 'stop', 'reset'] as const

/** The save and load actions every client and hook has (each with its `…Async` twin). */
export const FILE_ACTION_NAMES = MODEL_FILE_ACTION_NAMES

const DATA_KEY_NONE = Symbol('none')
const ignore = (): undefined => undefined

let nextModelId = 1
let nextRunId = 1

/**
 * A training run started by `train`: its name in the worker, whether `stop` was asked, and whether
 * it should be paused (the last of `pause` / `resume` called for it).
 */
interface TrainingRun {
  readonly name: string
  stopRequested: boolean
  pauseRequested: boolean
}

/** The training and file actions are members of the client too (assigned in the constructor). */
export interface ModelClient<F extends AnyFamilySpec>
  extends TrainingActions<FamilyTrainSummary<F>>, ModelFileActions<FamilyModelInfo<F>> {}

/** A model living in the shared worker, seen from the main thread. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class ModelClient<F extends AnyFamilySpec>
  extends Subscribable
  implements ModelFileHost<FamilyModelInfo<F>>
{
  /** The family's TF-free half. */
  readonly spec: F
  /** The training actions, bound (stable identities for React). */
  readonly trainingActions: TrainingActions<FamilyTrainSummary<F>>
  /** Save, load, export and import, bound (stable identities for React). */
  readonly fileActions: ModelFileActions<FamilyModelInfo<F>>
  protected options: ClientOptions<F>
  private state: FamilyState<F>
  private lease: WorkerLease | undefined
  private removeCrashListener: (() => void) | undefined
  private modelId: string | undefined
  private modelReady: Promise<string> | undefined
  private sentData: unknown = DATA_KEY_NONE
  private training: Promise<FamilyTrainSummary<F> | undefined> | undefined
  /** The run `training` is, named so that a stop sent before its `train` still applies to it. */
  private run: TrainingRun | undefined
  private teardownTimer: ReturnType<typeof setTimeout> | undefined
  /** The model options' key at an explicit `reset()`: autoTrain waits while they stay the same. */
  private autoTrainHeldFor: string | undefined
  private generation = 0
  /** The model options' key the worker's model was created with. */
  private createdKey: string | undefined
  /** The model and training options last checked by `setOptions`. */
  private checkedKey: string | undefined
  /**
   * The last good weights of the model (from the worker, at epoch ends and after each run) and the
   * options key they belong to: a new worker is given them, so a crash costs at most an epoch.
   */
  private lastSnapshot: { readonly key: string; readonly snapshot: ModelSnapshot } | undefined
  /** When the worker died lately (for the restart budget). */
  private crashTimes: number[] = []
  /**
   * The options of a loaded model, which stand in for the hook's model options for as long as those
   * stay what they were when it was loaded (`rawKey`).
   */
  private loadedOptions: { readonly rawKey: string; readonly options: object } | undefined
  /** The preset last asked for (loading or loaded), so a re-render does not load it again. */
  private presetAsked: string | undefined
  /** The model options key whose creation at mount failed, so a re-render does not retry it. */
  private mountFailedKey: string | undefined

  constructor(spec: F, options: ClientOptions<F>) {
    super()
    this.spec = spec
    this.options = options
    this.state = initialModelState(spec.chart)
    this.getSnapshot = this.getSnapshot.bind(this)
    const trainAsync = (): Promise<FamilyTrainSummary<F> | undefined> => this.startTraining()
    const pauseAsync = (): Promise<void> => this.guard(() => this.pauseTraining())
    const resumeAsync = (): Promise<void> => this.guard(() => this.resumeTraining())
    const stopAsync = (): Promise<void> => this.guard(() => this.stopTraining())
    const resetAsync = (): Promise<void> => this.guard(() => this.resetModel())
    this.trainingActions = {
      train: () => trainAsync().catch(ignore),
      trainAsync,
      pause: () => pauseAsync().catch(ignore),
      pauseAsync,
      resume: () => resumeAsync().catch(ignore),
      resumeAsync,
      stop: () => stopAsync().catch(ignore),
      stopAsync,
      reset: () => resetAsync().catch(ignore),
      resetAsync,
    }
    Object.assign(this, this.trainingActions)
    this.fileActions = createModelFileActions<FamilyModelInfo<F>>(this)
    Object.assign(this, this.fileActions)
  }

  /** The family's kind. */
  get kind(): string {
    return this.spec.kind
  }

  /** The current immutable state. */
  getSnapshot(): FamilyState<F> {
    return this.state
  }

  private dispatch(action: ModelAction<PointOf<F>, FamilyModelInfo<F>>): void {
    const next = modelReducer(this.state, action)
    if (next === this.state) return
    this.state = next
    for (const listener of this.listeners) listener()
  }

  /** Records `error` (from `source`: `'train'`, `'options'` or an action's name) and returns it typed. */
  private fail(error: unknown, source: string, model?: ModelInfo): LatentkitError {
    const typed = fromWireError(error)
    // A dead worker was reported once, by the crash handler; its pending calls only reject.
    if (typed.code === 'WORKER_CRASHED' && this.state.error?.code === 'WORKER_CRASHED') return typed
    this.dispatch({
      type: 'error',
      error: typed,
      source,
      ...(model ? { model: model as FamilyModelInfo<F> } : {}),
    })
    // The worker says its backend can no longer be trusted (a WebAssembly memory fault): start a
    // fresh one; every model of the old one comes back from its snapshot.
    if (typed.details?.restartWorker === true) this.lease?.restart(typed)
    return typed
  }

  /** Runs `work`; a failure is recorded in `error` and rethrown typed. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw this.fail(error, 'train')
    }
  }

  /**
   * Applies new options. A valid change of architecture, loss or seed starts a fresh, untrained
   * model; an invalid one is refused (`INVALID_OPTION` in `error`, source `'options'`) and the
   * trained model stays until a valid change arrives.
   */
  setOptions(next: ClientOptions<F>): void {
    const previous = this.options
    this.options = next
    const workerChanged =
      (previous.backend ?? 'auto') !== (next.backend ?? 'auto') ||
      previous.createWorker !== next.createWorker
    // Hooks pass a new options object on every render: check only what changed.
    const checkKey = this.optionsKey(next)
    if (checkKey !== this.checkedKey) {
      this.checkedKey = checkKey
      try {
        this.validate(next)
      } catch (error) {
        this.fail(error, 'options')
        return
      }
      this.dispatch({ type: 'succeeded', source: 'options' })
    } else if (this.state.errorSource === 'options') {
      return
    }
    if (workerChanged && this.lease) {
      this.teardown()
      this.presetAsked = undefined
      this.dispatch({ type: 'reset', model: undefined })
    } else if (this.modelKey(next) !== this.createdKey && this.modelReady) {
      this.loadedOptions = undefined
      void this.replaceModel()
    }
    this.maybeLoadPreset()
    this.maybeCreateOnMount()
    this.maybeAutoTrain()
  }

  /** The model options in force: a loaded model's while the hook's are unchanged since the load. */
  private modelOptions(options: ClientOptions<F>): object {
    const loaded = this.loadedOptions
    if (loaded && loaded.rawKey === this.rawModelKey(options)) return loaded.options
    return pickDefined(options as Record<string, unknown>, this.spec.modelKeys)
  }

  private trainOptions(options: ClientOptions<F>): object {
    return pickDefined(options as Record<string, unknown>, this.spec.trainKeys)
  }

  private optionsKey(options: ClientOptions<F>): string {
    const values = options as Record<string, unknown>
    return JSON.stringify(
      [...this.spec.modelKeys, ...this.spec.trainKeys, 'preset'].map((k) => values[k] ?? null),
    )
  }

  /** The hook's own model options, as a key. */
  private rawModelKey(options: ClientOptions<F>): string {
    const values = options as Record<string, unknown>
    return JSON.stringify(this.spec.modelKeys.map((key) => values[key] ?? null))
  }

  /** The model options in force, as a key. */
  private modelKey(options: ClientOptions<F>): string {
    const values = this.modelOptions(options) as Record<string, unknown>
    return JSON.stringify(this.spec.modelKeys.map((key) => values[key] ?? null))
  }

  protected override onSubscribe(): void {
    if (this.teardownTimer !== undefined) {
      clearTimeout(this.teardownTimer)
      this.teardownTimer = undefined
    }
    this.maybeLoadPreset()
    this.maybeCreateOnMount()
    this.maybeAutoTrain()
  }

  /**
   * For a family whose models need no training (`spec.createOnMount`, e.g. an imported model):
   * creates the model in the worker once the hook is subscribed (status `'loading'`, then a
   * `'loaded'` action with its facts; a failure goes to `error`, source `'load'`, and is not retried
   * until the model options change). Its snapshot is kept, so a crashed worker gets it back.
   */
  private maybeCreateOnMount(): void {
    if (!this.spec.createOnMount || this.modelReady || !this.hasListeners()) return
    if (this.state.errorSource === 'options') return
    try {
      ;(this.spec.validateModel as (options: object) => void)(this.modelOptions(this.options))
    } catch {
      return // setOptions reports it
    }
    const key = this.modelKey(this.options)
    if (key === this.mountFailedKey) return
    const generation = this.generation
    void (async () => {
      try {
        const id = await this.ensureModel()
        const api = (this.lease as WorkerLease).api
        const [model, snapshot] = await Promise.all([api.modelInfo(id), api.snapshot(id)])
        if (generation !== this.generation) return
        this.keepSnapshot(snapshot, generation)
        await this.sendDataTo(this.lease as WorkerLease, id)
        this.dispatch({ type: 'loaded', model: model as FamilyModelInfo<F> })
      } catch (error) {
        // A model replaced meanwhile (options changed, hook left) is not this one's failure.
        if (generation !== this.generation) return
        this.mountFailedKey = key
        this.fail(error, 'load')
      }
    })()
  }

  /** Loads the `preset` option's model once it is asked for (status `'loading'` meanwhile). */
  private maybeLoadPreset(): void {
    const name = this.options.preset
    if (name === undefined || name === this.presetAsked || !this.hasListeners()) return
    if (this.state.errorSource === 'options') return
    this.presetAsked = name
    this.runTask('preset', async () => {
      this.dispatch({ type: 'loading' })
      const snapshot = await (await this.workerApi()).loadPreset(this.spec.kind, name)
      return this.adoptSnapshot(snapshot)
    }).catch(ignore)
  }

  protected override onUnsubscribe(): void {
    // Deferred: React StrictMode unsubscribes and resubscribes at once; keep the model for that.
    this.teardownTimer = setTimeout(() => {
      this.teardownTimer = undefined
      if (!this.hasListeners()) this.teardown()
    }, 0)
  }

  private maybeAutoTrain(): void {
    if (
      this.options.autoTrain &&
      this.autoTrainHeldFor !== this.modelKey(this.options) &&
      this.options.data !== undefined &&
      this.hasListeners() &&
      this.state.status === 'idle' &&
      !this.training
    ) {
      this.startTraining().catch(ignore)
    }
  }

  /**
   * Lets go of the worker and the model in it (replies still in flight are dropped); returns what
   * was held, for the caller to dispose or release.
   */
  private forgetWorker(): { lease: WorkerLease | undefined; id: string | undefined } {
    const held = { lease: this.lease, id: this.modelId }
    this.generation += 1
    this.removeCrashListener?.()
    this.removeCrashListener = undefined
    this.lease = undefined
    this.modelId = undefined
    this.modelReady = undefined
    this.training = undefined
    this.run = undefined
    this.sentData = DATA_KEY_NONE
    return held
  }

  private teardown(): void {
    const { lease, id } = this.forgetWorker()
    if (lease) {
      const done = id ? lease.api.disposeModel(id).catch(ignore) : Promise.resolve()
      void done.finally(() => lease.release())
    }
  }

  /**
   * The worker died (crash, termination, hang): forget it, so the next call starts a fresh one, and
   * say what became of the model. Calls pending in it reject with the same error.
   */
  private workerDied(error: LatentkitError): void {
    this.forgetWorker().lease?.release()
    const now = Date.now()
    // A model whose worker dies too often is not restored at once: the next call does it.
    const { crashLoopLimit, crashLoopWindowMs } = configureWorkerSupervision()
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < crashLoopWindowMs), now]
    const snapshot = this.snapshotToRestore()
    if (!snapshot) {
      this.lastSnapshot = undefined
      this.dispatch({
        type: 'crashed',
        error: new WorkerCrashedError(
          `${error.message}; the model was lost (it had no snapshot yet): call train() to start again`,
          error.details,
        ),
        model: undefined,
      })
      return
    }
    const restoreNow = this.crashTimes.length <= crashLoopLimit
    const step = snapshot.trainedSteps
    this.dispatch({
      type: 'crashed',
      error: new WorkerCrashedError(
        restoreNow
          ? `${error.message}; the model was restored from its last snapshot (step ${step}) in a new worker`
          : `${error.message}; the worker died ${this.crashTimes.length} times within ${crashLoopWindowMs / 1000} s, so the model (kept at step ${step}) is restored only when you call train() or an action`,
        { ...error.details, restoredStep: step },
      ),
      model: {
        ...(this.state.model ?? {}),
        kind: this.spec.kind,
        trainedSteps: step,
        trainedEpochs: snapshot.trainedEpochs,
        imageShape: snapshot.imageShape,
      } as FamilyModelInfo<F>,
    })
    if (restoreNow && this.hasListeners()) this.ensureModel().catch(ignore)
  }

  private keepSnapshot(snapshot: ModelSnapshot | undefined, generation: number): void {
    if (!snapshot || generation !== this.generation) return
    this.lastSnapshot = { key: this.modelKey(this.options), snapshot }
  }

  /** The kept snapshot, if it belongs to the current model options. */
  private snapshotToRestore(): ModelSnapshot | undefined {
    const kept = this.lastSnapshot
    return kept && kept.key === this.modelKey(this.options) ? kept.snapshot : undefined
  }

  private async replaceModel(): Promise<void> {
    const lease = this.lease
    const oldId = this.modelId
    this.generation += 1
    this.modelId = undefined
    this.modelReady = undefined
    this.training = undefined
    this.run = undefined
    this.sentData = DATA_KEY_NONE
    this.lastSnapshot = undefined
    this.dispatch({ type: 'reset', model: undefined })
    if (lease && oldId) await lease.api.disposeModel(oldId).catch(ignore)
  }

  /** The worker this model lives in, started (and watched) when there is none. */
  private ensureLease(): WorkerLease {
    if (!this.lease) {
      const lease = acquireWorker(this.options.backend ?? 'auto', this.options.createWorker)
      this.lease = lease
      this.removeCrashListener = lease.onCrash((error) => this.workerDied(error))
    }
    return this.lease
  }

  private ensureModel(): Promise<string> {
    if (this.modelReady) return this.modelReady
    const generation = this.generation
    const lease = this.ensureLease()
    const ready = (async () => {
      this.dispatch({ type: 'loading' })
      const backend = await lease.backend
      this.dispatch({ type: 'backend', backend })
      const id = `model-${nextModelId++}`
      const snapshot = this.snapshotToRestore()
      const model = await lease.api.create(
        id,
        this.spec.kind,
        this.modelOptions(this.options),
        snapshot,
      )
      if (generation !== this.generation) {
        await lease.api.disposeModel(id).catch(ignore)
        throw new CancelledError('the model was replaced (options changed) while it was starting')
      }
      this.modelId = id
      if (snapshot) this.dispatch({ type: 'modelInfo', model: model as FamilyModelInfo<F> })
      return id
    })()
    this.createdKey = this.modelKey(this.options)
    this.modelReady = ready
    ready.catch(() => {
      if (this.modelReady === ready) this.modelReady = undefined
    })
    return ready
  }

  private dataToSend(): TrainingData | undefined {
    const data = this.options.data
    const identity = isBuiltinDataset(data) ? JSON.stringify(data) : data
    if (identity === this.sentData) return undefined
    if (data === undefined) return undefined
    if (isBuiltinDataset(data)) return data
    const imageShape = this.options.imageShape
    return toImageBatch(data, imageShape ? { imageShape } : {})
  }

  private markSent(): void {
    const data = this.options.data
    this.sentData = isBuiltinDataset(data) ? JSON.stringify(data) : data
  }

  private validate(options: ClientOptions<F>): void {
    const validateModel = this.spec.validateModel as (options: object) => void
    const validateTrain = this.spec.validateTrain as (options: object) => void
    validateModel(this.modelOptions(options))
    validateTrain(this.trainOptions(options))
    if (options.preset !== undefined) findPreset(this.spec.kind, options.preset)
  }

  private startTraining(): Promise<FamilyTrainSummary<F> | undefined> {
    if (this.training) return this.training
    const named: TrainingRun = {
      name: `run-${nextRunId++}`,
      stopRequested: false,
      pauseRequested: false,
    }
    const run = this.runTraining(named)
    this.training = run
    this.run = named
    const clear = (): void => {
      if (this.training === run) {
        this.training = undefined
        this.run = undefined
      }
    }
    run.then(clear, clear)
    return run
  }

  private async runTraining(run: TrainingRun): Promise<FamilyTrainSummary<F> | undefined> {
    const generation = this.generation
    let payload: TrainingData | undefined
    try {
      this.validate(this.options)
    } catch (error) {
      throw this.fail(error, 'options')
    }
    try {
      if (this.options.data === undefined && this.sentData === DATA_KEY_NONE) {
        throw new InvalidInputError(
          "no training data; pass data (e.g. data: 'digits' or { data, shape })",
        )
      }
      checkDatasetName(this.options.data)
      payload = this.dataToSend()
    } catch (error) {
      throw this.fail(error, 'train')
    }
    try {
      const id = await this.ensureModel()
      const lease = this.lease as WorkerLease
      // A pause asked while the model was not ready reaches the worker before the run's train, so
      // the run adopts it and takes no step until `resume`.
      if (run.pauseRequested) lease.api.pause(id, run.name).catch(ignore)
      this.dispatch({ type: 'trainStart', paused: run.pauseRequested })
      const historyLimit = this.options.historyLimit ?? 5000
      const onUpdate = Comlink.proxy((update: ModelUpdate) => {
        if (generation !== this.generation) return
        this.dispatch({
          type: 'progress',
          progress: update.progress,
          points: update.history as readonly PointOf<F>[],
          model: update.model as FamilyModelInfo<F>,
          historyLimit,
        })
      })
      const onSnapshot = Comlink.proxy((snapshot: ModelSnapshot) =>
        this.keepSnapshot(snapshot, generation),
      )
      const training = lease.api.train(
        id,
        payload,
        this.trainOptions(this.options),
        onUpdate,
        onSnapshot,
        run.name,
      )
      // A stop asked while the model was not ready had no model to name: it names the run now.
      if (run.stopRequested) lease.api.stop(id, run.name).catch(ignore)
      const summary = (await training) as FamilyTrainSummary<F>
      if (payload !== undefined) this.markSent()
      if (generation !== this.generation) return undefined
      this.dispatch({ type: 'trainEnd', model: summary.model })
      return summary
    } catch (error) {
      const typed = fromWireError(error)
      // The crash handler has already said what happened; the caller still learns it failed.
      if (typed.code === 'WORKER_CRASHED') throw typed
      if (generation !== this.generation) return undefined
      const model = await this.currentInfo()
      if (model) this.dispatch({ type: 'trainEnd', model })
      throw this.fail(typed, 'train', model)
    }
  }

  private async currentInfo(): Promise<FamilyModelInfo<F> | undefined> {
    if (!this.lease || !this.modelId) return undefined
    const info = await this.lease.api.modelInfo(this.modelId).catch(ignore)
    return info as FamilyModelInfo<F> | undefined
  }

  /**
   * Pauses the run `train` started, wherever it is. Once running, at its next batch boundary. Not yet
   * started (the worker or the model still loading, or its `train` not yet handled by the worker):
   * it starts paused, with no step taken. With no run, nothing happens.
   */
  private async pauseTraining(): Promise<void> {
    const run = this.run
    if (!run) return
    run.pauseRequested = true
    // Without a model id, `runTraining` sends the pause just before the run's train.
    if (this.lease && this.modelId) await this.lease.api.pause(this.modelId, run.name)
    // A resume called meanwhile has the last word.
    if (this.run === run && run.pauseRequested) this.dispatch({ type: 'paused' })
  }

  /** Resumes a paused run; before the run has started, cancels a pause asked for it. */
  private async resumeTraining(): Promise<void> {
    const run = this.run
    if (!run || !run.pauseRequested) return
    run.pauseRequested = false
    if (this.lease && this.modelId) await this.lease.api.resume(this.modelId, run.name)
    if (this.run === run && !run.pauseRequested) this.dispatch({ type: 'resumed' })
  }

  /**
   * Stops the run `train` started, wherever it is: not yet sent (the model is still starting),
   * sent but not yet started in the worker, or running. The stop names the run, so the worker
   * applies it even when it arrives before the run's `train`.
   */
  private async stopTraining(): Promise<void> {
    const run = this.run
    if (run) run.stopRequested = true
    if (this.lease && this.modelId) await this.lease.api.stop(this.modelId, run?.name)
    await this.training?.catch(ignore)
  }

  private async resetModel(): Promise<void> {
    this.autoTrainHeldFor = this.modelKey(this.options)
    if (this.lease && this.modelId) {
      const id = this.modelId
      const lease = this.lease
      await this.stopTraining()
      const model = (await lease.api.reset(id)) as FamilyModelInfo<F>
      this.lastSnapshot = undefined
      this.dispatch({ type: 'reset', model })
    } else {
      this.lastSnapshot = undefined
      this.dispatch({ type: 'reset', model: undefined })
    }
  }

  /**
   * Runs the family's action `name` on the trained model: checks and converts the arguments here,
   * runs it in the worker, puts the model's new facts in the state. Errors go to `error` and reject.
   */
  protected async runAction(name: string, args: readonly unknown[]): Promise<unknown> {
    const generation = this.generation
    try {
      if (!offersAction(this.spec, name)) throw unknownActionError(this.spec, name)
      const action = this.spec.actions[name] as AnyActionSpec
      this.checkTrained(name)
      const context: ActionContext = {
        images: (input) => this.userImages(input),
        model: this.state.model,
      }
      const wire = prepareAction(action, name, context, args)
      const id = await this.trainedModelId(name)
      const reply = await (this.lease as WorkerLease).api.call(id, name, wire)
      if (generation !== this.generation) {
        throw new CancelledError(`the model was replaced while ${name} ran; its result was dropped`)
      }
      this.keepSnapshot(reply.snapshot, generation)
      this.dispatch({ type: 'succeeded', source: name })
      if (JSON.stringify(reply.model) !== JSON.stringify(this.state.model)) {
        this.dispatch({ type: 'modelInfo', model: reply.model as FamilyModelInfo<F> })
      }
      return reply.result
    } catch (error) {
      // A reply about a model that was replaced meanwhile says nothing about the new one.
      if (generation !== this.generation) throw fromWireError(error)
      throw this.fail(error, name)
    }
  }

  /** `NOT_TRAINED` unless there is a trained model (in the worker, or kept to restore after a crash). */
  private checkTrained(name: string): void {
    const trained = this.state.model && this.state.model.trainedSteps > 0
    const restorable = !this.modelId && this.snapshotToRestore() !== undefined
    if (!trained || (!this.modelId && !restorable)) {
      throw new NotTrainedError(
        `cannot ${name} before the model is trained; call train() first and wait for at least one step (or load a saved model)`,
      )
    }
  }

  /**
   * @internal The trained model's id in the worker, for `action`; after a crash it is restored there
   * first. `NOT_TRAINED` when there is none.
   */
  trainedModelId(action: string): Promise<string> {
    this.checkTrained(action)
    return this.ensureModel()
  }

  /** @internal The worker's API, the worker started when there is none. */
  async workerApi(): Promise<Comlink.Remote<WorkerAPI>> {
    const lease = this.ensureLease()
    const backend = await lease.backend
    if (this.lease === lease && this.state.backend !== backend) {
      this.dispatch({ type: 'backend', backend })
    }
    return lease.api
  }

  /** @internal Runs `work`; a failure is recorded in `error` under `name` and rethrown typed. */
  async runTask<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work()
      this.dispatch({ type: 'succeeded', source: name })
      return result
    } catch (error) {
      throw this.fail(error, name)
    }
  }

  /**
   * @internal Replaces the model with `snapshot`'s (a saved model): checked here, created in the
   * worker beside the current model, which is dropped only once the new one stands. The loaded
   * model's options stand in for the hook's model options until those change.
   */
  async adoptSnapshot(snapshot: ModelSnapshot): Promise<FamilyModelInfo<F>> {
    checkSnapshot(snapshot, this.spec.kind)
    ;(this.spec.validateModel as (options: object) => void)(snapshot.modelOptions)
    await this.stopTraining()
    const lease = this.ensureLease()
    await lease.backend
    const id = `model-${nextModelId++}`
    const model = (await lease.api.create(
      id,
      this.spec.kind,
      snapshot.modelOptions,
      snapshot,
    )) as FamilyModelInfo<F>
    if (lease !== this.lease) {
      await lease.api.disposeModel(id).catch(ignore)
      throw new CancelledError('the worker was replaced while the model loaded; load it again')
    }
    const oldId = this.modelId
    this.generation += 1
    this.modelId = id
    this.modelReady = Promise.resolve(id)
    this.training = undefined
    this.run = undefined
    this.sentData = DATA_KEY_NONE
    this.loadedOptions = { rawKey: this.rawModelKey(this.options), options: snapshot.modelOptions }
    this.createdKey = this.modelKey(this.options)
    this.lastSnapshot = { key: this.createdKey, snapshot }
    await this.sendDataTo(lease, id)
    this.dispatch({ type: 'loaded', model })
    if (oldId) await lease.api.disposeModel(oldId).catch(ignore)
    return model
  }

  /**
   * Gives a model that did not train here (loaded, preset, imported) the hook's data, so actions that
   * default to "the data the model was trained on" use it. Bad data is left for `train` to report.
   */
  private async sendDataTo(lease: WorkerLease, id: string): Promise<void> {
    try {
      const payload = this.dataToSend()
      if (payload === undefined) return
      await lease.api.setData(id, payload)
      this.markSent()
    } catch {
      // train() checks the data again and says what is wrong with it.
    }
  }

  /** Images passed to an action, validated; flat rows are read with the trained model's image shape. */
  private userImages(images: DataInput): ImageBatch {
    const shape = this.state.model?.imageShape
    return toImageBatch(images, { name: 'images', ...(shape ? { imageShape: shape } : {}) })
  }
}
