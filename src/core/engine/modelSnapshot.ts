/**
 * The TF.js half of model snapshots (`family/modelSnapshot.ts` holds the format): a network's
 * weights into one `ArrayBuffer` laid out as `tf.io.encodeWeights` lays it out, and back with
 * `tf.io.decodeWeights` after every weight's count, name, shape and dtype has been checked. Weights
 * are named by position (`w0`, `w1`, …): TF.js variable names carry suffixes unique to one process.
 */
import * as tf from '@tensorflow/tfjs-core'
import { InvalidInputError } from '../errors'
import {
  MODEL_SNAPSHOT_FORMAT,
  MODEL_SNAPSHOT_VERSION,
  type ModelSnapshot,
  type SnapshotWeightSpec,
  weightSize,
} from '../family/modelSnapshot'
import {
  networkWeightSpecs,
  trainingArrayName,
  type SnapshotArray,
  type SnapshotTraining,
} from '../family/snapshotTraining'

/** An array a network keeps outside TF.js (in place, e.g. a sparse dictionary's atoms). */
export interface HostWeight {
  readonly values: Float32Array | Float64Array
  readonly shape: readonly number[]
}

/**
 * One array a snapshot saves: a TF.js variable (trained or not), or a host array (saved as float32,
 * so a `Float64Array` comes back rounded to float32).
 */
export type NetworkWeight = tf.Variable | HostWeight

/** The parts of a snapshot its model describes; {@link createSnapshot} adds format, version and weights. */
export type SnapshotHead = Omit<
  ModelSnapshot,
  'format' | 'version' | 'weightSpecs' | 'weightData' | 'training'
>

/**
 * An array of training state: a tensor (an optimiser's moments), or a host array (kernel memory, a
 * learner's float64 sums: saved bit for bit, see {@link SnapshotArray}).
 */
export type TrainingArray = tf.Tensor | SnapshotArray

/** A model's training state as captured: the snapshot's `training` record and its arrays, in order. */
export interface CapturedTraining {
  readonly record: SnapshotTraining
  readonly arrays: readonly TrainingArray[]
}

const isVariable = (weight: NetworkWeight): weight is tf.Variable => weight instanceof tf.Variable

/** What a snapshot must hold for `weight`. */
function specOf(weight: NetworkWeight, i: number): SnapshotWeightSpec {
  return isVariable(weight)
    ? { name: `w${i}`, shape: weight.shape, dtype: weight.dtype === 'int32' ? 'int32' : 'float32' }
    : { name: `w${i}`, shape: weight.shape, dtype: 'float32' }
}

/** A JSON copy of `value` (detached from the model; `undefined` members dropped). */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? null)) as T
}

/**
 * A tensor holding a copy of training tensor `array` as float32. Copied by an exact multiplication
 * by 1, not cloned: a float32 tensor cast from booleans (an RBM's chains) may keep one byte a value
 * on the CPU backend.
 */
function copyTrainingTensor(array: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.cast(array, 'float32'), tf.scalar(1)))
}

/**
 * One array of a snapshot's `weightData`, taken at once: its spec, and either a writer that puts
 * its values at a byte offset of the buffer, or a tensor (a copy, disposed after) to read first.
 */
interface CapturedArray {
  readonly spec: SnapshotWeightSpec
  readonly write?: (buffer: ArrayBuffer, offset: number) => void
  readonly tensor?: tf.Tensor
}

/**
 * Writes `values` at byte `offset` of `buffer` as `spec`'s dtype (to float32 as `Float32Array.from`
 * rounds); `values` must fill `spec`'s shape exactly.
 */
function writeValues(
  buffer: ArrayBuffer,
  offset: number,
  spec: SnapshotWeightSpec,
  values: ArrayLike<number>,
): void {
  checkCount(spec, values.length)
  const target =
    spec.dtype === 'int32'
      ? new Int32Array(buffer, offset, values.length)
      : new Float32Array(buffer, offset, values.length)
  target.set(values)
}

/** Throws unless `count` values fill `spec`'s shape (a model describing its arrays wrongly). */
function checkCount(spec: SnapshotWeightSpec, count: number): void {
  const expected = weightSize(spec.shape)
  if (count !== expected) {
    throw new Error(
      `snapshot array ${spec.name} has ${count} values for shape [${spec.shape.join(', ')}] (${expected})`,
    )
  }
}

/**
 * Whether tensors on the current backend are read synchronously (CPU and WASM keep them in this
 * thread's memory); on WebGL and WebGPU a synchronous read would stall.
 */
const readsInPlace = (): boolean => ['cpu', 'wasm'].includes(tf.getBackend())

/**
 * Captures `tensor` as `spec`: read now where reads are synchronous, else `copy()` of it to read
 * later.
 */
function captureTensor(
  spec: SnapshotWeightSpec,
  tensor: tf.Tensor,
  copy: () => tf.Tensor,
): CapturedArray {
  if (!readsInPlace()) return { spec, tensor: copy() }
  return captureValues(spec, tensor.dataSync())
}

/**
 * Captures host `values` as `spec`. Not copied: {@link encodeCaptured} writes them before its first
 * await.
 */
function captureValues(spec: SnapshotWeightSpec, values: ArrayLike<number>): CapturedArray {
  return { spec, write: (buffer, offset) => writeValues(buffer, offset, spec, values) }
}

/** Captures `weight` (the snapshot's `w${i}`). */
function captureWeight(weight: NetworkWeight, i: number): CapturedArray {
  const spec = specOf(weight, i)
  return isVariable(weight)
    ? captureTensor(spec, weight, () => tf.clone(weight))
    : captureValues(spec, weight.values)
}

/** Captures training array `array` (the snapshot's `t${i}`): float32, or float64 as int32 pairs. */
function captureTrainingArray(array: TrainingArray, i: number): CapturedArray {
  const name = trainingArrayName(i)
  const shape = [...array.shape]
  if (array instanceof tf.Tensor) {
    return captureTensor({ name, shape, dtype: 'float32' }, array, () => copyTrainingTensor(array))
  }
  const { values } = array
  if (values instanceof Float32Array)
    return captureValues({ name, shape, dtype: 'float32' }, values)
  // A float64's 8 bytes as two int32s (little-endian, as typed arrays are on every engine here).
  const spec: SnapshotWeightSpec = { name, shape: [...shape, 2], dtype: 'int32' }
  return {
    spec,
    write: (buffer, offset) => {
      checkCount(spec, 2 * values.length)
      new Uint8Array(buffer, offset, values.byteLength).set(
        new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      )
    },
  }
}

/**
 * The arrays' values in one buffer, in order, as `tf.io.encodeWeights` lays them out (4 bytes an
 * element, no padding), written straight into it: every array taken at once is written before the
 * first await (on the CPU backend a synchronous read is the tensor's own storage), then the tensors
 * are read.
 */
async function encodeCaptured(arrays: readonly CapturedArray[]): Promise<ArrayBuffer> {
  const offsets: number[] = []
  let size = 0
  for (const array of arrays) {
    offsets.push(size)
    size += 4 * weightSize(array.spec.shape)
  }
  const buffer = new ArrayBuffer(size)
  arrays.forEach((array, i) => array.write?.(buffer, offsets[i] as number))
  // Every read starts at once (on WebGL and WebGPU each waits for the device).
  const read = await Promise.all(arrays.map((array) => array.tensor?.data()))
  read.forEach((values, i) => {
    const array = arrays[i] as CapturedArray
    if (values) writeValues(buffer, offsets[i] as number, array.spec, values)
  })
  return buffer
}

/**
 * A snapshot of `head` and `weights`, with `training` state when given. The weights' values, the
 * training arrays and the head are copied before this returns its promise (synchronously), so a
 * snapshot taken while training runs is of one step; no tensor is held once the promise settles.
 */
export async function createSnapshot(
  head: SnapshotHead,
  weights: readonly NetworkWeight[],
  training?: CapturedTraining,
): Promise<ModelSnapshot> {
  const copied: SnapshotHead = {
    ...head,
    modelOptions: jsonCopy(head.modelOptions),
    imageShape: [...head.imageShape],
    network: jsonCopy(head.network),
    state: jsonCopy(head.state),
  }
  const record = training && jsonCopy(training.record)
  const captured: CapturedArray[] = []
  try {
    weights.forEach((weight, i) => captured.push(captureWeight(weight, i)))
    training?.arrays.forEach((array, i) => captured.push(captureTrainingArray(array, i)))
    const weightData = await encodeCaptured(captured)
    return {
      format: MODEL_SNAPSHOT_FORMAT,
      version: MODEL_SNAPSHOT_VERSION,
      ...copied,
      ...(record ? { training: record } : {}),
      weightSpecs: captured.map(({ spec }) => ({ ...spec, shape: [...spec.shape] })),
      weightData,
    }
  } finally {
    for (const { tensor } of captured) tensor?.dispose()
  }
}

/**
 * `INVALID_INPUT` unless `snapshot`'s network weights (its training arrays aside) are exactly the
 * ones `weights` holds: as many, in order, each with its name, shape and dtype. Changes nothing.
 */
export function checkSnapshotWeights(
  snapshot: ModelSnapshot,
  weights: readonly NetworkWeight[],
): void {
  const specs = networkWeightSpecs(snapshot)
  if (specs.length !== weights.length) {
    throw new InvalidInputError(
      `the snapshot holds ${specs.length} weights; this network has ${weights.length}. Take the snapshot again from a model with these options`,
      { field: 'weightSpecs', expected: weights.length, actual: specs.length },
    )
  }
  weights.forEach((weight, i) => {
    const expected = specOf(weight, i)
    const actual = specs[i] as SnapshotWeightSpec
    const same =
      actual.name === expected.name &&
      actual.dtype === expected.dtype &&
      actual.shape.length === expected.shape.length &&
      actual.shape.every((side, axis) => side === expected.shape[axis])
    if (!same) {
      throw new InvalidInputError(
        `snapshot weight ${i} is ${actual.name} ${actual.dtype} [${actual.shape.join(', ')}]; this network needs ${expected.name} ${expected.dtype} [${expected.shape.join(', ')}]. The snapshot is of another network: take it again from a model with these options and image shape`,
        { weight: i, expected: [...expected.shape], actual: [...actual.shape] },
      )
    }
  })
}

/**
 * Puts `snapshot`'s weight values into `weights` (variables are assigned, host arrays overwritten),
 * after {@link checkSnapshotWeights}. Holds no tensor afterwards.
 */
export function restoreSnapshotWeights(
  snapshot: ModelSnapshot,
  weights: readonly NetworkWeight[],
): void {
  checkSnapshotWeights(snapshot, weights)
  const specs = networkWeightSpecs(snapshot).map((spec) => ({ ...spec, shape: [...spec.shape] }))
  const decoded = tf.io.decodeWeights(snapshot.weightData, specs)
  try {
    weights.forEach((weight, i) => {
      const values = decoded[`w${i}`] as tf.Tensor
      if (isVariable(weight)) weight.assign(values)
      // One synchronous read per host array, at restore only (never in a training loop).
      else weight.values.set(values.dataSync())
    })
  } finally {
    for (const tensor of Object.values(decoded)) tensor.dispose()
  }
}
