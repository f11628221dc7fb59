/**
 * Lasso coordinate descent in latentkit's WebAssembly kernels (`lassoRows` in assembly/kernels.ts):
 * the operations of lassoCoordinateDescent.ts in the same order, so the same codes bit for bit, with
 * no JavaScript in the sweeps (their speed then no longer depends on what the engine compiled the
 * TypeScript loops to, which in a long-lived process was measured to halve it). The Gram matrix is
 * computed in TypeScript as there (once per call), each row's correlations and the rows' codes in
 * the kernels, in chunks of {@link CHUNK_ROWS} rows on one kernel memory kept per worker.
 */
import { compileKernels, KernelMemory, type CompiledKernels } from '../kernels/wasmKernels'
import {
  ACTIVE_SWEEPS,
  gramOf,
  sweepSummary,
  type CoordinateDescentOptions,
  type CoordinateDescentResult,
} from './lassoCoordinateDescent'

/** Rows solved per kernel call: their correlations and codes take 2·8·k bytes each. */
const CHUNK_ROWS = 64

/** A kernel memory laid out for `k` atoms of `m` values: the atoms, a chunk of rows, the scratch. */
interface Layout {
  readonly memory: KernelMemory
  readonly k: number
  readonly m: number
  readonly gram: number
  readonly atomsT: number
  readonly patches: number
  readonly q: number
  readonly norms: number
  readonly codes: number
  readonly sweeps: number
  readonly r: number
  readonly active: number
  readonly factor: number
  readonly solution: number
}

/** The layout kept for the next call (one per worker), when small enough to keep. */
let kept: Layout | undefined

/**
 * Largest layout kept between calls (8 MiB, 128 atoms take about 0.4): a rare huge dictionary's
 * memory (its Gram matrix and factor are 16·k² bytes) goes with its call.
 */
const KEEP_BYTES = 8 * 1024 * 1024

/**
 * The kept layout when it fits `k` atoms of `m` values and its memory was not dropped, else a new
 * one; undefined when its memory cannot be had (the TypeScript solver runs then).
 */
function layoutFor(compiled: CompiledKernels, k: number, m: number): Layout | undefined {
  if (kept?.k === k && kept.m === m && kept.memory.compiled === compiled && !kept.memory.dropped) {
    return kept
  }
  kept = undefined
  try {
    const layout = newLayout(compiled, k, m)
    const bytes = layout.memory.kernels.memory.buffer.byteLength
    if (bytes <= KEEP_BYTES) kept = layout
    return layout
  } catch (error) {
    // A memory that could not grow (RangeError): nothing was kept.
    if (error instanceof RangeError) return undefined
    throw error
  }
}

/** A new kernel memory laid out for `k` atoms of `m` values. */
function newLayout(compiled: CompiledKernels, k: number, m: number): Layout {
  const memory = new KernelMemory(compiled)
  return {
    memory,
    k,
    m,
    gram: memory.allocDoubles(k * k),
    atomsT: memory.allocDoubles(m * k),
    patches: memory.alloc(CHUNK_ROWS * m),
    q: memory.allocDoubles(CHUNK_ROWS * k),
    norms: memory.allocDoubles(CHUNK_ROWS),
    codes: memory.allocDoubles(CHUNK_ROWS * k),
    sweeps: memory.alloc(CHUNK_ROWS),
    r: memory.allocDoubles(k),
    active: memory.alloc(k),
    factor: memory.allocDoubles(k * k),
    solution: memory.allocDoubles(k),
  }
}

/**
 * `maxIterations` as the kernels' 32-bit count with the TypeScript loop's meaning (`sweeps <
 * maxIterations`): a fraction rounds up, anything past 2³¹ − 1 (Infinity) is 2³¹ − 1, NaN none.
 */
function sweepBudget(maxIterations: number): number {
  if (Number.isNaN(maxIterations)) return 0
  return Math.max(0, Math.min(Math.ceil(maxIterations), 2 ** 31 - 1))
}

/**
 * {@link coordinateDescentLasso}'s codes (same arguments, same bits) on the kernels, or undefined
 * where no kernel build runs here (no WebAssembly SIMD) or their memory cannot be had: solve in
 * TypeScript then. `build`: the kernels to run (default: {@link compileKernels}' choice; tests pass
 * each build).
 */
export async function kernelLasso(
  patches: Float32Array,
  atoms: Float32Array,
  k: number,
  options: CoordinateDescentOptions,
  initial?: Float32Array,
  build?: CompiledKernels,
): Promise<CoordinateDescentResult | undefined> {
  const compiled = build ?? (await compileKernels())
  if (!compiled || k === 0) return undefined
  const m = atoms.length / k
  const n = patches.length / m
  const at = layoutFor(compiled, k, m)
  if (!at) return undefined
  const { memory } = at
  const { kernels } = memory
  const { buffer } = kernels.memory
  memory.viewDoubles(at.gram, k * k).set(gramOf(atoms, k, m))
  const atomsT = memory.viewDoubles(at.atomsT, m * k)
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < m; i++) atomsT[i * k + j] = atoms[j * m + i] as number
  }
  const chunk = memory.view(at.patches, CHUNK_ROWS * m)
  const w = memory.viewDoubles(at.codes, CHUNK_ROWS * k)
  const chunkSweeps = new Int32Array(buffer, at.sweeps, CHUNK_ROWS)
  const codes = new Float32Array(n * k)
  const sweeps = new Int32Array(n)
  for (let from = 0; from < n; from += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - from)
    chunk.set(patches.subarray(from * m, (from + rows) * m))
    kernels.lassoCorrelations(at.patches, at.atomsT, k, m, rows, at.q, at.norms)
    if (initial) w.set(initial.subarray(from * k, (from + rows) * k))
    else w.fill(0, 0, rows * k)
    kernels.lassoRows(
      at.gram,
      k,
      at.q,
      at.norms,
      at.codes,
      rows,
      options.lambda,
      options.nonNegative ? 1 : 0,
      options.tolerance,
      sweepBudget(options.maxIterations),
      ACTIVE_SWEEPS,
      at.r,
      at.active,
      at.factor,
      at.solution,
      at.sweeps,
    )
    codes.set(w.subarray(0, rows * k), from * k)
    sweeps.set(chunkSweeps.subarray(0, rows), from)
  }
  return { codes, ...sweepSummary(sweeps) }
}
