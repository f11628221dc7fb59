/**
 * The TF.js half of model snapshots (`family/modelSnapshot.ts` holds the format): a network's
 * weights into one `ArrayBuffer` with `tf.io.encodeWeights`, and back with `tf.io.decodeWeights`
 * after every weight's count, name, shape and dtype has been checked. Weights are named by position
 * (`w0`, `w1`, …): TF.js variable names carry suffixes unique to one process.
 */
import * as tf from '@tensorflow/tfjs-core'
import { InvalidInputError } from '../errors'
import {
  MODEL_SNAPSHOT_FORMAT,
  MODEL_SNAPSHOT_VERSION,
  type ModelSnapshot,
  type SnapshotWeightSpec,
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
 * A tensor holding a copy of training array `array`: float32, or float64 values as their bytes in
 * int32 pairs. A tensor is copied by an exact multiplication by 1, not cloned: a float32 tensor
 * cast from booleans (an RBM's chains) may keep one byte a value on the CPU backend, which
 * `encodeWeights` would write as it is.
 */
function captureTrainingArray(array: TrainingArray): tf.Tensor {
  if (array instanceof tf.Tensor) {
    return tf.tidy(() => tf.mul(tf.cast(array, 'float32'), tf.scalar(1)))
  }
  if (array.values instanceof Float32Array) {
    return tf.tensor(Float32Array.from(array.values), [...array.shape], 'float32')
  }
  const bits = new Int32Array(Float64Array.from(array.values).buffer)
  return tf.tensor(bits, [...array.shape, 2], 'int32')
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
  const captured = weights.map((weight, i) => ({
    name: `w${i}`,
    tensor: isVariable(weight)
      ? tf.clone(weight)
      : tf.tensor(Float32Array.from(weight.values), [...weight.shape], 'float32'),
  }))
  for (const [i, array] of (training?.arrays ?? []).entries()) {
    captured.push({ name: trainingArrayName(i), tensor: captureTrainingArray(array) })
  }
  const record = training && jsonCopy(training.record)
  try {
    const { data, specs } = await tf.io.encodeWeights(captured)
    return {
      format: MODEL_SNAPSHOT_FORMAT,
      version: MODEL_SNAPSHOT_VERSION,
      ...copied,
      ...(record ? { training: record } : {}),
      weightSpecs: specs.map((spec) => ({
        name: spec.name,
        shape: [...spec.shape],
        dtype: spec.dtype as SnapshotWeightSpec['dtype'],
      })),
      weightData: data,
    }
  } finally {
    for (const { tensor } of captured) tensor.dispose()
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
