/**
 * The state of a `tf.train.adam` optimiser, read and written exactly. TF.js's own
 * `getWeights`/`setWeights` are asynchronous and recompute the bias-correction powers β^t with
 * `pow`, which differs in the last bits from the running products the optimiser keeps, so a
 * resumed run would drift; this reads and sets those products and the moments themselves (the
 * optimiser's fields in tfjs-core 4, checked here so that a different layout fails loudly).
 */
import * as tf from '@tensorflow/tfjs-core'
import { InvalidInputError } from '../errors'
import type { SnapshotArray } from '../family/snapshotTraining'
import type { PartState } from './trainingState'
import { checkArraySizes } from './trainingState'

/** An Adam moment as tfjs-core keeps it. */
interface OptimizerVariable {
  originalName: string
  variable: tf.Variable
}

/** The fields of tfjs-core's `AdamOptimizer` that hold its state. */
interface AdamFields {
  accBeta1: tf.Variable
  accBeta2: tf.Variable
  accumulatedFirstMoment: OptimizerVariable[]
  accumulatedSecondMoment: OptimizerVariable[]
  iterations_?: number
}

/** The optimiser's fields, or an error when this TF.js keeps Adam's state otherwise. */
function fields(optimizer: tf.Optimizer): AdamFields {
  const adam = optimizer as unknown as Partial<AdamFields>
  if (
    !(adam.accBeta1 instanceof tf.Variable) ||
    !(adam.accBeta2 instanceof tf.Variable) ||
    !Array.isArray(adam.accumulatedFirstMoment) ||
    !Array.isArray(adam.accumulatedSecondMoment)
  ) {
    throw new Error('this TF.js Adam optimiser keeps its state in unknown fields')
  }
  return adam as AdamFields
}

/** The settings an Adam optimiser is made with. */
export interface AdamSettings {
  readonly learningRate: number
  readonly beta1: number
}

/**
 * `optimizer`'s state over `variables` (in their order), or `undefined` before its first step.
 * JSON: the settings and step count; arrays: β1^t and β2^t as kept, then every first moment, then
 * every second moment (the tensors themselves: the snapshot copies them at once).
 */
export function captureAdam(
  optimizer: tf.Optimizer,
  settings: AdamSettings,
  variableCount: number,
): PartState | undefined {
  const adam = fields(optimizer)
  const first = adam.accumulatedFirstMoment
  const second = adam.accumulatedSecondMoment
  if (first.length !== variableCount || second.length !== variableCount) return undefined
  return {
    state: { ...settings, steps: adam.iterations_ ?? 0 },
    arrays: [
      adam.accBeta1,
      adam.accBeta2,
      ...first.map((m) => m.variable),
      ...second.map((v) => v.variable),
    ],
  }
}

/** A checked Adam state, ready to be put into a new optimiser. */
export interface SavedAdam {
  readonly settings: AdamSettings
  readonly steps: number
  readonly arrays: readonly SnapshotArray[]
}

function positive(record: Readonly<Record<string, unknown>>, key: string, field: string): number {
  const value = record[key]
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value
  throw new InvalidInputError(
    `snapshot ${field}.${key} must be a finite number > 0; got ${JSON.stringify(value)}`,
    { field: `${field}.${key}` },
  )
}

/**
 * `state` and `arrays` (a saved {@link captureAdam}) checked against `variables`, or
 * `INVALID_INPUT` naming `field`.
 */
export function checkAdam(
  state: unknown,
  arrays: readonly SnapshotArray[],
  variables: readonly tf.Variable[],
  field: string,
): SavedAdam {
  if (typeof state !== 'object' || state === null) {
    throw new InvalidInputError(`snapshot ${field} must be an object`, { field })
  }
  const record = state as Readonly<Record<string, unknown>>
  const steps = record.steps
  if (!(typeof steps === 'number' && Number.isInteger(steps) && steps >= 1)) {
    throw new InvalidInputError(
      `snapshot ${field}.steps must be an integer ≥ 1; got ${JSON.stringify(steps)}`,
      { field: `${field}.steps` },
    )
  }
  const settings = {
    learningRate: positive(record, 'learningRate', field),
    beta1: positive(record, 'beta1', field),
  }
  const sizes = variables.map((v) => v.size)
  checkArraySizes(arrays, [1, 1, ...sizes, ...sizes], field)
  return { settings, steps, arrays }
}

/** A new `tf.train.adam` optimiser holding `saved`'s state for `variables`. */
export function restoreAdam(saved: SavedAdam, variables: readonly tf.Variable[]): tf.Optimizer {
  const optimizer = tf.train.adam(saved.settings.learningRate, saved.settings.beta1)
  const adam = fields(optimizer)
  const [beta1, beta2, ...moments] = saved.arrays
  tf.tidy(() => {
    adam.accBeta1.assign(tf.scalar((beta1 as SnapshotArray).values[0] as number))
    adam.accBeta2.assign(tf.scalar((beta2 as SnapshotArray).values[0] as number))
  })
  const moment = (i: number, suffix: string): OptimizerVariable => {
    const variable = variables[i % variables.length] as tf.Variable
    const values = (moments[i] as SnapshotArray).values as Float32Array
    return {
      originalName: `${variable.name}/${suffix}`,
      variable: tf.tidy(() => tf.tensor(values, variable.shape, 'float32').variable(false)),
    }
  }
  adam.accumulatedFirstMoment = variables.map((_, i) => moment(i, 'm'))
  adam.accumulatedSecondMoment = variables.map((_, i) => moment(variables.length + i, 'v'))
  adam.iterations_ = saved.steps
  return optimizer
}
