/**
 * Where saved models live, through TF.js's own model I/O: `tf.io`'s save and load handlers
 * (`indexeddb://` in a browser or worker, `http(s)://` for loading) and its model-management
 * functions (list, remove). Besides TF.js's `model.json` over HTTP, a URL may name one model file
 * (`exportModel`'s format), fetched whole. Failures of the storage become {@link StorageError}s.
 */
import * as tf from '@tensorflow/tfjs-core'
import { InvalidInputError, LatentkitError, StorageError } from '../errors'
import {
  DEFAULT_MAX_MODEL_BYTES,
  checkFileSize,
  decodeModelFile,
  savedModelInfo,
  type SavedModelArtifacts,
  type SavedModelInfo,
} from '../family/modelFile'

const INDEXED_DB = 'indexeddb://'
const isHTTP = (url: string): boolean => /^https?:\/\//i.test(url)

function checkURL(url: unknown, action: 'save' | 'load' | 'remove'): string {
  const schemes = action === 'load' ? "'indexeddb://name' or an http(s) URL" : "'indexeddb://name'"
  if (typeof url !== 'string' || url.trim() === '') {
    throw new InvalidInputError(
      `${action} takes a URL such as ${schemes}; got ${JSON.stringify(url)}`,
      {
        field: 'url',
      },
    )
  }
  const known = url.startsWith(INDEXED_DB)
    ? url.length > INDEXED_DB.length
    : action === 'load' && isHTTP(url)
  if (!known) {
    const httpSave = isHTTP(url) && action !== 'load' ? ' (HTTP URLs are for loading only)' : ''
    throw new InvalidInputError(
      `cannot ${action} '${url}'${httpSave}: ${action} takes ${schemes}. To keep a model as a file, use exportModel() and importModel(file)`,
      { field: 'url' },
    )
  }
  if (url.startsWith(INDEXED_DB) && !tf.env().getBool('IS_BROWSER')) {
    throw new StorageError(
      `IndexedDB is not available here (not a browser or a worker); use exportModel()`,
      {
        reason: 'unavailable',
      },
    )
  }
  return url
}

/** A storage failure as a typed error; typed errors pass through. */
function storageFailure(error: unknown, url: string, action: string): LatentkitError {
  if (error instanceof LatentkitError) return error
  const message = error instanceof Error ? error.message : String(error)
  const name = error instanceof Error ? error.name : ''
  if (/cannot find model|not found|404/i.test(message)) {
    return new StorageError(
      `nothing is saved at '${url}'; list the saved models with listSavedModels()`,
      {
        reason: 'not-found',
        url,
      },
    )
  }
  if (name === 'QuotaExceededError' || /quota/i.test(message)) {
    return new StorageError(
      `the browser's storage is full, so '${url}' could not be saved: remove saved models (removeSavedModel) or free space`,
      { reason: 'quota', url },
    )
  }
  const reason = isHTTP(url) ? 'network' : 'unavailable'
  return new StorageError(`could not ${action} '${url}': ${message}`, { reason, url })
}

/** Saves `artifacts` at `url` (`indexeddb://name`); what the listing would say of it. */
export async function saveArtifacts(
  url: string,
  artifacts: SavedModelArtifacts,
): Promise<SavedModelInfo> {
  checkURL(url, 'save')
  const [handler] = tf.io.getSaveHandlers(url)
  if (!handler?.save) throw storageFailure(new Error('no save handler'), url, 'save')
  try {
    const result = await handler.save(artifacts as tf.io.ModelArtifacts)
    return savedModelInfo(url, artifacts, result.modelArtifactsInfo.dateSaved) as SavedModelInfo
  } catch (error) {
    throw storageFailure(error, url, 'save')
  }
}

/** The path of an HTTP URL without its query, to tell a `model.json` from a model file. */
const pathOf = (url: string): string => new URL(url).pathname

/** The model file at the HTTP(S) `url`, fetched whole (no scheme check: the worker's own files). */
export async function fetchModelFile(
  url: string,
  maxBytes = DEFAULT_MAX_MODEL_BYTES,
): Promise<SavedModelArtifacts> {
  const response = await fetch(url)
  if (!response.ok) {
    throw new StorageError(`'${url}' answered HTTP ${response.status} ${response.statusText}`, {
      reason: response.status === 404 ? 'not-found' : 'network',
      url,
      status: response.status,
    })
  }
  const length = Number(response.headers.get('content-length') ?? NaN)
  if (Number.isFinite(length)) {
    try {
      checkFileSize(length, maxBytes, `'${url}'`, { url })
    } catch (error) {
      await response.body?.cancel()
      throw error
    }
  }
  return decodeModelFile(await response.arrayBuffer(), { maxBytes, source: `'${url}'` })
}

/**
 * The artifacts saved at `url`: `indexeddb://name`, an HTTP(S) `…/model.json` (TF.js's layout,
 * weights fetched beside it) or an HTTP(S) URL of one model file. Not yet checked as a snapshot.
 */
export async function loadArtifacts(
  url: string,
  maxBytes = DEFAULT_MAX_MODEL_BYTES,
): Promise<SavedModelArtifacts> {
  checkURL(url, 'load')
  try {
    if (isHTTP(url) && !pathOf(url).endsWith('.json')) return await fetchModelFile(url, maxBytes)
    const [handler] = tf.io.getLoadHandlers(url)
    if (!handler?.load) throw new Error('no load handler')
    return (await handler.load()) as SavedModelArtifacts
  } catch (error) {
    throw storageFailure(error, url, 'load')
  }
}

/** Every latentkit model saved in this origin's IndexedDB, newest first. */
export async function listSaved(): Promise<SavedModelInfo[]> {
  if (!tf.env().getBool('IS_BROWSER')) return []
  let listing: Record<string, tf.io.ModelArtifactsInfo>
  try {
    listing = await tf.io.listModels()
  } catch (error) {
    throw storageFailure(error, INDEXED_DB, 'list')
  }
  const urls = Object.keys(listing).filter((url) => url.startsWith(INDEXED_DB))
  const infos = await Promise.all(
    urls.map(async (url) => {
      const artifacts = await loadArtifacts(url).catch(() => undefined)
      return artifacts && savedModelInfo(url, artifacts, listing[url]?.dateSaved)
    }),
  )
  return infos
    .filter((info): info is SavedModelInfo => info !== undefined)
    .sort((a, b) => (b.dateSaved ?? '').localeCompare(a.dateSaved ?? ''))
}

/** Removes the model saved at `url` (`indexeddb://name`). */
export async function removeSaved(url: string): Promise<void> {
  checkURL(url, 'remove')
  try {
    await tf.io.removeModel(url)
  } catch (error) {
    throw storageFailure(error, url, 'remove')
  }
}
