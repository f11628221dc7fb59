/**
 * The main-thread side of a model: owns its state (changed only through {@link modelReducer}), talks to
 * the shared worker over Comlink, validates input before any work is sent. Each model family (VAE,
 * GAN, …) subclasses it with its options and extra actions. No TF.js, no React.
 */
import * as Comlink from 'comlink'
import type { BackendPreference } from '../core/backend'
import { toImageBatch, type DataInput, type ImageBatch } from '../core/dataset'
import { anomalyActions, type AnomalyActions } from './anomalyActions'
import {
  CancelledError,
  InvalidInputError,
  NotTrainedError,
  fromWireError,
  type LatentkitError,
} from '../core/errors'
import { isBuiltinDataset, type BuiltinDataset } from '../data/builtinSpec'
import type { HistoryPoint, ModelUpdate, TrainSummary, TrainingData } from '../../workers/host'
import type { ModelInfo } from '../../workers/modelInfo'
import { initialModelState, modelReducer, type ModelAction, type ModelState } from './modelState'
import { Subscribable } from './subscribable'
import { acquireWorker, discardWorker, type CreateWorker, type WorkerLease } from './workerPool'

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
  /** Start training as soon as there is data and nothing is trained. Default `false`. */
  readonly autoTrain?: boolean
  /** Most history points kept (older ones are dropped). Default `5000`. */
  readonly historyLimit?: number
  /** Starts the worker yourself (escape hatch for unusual bundlers); default: latentkit's bundled worker. */
  readonly createWorker?: CreateWorker
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

const DATA_KEY_NONE = Symbol('none')

let nextModelId = 1

/** A model living in the shared worker, seen from the main thread. */
export abstract class ModelClient<
  Point extends HistoryPoint,
  Options extends ModelClientOptions,
> extends Subscribable {
  protected options: Options
  private state: ModelState<Point> = initialModelState()
  private lease: WorkerLease | undefined
  private removeCrashListener: (() => void) | undefined
  private modelId: string | undefined
  private modelReady: Promise<string> | undefined
  private sentData: unknown = DATA_KEY_NONE
  private training: Promise<TrainSummary<Point> | undefined> | undefined
  private teardownTimer: ReturnType<typeof setTimeout> | undefined
  private generation = 0

  /** Options that define the model: a change starts a fresh one. */
  protected abstract readonly modelKeys: readonly (keyof Options)[]
  /** Throws a typed error for invalid model or training options. */
  protected abstract validate(options: Options): void
  /** The training options to send with `train`. */
  protected abstract trainOptionsOf(options: Options): object
  /** Creates this client's model in the worker. */
  protected abstract createModel(
    lease: WorkerLease,
    id: string,
    options: Options,
  ): Promise<ModelInfo>

  constructor(options: Options) {
    super()
    this.options = options
    this.getSnapshot = this.getSnapshot.bind(this)
    this.train = this.train.bind(this)
    this.pause = this.pause.bind(this)
    this.resume = this.resume.bind(this)
    this.stop = this.stop.bind(this)
    this.reset = this.reset.bind(this)
  }

  /** The current immutable state. */
  getSnapshot(): ModelState<Point> {
    return this.state
  }

  private dispatch(action: ModelAction<Point>): void {
    const next = modelReducer(this.state, action)
    if (next === this.state) return
    this.state = next
    for (const listener of this.listeners) listener()
  }

  private fail(error: unknown, model?: ModelInfo): LatentkitError {
    const typed = fromWireError(error)
    this.dispatch({ type: 'error', error: typed, ...(model ? { model } : {}) })
    return typed
  }

  /** Applies new options. A change of architecture, loss or seed starts a fresh, untrained model. */
  setOptions(next: Options): void {
    const previous = this.options
    this.options = next
    const workerChanged =
      (previous.backend ?? 'auto') !== (next.backend ?? 'auto') ||
      previous.createWorker !== next.createWorker
    if (workerChanged && this.lease) {
      this.teardown()
      this.dispatch({ type: 'reset', model: undefined })
    } else if (this.modelKey(previous) !== this.modelKey(next) && this.modelReady) {
      void this.replaceModel()
    }
    this.maybeAutoTrain()
  }

  private modelKey(options: Options): string {
    return JSON.stringify(this.modelKeys.map((key) => options[key] ?? null))
  }

  protected override onSubscribe(): void {
    if (this.teardownTimer !== undefined) {
      clearTimeout(this.teardownTimer)
      this.teardownTimer = undefined
    }
    this.maybeAutoTrain()
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
      this.options.data !== undefined &&
      this.hasListeners() &&
      this.state.status === 'idle' &&
      !this.training
    ) {
      this.train().catch(() => undefined)
    }
  }

  private teardown(): void {
    this.generation += 1
    const lease = this.lease
    const id = this.modelId
    this.removeCrashListener?.()
    this.lease = undefined
    this.modelId = undefined
    this.modelReady = undefined
    this.removeCrashListener = undefined
    this.training = undefined
    this.sentData = DATA_KEY_NONE
    if (lease) {
      const done = id ? lease.api.disposeModel(id).catch(() => undefined) : Promise.resolve()
      void done.finally(() => lease.release())
    }
  }

  private async replaceModel(): Promise<void> {
    const lease = this.lease
    const oldId = this.modelId
    this.generation += 1
    this.modelId = undefined
    this.modelReady = undefined
    this.training = undefined
    this.sentData = DATA_KEY_NONE
    this.dispatch({ type: 'reset', model: undefined })
    if (lease && oldId) await lease.api.disposeModel(oldId).catch(() => undefined)
  }

  private ensureModel(): Promise<string> {
    if (this.modelReady) return this.modelReady
    const generation = this.generation
    const backendPreference = this.options.backend ?? 'auto'
    if (!this.lease) {
      const lease = acquireWorker(backendPreference, this.options.createWorker)
      this.lease = lease
      this.removeCrashListener = lease.onCrash((error) => {
        discardWorker(backendPreference, this.options.createWorker)
        this.lease = undefined
        this.modelId = undefined
        this.modelReady = undefined
        this.training = undefined
        this.sentData = DATA_KEY_NONE
        this.dispatch({ type: 'error', error })
      })
    }
    const lease = this.lease
    const ready = (async () => {
      this.dispatch({ type: 'loading' })
      const backend = await lease.backend
      this.dispatch({ type: 'backend', backend })
      const id = `model-${nextModelId++}`
      await this.createModel(lease, id, this.options)
      if (generation !== this.generation) {
        await lease.api.disposeModel(id).catch(() => undefined)
        throw new CancelledError('the model was replaced (options changed) while it was starting')
      }
      this.modelId = id
      return id
    })()
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

  /**
   * Trains for `epochs` epochs on `data`, continuing from the current weights. Resolves when training
   * ends (also after `stop()`); rejects with a typed error, which is also put in `error`. Calling it
   * while training returns the running training.
   */
  train(): Promise<TrainSummary<Point> | undefined> {
    if (this.training) return this.training
    const run = this.runTraining()
    this.training = run
    const clear = (): void => {
      if (this.training === run) this.training = undefined
    }
    run.then(clear, clear)
    return run
  }

  private async runTraining(): Promise<TrainSummary<Point> | undefined> {
    const generation = this.generation
    let payload: TrainingData | undefined
    try {
      this.validate(this.options)
      if (this.options.data === undefined && this.sentData === DATA_KEY_NONE) {
        throw new InvalidInputError(
          "no training data; pass data (e.g. data: 'digits' or { data, shape })",
        )
      }
      payload = this.dataToSend()
    } catch (error) {
      throw this.fail(error)
    }
    try {
      const id = await this.ensureModel()
      const lease = this.lease as WorkerLease
      this.dispatch({ type: 'trainStart' })
      const historyLimit = this.options.historyLimit ?? 5000
      const onUpdate = Comlink.proxy((update: ModelUpdate<HistoryPoint>) => {
        if (generation !== this.generation) return
        this.dispatch({
          type: 'progress',
          progress: update.progress,
          points: update.history as readonly Point[],
          model: update.model,
          historyLimit,
        })
      })
      const summary = (await lease.api.train(
        id,
        payload,
        this.trainOptionsOf(this.options),
        onUpdate,
      )) as TrainSummary<Point>
      if (payload !== undefined) this.markSent()
      if (generation !== this.generation) return undefined
      this.dispatch({ type: 'trainEnd', model: summary.model })
      return summary
    } catch (error) {
      if (generation !== this.generation) return undefined
      const model = await this.currentInfo()
      if (model) this.dispatch({ type: 'trainEnd', model })
      throw this.fail(error, model)
    }
  }

  private async currentInfo(): Promise<ModelInfo | undefined> {
    if (!this.lease || !this.modelId) return undefined
    return this.lease.api.modelInfo(this.modelId).catch(() => undefined)
  }

  /** Pauses training at the next batch boundary. */
  async pause(): Promise<void> {
    if (!this.lease || !this.modelId || this.state.status !== 'training') return
    await this.lease.api.pause(this.modelId)
    this.dispatch({ type: 'paused' })
  }

  /** Resumes paused training. */
  async resume(): Promise<void> {
    if (!this.lease || !this.modelId || this.state.status !== 'paused') return
    await this.lease.api.resume(this.modelId)
    this.dispatch({ type: 'resumed' })
  }

  /** Stops training at the next batch boundary; the weights trained so far are kept. */
  async stop(): Promise<void> {
    if (!this.lease || !this.modelId) return
    await this.lease.api.stop(this.modelId)
    await this.training?.catch(() => undefined)
  }

  /** Stops training and forgets the weights and history; options and data are kept. */
  async reset(): Promise<void> {
    if (this.lease && this.modelId) {
      const id = this.modelId
      const lease = this.lease
      await lease.api.stop(id)
      await this.training?.catch(() => undefined)
      const model = await lease.api.reset(id)
      this.dispatch({ type: 'reset', model })
    } else {
      this.dispatch({ type: 'reset', model: undefined })
    }
  }

  /** Runs `work` on the trained model; errors go to `error` and reject. */
  protected async call<T>(
    action: string,
    work: (id: string, lease: WorkerLease) => Promise<T>,
  ): Promise<T> {
    try {
      if (
        !this.lease ||
        !this.modelId ||
        !(this.state.model && this.state.model.trainedSteps > 0)
      ) {
        throw new NotTrainedError(
          `cannot ${action} before the model is trained; call train() first and wait for at least one step`,
        )
      }
      const result = await work(this.modelId, this.lease)
      this.dispatch({ type: 'succeeded' })
      return result
    } catch (error) {
      throw this.fail(error)
    }
  }

  /** Puts new facts about the model (e.g. a threshold set in the worker) into the state. */
  protected updateModel(model: ModelInfo): void {
    this.dispatch({ type: 'modelInfo', model })
  }

  /** Images passed to an action, validated; flat rows are read with the trained model's image shape. */
  protected userImages(images: DataInput): ImageBatch {
    const shape = this.state.model?.imageShape
    return toImageBatch(images, { name: 'images', ...(shape ? { imageShape: shape } : {}) })
  }

  /** The anomaly actions (score, calibrate, setThreshold) of a reconstruction model's client. */
  protected anomalyActions(): AnomalyActions {
    return anomalyActions({
      call: (action, work) => this.call(action, work),
      updateModel: (model) => this.updateModel(model),
      images: (input) => this.userImages(input),
    })
  }
}
