/**
 * Loads a TF.js LayersModel from a URL. tfjs-layers is imported here only, with a dynamic `import()`,
 * so bundlers put it in a chunk of its own that a worker fetches the first time a model is imported:
 * the default worker does not carry it. Failures become typed errors.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers'
import { LatentkitError, ModelFileError, StorageError } from '../../errors'
import type { ModelShapes } from '../importedShapes'

/** Which of an imported model's networks a URL holds (for messages). */
export type ImportedPart = 'decoder' | 'encoder'

const isHTTP = (url: string): boolean => /^https?:\/\//i.test(url)

/** A failure of loading `url` as a typed error: storage (`STORAGE_FAILED`) or file (`INVALID_MODEL_FILE`). */
export function loadFailure(error: unknown, url: string, part: ImportedPart): LatentkitError {
  if (error instanceof LatentkitError) return error
  const message = error instanceof Error ? error.message : String(error)
  const details = { url, model: part }
  if (/single-file worker/.test(message)) {
    return new StorageError(`cannot import the ${part} at '${url}': ${message}`, {
      ...details,
      reason: 'unavailable',
    })
  }
  if (/cannot find model|not found|404/i.test(message)) {
    return new StorageError(
      `no ${part} at '${url}' (${message}); check the URL of its model.json (or the indexeddb:// name it was saved under)`,
      { ...details, reason: 'not-found' },
    )
  }
  if (/fetch|network|ECONNREFUSED|request.*failed|status code/i.test(message)) {
    return new StorageError(`could not fetch the ${part} at '${url}': ${message}`, {
      ...details,
      reason: isHTTP(url) ? 'network' : 'unavailable',
    })
  }
  if (/json|unexpected token|unexpected end/i.test(message)) {
    return new ModelFileError(
      `the ${part} at '${url}' is not a TF.js model.json (${message}); point at the model.json that tensorflowjs_converter or model.save wrote`,
      { ...details, reason: 'not-json' },
    )
  }
  if (
    /unknown (layer|activation|initializer|regularizer|constraint)|class_name|lambda/i.test(message)
  ) {
    return new ModelFileError(
      `the ${part} at '${url}' uses a layer TF.js cannot build (${message}); custom and Lambda layers do not convert: export the ${part} with built-in layers only`,
      { ...details, reason: 'invalid' },
    )
  }
  return new ModelFileError(
    `could not read the ${part} at '${url}' as a TF.js LayersModel (${message}); convert it with tensorflowjs_converter --output_format tfjs_layers_model (a graph model cannot be imported)`,
    { ...details, reason: 'invalid' },
  )
}

/** The LayersModel at `url` (any `tf.io` URL: http(s), `indexeddb://`, …). */
export async function loadLayers(url: string, part: ImportedPart): Promise<LayersModel> {
  try {
    const layers = await import('@tensorflow/tfjs-layers')
    return await layers.loadLayersModel(url)
  } catch (error) {
    throw loadFailure(error, url, part)
  }
}

/** A LayersModel's symbolic input and output shapes (`null` for the batch). */
export function shapesOf(model: LayersModel): ModelShapes {
  return {
    inputs: model.inputs.map((input) => input.shape),
    outputs: model.outputs.map((output) => output.shape),
  }
}
