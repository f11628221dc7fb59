/**
 * Saved models: a {@link ModelSnapshot} as TF.js model artifacts (what `tf.io` handlers save and
 * load: IndexedDB, HTTP) and as one file (`exportModel` / `importModel`), and the checks that run
 * before a saved model replaces anything. Imports no TF.js: the artifacts' shape is TF.js's
 * `io.ModelArtifacts`, declared here structurally.
 *
 * The file: the 8 bytes `LKMODEL\0`, the byte length of a UTF-8 JSON header (uint32, little-endian),
 * the header (TF.js's `model.json` layout: `format`, `generatedBy`, `modelTopology`,
 * `weightsManifest` with no paths, `userDefinedMetadata`), then the weights as `tf.io.encodeWeights`
 * lays them out. The header records the weights' byte count and CRC-32, so truncated or altered
 * bytes are found before anything is decoded.
 */
import { describeValue, ModelFileError, type ModelFileProblem } from '../errors'
import { crc32 } from './crc32'
import {
  QUANTIZED_BYTES,
  dequantize,
  quantize,
  type QuantizationDtype,
  type WeightQuantization,
} from './weightQuantization'
import {
  MODEL_SNAPSHOT_FORMAT,
  MODEL_SNAPSHOT_VERSION,
  checkSnapshot,
  weightSize,
  type ModelSnapshot,
} from './modelSnapshot'

/** The file name extension `exportModel` suggests. */
export const MODEL_FILE_EXTENSION = '.lkmodel'

/** The MIME type of an exported model file. */
export const MODEL_FILE_TYPE = 'application/x-latentkit-model'

/** Largest saved model read by default (bytes): 256 MiB. */
export const DEFAULT_MAX_MODEL_BYTES = 256 * 1024 * 1024

const MAGIC = 'LKMODEL\0'
const HEADER_OFFSET = MAGIC.length + 4

/** The part of TF.js's `io.ModelArtifacts` a saved latentkit model uses. */
export interface SavedModelArtifacts {
  /** The snapshot without its weights ({@link SavedModelTopology}). */
  modelTopology?: unknown
  /** The weights' names, shapes and dtypes, in order. */
  weightSpecs?: ReadonlyArray<{
    name: string
    shape: number[]
    dtype: string
    quantization?: WeightQuantization
  }>
  /** The weights, one buffer or TF.js's shards. */
  weightData?: ArrayBuffer | ArrayBuffer[]
  /** Always {@link MODEL_SNAPSHOT_FORMAT} for a latentkit model. */
  format?: string
  /** `latentkit <version>`. */
  generatedBy?: string
  /** `weightBytes` and `weightChecksum` (CRC-32, hex) of the weights. */
  userDefinedMetadata?: Record<string, unknown>
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A snapshot's fields other than its weights, as saved in `modelTopology`. */
type SavedModelTopology = Omit<ModelSnapshot, 'weightSpecs' | 'weightData'>

/** A model saved in the browser (`listSavedModels`) or just saved (`save`). */
export interface SavedModelInfo {
  /** Where it is: `indexeddb://name`. */
  readonly url: string
  /** Its family (`'vae'`, `'gan'`, …). */
  readonly kind: string
  /** Training steps it had run when saved. */
  readonly trainedSteps: number
  /** Epochs it had run when saved. */
  readonly trainedEpochs: number
  /** Shape of one of its images. */
  readonly imageShape: readonly [number, number, number]
  /** Bytes of its weights. */
  readonly weightBytes: number
  /** When it was saved (ISO 8601), when the storage records it. */
  readonly dateSaved: string | undefined
}

/**
 * What a listing says of the saved model in `artifacts` at `url`, or `undefined` when it is not a
 * latentkit model (another TF.js model in the same storage).
 */
export function savedModelInfo(
  url: string,
  artifacts: SavedModelArtifacts,
  dateSaved: Date | string | undefined,
): SavedModelInfo | undefined {
  const topology = artifacts.modelTopology
  if (artifacts.format !== MODEL_SNAPSHOT_FORMAT || !isObject(topology)) return undefined
  const count = (value: unknown): number => (typeof value === 'number' ? value : 0)
  const shape = Array.isArray(topology.imageShape) ? topology.imageShape.map(count) : [0, 0, 0]
  const data = artifacts.weightData
  const weightBytes = Array.isArray(data)
    ? data.reduce((bytes: number, part: ArrayBuffer) => bytes + part.byteLength, 0)
    : (data?.byteLength ?? 0)
  return {
    url,
    kind: String(topology.kind),
    trainedSteps: count(topology.trainedSteps),
    trainedEpochs: count(topology.trainedEpochs),
    imageShape: [shape[0] ?? 0, shape[1] ?? 0, shape[2] ?? 0],
    weightBytes,
    dateSaved: dateSaved === undefined ? undefined : new Date(dateSaved).toISOString(),
  }
}

function refuse(
  reason: ModelFileProblem,
  message: string,
  extra: Record<string, string> = {},
): never {
  throw new ModelFileError(message, { reason, ...extra })
}

/** How a model is saved. */
export interface SaveModelOptions {
  /**
   * Keep the training state (optimiser moments and step counts, random streams' positions, …), so
   * training resumes exactly where it stopped; `false` saves the weights only (about a third of the
   * size for models trained with Adam). Default `true`.
   */
  readonly training?: boolean
  /**
   * Stores the network's float32 weights of at least {@link SaveModelOptions.quantizeFrom} values
   * as TF.js's `'float16'` halves or `'uint8'` affine codes (2× and 4× smaller); loading turns them
   * back into float32. The training state is never quantised. Default: none (full precision).
   */
  readonly quantize?: QuantizationDtype
  /** Smallest weight quantised (biases and other small arrays stay float32). Default 256. */
  readonly quantizeFrom?: number
}

type ArtifactSpec = NonNullable<SavedModelArtifacts['weightSpecs']>[number]

/** The specs and bytes of `snapshot`'s weights, quantised as `options` ask. */
function storedWeights(
  snapshot: ModelSnapshot,
  options: SaveModelOptions,
): { specs: ArtifactSpec[]; data: ArrayBuffer } {
  const specs = snapshot.weightSpecs.map((spec) => ({ ...spec, shape: [...spec.shape] }))
  const dtype = options.quantize
  if (!dtype) return { specs, data: snapshot.weightData }
  const parts: Uint8Array[] = []
  let offset = 0
  const stored = specs.map((spec): ArtifactSpec => {
    const count = weightSize(spec.shape)
    const bytes = new Uint8Array(snapshot.weightData, offset, count * 4)
    offset += count * 4
    // Training state (t0, t1, …: optimiser moments, random positions) stays exact.
    const trained = spec.name.startsWith('w')
    if (!trained || spec.dtype !== 'float32' || count < (options.quantizeFrom ?? 256)) {
      parts.push(bytes)
      return spec
    }
    const values = new Float32Array(bytes.slice().buffer)
    const { bytes: coded, quantization } = quantize(values, dtype)
    parts.push(coded)
    return { ...spec, quantization }
  })
  const data = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let at = 0
  for (const part of parts) {
    data.set(part, at)
    at += part.length
  }
  return { specs: stored, data: data.buffer }
}

/** Everything of `snapshot` but its weights (what `modelTopology` holds). */
function withoutWeights(snapshot: ModelSnapshot): SavedModelTopology {
  const topology: Record<string, unknown> = { ...snapshot }
  delete topology.weightSpecs
  delete topology.weightData
  return topology as SavedModelTopology
}

/** `snapshot` as TF.js model artifacts (unquantised: the weights' buffer is shared, not copied). */
export function snapshotToArtifacts(
  snapshot: ModelSnapshot,
  options: SaveModelOptions = {},
): SavedModelArtifacts {
  const topology: SavedModelTopology = withoutWeights(snapshot)
  const { specs, data: weightData } = storedWeights(snapshot, options)
  return {
    modelTopology: topology,
    weightSpecs: specs,
    weightData,
    format: MODEL_SNAPSHOT_FORMAT,
    generatedBy: `latentkit snapshot v${MODEL_SNAPSHOT_VERSION}`,
    userDefinedMetadata: {
      weightBytes: weightData.byteLength,
      weightChecksum: crc32(new Uint8Array(weightData)),
    },
  }
}

function joinBuffers(data: ArrayBuffer | readonly ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data as ArrayBuffer
  const parts = data as readonly ArrayBuffer[]
  const joined = new Uint8Array(parts.reduce((bytes, part) => bytes + part.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(new Uint8Array(part), offset)
    offset += part.byteLength
  }
  return joined.buffer
}

/**
 * The snapshot in `artifacts`, checked in this order: a latentkit model at all, its version, its
 * family (when `kind` is given), its size against `maxBytes`, the weights' byte count and checksum,
 * then every field of the snapshot. Throws {@link ModelFileError} (`INVALID_MODEL_FILE`, with
 * `details.reason`) naming the first problem.
 */
export function artifactsToSnapshot(
  artifacts: SavedModelArtifacts,
  options: { readonly kind?: string; readonly maxBytes?: number; readonly source?: string } = {},
): ModelSnapshot {
  const source = options.source ?? 'the saved model'
  const topology = artifacts.modelTopology
  if (artifacts.format !== MODEL_SNAPSHOT_FORMAT || !isObject(topology)) {
    const what = artifacts.format ? `a '${artifacts.format}' model` : 'not a latentkit model'
    refuse(
      'not-a-model',
      `${source} is ${what}, not one latentkit saved (format '${MODEL_SNAPSHOT_FORMAT}'). Load a file exportModel() wrote or a URL save() wrote; a Keras or TF.js layers model is imported as a decoder instead`,
      { format: String(artifacts.format ?? 'none') },
    )
  }
  const version = topology.version
  if (typeof version === 'number' && version > MODEL_SNAPSHOT_VERSION) {
    refuse(
      'future-version',
      `${source} was saved by a newer latentkit (format version ${version}); this one reads version ${MODEL_SNAPSHOT_VERSION}. Update latentkit to load it`,
      { version: String(version) },
    )
  }
  if (options.kind !== undefined && topology.kind !== options.kind) {
    refuse(
      'wrong-family',
      `${source} is a ${describeValue(topology.kind)} model, not a '${options.kind}' one; load it with that family's hook`,
      { expected: options.kind, actual: describeValue(topology.kind) },
    )
  }
  const weightData = joinBuffers(artifacts.weightData ?? new ArrayBuffer(0))
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES
  if (weightData.byteLength > maxBytes) {
    refuse(
      'too-large',
      `${source} holds ${weightData.byteLength} bytes of weights, more than the limit of ${maxBytes}; pass a larger maxBytes if you trust it`,
    )
  }
  const meta = artifacts.userDefinedMetadata ?? {}
  if (typeof meta.weightBytes === 'number' && meta.weightBytes !== weightData.byteLength) {
    refuse(
      'truncated',
      `${source} holds ${weightData.byteLength} bytes of weights; it was saved with ${meta.weightBytes}. It is incomplete: save or download it again`,
    )
  }
  if (typeof meta.weightChecksum === 'string') {
    const actual = crc32(new Uint8Array(weightData))
    if (actual !== meta.weightChecksum) {
      refuse(
        'corrupt',
        `${source}'s weights do not match their checksum (CRC-32 ${actual}, saved ${meta.weightChecksum}): the bytes were altered. Save or download it again`,
      )
    }
  }
  const { specs, data } = fullPrecision(artifacts.weightSpecs ?? [], weightData, source)
  const snapshot = { ...topology, weightSpecs: specs, weightData: data }
  try {
    return checkSnapshot(snapshot, String(topology.kind))
  } catch (error) {
    refuse('invalid', `${source} is not a valid latentkit model: ${(error as Error).message}`)
  }
}

/**
 * Quantised weights turned back into float32 (TF.js's layout: each weight's stored bytes in order);
 * `INVALID_MODEL_FILE` when the bytes do not match the specs.
 */
function fullPrecision(
  specs: readonly ArtifactSpec[],
  data: ArrayBuffer,
  source: string,
): { specs: ArtifactSpec[]; data: ArrayBuffer } {
  if (!specs.some((spec) => spec.quantization)) return { specs: [...specs], data }
  const bytesOf = (spec: ArtifactSpec): number =>
    weightSize(spec.shape ?? []) *
    (spec.quantization ? QUANTIZED_BYTES[spec.quantization.dtype] : 4)
  const stored = specs.reduce((total, spec) => total + bytesOf(spec), 0)
  if (stored !== data.byteLength) {
    refuse(
      'truncated',
      `${source} holds ${data.byteLength} bytes of weights; its weight specs describe ${stored}. It is incomplete: save or download it again`,
    )
  }
  const out = new Uint8Array(specs.reduce((total, spec) => total + weightSize(spec.shape) * 4, 0))
  let from = 0
  let to = 0
  const plain = specs.map((spec): ArtifactSpec => {
    const count = weightSize(spec.shape)
    const size = bytesOf(spec)
    const bytes = new Uint8Array(data, from, size)
    if (spec.quantization) {
      const quantization = spec.quantization
      if (!(quantization.dtype in QUANTIZED_BYTES)) {
        refuse('invalid', `${source}: weight ${spec.name} has an unknown quantisation`)
      }
      out.set(new Uint8Array(dequantize(bytes, count, quantization).buffer), to)
    } else {
      out.set(bytes, to)
    }
    from += size
    to += count * 4
    return { name: spec.name, shape: spec.shape, dtype: spec.dtype }
  })
  return { specs: plain, data: out.buffer }
}

const encoder = new TextEncoder()

/** `snapshot` as the bytes of one model file (see the module's comment), quantised as asked. */
export function encodeModelFile(
  snapshot: ModelSnapshot,
  options: SaveModelOptions = {},
): Uint8Array<ArrayBuffer> {
  const { weightData, weightSpecs, ...artifacts } = snapshotToArtifacts(snapshot, options)
  const header = encoder.encode(
    JSON.stringify({ ...artifacts, weightsManifest: [{ paths: [], weights: weightSpecs }] }),
  )
  const weights = new Uint8Array(weightData as ArrayBuffer)
  const file = new Uint8Array(HEADER_OFFSET + header.length + weights.length)
  file.set(encoder.encode(MAGIC), 0)
  new DataView(file.buffer).setUint32(MAGIC.length, header.length, true)
  file.set(header, HEADER_OFFSET)
  file.set(weights, HEADER_OFFSET + header.length)
  return file
}

/** The file's first bytes as text, to say what it is when it is not a model file. */
function startsLikeJSON(bytes: Uint8Array): boolean {
  const first = bytes.find(
    (byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09,
  )
  return first === 0x7b || first === 0x5b
}

/** Room a file gets beyond its weights' limit, for its header. */
const HEADER_ALLOWANCE = 1024 * 1024

/**
 * `INVALID_MODEL_FILE` (`too-large`) when a file of `bytes` cannot hold at most `maxBytes` of
 * weights: checked before a file, a response or a blob is read, so a huge one never is.
 */
export function checkFileSize(
  bytes: number,
  maxBytes: number,
  source: string,
  details: Readonly<Record<string, string>> = {},
): void {
  if (bytes > maxBytes + HEADER_ALLOWANCE) {
    refuse(
      'too-large',
      `${source} is ${bytes} bytes, more than the limit of ${maxBytes}; pass a larger maxBytes if you trust it`,
      details,
    )
  }
}

/**
 * The artifacts in a model file's bytes, after checking the magic, the header and the size against
 * `maxBytes`; {@link artifactsToSnapshot} checks the rest. Throws {@link ModelFileError}.
 */
export function decodeModelFile(
  bytes: ArrayBuffer,
  options: { readonly maxBytes?: number; readonly source?: string } = {},
): SavedModelArtifacts {
  const source = options.source ?? 'the file'
  checkFileSize(bytes.byteLength, options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES, source)
  const view = new Uint8Array(bytes)
  const magic = new TextDecoder().decode(view.subarray(0, MAGIC.length))
  if (magic !== MAGIC) {
    const hint = startsLikeJSON(view)
      ? ' It is JSON: a model.json from save() is loaded by its URL (load("https://…/model.json")), a Keras or TF.js layers model is imported as a decoder'
      : ''
    refuse(
      'not-a-model',
      `${source} is not a latentkit model file (it does not start with LKMODEL).${hint}`,
    )
  }
  if (view.length < HEADER_OFFSET)
    refuse('truncated', `${source} ends inside its header: download it again`)
  const headerBytes = new DataView(bytes).getUint32(MAGIC.length, true)
  if (HEADER_OFFSET + headerBytes > view.length) {
    refuse(
      'truncated',
      `${source} ends inside its ${headerBytes}-byte header (${view.length} bytes in all): it is incomplete, download it again`,
    )
  }
  let header: unknown
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(
        view.subarray(HEADER_OFFSET, HEADER_OFFSET + headerBytes),
      ),
    )
  } catch {
    refuse(
      'not-json',
      `${source}'s header is not valid JSON: the file is damaged, download it again`,
    )
  }
  if (!isObject(header))
    refuse('not-json', `${source}'s header is not a JSON object: the file is damaged`)
  const manifest = header.weightsManifest
  const group = Array.isArray(manifest) ? (manifest[0] as unknown) : undefined
  const weightSpecs = isObject(group) && Array.isArray(group.weights) ? group.weights : undefined
  if (!weightSpecs)
    refuse('invalid', `${source}'s header has no weightsManifest: the file is damaged`)
  const weightData = bytes.slice(HEADER_OFFSET + headerBytes)
  return {
    modelTopology: header.modelTopology,
    weightSpecs: weightSpecs as SavedModelArtifacts['weightSpecs'],
    weightData,
    ...(typeof header.format === 'string' ? { format: header.format } : {}),
    ...(typeof header.generatedBy === 'string' ? { generatedBy: header.generatedBy } : {}),
    ...(isObject(header.userDefinedMetadata)
      ? { userDefinedMetadata: header.userDefinedMetadata }
      : {}),
  }
}

/** The snapshot in a model file's bytes (of family `kind` when given), fully checked. */
export function readModelFile(
  bytes: ArrayBuffer,
  options: { readonly kind?: string; readonly maxBytes?: number; readonly source?: string } = {},
): ModelSnapshot {
  return artifactsToSnapshot(decodeModelFile(bytes, options), options)
}
