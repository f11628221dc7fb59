/**
 * A model's training state in snapshots: its random streams and its parts (optimisers, fused
 * kernels' moments, a learner's running sums), captured with the weights and restored in two phases
 * (check everything, then put it in place) so that a bad state changes nothing.
 */
import { InvalidInputError } from '../errors'
import type { ModelSnapshot } from '../family/modelSnapshot'
import {
  readTrainingArrays,
  type SnapshotArray,
  type SnapshotTraining,
  type SnapshotTrainingPart,
} from '../family/snapshotTraining'
import type { Random } from '../random'
import type { CapturedTraining, TrainingArray } from './modelSnapshot'

/** One part's state as captured: JSON and its arrays (copied by the snapshot before it yields). */
export interface PartState {
  readonly state: unknown
  readonly arrays: readonly TrainingArray[]
}

/** Something a model trains with whose state a snapshot keeps (an optimiser, …). */
export interface TrainingStatePart {
  /** The part's name in snapshots; unique in its model. */
  readonly name: string
  /** The state now, or `undefined` while it holds none (as a fresh part). Synchronous. */
  capture(): PartState | undefined
  /**
   * Checks a saved state and its arrays (`INVALID_INPUT` naming `field`, changing nothing) and
   * returns what puts it in place, run once the restored network is installed.
   */
  prepare(state: unknown, arrays: readonly SnapshotArray[], field: string): () => void
}

/** The random streams of a model, by name; a stream not made yet is `undefined`. */
export type RandomStreams = Readonly<Record<string, Random | undefined>>

/** The training state of `streams` and `parts` now, for `createSnapshot`. */
export function captureTraining(
  streams: RandomStreams,
  parts: readonly TrainingStatePart[],
): CapturedTraining {
  const random: Record<string, ReturnType<Random['state']>> = {}
  for (const [name, stream] of Object.entries(streams)) {
    if (stream) random[name] = stream.state()
  }
  const records: SnapshotTrainingPart[] = []
  const arrays: TrainingArray[] = []
  for (const part of parts) {
    const captured = part.capture()
    if (!captured) continue
    records.push({ name: part.name, state: captured.state, arrays: captured.arrays.length })
    arrays.push(...captured.arrays)
  }
  return { record: { random, parts: records }, arrays }
}

/** `INVALID_INPUT` unless `training.random` names only streams of the model. */
function checkStreamNames(training: SnapshotTraining, streams: RandomStreams): void {
  const known = Object.keys(streams)
  for (const name of Object.keys(training.random)) {
    if (!known.includes(name)) {
      throw new InvalidInputError(
        `snapshot training.random.${name} is not a random stream of this model (it has ${known.join(', ')}); take the snapshot again from a model of this family`,
        { field: `training.random.${name}` },
      )
    }
  }
}

/**
 * Checks `snapshot.training` against the model's `parts` and random streams (every saved part and
 * stream must be one of the model's) and returns what puts it in place: each part's state, then the
 * positions of the streams `streams()` gives once the restored network is installed (their names
 * are the same before). Parts the snapshot does not hold are left fresh. A snapshot without training
 * state gives a no-op.
 */
export function prepareTraining(
  snapshot: ModelSnapshot,
  parts: readonly TrainingStatePart[],
  streams: () => RandomStreams,
): () => void {
  const training = snapshot.training
  if (!training) return () => {}
  checkStreamNames(training, streams())
  const arrays = readTrainingArrays(snapshot)
  let next = 0
  const apply = training.parts.map((saved, i) => {
    const field = `training.parts[${i}]`
    const part = parts.find((p) => p.name === saved.name)
    if (!part) {
      throw new InvalidInputError(
        `snapshot ${field}.name '${saved.name}' is not a training part of this model (it has ${parts.map((p) => `'${p.name}'`).join(', ') || 'none'}); take the snapshot again from a model of this family`,
        { field: `${field}.name` },
      )
    }
    const own = arrays.slice(next, next + saved.arrays)
    next += saved.arrays
    return part.prepare(saved.state, own, `${field}.state`)
  })
  return () => {
    for (const put of apply) put()
    const now = streams()
    for (const [name, state] of Object.entries(training.random)) now[name]?.setState(state)
  }
}

/** `INVALID_INPUT` naming `field` unless `arrays` hold `sizes.length` arrays of those sizes. */
export function checkArraySizes(
  arrays: readonly SnapshotArray[],
  sizes: readonly number[],
  field: string,
  float64 = false,
): void {
  const fits =
    arrays.length === sizes.length &&
    arrays.every(
      (array, i) =>
        array.values.length === sizes[i] && array.values instanceof Float64Array === float64,
    )
  if (fits) return
  throw new InvalidInputError(
    `snapshot ${field} comes with ${arrays.length} ${float64 ? 'float64' : 'float32'} arrays of ${arrays.map((a) => a.values.length).join(', ')} values; this model needs ${sizes.length} of ${sizes.join(', ')}. Take the snapshot again from a model with these options`,
    { field, expected: [...sizes], actual: arrays.map((a) => a.values.length) },
  )
}
