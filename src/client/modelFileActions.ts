/**
 * Keeping and sharing trained models, on every model client and hook: `save` / `load` through
 * TF.js's model I/O in the worker (`indexeddb://`, `http(s)://` for loading), `exportModel` /
 * `importModel` as one file, and the browser's saved models listed and removed. A model that cannot
 * be read is refused before anything is replaced: the hook's model stays as it was.
 */
import type * as Comlink from 'comlink'
import { ModelFileError } from '../core/errors'
import {
  DEFAULT_MAX_MODEL_BYTES,
  MODEL_FILE_EXTENSION,
  MODEL_FILE_TYPE,
  checkFileSize,
  encodeModelFile,
  readModelFile,
  type SaveModelOptions,
  type SavedModelInfo,
} from '../core/family/modelFile'
import type { ModelSnapshot } from '../core/family/modelSnapshot'
import type { WorkerAPI } from '../protocol'

/** Options of `load` and `importModel`. */
export interface LoadModelOptions {
  /** Largest model read, in bytes of weights; bigger ones are refused (`INVALID_MODEL_FILE`, `too-large`). Default 256 MiB. */
  readonly maxBytes?: number
}

/**
 * Save and load actions of every model hook, each as a plain form that records a failure in `error`
 * and resolves `undefined` (safe in `onClick`) and an `…Async` twin that rejects with the typed error.
 * Errors: `INVALID_MODEL_FILE` (`details.reason`: `not-a-model`, `not-json`, `truncated`, `corrupt`,
 * `wrong-family`, `future-version`, `too-large`, `invalid`), `STORAGE_FAILED` (`not-found`,
 * `unavailable`, `quota`, `network`), `INVALID_INPUT` (a URL no storage serves), `NOT_TRAINED`.
 */
export interface ModelFileActions<Info> {
  /**
   * Saves the trained model at `url` (`'indexeddb://my-model'`): family, options, image shape and
   * normalisation, weights, counters, state (e.g. an anomaly threshold) and, unless `options.training`
   * is `false`, the training state, so that training resumes exactly. Resolves with what
   * {@link ModelFileActions.listSavedModels} will say of it.
   */
  save(url: string, options?: SaveModelOptions): Promise<SavedModelInfo | undefined>
  /** As `save`, but rejects with the typed error. */
  saveAsync(url: string, options?: SaveModelOptions): Promise<SavedModelInfo>
  /**
   * Replaces the hook's model with the one saved at `url`: `'indexeddb://name'`, an HTTP(S) URL of a
   * model file (as `exportModel` writes) or of a `model.json` saved by TF.js's layout. The loaded
   * model keeps its own options (architecture, seed) until the hook's model options change; it can
   * be trained further. Stops training first. Resolves with the loaded model's facts.
   */
  load(url: string, options?: LoadModelOptions): Promise<Info | undefined>
  /** As `load`, but rejects with the typed error. */
  loadAsync(url: string, options?: LoadModelOptions): Promise<Info>
  /**
   * The trained model as one file (`<family>-<steps>-steps.lkmodel`) to download or keep; `options`
   * as for `save` (`{ training: false, quantize: 'float16' }` for a small file to ship).
   */
  exportModel(options?: SaveModelOptions): Promise<File | undefined>
  /** As `exportModel`, but rejects with the typed error. */
  exportModelAsync(options?: SaveModelOptions): Promise<File>
  /** Replaces the hook's model with the one in `file` (from `exportModel`), as `load` does. */
  importModel(file: Blob, options?: LoadModelOptions): Promise<Info | undefined>
  /** As `importModel`, but rejects with the typed error. */
  importModelAsync(file: Blob, options?: LoadModelOptions): Promise<Info>
  /** Every latentkit model saved in this origin's IndexedDB (any family), newest first. */
  listSavedModels(): Promise<readonly SavedModelInfo[] | undefined>
  /** As `listSavedModels`, but rejects with the typed error. */
  listSavedModelsAsync(): Promise<readonly SavedModelInfo[]>
  /** Removes the model saved at `url` (`'indexeddb://name'`). */
  removeSavedModel(url: string): Promise<void>
  /** As `removeSavedModel`, but rejects with the typed error. */
  removeSavedModelAsync(url: string): Promise<void>
}

/** The names of {@link ModelFileActions}' plain forms. */
export const MODEL_FILE_ACTION_NAMES = [
  'save',
  'load',
  'exportModel',
  'importModel',
  'listSavedModels',
  'removeSavedModel',
] as const

/** What the file actions need from a model client. */
export interface ModelFileHost<Info> {
  /** The family's kind. */
  readonly kind: string
  /** Runs `work`, recording a failure in `error` under `name` (and rethrowing it typed). */
  runTask<T>(name: string, work: () => Promise<T>): Promise<T>
  /** The worker's API, starting the worker when needed. */
  workerApi(): Promise<Comlink.Remote<WorkerAPI>>
  /** The id of the trained model in the worker for `action` (restored after a crash); `NOT_TRAINED` before. */
  trainedModelId(action: string): Promise<string>
  /** Replaces the model with `snapshot`'s (checked); resolves with its facts. */
  adoptSnapshot(snapshot: ModelSnapshot): Promise<Info>
}

const ignore = (): undefined => undefined

/** A file name for a model of `kind` trained `steps` steps. */
const fileName = (kind: string, steps: number): string =>
  `${kind}-${steps}-steps${MODEL_FILE_EXTENSION}`

/** The file actions of the client `host`, bound. */
export function createModelFileActions<Info>(host: ModelFileHost<Info>): ModelFileActions<Info> {
  const saveAsync = (url: string, options: SaveModelOptions = {}): Promise<SavedModelInfo> =>
    host.runTask('save', async () => {
      const id = await host.trainedModelId('save')
      return (await host.workerApi()).saveModel(id, url, options)
    })
  const loadAsync = (url: string, options: LoadModelOptions = {}): Promise<Info> =>
    host.runTask('load', async () => {
      const api = await host.workerApi()
      const snapshot = await api.loadModel(url, host.kind, options.maxBytes)
      return host.adoptSnapshot(snapshot)
    })
  const exportModelAsync = (options: SaveModelOptions = {}): Promise<File> =>
    host.runTask('exportModel', async () => {
      const id = await host.trainedModelId('exportModel')
      const training = options.training ?? true
      const snapshot = await (await host.workerApi()).snapshot(id, { training })
      const bytes = encodeModelFile(snapshot, options)
      return new File([bytes], fileName(snapshot.kind, snapshot.trainedSteps), {
        type: MODEL_FILE_TYPE,
      })
    })
  const importModelAsync = (file: Blob, options: LoadModelOptions = {}): Promise<Info> =>
    host.runTask('importModel', async () => {
      const source = file instanceof File ? `'${file.name}'` : 'the file'
      const maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES
      if (typeof Blob === 'undefined' || !(file instanceof Blob)) {
        throw new ModelFileError(
          'importModel takes a File or Blob (e.g. from an <input type="file">)',
          {
            reason: 'not-a-model',
          },
        )
      }
      // Refused before it is read: a huge file is never brought into memory.
      checkFileSize(file.size, maxBytes, source)
      const snapshot = readModelFile(await file.arrayBuffer(), {
        kind: host.kind,
        maxBytes,
        source,
      })
      return host.adoptSnapshot(snapshot)
    })
  const listSavedModelsAsync = (): Promise<readonly SavedModelInfo[]> =>
    host.runTask('listSavedModels', async () => (await host.workerApi()).savedModels())
  const removeSavedModelAsync = (url: string): Promise<void> =>
    host.runTask('removeSavedModel', async () => (await host.workerApi()).removeSavedModel(url))
  return {
    save: (url, options) => saveAsync(url, options).catch(ignore),
    saveAsync,
    load: (url, options) => loadAsync(url, options).catch(ignore),
    loadAsync,
    exportModel: (options) => exportModelAsync(options).catch(ignore),
    exportModelAsync,
    importModel: (file, options) => importModelAsync(file, options).catch(ignore),
    importModelAsync,
    listSavedModels: () => listSavedModelsAsync().catch(ignore),
    listSavedModelsAsync,
    removeSavedModel: (url) => removeSavedModelAsync(url).catch(ignore),
    removeSavedModelAsync,
  }
}
