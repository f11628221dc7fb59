/**
 * The Adam state of latentkit's fused WebAssembly trainers as a part of a model's training state:
 * each fused network's step count, settings and two moment buffers, and the trainer's own settings
 * key. Trainers live in kernel memory made at the next training call, so a restored state waits in
 * the slot until then.
 */
import { InvalidInputError } from '../errors'
import type { SnapshotArray } from '../family/snapshotTraining'
import { checkArraySizes, type TrainingStatePart } from './trainingState'

/** One fused network's Adam state: steps taken and the settings they were taken with. */
export interface FusedNetState {
  readonly steps: number
  /** `learningRate:beta1` of the steps, `null` before the first. */
  readonly key: string | null
}

/** A fused trainer's Adam state: its networks' (with two moment arrays each) and its settings key. */
export interface FusedTrainerState {
  /** The trainer's own record of its settings (`''` when it keeps none). */
  readonly settings: string
  readonly nets: readonly FusedNetState[]
  /** First then second moments of each network in turn (copies). */
  readonly moments: readonly Float32Array[]
}

/** What a fused trainer offers to save and restore its Adam state. */
export interface FusedStateful {
  readonly maxBatch: number
  captureState(): FusedTrainerState
  restoreState(state: FusedTrainerState): void
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0

function refuse(message: string, field: string): never {
  throw new InvalidInputError(`snapshot ${field} ${message}`, { field })
}

/** A saved fused state (with the batch its trainer was made for), checked. */
export interface SavedFusedState {
  readonly maxBatch: number
  readonly trainer: FusedTrainerState
}

/**
 * `state` and `arrays` as a saved fused state for networks of `parameterCounts` weights each, or
 * `INVALID_INPUT` naming `field`.
 */
export function checkFusedState(
  state: unknown,
  arrays: readonly SnapshotArray[],
  parameterCounts: readonly number[],
  field: string,
): SavedFusedState {
  if (!isRecord(state)) refuse('must be an object', field)
  const { maxBatch, settings, nets } = state
  if (!(isCount(maxBatch) && maxBatch >= 1)) refuse('.maxBatch must be an integer ≥ 1', field)
  if (typeof settings !== 'string') refuse('.settings must be a string', `${field}.settings`)
  if (!Array.isArray(nets) || nets.length !== parameterCounts.length) {
    refuse(`.nets must list ${parameterCounts.length} network(s)`, `${field}.nets`)
  }
  const checked = nets.map((net: unknown, i): FusedNetState => {
    const where = `${field}.nets[${i}]`
    if (
      !isRecord(net) ||
      !isCount(net.steps) ||
      !(net.key === null || typeof net.key === 'string')
    ) {
      refuse('must be { steps: an integer ≥ 0, key: a string or null }', where)
    }
    return { steps: net.steps, key: net.key }
  })
  checkArraySizes(
    arrays,
    parameterCounts.flatMap((count) => [count, count]),
    field,
  )
  return {
    maxBatch,
    trainer: {
      settings,
      nets: checked,
      moments: arrays.map((array) => array.values as Float32Array),
    },
  }
}

/**
 * Keeps a fused trainer's Adam state across the kernel memory it lives in: the state of the trainer
 * in use, or one restored from a snapshot, handed to the next trainer made for at most as many rows
 * as the saved one held (a trainer kept across calls would have been reused for those).
 */
export class FusedStateKeeper {
  private pending: SavedFusedState | undefined

  /** Drops a restored state not handed on yet. */
  clear(): void {
    this.pending = undefined
  }

  /** Hands a restored state to `trainer`, just made for `rows` rows, when it applies; then forgets it. */
  handOver(trainer: FusedStateful, rows: number): void {
    if (this.pending && rows <= this.pending.maxBatch) trainer.restoreState(this.pending.trainer)
    this.pending = undefined
  }

  /**
   * The part of a model's training state for the trainer `current()` returns (or the state waiting
   * for one): fused networks of `parameterCounts` weights each.
   */
  part(
    name: string,
    current: () => FusedStateful | undefined,
    parameterCounts: readonly number[],
  ): TrainingStatePart {
    return {
      name,
      capture: () => {
        const trainer = current()
        const saved = trainer
          ? { maxBatch: trainer.maxBatch, trainer: trainer.captureState() }
          : this.pending
        if (!saved) return undefined
        const { moments, ...record } = saved.trainer
        return {
          state: { maxBatch: saved.maxBatch, ...record },
          arrays: moments.map((values) => ({ values, shape: [values.length] })),
        }
      },
      prepare: (state, arrays, field) => {
        const saved = checkFusedState(state, arrays, parameterCounts, field)
        return () => {
          this.pending = saved
        }
      },
    }
  }
}
