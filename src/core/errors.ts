/**
 * Typed errors of latentkit. Every error has a stable `code`, a message that says what was wrong and
 * what to do, and optional structured `details`. Errors cross the worker boundary as plain
 * {@link WireError} objects and are rebuilt into their classes on the client by {@link fromWireError}.
 *
 * This module imports no TF.js, so the main thread may use it.
 */

/** Stable codes of every error latentkit raises. */
export type LatentkitErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_OPTION'
  | 'SHAPE_MISMATCH'
  | 'NON_FINITE_INPUT'
  | 'EMPTY_DATASET'
  | 'NOT_TRAINED'
  | 'BUSY'
  | 'DIVERGED'
  | 'BACKEND_UNAVAILABLE'
  | 'WORKER_CRASHED'
  | 'CANCELLED'
  | 'OUT_OF_MEMORY'
  | 'INVALID_MODEL_FILE'
  | 'STORAGE_FAILED'
  | 'INTERNAL'

/** Extra facts about an error, safe to structured-clone (numbers, strings, arrays of them). */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | readonly number[]>>

/** Base class of every latentkit error. Check `code` rather than `instanceof` across boundaries. */
export class LatentkitError extends Error {
  /** Stable, machine-readable code. */
  readonly code: LatentkitErrorCode
  /** Structured facts about what was wrong (e.g. expected and actual sizes). */
  readonly details: ErrorDetails

  constructor(code: LatentkitErrorCode, message: string, details: ErrorDetails = {}) {
    super(message)
    this.name = 'LatentkitError'
    this.code = code
    this.details = details
  }
}

/** A value passed in is not of an accepted type or range. Code `INVALID_INPUT`. */
export class InvalidInputError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('INVALID_INPUT', message, details)
    this.name = 'InvalidInputError'
  }
}

/** A hook or engine option is out of range. Code `INVALID_OPTION`. */
export class InvalidOptionError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('INVALID_OPTION', message, details)
    this.name = 'InvalidOptionError'
  }
}

/** Data shape does not match what the model or the declared shape expects. Code `SHAPE_MISMATCH`. */
export class ShapeMismatchError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('SHAPE_MISMATCH', message, details)
    this.name = 'ShapeMismatchError'
  }
}

/** Data holds NaN or ±Infinity. Code `NON_FINITE_INPUT`. */
export class NonFiniteInputError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('NON_FINITE_INPUT', message, details)
    this.name = 'NonFiniteInputError'
  }
}

/** A data set with no rows. Code `EMPTY_DATASET`. */
export class EmptyDatasetError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('EMPTY_DATASET', message, details)
    this.name = 'EmptyDatasetError'
  }
}

/** A model was asked to sample, encode or decode before it was trained. Code `NOT_TRAINED`. */
export class NotTrainedError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('NOT_TRAINED', message, details)
    this.name = 'NotTrainedError'
  }
}

/** An operation was asked for while a conflicting one runs (e.g. two trainings). Code `BUSY`. */
export class BusyError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('BUSY', message, details)
    this.name = 'BusyError'
  }
}

/** Training produced a non-finite loss; the last good weights were restored. Code `DIVERGED`. */
export class DivergedError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('DIVERGED', message, details)
    this.name = 'DivergedError'
  }
}

/** No requested TF.js backend could start. Code `BACKEND_UNAVAILABLE`. */
export class BackendUnavailableError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('BACKEND_UNAVAILABLE', message, details)
    this.name = 'BackendUnavailableError'
  }
}

/** The worker died or could not start. Code `WORKER_CRASHED`. */
export class WorkerCrashedError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('WORKER_CRASHED', message, details)
    this.name = 'WorkerCrashedError'
  }
}

/** The operation was cancelled (stop, reset or unmount). Code `CANCELLED`. */
export class CancelledError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('CANCELLED', message, details)
    this.name = 'CancelledError'
  }
}

/**
 * Memory ran out while a call ran: a WebAssembly trap such as `memory access out of bounds`, an
 * allocation the engine refused (`Array buffer allocation failed`, `Out of memory`) or an Emscripten
 * abort. Code `OUT_OF_MEMORY`. `details.restartWorker` is `true` when the worker's TF.js backend can
 * no longer be trusted (a trap inside its WebAssembly heap): the worker must be restarted and its
 * models restored from their snapshots. `false` means nothing was corrupted and the worker goes on.
 */
export class OutOfMemoryError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('OUT_OF_MEMORY', message, details)
    this.name = 'OutOfMemoryError'
  }
}

/** Why a saved model could not be read (`details.reason` of a {@link ModelFileError}). */
export type ModelFileProblem =
  | 'not-a-model'
  | 'not-json'
  | 'truncated'
  | 'corrupt'
  | 'wrong-family'
  | 'future-version'
  | 'too-large'
  | 'invalid'

/**
 * A saved model (a file, an IndexedDB entry, a URL) could not be read: `details.reason` says why
 * ({@link ModelFileProblem}). The model already in the hook is untouched. Code `INVALID_MODEL_FILE`.
 */
export class ModelFileError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('INVALID_MODEL_FILE', message, details)
    this.name = 'ModelFileError'
  }
}

/** Why saving or loading failed in the storage itself (`details.reason` of a {@link StorageError}). */
export type StorageProblem = 'not-found' | 'unavailable' | 'quota' | 'network'

/**
 * The browser's storage or the network failed a save or a load: nothing saved at that URL, IndexedDB
 * missing or full, an HTTP error. `details.reason` says which ({@link StorageProblem}). Code
 * `STORAGE_FAILED`.
 */
export class StorageError extends LatentkitError {
  constructor(message: string, details?: ErrorDetails) {
    super('STORAGE_FAILED', message, details)
    this.name = 'StorageError'
  }
}

/** What a WebAssembly trap or an Emscripten abort says when memory runs out. */
const MEMORY_TRAP = /memory access out of bounds|out of memory|aborted\(|\boom\b/i
/** What a JavaScript engine says when it cannot allocate. */
const ALLOCATION_FAILURE =
  /allocation failed|invalid (typed )?array (buffer )?length|array buffer|maximum memory|memory\.grow|out of memory|could not allocate/i

/** A WebAssembly trap (a `WebAssembly.RuntimeError`), in engines that have WebAssembly. */
export function isWebAssemblyTrap(error: unknown): boolean {
  return typeof WebAssembly === 'object' && error instanceof WebAssembly.RuntimeError
}

/**
 * True for what engines throw when memory runs out: a WebAssembly trap about memory or an Emscripten
 * abort, a `RangeError` from an allocation, or any error whose message says `out of memory`.
 */
export function isMemoryFailure(error: unknown): boolean {
  if (error instanceof LatentkitError) return error.code === 'OUT_OF_MEMORY'
  if (!(error instanceof Error)) {
    return typeof error === 'string' && MEMORY_TRAP.test(error)
  }
  if (isWebAssemblyTrap(error)) return MEMORY_TRAP.test(error.message)
  if (error instanceof RangeError) return ALLOCATION_FAILURE.test(error.message)
  return /out of memory/i.test(error.message)
}

const classByCode: Record<
  LatentkitErrorCode,
  new (message: string, details?: ErrorDetails) => LatentkitError
> = {
  INVALID_INPUT: InvalidInputError,
  INVALID_OPTION: InvalidOptionError,
  SHAPE_MISMATCH: ShapeMismatchError,
  NON_FINITE_INPUT: NonFiniteInputError,
  EMPTY_DATASET: EmptyDatasetError,
  NOT_TRAINED: NotTrainedError,
  BUSY: BusyError,
  DIVERGED: DivergedError,
  BACKEND_UNAVAILABLE: BackendUnavailableError,
  WORKER_CRASHED: WorkerCrashedError,
  CANCELLED: CancelledError,
  OUT_OF_MEMORY: OutOfMemoryError,
  INVALID_MODEL_FILE: ModelFileError,
  STORAGE_FAILED: StorageError,
  INTERNAL: class InternalError extends LatentkitError {
    constructor(message: string, details?: ErrorDetails) {
      super('INTERNAL', message, details)
      this.name = 'InternalError'
    }
  },
}

/** The form an error takes on the wire between worker and client (structured-clone safe). */
export interface WireError {
  /** Marks the object as a latentkit error. */
  readonly latentkitError: true
  /** Class name, e.g. `ShapeMismatchError`. */
  readonly name: string
  /** Stable code. */
  readonly code: LatentkitErrorCode
  /** Human message. */
  readonly message: string
  /** Structured facts. */
  readonly details: ErrorDetails
}

/** Turns any thrown value into a {@link WireError}; unknown errors become code `INTERNAL`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof LatentkitError) {
    return {
      latentkitError: true,
      name: error.name,
      code: error.code,
      message: error.message,
      details: error.details,
    }
  }
  if (isWireError(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  return {
    latentkitError: true,
    name: 'InternalError',
    code: 'INTERNAL',
    message: `unexpected error inside latentkit: ${message}`,
    details: {},
  }
}

/** True when `value` has the shape of a {@link WireError}. */
export function isWireError(value: unknown): value is WireError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { latentkitError?: unknown }).latentkitError === true &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (value as { code: string }).code in classByCode
  )
}

/** Rebuilds a {@link WireError} (or any thrown value) into its {@link LatentkitError} subclass. */
export function fromWireError(value: unknown): LatentkitError {
  if (value instanceof LatentkitError) return value
  const wire = toWireError(value)
  const ErrorClass = classByCode[wire.code]
  return new ErrorClass(wire.message, wire.details)
}

/**
 * A caller's value as error messages show it: numbers and booleans as they are (`NaN`, `Infinity`),
 * strings quoted, short arrays listed, anything else named. Never throws, whatever the value (an
 * object without a prototype, a BigInt, a cycle).
 */
export function describeValue(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return String(value)
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return String(value)
    case 'bigint':
      return `${value.toString()}n`
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
  }
  if (Array.isArray(value)) {
    if (value.length > 8 || depth > 1) return `an array of ${value.length}`
    return `[${value.map((item: unknown) => describeValue(item, depth + 1)).join(', ')}]`
  }
  if (ArrayBuffer.isView(value)) return `a typed array of ${value.byteLength} bytes`
  return 'an object'
}
