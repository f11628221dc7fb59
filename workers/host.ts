/**
 * The object a latentkit worker exposes over Comlink (also usable in-process: tests, Node). Generic
 * over model families: it creates, trains and runs models by family name and action name through an
 * {@link EngineRegistry}, with no branch per family. Errors leave as plain `WireError` objects
 * (Comlink keeps only name/message/stack of an Error); results leave as transferred typed arrays.
 */
import * as Comlink from 'comlink'
import * as tf from '@tensorflow/tfjs-core'
import type { BackendInfo, BackendPreference } from '../src/core/backend'
import { toImageBatch, type ImageBatch } from '../src/core/dataset'
import { initBackend } from '../src/core/engine/backendChoice'
import {
  EngineRegistry,
  type FamilyEngineEntry,
  type EngineModel,
  type RegisteredEngine,
} from '../src/core/engine/familyEngine'
import {
  BusyError,
  InvalidInputError,
  StorageError,
  toWireError,
  type LatentkitError,
} from '../src/core/errors'
import { guardWasmAllocations, memoryErrorOf } from '../src/core/engine/memoryBudget'
import { offersAction, unknownActionError } from '../src/core/family/familySpec'
import {
  artifactsToSnapshot,
  snapshotToArtifacts,
  type SaveModelOptions,
  type SavedModelArtifacts,
  type SavedModelInfo,
} from '../src/core/family/modelFile'
import {
  fetchModelFile,
  listSaved,
  loadArtifacts,
  removeSaved,
  saveArtifacts,
} from '../src/core/engine/modelStore'
import { findPreset } from '../src/presets/presetCatalog'
import type {
  EncoderFeatures,
  FewLabelsReport,
  ReportOptions,
  ReportProgress,
} from '../src/core/report/reportOptions'
import type { TrainingUpdate } from '../src/core/training'
import type { LatentBatch } from '../src/core/dataset'
import type {
  Projection,
  ProjectionOptions,
  ProjectionProgress,
} from '../src/core/projection/projectionOptions'
import { TrainingControl } from '../src/core/trainingControl'
import { isBuiltinDataset, loadBuiltinDataset } from '../src/data/builtin'
import { checkDatasetName } from '../src/data/builtinSpec'
import type {
  ActionReply,
  HistoryPoint,
  ModelInfo,
  ModelSnapshot,
  ModelUpdate,
  TrainSummary,
  TrainingData,
  WorkerAPI,
  WorkerMemory,
} from '../src/protocol'
import { transferablesOf } from './transferables'
import { holdLifeline } from './lifeline'

interface ModelEntry {
  readonly engine: RegisteredEngine
  readonly model: EngineModel<object, unknown>
  data: ImageBatch | undefined
  control: TrainingControl | undefined
  training: Promise<unknown> | undefined
  /** The name of the run in progress (`train`'s `run`), if it was given one. */
  run: string | undefined
  /**
   * The control of a named run that `pause`, `resume` or `stop` reached before the run started here
   * (their messages overtook its `train`): the run adopts it when it starts.
   */
  early: { readonly run: string; readonly control: TrainingControl } | undefined
}

/**
 * The control `pause`, `resume` or `stop` acts on: the current run's when `run` is omitted or names
 * it; else the control held for run `run` until it starts (made now if needed). A client may send
 * `stop` before the `train` it names (that one waits for the model to be ready), or after the run
 * ended: a held control that no run adopts does nothing.
 */
function controlOf(entry: ModelEntry, run: string | undefined): TrainingControl | undefined {
  if (run === undefined || entry.run === run) return entry.control
  if (entry.early?.run !== run) entry.early = { run, control: new TrainingControl() }
  return entry.early.control
}

/** Snapshots during training: at the first update of a new epoch, at most this often… */
const SNAPSHOT_MIN_INTERVAL_MS = 1000
/** …and at least this often, however long an epoch is. */
const SNAPSHOT_MAX_INTERVAL_MS = 30_000

/** A snapshot ready to cross to the main thread, its weights transferred rather than copied. */
function transferred(snapshot: ModelSnapshot): ModelSnapshot {
  return Comlink.transfer(snapshot, [snapshot.weightData])
}

/** The snapshot in loaded `artifacts`, checked to be of `kind` (when given). */
function checkedSnapshot(
  artifacts: SavedModelArtifacts,
  kind: string | undefined,
  source: string,
  maxBytes?: number,
): ModelSnapshot {
  return artifactsToSnapshot(artifacts, {
    ...(kind !== undefined ? { kind } : {}),
    ...(maxBytes !== undefined ? { maxBytes } : {}),
    source,
  })
}

/** Serves every model of a worker, of any registered family. */
export class WorkerHost implements WorkerAPI {
  private backend: Promise<BackendInfo> | undefined
  private readonly models = new Map<string, ModelEntry>()
  private readonly registry: EngineRegistry
  /**
   * The first failure that left TF.js's backend untrusted (`details.restartWorker`): from then on no
   * snapshot leaves this worker (it could hold corrupted weights), so the client restores its models
   * from the snapshots it received before.
   */
  private untrusted: LatentkitError | undefined

  /**
   * Runs `work`; whatever it throws leaves as a plain `WireError` (a plain object survives structured
   * cloning with its code and details; an Error would not). Failures of memory become
   * `OUT_OF_MEMORY` (see {@link WorkerHost.failure}).
   */
  private async guarded<T>(work: () => Promise<T> | T): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw toWireError(this.failure(error))
    }
  }

  /**
   * `error`, or the typed error for a failure of memory (a WebAssembly trap, a refused allocation,
   * an Emscripten abort): `OUT_OF_MEMORY` with `details.restartWorker`; every fused kernel memory is
   * dropped. A failure that leaves the backend untrusted also stops the snapshots of this worker.
   */
  private failure(error: unknown): unknown {
    const memory = memoryErrorOf(error)
    if (!memory) return error
    if (memory.details.restartWorker === true) this.untrusted ??= memory
    return memory
  }

  /** Where this worker's preset files are, by file name (see `src/presets/presetCatalog.ts`). */
  private readonly presetFiles: Readonly<Record<string, string>>

  /**
   * `engines`: the families this host knows (the worker passes the built-in ones); `presetFiles`:
   * the URL of each preset file this worker ships, by file name (none by default).
   */
  constructor(
    engines: readonly FamilyEngineEntry[] | EngineRegistry,
    options: { readonly presetFiles?: Readonly<Record<string, string>> } = {},
  ) {
    this.registry = engines instanceof EngineRegistry ? engines : new EngineRegistry(engines)
    this.presetFiles = options.presetFiles ?? {}
  }

  init(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
    return this.guarded(() => {
      if (!this.backend) {
        const starting = initBackend(preference).then((info) => {
          guardWasmAllocations()
          return info
        })
        // A failed start is forgotten, so the next call tries again.
        starting.catch(() => {
          if (this.backend === starting) this.backend = undefined
        })
        this.backend = starting
      }
      return this.backend
    })
  }

  ping(): Promise<void> {
    return Promise.resolve()
  }

  holdLifeline(name: string): Promise<boolean> {
    return holdLifeline(name)
  }

  private entry(id: string): ModelEntry {
    const entry = this.models.get(id)
    if (!entry) {
      throw new InvalidInputError(`no model with id ${id} in this worker; create it first`)
    }
    return entry
  }

  private info({ engine, model }: ModelEntry): ModelInfo {
    return {
      ...engine.facts(model),
      kind: engine.spec.kind,
      trainedSteps: model.trainedSteps,
      trainedEpochs: model.trainedEpochs,
      imageShape: model.imageShape,
    }
  }

  create(id: string, kind: string, options: object, snapshot?: ModelSnapshot): Promise<ModelInfo> {
    return this.guarded(async () => {
      const engine = await this.registry.get(kind)
      // Validated at this boundary whatever the engine does; the engine may check more.
      ;(engine.spec.validateModel as (options: object) => void)(options)
      const model = await engine.create(options)
      if (snapshot) {
        try {
          model.restore(snapshot)
        } catch (error) {
          model.dispose()
          throw error
        }
      }
      await this.disposeModel(id)
      const entry: ModelEntry = {
        engine,
        model,
        data: undefined,
        control: undefined,
        training: undefined,
        run: undefined,
        early: undefined,
      }
      this.models.set(id, entry)
      return this.info(entry)
    })
  }

  train(
    id: string,
    data: TrainingData | undefined,
    options: object,
    onUpdate?: (update: ModelUpdate) => void,
    onSnapshot?: (snapshot: ModelSnapshot) => void,
    run?: string,
  ): Promise<TrainSummary> {
    return this.guarded(async () => {
      const entry = this.entry(id)
      ;(entry.engine.spec.validateTrain as (options: object) => void)(options)
      if (entry.training) {
        throw new BusyError(
          'this model is already training; stop() it or wait before training again',
        )
      }
      let batch = entry.data
      if (data !== undefined) {
        checkDatasetName(data)
        batch = isBuiltinDataset(data) ? loadBuiltinDataset(data) : toImageBatch(data)
      }
      if (!batch) {
        throw new InvalidInputError('no data to train on; pass data (or a built-in data set name)')
      }
      // A pause or stop of this run that arrived before it applies now (it may end at once).
      const early = run !== undefined && entry.early?.run === run ? entry.early.control : undefined
      const control = early ?? new TrainingControl()
      entry.early = undefined
      entry.control = control
      entry.run = run
      // Updates travel on the callback's own channel; the result must not overtake the last one.
      let delivered: Promise<unknown> = Promise.resolve()
      const deliver = (send: () => unknown): void => {
        // One port, in order: once the last message is answered, every earlier one was handled.
        delivered = Promise.resolve(send()).catch(() => {})
      }
      let snapshotEpoch = entry.model.trainedEpochs
      let snapshotAt = Date.now()
      const takeSnapshot = (): Promise<unknown> => {
        snapshotEpoch = entry.model.trainedEpochs
        snapshotAt = Date.now()
        if (this.untrusted) return Promise.resolve()
        const taken = entry.model.snapshot().then((snapshot) => {
          if (onSnapshot) deliver(() => onSnapshot(transferred(snapshot)))
        })
        return taken.catch(() => undefined)
      }
      const hooks = {
        control,
        onUpdate: (update: TrainingUpdate<unknown>) => {
          if (onUpdate) {
            const message = { ...update, model: this.info(entry) } as ModelUpdate
            deliver(() => onUpdate(message))
          }
          const sinceLast = Date.now() - snapshotAt
          const newEpoch = update.progress.epoch > snapshotEpoch
          if (
            onSnapshot &&
            entry.model.trainedSteps > 0 &&
            ((newEpoch && sinceLast >= SNAPSHOT_MIN_INTERVAL_MS) ||
              sinceLast >= SNAPSHOT_MAX_INTERVAL_MS)
          ) {
            // The loop waits at its next batch boundary, so the snapshot is of one set of weights.
            control.hold(takeSnapshot())
          }
        },
      }
      const runData = batch
      const stepsBefore = entry.model.trainedSteps
      const fitting = Promise.resolve().then(() => entry.model.fit(runData, options, hooks))
      entry.training = fitting
      try {
        const result = await fitting
        entry.data = runData
        return { ...result, last: result.last as HistoryPoint | undefined, model: this.info(entry) }
      } catch (error) {
        // Data the model refused is not kept: the next call trains on what it accepted before.
        if (entry.model.trainedSteps > stepsBefore) entry.data = runData
        // Seen before the last snapshot below is taken: an untrusted backend sends none.
        throw this.failure(error)
      } finally {
        if (onSnapshot && entry.model.trainedSteps > stepsBefore) await takeSnapshot()
        await Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, 1000))])
        entry.training = undefined
        entry.control = undefined
        entry.run = undefined
      }
    })
  }

  setData(id: string, data: TrainingData): Promise<void> {
    return this.guarded(() => {
      const entry = this.entry(id)
      checkDatasetName(data)
      entry.data = isBuiltinDataset(data) ? loadBuiltinDataset(data) : toImageBatch(data)
    })
  }

  pause(id: string, run?: string): Promise<void> {
    return this.guarded(() => controlOf(this.entry(id), run)?.pause())
  }

  resume(id: string, run?: string): Promise<void> {
    return this.guarded(() => controlOf(this.entry(id), run)?.resume())
  }

  stop(id: string, run?: string): Promise<void> {
    return this.guarded(async () => {
      const entry = this.entry(id)
      const control = controlOf(entry, run)
      control?.stop()
      // A run that has not started yet has nothing to wait for: it ends as soon as it starts.
      if (control === entry.control) await entry.training?.catch(() => undefined)
    })
  }

  reset(id: string): Promise<ModelInfo> {
    return this.guarded(async () => {
      await this.stop(id)
      const entry = this.entry(id)
      entry.model.reset()
      return this.info(entry)
    })
  }

  modelInfo(id: string): Promise<ModelInfo> {
    return this.guarded(() => this.info(this.entry(id)))
  }

  snapshot(id: string, options: { readonly training?: boolean } = {}): Promise<ModelSnapshot> {
    return this.guarded(async () => {
      const entry = this.entry(id)
      if (this.untrusted) throw this.untrusted
      return transferred(await entry.model.snapshot(options))
    })
  }

  call(id: string, action: string, args: readonly unknown[]): Promise<ActionReply> {
    return this.guarded(async () => {
      const entry = this.entry(id)
      const { spec, actions } = entry.engine
      // Only what the spec declares is served: an engine cannot add endpoints the client lacks.
      const run = offersAction(spec, action) ? actions[action] : undefined
      if (!run) throw unknownActionError(spec, action)
      const before = JSON.stringify(this.info(entry))
      const result = await run({ model: entry.model, data: entry.data }, ...args)
      const model = this.info(entry)
      // An action that changed the model's state (a calibrated threshold) ships a fresh snapshot.
      const changed = JSON.stringify(model) !== before && model.trainedSteps > 0 && !this.untrusted
      const snapshot = changed ? await entry.model.snapshot() : undefined
      const reply: ActionReply = { result, model, ...(snapshot ? { snapshot } : {}) }
      return Comlink.transfer(reply, [
        ...transferablesOf(result),
        ...(snapshot ? [snapshot.weightData] : []),
      ])
    })
  }

  saveModel(id: string, url: string, options: SaveModelOptions = {}): Promise<SavedModelInfo> {
    return this.guarded(async () => {
      const entry = this.entry(id)
      if (this.untrusted) throw this.untrusted
      const snapshot = await entry.model.snapshot({ training: options.training ?? true })
      return saveArtifacts(url, snapshotToArtifacts(snapshot, options))
    })
  }

  loadModel(url: string, kind?: string, maxBytes?: number): Promise<ModelSnapshot> {
    return this.guarded(async () => {
      const artifacts = await loadArtifacts(url, maxBytes)
      return transferred(checkedSnapshot(artifacts, kind, `'${url}'`, maxBytes))
    })
  }

  loadPreset(kind: string, name: string): Promise<ModelSnapshot> {
    return this.guarded(async () => {
      const preset = findPreset(kind, name)
      const file = this.presetFiles[preset.file]
      if (file === undefined) {
        throw new StorageError(
          `this worker ships no file for the ${kind} preset '${name}'; use latentkit's own worker, or load the model with load(url)`,
          { reason: 'unavailable', preset: name },
        )
      }
      const location = (globalThis as { location?: { href: string } }).location
      const url = new URL(file, location?.href).href
      const artifacts = await fetchModelFile(url)
      return transferred(checkedSnapshot(artifacts, kind, `the ${kind} preset '${name}'`))
    })
  }

  project(
    codes: LatentBatch,
    options: ProjectionOptions,
    onProgress?: (progress: ProjectionProgress) => void,
  ): Promise<Projection> {
    return this.guarded(async () => {
      // Imported when first asked (it brings the PCA family), like a lazily registered family.
      const { projectCodes } = await import('../src/core/projection/engine/projectCodes')
      const projection = await projectCodes(codes, options, onProgress)
      return Comlink.transfer(projection, transferablesOf(projection))
    })
  }

  savedModels(): Promise<readonly SavedModelInfo[]> {
    return this.guarded(() => listSaved())
  }

  removeSavedModel(url: string): Promise<void> {
    return this.guarded(() => removeSaved(url))
  }

  disposeModel(id: string): Promise<void> {
    return this.guarded(async () => {
      const entry = this.models.get(id)
      if (!entry) return
      entry.control?.stop()
      await entry.training?.catch(() => undefined)
      entry.model.dispose()
      this.models.delete(id)
    })
  }

  families(): Promise<readonly string[]> {
    return this.guarded(() => this.registry.kinds())
  }

  probeReport(
    encoders: readonly EncoderFeatures[],
    labels: ArrayLike<number>,
    options?: ReportOptions,
    onProgress?: (progress: ReportProgress) => void,
  ): Promise<FewLabelsReport> {
    return this.guarded(async () => {
      const { fewLabelsReport } = await import('../src/core/report/engine/fewLabelsReport')
      return fewLabelsReport(encoders, labels, options, (progress) => {
        // Progress travels on the callback's own channel; a lost message is no failure.
        if (onProgress) void Promise.resolve(onProgress(progress)).catch(() => undefined)
      })
    })
  }

  memory(): Promise<WorkerMemory> {
    return this.guarded(() => {
      const { numTensors, numBytes } = tf.memory()
      return { numTensors, numBytes }
    })
  }
}
