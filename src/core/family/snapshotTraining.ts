/**
 * The training state a snapshot may carry so that training resumes exactly where it stopped: the
 * random streams' positions and each optimiser's (or learner's) state as JSON, with their arrays
 * appended to the snapshot's weights as `t0`, `t1`, … after the network's `w0`, `w1`, …. Optional:
 * a snapshot without it (older ones, or `snapshot({ training: false })`) restores the weights and
 * starts optimisers and random streams afresh. Imports no TF.js.
 */
import { describeValue, InvalidInputError, type ErrorDetails } from '../errors'
import { isRandomState, type RandomState } from '../random'
import type { ModelSnapshot, SnapshotWeightSpec } from './modelSnapshot'

/** One part of a model's training state (an optimiser, a learner's running statistics, …). */
export interface SnapshotTrainingPart {
  /** Which part (`'adam'`, `'fusedAdam'`, `'generatorAdam'`, …), unique in the snapshot. */
  readonly name: string
  /** Its settings and counters, as JSON. */
  readonly state: unknown
  /** How many of the snapshot's training arrays are its own, taken in order after the parts before. */
  readonly arrays: number
}

/** What resuming training exactly needs beyond the weights, kept in a snapshot's `training`. */
export interface SnapshotTraining {
  /** Each random stream's position, by name (`shuffle`, `noise`, …). */
  readonly random: Readonly<Record<string, RandomState>>
  /** The training state of the model's optimisers and learners, in order. */
  readonly parts: readonly SnapshotTrainingPart[]
}

/**
 * A training array read from a snapshot. Float64 state (a learner's running sums) is kept bit for
 * bit: it is stored as an `int32` array with a trailing axis of 2 (the float64's 8 bytes).
 */
export interface SnapshotArray {
  readonly values: Float32Array | Float64Array
  readonly shape: readonly number[]
}

/** The name of training array `i` in a snapshot's `weightSpecs`. */
export const trainingArrayName = (i: number): string => `t${i}`

function refuse(message: string, details: ErrorDetails): never {
  throw new InvalidInputError(message, details)
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** How many of the snapshot's `weightSpecs` are training arrays (0 without training state). */
export function trainingArrayCount(snapshot: Pick<ModelSnapshot, 'training'>): number {
  return snapshot.training?.parts.reduce((sum, part) => sum + part.arrays, 0) ?? 0
}

/** The `weightSpecs` of the network: all but the trailing training arrays. */
export function networkWeightSpecs(snapshot: ModelSnapshot): readonly SnapshotWeightSpec[] {
  return snapshot.weightSpecs.slice(0, snapshot.weightSpecs.length - trainingArrayCount(snapshot))
}

function checkParts(parts: unknown): readonly SnapshotTrainingPart[] {
  if (!Array.isArray(parts)) {
    refuse(`snapshot training.parts must be an array; got ${JSON.stringify(parts)}`, {
      field: 'training.parts',
    })
  }
  const names = new Set<string>()
  parts.forEach((part: unknown, i) => {
    const field = `training.parts[${i}]`
    if (!isObject(part)) refuse(`snapshot ${field} must be an object`, { field })
    if (typeof part.name !== 'string' || names.has(part.name)) {
      refuse(
        `snapshot ${field}.name must be a string no other part has; got ${describeValue(part.name)}`,
        {
          field: `${field}.name`,
        },
      )
    }
    names.add(part.name)
    if (!(typeof part.arrays === 'number' && Number.isInteger(part.arrays) && part.arrays >= 0)) {
      refuse(`snapshot ${field}.arrays must be an integer ≥ 0; got ${describeValue(part.arrays)}`, {
        field: `${field}.arrays`,
      })
    }
    if (!('state' in part))
      refuse(`snapshot ${field}.state is missing`, { field: `${field}.state` })
  })
  return parts as readonly SnapshotTrainingPart[]
}

/** `INVALID_INPUT` unless the trailing `count` specs are the training arrays `t0`, `t1`, …. */
function checkTrainingSpecs(specs: readonly SnapshotWeightSpec[], count: number): void {
  if (count > specs.length) {
    refuse(
      `snapshot training.parts take ${count} arrays; weightSpecs holds ${specs.length} in all`,
      { field: 'training.parts', expected: count, actual: specs.length },
    )
  }
  specs.slice(specs.length - count).forEach((spec, i) => {
    const name = trainingArrayName(i)
    const float64 = spec.dtype === 'int32'
    if (spec.name !== name || (float64 && spec.shape.at(-1) !== 2)) {
      refuse(
        `snapshot training array ${i} must be named '${name}'${float64 ? ' with a trailing axis of 2 (float64 bytes)' : ''}; got '${spec.name}' [${spec.shape.join(', ')}]`,
        { field: 'weightSpecs', index: specs.length - count + i },
      )
    }
  })
}

/**
 * `value` (a snapshot's `training`) as {@link SnapshotTraining}, or `INVALID_INPUT` naming the
 * field: the random states, the parts' names and array counts, and the training arrays at the end
 * of `specs`. What each part's state means is the model's to check when it restores it.
 */
export function checkSnapshotTraining(
  value: unknown,
  specs: readonly SnapshotWeightSpec[],
): SnapshotTraining {
  if (!isObject(value)) {
    refuse(`snapshot training must be an object; got ${JSON.stringify(value)}`, {
      field: 'training',
    })
  }
  if (!isObject(value.random)) {
    refuse('snapshot training.random must be an object of random states by name', {
      field: 'training.random',
    })
  }
  for (const [name, state] of Object.entries(value.random)) {
    if (!isRandomState(state)) {
      refuse(
        `snapshot training.random.${name} must be { position: a 32-bit integer, spareNormal: a number or null }; got ${JSON.stringify(state)}`,
        { field: `training.random.${name}` },
      )
    }
  }
  const parts = checkParts(value.parts)
  checkTrainingSpecs(
    specs,
    parts.reduce((sum, part) => sum + part.arrays, 0),
  )
  return value as unknown as SnapshotTraining
}

/**
 * Copies of the snapshot's training arrays (float32, or float64 from their `int32` pairs), in
 * order. The snapshot must have passed `checkSnapshot`.
 */
export function readTrainingArrays(snapshot: ModelSnapshot): SnapshotArray[] {
  const specs = snapshot.weightSpecs
  const first = specs.length - trainingArrayCount(snapshot)
  let offset = 0
  const arrays: SnapshotArray[] = []
  specs.forEach((spec, i) => {
    const size = spec.shape.reduce((product, side) => product * side, 1)
    if (i >= first) {
      const bytes = snapshot.weightData.slice(offset, offset + size * 4)
      arrays.push(
        spec.dtype === 'int32'
          ? { values: new Float64Array(bytes), shape: spec.shape.slice(0, -1) }
          : { values: new Float32Array(bytes), shape: [...spec.shape] },
      )
    }
    offset += size * 4
  })
  return arrays
}
