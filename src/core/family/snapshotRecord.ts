/**
 * Reading the family-specific JSON of a snapshot (`network`, `state`), which may come from anywhere:
 * every field is checked, and what is wrong is reported as `INVALID_INPUT` naming the field.
 */
import { InvalidInputError, LatentkitError } from '../errors'
import { sameJSON } from './modelSnapshot'

/** A JSON object read from a snapshot. */
export type SnapshotRecord = Readonly<Record<string, unknown>>

/**
 * Runs `read` on the snapshot's `field`; the typed errors option and shape checks throw inside
 * (`INVALID_OPTION`, `SHAPE_MISMATCH`, …) become `INVALID_INPUT` about the snapshot, with their details.
 */
export function readSnapshotField<T>(field: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (!(error instanceof LatentkitError) || error.code === 'INVALID_INPUT') throw error
    throw new InvalidInputError(
      `snapshot ${field} does not fit this model: ${error.message}. Take the snapshot again from a model with these options`,
      { ...error.details, field },
    )
  }
}

/** `value` as a JSON object, or `INVALID_INPUT` naming `field`. */
export function snapshotRecord(value: unknown, field: string): SnapshotRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(
      `snapshot ${field} must be an object; got ${JSON.stringify(value)}`,
      {
        field,
      },
    )
  }
  return value as SnapshotRecord
}

/** `record[key]` as a finite number > 0, or `INVALID_INPUT` naming `field.key`. */
export function snapshotPositiveNumber(record: SnapshotRecord, key: string, field: string): number {
  const value = record[key]
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new InvalidInputError(
      `snapshot ${field}.${key} must be a finite number > 0; got ${JSON.stringify(value)}`,
      { field: `${field}.${key}` },
    )
  }
  return value
}

/** `record[key]` as one of `allowed`, or `INVALID_INPUT` naming `field.key`. */
export function snapshotChoice<T extends string>(
  record: SnapshotRecord,
  key: string,
  allowed: readonly T[],
  field: string,
): T {
  const value = record[key]
  if (!allowed.includes(value as T)) {
    throw new InvalidInputError(
      `snapshot ${field}.${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${JSON.stringify(value)}`,
      { field: `${field}.${key}` },
    )
  }
  return value as T
}

/**
 * The resolved options recorded in a snapshot's `network.options`: complete (resolving them again
 * with `resolve`, which validates, changes nothing) and agreeing with every option the model was
 * given. Else `INVALID_INPUT`.
 */
export function recordedOptions<Resolved extends object>(
  network: SnapshotRecord,
  given: object,
  resolve: (options: Resolved) => Resolved,
): Resolved {
  const recorded = snapshotRecord(network.options, 'network.options') as Resolved
  const complete = readSnapshotField('network.options', () => resolve(recorded))
  if (!sameJSON(complete, recorded)) {
    throw new InvalidInputError(
      `snapshot network.options ${JSON.stringify(recorded)} are not a complete set of resolved options (expected ${JSON.stringify(complete)}); take the snapshot again`,
      { field: 'network.options' },
    )
  }
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined && !sameJSON(value, (recorded as Record<string, unknown>)[key])) {
      throw new InvalidInputError(
        `snapshot network.options.${key} is ${JSON.stringify((recorded as Record<string, unknown>)[key])} but the model's ${key} is ${JSON.stringify(value)}; create the model with snapshot.modelOptions`,
        { field: `network.options.${key}` },
      )
    }
  }
  return complete
}

/**
 * Model-level state a snapshot keeps beside the network (a calibrated threshold, …): saved as JSON,
 * loaded in two phases so a bad snapshot changes nothing.
 */
export interface SnapshotState {
  /** The state as JSON (`null` for none). */
  saveState(): unknown
  /**
   * Checks `state` from a snapshot (throwing a typed error) and returns what puts it in place, called
   * once the restored network is installed.
   */
  loadState(state: unknown): () => void
}

/** The state of a model that keeps none: `null`. */
export const NO_SNAPSHOT_STATE: SnapshotState = {
  saveState: () => null,
  loadState: (state) => {
    if (state !== null) {
      throw new InvalidInputError(
        `snapshot state must be null for this model; got ${JSON.stringify(state)}`,
        { field: 'state' },
      )
    }
    return () => {}
  },
}
