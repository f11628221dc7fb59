/**
 * The snapshot of a trained model: versioned JSON and one `ArrayBuffer` of weights, so it survives
 * `structuredClone`, `postMessage` (the buffer can be transferred) and, later, save and load. Made
 * and restored by the engine (`snapshot()` / `restore()`); this module holds the format and the
 * checks of its envelope, and imports no TF.js, so the main thread may keep and check snapshots.
 */
import { InvalidInputError, type ErrorDetails } from '../errors'
import { checkSnapshotTraining, type SnapshotTraining } from './snapshotTraining'

/** The `format` of every model snapshot. */
export const MODEL_SNAPSHOT_FORMAT = 'latentkit-model'

/** The snapshot version this library writes and reads. */
export const MODEL_SNAPSHOT_VERSION = 1

/**
 * One array in a snapshot's `weightData`, in order: the fields of TF.js's `tf.io.WeightsManifestEntry`
 * that a snapshot uses (no quantisation). Names are positional: the network's `w0`, `w1`, …, then
 * the training arrays `t0`, `t1`, … (see {@link ModelSnapshot.training}).
 */
export interface SnapshotWeightSpec {
  readonly name: string
  readonly shape: readonly number[]
  readonly dtype: 'float32' | 'int32'
}

/** A trained model's weights and everything needed to rebuild it, without its training data. */
export interface ModelSnapshot {
  /** Always {@link MODEL_SNAPSHOT_FORMAT}. */
  readonly format: typeof MODEL_SNAPSHOT_FORMAT
  /** Always {@link MODEL_SNAPSHOT_VERSION} for snapshots this library writes. */
  readonly version: typeof MODEL_SNAPSHOT_VERSION
  /** The family's `kind` (`'vae'`, `'gan'`, `'sparse'`, `'autoencoder'`, …). */
  readonly kind: string
  /** The model options as given to the constructor (JSON); restore into a model made with these. */
  readonly modelOptions: object
  /** Shape of one training image. */
  readonly imageShape: readonly [height: number, width: number, channels: number]
  /** Training steps run before the snapshot. */
  readonly trainedSteps: number
  /** Epochs run (or started) before the snapshot. */
  readonly trainedEpochs: number
  /**
   * JSON: what rebuilding the network needs beyond the options: the resolved options and the choices
   * made from the training data (an output activation, a data range, …).
   */
  readonly network: unknown
  /** JSON: model-level state beyond the network (a calibrated anomaly threshold, …); `null` for none. */
  readonly state: unknown
  /**
   * What resuming training exactly needs (optimiser moments and step counts, random streams'
   * positions, a learner's running statistics); its arrays follow the network's in `weightSpecs`.
   * Absent from weights-only snapshots (and older ones): restoring one starts optimisers and random
   * streams afresh.
   */
  readonly training?: SnapshotTraining
  /** The arrays in {@link ModelSnapshot.weightData}, in order. */
  readonly weightSpecs: readonly SnapshotWeightSpec[]
  /** Every weight's values, one after another, little-endian (`tf.io.encodeWeights`). Transferable. */
  readonly weightData: ArrayBuffer
}

/** Bytes per value of each weight dtype. */
const BYTES_PER_VALUE = { float32: 4, int32: 4 } as const

function refuse(message: string, details?: ErrorDetails): never {
  throw new InvalidInputError(message, details)
}

/** True for an `ArrayBuffer`, from this realm or another (a worker's, a test runner's). */
const isArrayBuffer = (value: unknown): value is ArrayBuffer =>
  Object.prototype.toString.call(value) === '[object ArrayBuffer]'

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`
  if (isArrayBuffer(value)) return `an ArrayBuffer of ${value.byteLength} bytes`
  return value === null || typeof value !== 'object' ? String(value) : 'an object'
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Values in one weight of `shape`. */
export function weightSize(shape: readonly number[]): number {
  return shape.reduce((product, side) => product * side, 1)
}

function checkWeightSpecs(specs: unknown): readonly SnapshotWeightSpec[] {
  if (!Array.isArray(specs)) {
    refuse(`snapshot weightSpecs must be an array; got ${describe(specs)}`, {
      field: 'weightSpecs',
    })
  }
  specs.forEach((spec: unknown, i) => {
    const where = `snapshot weightSpecs[${i}]`
    if (!isObject(spec)) refuse(`${where} must be an object; got ${describe(spec)}`, { index: i })
    if (typeof spec.name !== 'string') refuse(`${where}.name must be a string`, { index: i })
    if (!Array.isArray(spec.shape) || !spec.shape.every(isCount)) {
      refuse(`${where}.shape must be an array of integers ≥ 0; got ${describe(spec.shape)}`, {
        index: i,
      })
    }
    if (spec.dtype !== 'float32' && spec.dtype !== 'int32') {
      refuse(`${where}.dtype must be 'float32' or 'int32'; got ${describe(spec.dtype)}`, {
        index: i,
      })
    }
    if ('quantization' in spec) {
      refuse(`${where} is quantised; snapshots hold full-precision weights only`, { index: i })
    }
  })
  return specs as readonly SnapshotWeightSpec[]
}

function checkWeightData(data: unknown, specs: readonly SnapshotWeightSpec[]): ArrayBuffer {
  if (!isArrayBuffer(data)) {
    refuse(`snapshot weightData must be an ArrayBuffer; got ${describe(data)}`, {
      field: 'weightData',
    })
  }
  const expected = specs.reduce(
    (bytes, spec) => bytes + weightSize(spec.shape) * BYTES_PER_VALUE[spec.dtype],
    0,
  )
  if (data.byteLength !== expected) {
    refuse(
      `snapshot weightData holds ${data.byteLength} bytes; its weightSpecs describe ${expected}. The snapshot is truncated or corrupt (a weightData transferred elsewhere is empty here): take a new snapshot`,
      { field: 'weightData', expected, actual: data.byteLength },
    )
  }
  let offset = 0
  for (const spec of specs) {
    const size = weightSize(spec.shape)
    if (spec.dtype === 'float32') {
      const values = new Float32Array(data, offset, size)
      if (!values.every(Number.isFinite)) {
        refuse(
          `snapshot weight ${spec.name} holds NaN or ±Infinity; take a snapshot of a model that trains without diverging`,
          {
            weight: spec.name,
          },
        )
      }
    }
    offset += size * BYTES_PER_VALUE[spec.dtype]
  }
  return data
}

function checkCounter(value: unknown, name: string): number {
  if (!(isCount(value) && value >= 1)) {
    refuse(
      `snapshot ${name} must be an integer ≥ 1 (snapshots are of trained models); got ${describe(value)}`,
      {
        field: name,
      },
    )
  }
  return value
}

/**
 * `value` as a snapshot of a `kind` model, or `INVALID_INPUT` naming the first thing wrong with its
 * envelope: format, version, kind, options, image shape, counters, weight specs, weight data (its
 * length against the specs, finite values) and, when present, the training state's structure. The
 * family-specific `network`, `state` and training parts' states are left to the model.
 */
export function checkSnapshot(value: unknown, kind: string): ModelSnapshot {
  if (!isObject(value)) {
    refuse(`a model snapshot must be the object snapshot() returned; got ${describe(value)}`)
  }
  if (value.format !== MODEL_SNAPSHOT_FORMAT) {
    refuse(
      `not a latentkit model snapshot: format is ${describe(value.format)}, expected '${MODEL_SNAPSHOT_FORMAT}'. Pass the object snapshot() returned`,
      { field: 'format', expected: MODEL_SNAPSHOT_FORMAT, actual: describe(value.format) },
    )
  }
  if (value.version !== MODEL_SNAPSHOT_VERSION) {
    refuse(
      `snapshot version ${describe(value.version)} is not supported; this latentkit reads version ${MODEL_SNAPSHOT_VERSION}. Take the snapshot again with this version`,
      { field: 'version', expected: MODEL_SNAPSHOT_VERSION, actual: describe(value.version) },
    )
  }
  if (value.kind !== kind) {
    refuse(
      `this snapshot is of a ${describe(value.kind)} model, not a '${kind}' one; restore it into a model of its kind`,
      { field: 'kind', expected: kind, actual: describe(value.kind) },
    )
  }
  if (!isObject(value.modelOptions)) {
    refuse(`snapshot modelOptions must be an object; got ${describe(value.modelOptions)}`, {
      field: 'modelOptions',
    })
  }
  const shape = value.imageShape
  if (!(Array.isArray(shape) && shape.length === 3 && shape.every((s) => isCount(s) && s >= 1))) {
    refuse(
      `snapshot imageShape must be [height, width, channels], integers ≥ 1; got ${describe(shape)}`,
      { field: 'imageShape' },
    )
  }
  checkCounter(value.trainedSteps, 'trainedSteps')
  checkCounter(value.trainedEpochs, 'trainedEpochs')
  const specs = checkWeightSpecs(value.weightSpecs)
  checkWeightData(value.weightData, specs)
  if (value.training !== undefined) checkSnapshotTraining(value.training, specs)
  return value as unknown as ModelSnapshot
}

/** True when `a` and `b` are the same JSON (key order and `undefined` members do not matter). */
export function sameJSON(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => sameJSON(item, b[i]))
    )
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].every((key) => sameJSON(a[key], b[key]))
  }
  return a === b
}

/**
 * `INVALID_INPUT` unless the snapshot was taken from a model made with `options`: a snapshot restores
 * into a model of the same options (make one with `snapshot.modelOptions`).
 */
export function checkSnapshotOptions(snapshot: ModelSnapshot, options: object): void {
  if (!sameJSON(snapshot.modelOptions, options)) {
    refuse(
      `the snapshot was taken from a model with options ${JSON.stringify(snapshot.modelOptions)}; this model has ${JSON.stringify(options)}. Create the model with snapshot.modelOptions, then restore`,
      { field: 'modelOptions' },
    )
  }
}
