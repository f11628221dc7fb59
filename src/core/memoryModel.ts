/**
 * latentkit's memory model: how many bytes each TF.js backend can address, the share of them one call
 * may use, and how the size of a request is checked against it. Pure TypeScript (no TF.js), so the
 * data sets and the main thread use it as well; the engine reads the backend's own limits and
 * measures what a network's passes hold (`engine/memoryBudget.ts`).
 *
 * A call's peak is `rows × bytesPerRow + fixedBytes`, where a row is a sample, an image, a latent
 * vector or a patch. It must stay within the call budget, a quarter of what the backend addresses
 * (see {@link CALL_SHARE}), and its largest tensor within the backend's largest tensor. A request
 * above the limit is refused with `INVALID_OPTION` before anything is allocated.
 */
import { describeValue, InvalidOptionError } from './errors'

/**
 * Bytes TF.js's WebAssembly heap can grow to: `getHeapMax()` of `@tensorflow/tfjs-backend-wasm`'s
 * Emscripten build (`MAXIMUM_MEMORY` 4 GiB less one 64 KiB page, the most wasm32 addresses). Every
 * tensor of the WASM backend lives in this one heap.
 */
export const WASM_HEAP_MAX_BYTES = 4_294_901_760

/**
 * Bytes a JavaScript engine can be counted on to allocate as typed arrays in one worker: 4 GiB. The
 * CPU backend keeps every tensor in a typed array, and every backend reads its results back into
 * them. V8 (Chrome, Edge, Node 20) and JavaScriptCore cap a single `ArrayBuffer` at 4 GiB (Node 20's
 * `buffer.constants.MAX_LENGTH`), and a tab rarely gets much more in all; GPU memory cannot be
 * queried, so the GPU backends are held to this bound too (their results come back here).
 */
export const JS_MEMORY_BYTES = 2 ** 32

/**
 * The largest single typed array counted on: 2 GiB (`2 ** 31` bytes), the ceiling of 32-bit builds
 * and of older engines' array lengths.
 */
export const JS_ARRAY_MAX_BYTES = 2 ** 31

/**
 * The share of what a backend addresses that one call (an action, or one training step with the
 * training set it keeps on the device) may use: a quarter, about 1 GiB on every backend. The other
 * three quarters stay for the models that share the worker (weights, optimiser state, training sets,
 * snapshots) and for what the estimate does not see: scratch memory inside kernels, allocator slack
 * and fragmentation, and the WASM heap, which never shrinks once grown.
 */
export const CALL_SHARE = 0.25

/**
 * Bytes one weight costs while a model trains: the value, its gradient, Adam's two moments, the copy
 * of the start of the epoch kept to undo a divergence, and the snapshot's copy, 4 bytes each.
 */
export const BYTES_PER_WEIGHT = 6 * 4

/** Bytes of one float32 value. */
export const FLOAT_BYTES = 4

/** The largest count any size may have: 2³¹ − 1 (TF.js indexes tensors with int32). */
export const MAX_COUNT = 2 ** 31 - 1

/** What a backend can hold. */
export interface MemoryLimits {
  /** The backend (`'wasm'`, `'webgpu'`, `'webgl'`, `'cpu'`; `'js'` for plain typed arrays). */
  readonly backend: string
  /** Bytes every tensor of the backend can take together. */
  readonly addressableBytes: number
  /** Bytes one tensor can take. */
  readonly maxTensorBytes: number
}

/** Plain typed arrays: what the data sets and other host-only work are held to. */
export const JS_LIMITS: MemoryLimits = {
  backend: 'js',
  addressableBytes: JS_MEMORY_BYTES,
  maxTensorBytes: JS_ARRAY_MAX_BYTES,
}

/** Options of {@link configureMemoryBudget}. */
export interface MemoryBudgetOptions {
  /**
   * Bytes one call may use on every backend, instead of {@link CALL_SHARE} of what the backend
   * addresses. `undefined` goes back to the computed budget. For tests and for hosts that know their
   * memory (a Node server with more, a phone with less).
   */
  readonly callBudgetBytes?: number
}

let budgetOverride: number | undefined

/** Sets (or clears) the per-call budget for every backend. Throws `INVALID_OPTION` for a bad value. */
export function configureMemoryBudget(options: MemoryBudgetOptions): void {
  const bytes = options.callBudgetBytes
  if (bytes !== undefined && !(Number.isFinite(bytes) && bytes > 0)) {
    throw new InvalidOptionError(`callBudgetBytes must be a number of bytes > 0; got ${bytes}`, {
      option: 'callBudgetBytes',
    })
  }
  budgetOverride = bytes
}

/** Bytes one call may use on a backend with `limits`. */
export function callBudget(limits: MemoryLimits): number {
  return budgetOverride ?? Math.floor(limits.addressableBytes * CALL_SHARE)
}

/** What a request costs: bytes per row, and bytes however many rows there are. */
export interface RowCost {
  /** Bytes one more row takes at the peak (device tensors and host arrays). */
  readonly bytesPerRow: number
  /** Bytes taken whatever the number of rows. Default 0. */
  readonly fixedBytes?: number
  /** Bytes per row of the largest single tensor, at most. Default `bytesPerRow`. */
  readonly tensorBytesPerRow?: number
}

/**
 * The most rows a request of `cost` may have on a backend with `limits`: its peak within the call
 * budget, and its bytes per row (an upper bound of its largest tensor's) within the largest tensor.
 */
export function rowLimit(cost: RowCost, limits: MemoryLimits): number {
  const perRow = Math.max(cost.bytesPerRow, 1)
  const byBudget = Math.floor((callBudget(limits) - (cost.fixedBytes ?? 0)) / perRow)
  const byTensor = Math.floor(limits.maxTensorBytes / Math.max(cost.tensorBytesPerRow ?? perRow, 1))
  return Math.max(0, Math.min(byBudget, byTensor, MAX_COUNT))
}

/** The total bytes of `values` float32 values per row. */
export const floatRows = (values: number): RowCost => ({ bytesPerRow: values * FLOAT_BYTES })

/** A size to check against its limit. */
export interface SizeRequest {
  /** What is counted, as the message starts: `'sample count'`, `'batchSize'`. */
  readonly what: string
  /** The size asked for. */
  readonly actual: number
  /** What to do instead, given the limit: `` (limit) => `draw in batches of at most ${limit}` ``. */
  readonly advice: (limit: number) => string
  /** Whose limit it is, for the message. Default `"this model's"`. */
  readonly owner?: string
  /** What the budget is counted per, for the message. Default `'call'`. */
  readonly per?: string
  /** The option that was too large, when it is one (put in `details.option`). */
  readonly option?: string
}

/** A byte count as people read it: `about 1 GiB`, `about 512 MiB`. */
export function describeBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  // 1023.98 MiB reads better as 1 GiB.
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  const shown = value >= 10 || unit === 0 ? Math.round(value) : Math.round(value * 10) / 10
  return `about ${shown} ${units[unit]}`
}

/**
 * Throws `INVALID_OPTION` when `request.actual` is above `limit`, with a message that gives the
 * limit, the backend, the budget and what to do, and `details` with `limit` and `actual`.
 */
export function checkSize(request: SizeRequest, limit: number, limits: MemoryLimits): void {
  if (request.actual <= limit) return
  const budget = callBudget(limits)
  const backend =
    limits.backend === 'js' ? 'in JavaScript memory' : `on the ${limits.backend} backend`
  throw new InvalidOptionError(
    `${request.what} ${request.actual} is above ${request.owner ?? "this model's"} limit of ${limit} ${backend} (${describeBytes(budget)} per ${request.per ?? 'call'}); ${request.advice(limit)}`,
    {
      limit,
      actual: request.actual,
      backend: limits.backend,
      budgetBytes: budget,
      ...(request.option ? { option: request.option } : {}),
    },
  )
}

/**
 * Throws `INVALID_OPTION` unless `value` is an integer from `min` to {@link MAX_COUNT}: the check of
 * a count that needs no backend (the main thread runs it before anything is sent). `details.option`
 * is `what`.
 */
export function checkCount(value: unknown, what: string, min = 1, hint = ''): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_COUNT) {
    return value
  }
  throw new InvalidOptionError(
    `${what} must be an integer from ${min} to ${MAX_COUNT}; got ${describeValue(value)}${hint ? `. ${hint}` : ''}`,
    { option: what, limit: MAX_COUNT },
  )
}

/** Weights of dense layers from `sizes[0]` values through each of `sizes[1…]` (kernels and biases). */
export function denseWeightCount(sizes: readonly number[]): number {
  let count = 0
  for (let i = 1; i < sizes.length; i++) {
    count += ((sizes[i - 1] as number) + 1) * (sizes[i] as number)
  }
  return count
}

/** Weights of a `size × size` convolution from `inputs` to `outputs` channels (kernel and bias). */
export function convWeightCount(size: number, inputs: number, outputs: number): number {
  return size * size * inputs * outputs + outputs
}
