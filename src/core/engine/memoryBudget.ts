/**
 * The engine's side of the memory model (`../memoryModel.ts`): what the TF.js backend in use can
 * address, what a network's pass holds per row (measured on the network itself), the row limits and
 * chunks that follow, and what happens when memory runs out all the same (a guarded WASM allocator,
 * and `OUT_OF_MEMORY` errors that say whether the backend can still be trusted).
 *
 * A pass is measured on the network itself, inside `tf.tidy` where every tensor it makes lives until
 * the end, by the bytes the engine holds (see `passLimit`). Every family's passes are measured the
 * same way, so no family writes a formula for its activations.
 */
import * as tf from '@tensorflow/tfjs-core'
import { gatherRows, type ImageBatch } from '../dataset'
import {
  fromWireError,
  isMemoryFailure,
  isWebAssemblyTrap,
  LatentkitError,
  OutOfMemoryError,
  type ErrorDetails,
} from '../errors'
import { dropKernelMemory } from '../kernels/wasmKernels'
import {
  callBudget,
  checkSize,
  describeBytes,
  FLOAT_BYTES,
  JS_ARRAY_MAX_BYTES,
  JS_MEMORY_BYTES,
  rowLimit,
  WASM_HEAP_MAX_BYTES,
  type MemoryLimits,
  type SizeRequest,
} from '../memoryModel'

interface WebGPULimits {
  readonly maxStorageBufferBindingSize?: number
  readonly maxBufferSize?: number
}

/** The Emscripten module of TF.js's WASM backend, as far as the allocator goes. */
interface WasmModule {
  _malloc(bytes: number): number
  readonly HEAPU8: Uint8Array
}

/**
 * What the TF.js backend in use can hold. WASM: its heap's maximum (one heap for every tensor).
 * WebGPU: a tensor is one buffer, at most `maxBufferSize` and `maxStorageBufferBindingSize` of the
 * device. WebGL: a tensor is one texture of at most `MAX_TEXTURE_SIZE`² texels, one float each when
 * unpacked. CPU, and the total of the GPU backends (whose memory cannot be queried, and whose results
 * come back as typed arrays): what a JavaScript engine allocates.
 */
export function backendMemory(): MemoryLimits {
  const backend = tf.getBackend()
  if (backend === 'wasm') {
    guardWasmAllocations()
    return { backend, addressableBytes: WASM_HEAP_MAX_BYTES, maxTensorBytes: WASM_HEAP_MAX_BYTES }
  }
  let maxTensorBytes = JS_ARRAY_MAX_BYTES
  if (backend === 'webgpu') {
    const limits = (tf.backend() as { device?: { limits?: WebGPULimits } }).device?.limits
    maxTensorBytes = Math.min(
      limits?.maxStorageBufferBindingSize ?? maxTensorBytes,
      limits?.maxBufferSize ?? maxTensorBytes,
    )
  } else if (backend === 'webgl') {
    const side = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE')
    maxTensorBytes = side * side * FLOAT_BYTES
  }
  return { backend, addressableBytes: JS_MEMORY_BYTES, maxTensorBytes }
}

/** What a pass holds at its end inside `tf.tidy`: bytes per row, and bytes however many rows. */
export interface PassCost {
  readonly bytesPerRow: number
  readonly fixedBytes: number
}

/**
 * Measures `run` (which makes tensors for `rows` rows, synchronously): the bytes of every tensor it
 * makes inside `tf.tidy` (so nothing is freed before the end, as in the real call), on 2 and on 4
 * rows. Given `fixedBytes`, at most what the pass makes however many rows, on 2 rows only: the rest
 * counts as rows, so the cost of a row comes out at least the true one and limits of 2 rows or more
 * stay within the budget. Leaves nothing behind.
 */
export function measurePass(run: (rows: number) => unknown, fixedBytes?: number): PassCost {
  const held = (rows: number): number => {
    const before = tf.memory().numBytes
    let after = before
    tf.tidy(() => {
      run(rows)
      after = tf.memory().numBytes
    })
    return after - before
  }
  const two = held(2)
  if (fixedBytes !== undefined) {
    return {
      bytesPerRow: Math.max(Math.ceil((two - fixedBytes) / 2), FLOAT_BYTES),
      fixedBytes: Math.min(fixedBytes, two),
    }
  }
  const four = held(4)
  const bytesPerRow = Math.max(Math.ceil((four - two) / 2), FLOAT_BYTES)
  return { bytesPerRow, fixedBytes: Math.max(0, two - 2 * bytesPerRow) }
}

/** Bytes of `variables` (and so of their gradients): what a training step makes once. */
export function variableBytes(variables: readonly tf.Variable[]): number {
  return variables.reduce((sum, variable) => sum + variable.size * FLOAT_BYTES, 0)
}

/** Measurements kept, at most: a few per architecture a worker has seen. */
const MEASUREMENTS_KEPT = 256
/** Per backend, pass and architecture: the quick measurement, and the exact one once needed. */
const measured = new Map<string, { quick?: PassCost; exact?: PassCost }>()

/** A pass rows go through, and what the call holds beside it. */
export interface RowPass {
  /** Names the measurement, unique among the passes of one architecture. */
  readonly name: string
  /** Makes every tensor `rows` rows of the pass make, inside the caller's `tf.tidy`, changing nothing. */
  readonly run: (rows: number) => unknown
  /** Float32 values per row the call holds on the host (its input, the results read back). */
  readonly hostValuesPerRow: number
  /** Bytes held however many rows there are (a training set kept on the device). Default 0. */
  readonly fixedBytes?: number
  /**
   * At most what `run` makes however many rows (a training step's gradients; default 0), for the
   * quick measurement on one batch shape (see {@link passLimit}).
   */
  readonly passFixedBytes?: number
}

/**
 * The most rows one `pass` of a network of `architecture` (whatever determines the network: a
 * model's plan and image shape) may take on the backend in use, to decide on `wanted` rows. Measured
 * once per backend, architecture and pass, in two steps, because on GPU backends every batch shape a
 * measurement runs compiles the pass's programs once more: first quickly, on one batch shape with
 * `passFixedBytes` for what the pass makes once, which overestimates the cost of a row, so a request
 * within that limit fits; a request beyond it is measured exactly, on two batch shapes, and the
 * limit returned is then the exact one.
 */
export function passLimit(architecture: string, pass: RowPass, wanted: number): number {
  const key = `${tf.getBackend()}|${pass.name}|${architecture}`
  const entry = measured.get(key) ?? {}
  if (!measured.has(key)) {
    if (measured.size >= MEASUREMENTS_KEPT) measured.delete(measured.keys().next().value as string)
    measured.set(key, entry)
  }
  const limit = (cost: PassCost): number =>
    rowLimit(
      {
        bytesPerRow: cost.bytesPerRow + pass.hostValuesPerRow * FLOAT_BYTES,
        fixedBytes: cost.fixedBytes + (pass.fixedBytes ?? 0),
        tensorBytesPerRow: cost.bytesPerRow,
      },
      backendMemory(),
    )
  if (!entry.exact) {
    entry.quick ??= measurePass(pass.run, pass.passFixedBytes ?? 0)
    const quick = limit(entry.quick)
    // Sound from 2 rows on (see measurePass), and what fits 2 rows fits 1.
    if (wanted <= quick && quick >= 2) return quick
  }
  entry.exact ??= measurePass(pass.run)
  return limit(entry.exact)
}

/**
 * The most rows of `valuesPerRow` float32 values a call may hold on the host, beside `fixedBytes`
 * held whatever the rows.
 */
export function hostLimit(valuesPerRow: number, fixedBytes = 0): number {
  return rowLimit({ bytesPerRow: valuesPerRow * FLOAT_BYTES, fixedBytes }, backendMemory())
}

/** Throws `INVALID_OPTION` (see `checkSize`) when `request.actual` is above `limit` here. */
export function checkRows(request: SizeRequest, limit: number): void {
  checkSize(request, limit, backendMemory())
}

/**
 * Runs `rows` rows of `input` (`inputSize` values each) through `pass` in chunks of at most `chunk`
 * rows, each inside `tf.tidy` and read back before the next starts, into one array of `outputSize`
 * values per row.
 */
export async function mapRowChunks(
  input: Float32Array,
  rows: number,
  inputSize: number,
  outputSize: number,
  chunk: number,
  pass: (x: tf.Tensor2D) => tf.Tensor,
): Promise<Float32Array> {
  const read = async (start: number, end: number): Promise<Float32Array> => {
    const values = input.subarray(start * inputSize, end * inputSize)
    const result = tf.tidy(() => pass(tf.tensor2d(values, [end - start, inputSize])))
    try {
      return (await result.data()) as Float32Array
    } finally {
      result.dispose()
    }
  }
  if (rows <= chunk) return read(0, rows)
  const step = Math.max(1, chunk)
  const out = new Float32Array(rows * outputSize)
  for (let start = 0; start < rows; start += step) {
    out.set(await read(start, Math.min(rows, start + step)), start * outputSize)
  }
  return out
}

/**
 * The rows a training run gathers its batches from: one device tensor when the training set takes
 * at most half the call budget (a gather per step is then the fastest), else copied on the host
 * for each batch, so a training set of any size that fits in the worker trains.
 */
export class TrainingRows {
  private readonly all: tf.Tensor2D | undefined

  /** Bytes a set of `data` keeps on the device while it trains (0 when it stays on the host). */
  static residentBytes(data: ImageBatch): number {
    return TrainingRows.residentBytesOf(data.data.length)
  }

  /** Bytes a set of `values` float32 values would keep on the device while it trains (0: on the host). */
  static residentBytesOf(values: number): number {
    const bytes = values * FLOAT_BYTES
    return bytes <= callBudget(backendMemory()) / 2 ? bytes : 0
  }

  constructor(
    private readonly data: ImageBatch,
    private readonly size: number,
  ) {
    this.all =
      TrainingRows.residentBytes(data) > 0
        ? tf.tensor2d(data.data, [data.shape[0], size])
        : undefined
  }

  /** The rows `indices` as a `[rows, size]` tensor. Call inside `tf.tidy`. */
  batch(indices: Uint32Array): tf.Tensor2D {
    if (this.all) {
      return tf.gather(this.all, tf.tensor1d(Int32Array.from(indices), 'int32')) as tf.Tensor2D
    }
    const rows = new Float32Array(indices.length * this.size)
    gatherRows(rows, this.data.data, indices, this.size)
    return tf.tensor2d(rows, [indices.length, this.size])
  }

  /** Frees the device copy. */
  dispose(): void {
    this.all?.dispose()
  }
}

const guardedModules = new WeakSet<object>()

/**
 * Makes the WASM backend's allocator refuse, with `OUT_OF_MEMORY`, what it cannot give: a request
 * beyond its heap's maximum (which Emscripten's 32-bit `malloc` would wrap around to a smaller block
 * that TF.js then writes past, corrupting the heap for every later call) or one `malloc` could not
 * serve (it returns 0, and TF.js would write at address 0). Nothing is allocated then, so the
 * backend stays sound (`restartWorker: false`). Idempotent; a no-op on other backends.
 */
export function guardWasmAllocations(): void {
  if (tf.getBackend() !== 'wasm') return
  const wasm = (tf.backend() as { wasm?: WasmModule }).wasm
  if (!wasm || guardedModules.has(wasm)) return
  guardedModules.add(wasm)
  const malloc = wasm._malloc.bind(wasm)
  const refuse = (bytes: number): never => {
    throw new OutOfMemoryError(
      `the wasm backend could not allocate ${describeBytes(bytes)} (its heap grows to ${describeBytes(WASM_HEAP_MAX_BYTES)} at most and now spans ${describeBytes(wasm.HEAPU8.length)}); nothing was changed. Ask for less at once: fewer rows per call, a smaller batchSize or a smaller model`,
      { restartWorker: false, backend: 'wasm', source: 'allocation', requestedBytes: bytes },
    )
  }
  wasm._malloc = (bytes: number): number => {
    if (!(bytes <= WASM_HEAP_MAX_BYTES)) refuse(bytes)
    const address = malloc(bytes)
    if (address === 0 && bytes > 0) refuse(bytes)
    return address
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The typed error for a failure of memory, or undefined when `error` is not one. Every fused kernel
 * memory is dropped (see `dropKernelMemory`). A WebAssembly trap on the WASM backend (outside
 * latentkit's own kernels, whose traps arrive as `OUT_OF_MEMORY` already) leaves TF.js's heap in a
 * state that cannot be trusted: `details.restartWorker` is then `true`. Any other trap becomes
 * `INTERNAL` with the same flag.
 */
export function memoryErrorOf(error: unknown): LatentkitError | undefined {
  if (error instanceof LatentkitError) {
    if (error.code !== 'OUT_OF_MEMORY') return undefined
    dropKernelMemory()
    return error
  }
  const trap = isWebAssemblyTrap(error)
  if (!trap && !isMemoryFailure(error)) return undefined
  dropKernelMemory()
  const backend = tf.getBackend()
  const restartWorker = trap && backend === 'wasm'
  const cause = messageOf(error)
  const details: ErrorDetails = {
    restartWorker,
    backend,
    source: trap ? 'tfjs-wasm' : 'allocation',
    cause,
  }
  const state = restartWorker
    ? "TF.js's WebAssembly heap may be corrupted, so the worker must restart and its models come back from their last snapshots"
    : 'nothing was changed and the other models go on'
  if (!isMemoryFailure(error)) {
    return fromWireError({
      latentkitError: true,
      name: 'InternalError',
      code: 'INTERNAL',
      message: `a WebAssembly trap in the ${backend} backend (${cause}); ${state}`,
      details,
    })
  }
  return new OutOfMemoryError(
    `the ${backend} backend ran out of memory (${cause}); ${state}. Ask for less at once: fewer rows per call, a smaller batchSize or a smaller model`,
    details,
  )
}
