/**
 * Which register block the kernels' matrix products run fastest with on this engine (`tileRows` in
 * assembly/kernels.ts): six rows of A where the engine keeps the block's twelve accumulators in
 * registers, four where it does not. Measured on this project's machine: six rows 7–9 % faster on
 * every product shape of the conv and VAE models in Chromium 156, half as fast in Node 20 (V8 11.3,
 * whose register allocator spills them). Every value of a product is the same sum in the same order
 * either way, so the choice can change under a running model, and threads or instances that chose
 * differently agree bit for bit. Pure TypeScript, no TF.js.
 */
import type { KernelExports } from './wasmKernels'

/** Rows of A per register block of the products. */
export type TileRows = 4 | 6

/** The probe's product, M × K × N: M a multiple of both block heights. */
const [M, K, N] = [96, 256, 32]

/** Products per batch while waiting for the optimising tier (about 1.6 ms each before it). */
const WAITING_BATCH = 8

/** Products per timed batch once optimised: about 3 ms, well above a coarse clock's 0.1 ms. */
const TIMED_BATCH = 96

/**
 * Most batches to wait for the optimising tier. Engines run WebAssembly first in a baseline tier
 * whose times say nothing about the optimised code; the products' function reached its optimised
 * speed after 20–35 ms of running (here 13–22 batches) in both Node 20 and Chromium 156 here.
 */
const WAITING_BATCHES = 60

/**
 * A batch at least this fast (GFLOP/s) runs optimised code whatever the baseline did: the baseline
 * tier ran this product at 7–8 GFLOP/s here, the optimised one at 48–55 (a module optimised already
 * shows no drop to wait for).
 */
const OPTIMISED_GFLOPS = 20

/** Timed batches of each block height, alternating; each height's best counts. */
const ROUNDS = 4

/** How much faster six rows must be to be chosen (timing noise aside). */
const MARGIN = 0.97

/** The probe's clock and scheduler (tests pass their own). */
export interface ProbeClock {
  /** Milliseconds. */
  now(): number
  /** Runs `step` later, letting other work run in between. */
  later(step: () => void): void
}

const REAL_CLOCK: ProbeClock = {
  now: () => performance.now(),
  later: (step) => setTimeout(step, 0),
}

/**
 * Times `kernels`' real `gemm` on a 96×256×32 product with four- and six-row blocks and tells `done`
 * the faster height. One batch per step ({@link ProbeClock.later}, the first one too), each a few
 * milliseconds, so a worker trains between them: first batches of the four-row product until one
 * takes under half the second one's time (the first also pays compilation) or runs at
 * {@link OPTIMISED_GFLOPS} or more, then {@link ROUNDS} alternating timed batches of each height.
 * Four when the optimised code was not seen within {@link WAITING_BATCHES}. Uses `kernels`' memory
 * from its heap base (an instance made for this) and leaves it on four rows.
 */
export function probeTileRows(
  kernels: KernelExports,
  done: (rows: TileRows) => void,
  clock: ProbeClock = REAL_CLOCK,
): void {
  const a = Math.ceil(kernels.heapBase() / 64) * 64
  const b = a + 4 * M * K
  const c = b + 4 * K * N
  const panel = c + 4 * M * N
  const batch = (rows: TileRows, products: number): number => {
    const short = panel + 4 * 8 * K - kernels.memory.buffer.byteLength
    if (short > 0) kernels.memory.grow(Math.ceil(short / 65536))
    kernels.setTileRows(rows)
    const start = clock.now()
    for (let i = 0; i < products; i++) kernels.gemm(a, K, 1, b, N, 1, c, M, K, N, 0, panel)
    const ms = clock.now() - start
    kernels.setTileRows(4)
    return ms
  }
  const fastMs = (2 * M * K * N * WAITING_BATCH) / (OPTIMISED_GFLOPS * 1e6)
  let waited = 0
  let baseline = Infinity
  let optimised = false
  const best = { 4: Infinity, 6: Infinity }
  let timed = 0
  const step = (): void => {
    if (!optimised) {
      const ms = batch(4, WAITING_BATCH)
      waited += 1
      if (waited === 2) baseline = ms
      optimised = waited >= 2 && (ms < fastMs || ms < baseline / 2)
      if (!optimised && waited >= WAITING_BATCHES) done(4)
      else clock.later(safeStep)
      return
    }
    // Rounds alternate which height goes first: 6, 4, then 4, 6, …
    const firstOfRound = timed % 2 === 0
    const evenRound = Math.floor(timed / 2) % 2 === 0
    const rows: TileRows = firstOfRound === evenRound ? 6 : 4
    best[rows] = Math.min(best[rows], batch(rows, TIMED_BATCH))
    timed += 1
    if (timed < 2 * ROUNDS) clock.later(safeStep)
    else done(best[6] < MARGIN * best[4] ? 6 : 4)
  }
  // A probe that fails (its memory would not grow, say) leaves the kernels on four rows.
  const safeStep = (): void => {
    try {
      step()
    } catch {
      done(4)
    }
  }
  clock.later(safeStep)
}

let preferred: TileRows = 4
const following = new Set<WeakRef<KernelExports>>()
let settle: (rows: TileRows) => void = () => undefined
const measured = new Promise<TileRows>((resolve) => {
  settle = resolve
})

/** The probe's answer ({@link measureTileRows}), once it has one. */
export function measuredTileRows(): Promise<TileRows> {
  return measured
}

/**
 * Runs {@link probeTileRows} on `kernels` (an instance made for it) in the background, then makes
 * its answer every instance's ({@link preferTileRows}) and {@link measuredTileRows}'.
 */
export function measureTileRows(kernels: KernelExports): void {
  probeTileRows(kernels, (rows) => {
    preferTileRows(rows)
    settle(rows)
  })
}

/** The block height the engine's products run fastest with, as far as measured yet (4 before). */
export function preferredTileRows(): TileRows {
  return preferred
}

/**
 * Sets `kernels` to {@link preferredTileRows}, and, made before the probe answered, to its answer
 * then.
 */
export function followTileRows(kernels: KernelExports): void {
  kernels.setTileRows(preferred)
  if (!answered) following.add(new WeakRef(kernels))
}

let answered = false

/** Records the measured height and moves every instance made before it to it. */
export function preferTileRows(rows: TileRows): void {
  preferred = rows
  answered = true
  for (const ref of following) ref.deref()?.setTileRows(rows)
  following.clear()
}
