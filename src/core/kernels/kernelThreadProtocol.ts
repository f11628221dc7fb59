/**
 * How two threads share the kernels' work over one shared kernel memory: a control block of int32
 * words in that memory, written by the thread that owns the model (the caller) and read by the helper
 * thread ({@link serveKernelThread}). Pure TypeScript, no TF.js.
 *
 * The caller writes a job's kernel ({@link GEMM_JOB}: the twelve `gemm` arguments; {@link ADAM_JOB}:
 * `adam`'s five integer arguments and six float ones; {@link SLICED_GEMM_JOB}: the twelve `gemm`
 * arguments and the slice; {@link CONV_FORWARD_JOB} and {@link TRANSPOSED_CONV_JOB}: a
 * convolution's buffers and geometry), then posts the job's number in `JOB` and
 * wakes the helper (`Atomics.notify`). The helper claims it by swapping `JOB` to minus its number
 * (waking the caller), runs it, then stores the number in `DONE` (with `FAILED` set when the kernel
 * threw) and wakes the caller.
 * A caller that waited too long for the claim takes the job back by swapping `JOB` to 0 and runs it
 * itself, so a job is run exactly once.
 */
import { convForwardOnce, convGeometry, transposedConvForwardOnce } from './convKernels'
import { gemmSlices } from './slicedGemm'
import type { KernelExports } from './wasmKernels'

/** Word the caller posts a job's number in (claimed: its negative; taken back: 0; stop: STOP_JOB). */
export const JOB = 0
/** Word the helper stores the finished job's number in. */
export const DONE = 1
/** 1 when the helper's last job threw (the caller then runs that part itself). */
export const FAILED = 2
/** 1 once the helper instantiated the kernels and waits for jobs. */
export const READY = 3
/** First of the (up to twelve) integer arguments of a job. */
export const ARGS = 4
/** Word holding which kernel a job runs (one of the `…_JOB` kinds below). */
export const KERNEL = 16
/** First int32 word of the float64 arguments (8-byte aligned: the block is 64-byte aligned). */
export const FLOAT_ARGS = 18
/** Float64 arguments a job may carry. */
export const FLOAT_ARG_COUNT = 6
/** Microseconds a thread spins on a control word before it sleeps (set by the caller). */
export const SPIN = 30
/** Int32 words in the control block (the last one stays unused). */
export const CONTROL_WORDS = 32
/** The job number that tells the helper to return. */
export const STOP_JOB = 0x7fffffff

/** A job running `gemm` on its twelve integer arguments. */
export const GEMM_JOB = 0
/** A job running `adam`: `p, g, m, v, n` as integers, `rate, beta1, beta2, c1, c2, epsilon` as floats. */
export const ADAM_JOB = 1
/**
 * A job running `gemm` summed over slices of its inner dimension (slicedGemm.ts's `gemmSlices`):
 * the twelve `gemm` arguments as integers, the slice (rows of K per `gemm`) as the first float.
 */
export const SLICED_GEMM_JOB = 2
/**
 * A job running a convolution's forward pass on some images (convKernels.ts's `convForwardOnce`):
 * `x, kernel, out, patches, panel, batch, height, width, channels, filters, size, stride` as
 * integers (the rest of the geometry follows from them: {@link convGeometry}).
 */
export const CONV_FORWARD_JOB = 3
/**
 * A job running a transposed convolution's forward pass on some images (convKernels.ts's
 * `transposedConvForwardOnce`), arguments as {@link CONV_FORWARD_JOB}'s.
 */
export const TRANSPOSED_CONV_JOB = 4

/**
 * The most a thread spins on a control word before it sleeps in `Atomics.wait`, by default, µs.
 * Waking a sleeping thread (a futex; on a virtual machine, an idle virtual CPU) costs tens to hundreds
 * of microseconds, a large share of a half product, so a thread first spins for its partner; but a
 * spinning thread holds a core the other thread may need when the machine is busy, so the spin
 * adapts ({@link SpinBudget}).
 */
export const DEFAULT_SPIN_MICROSECONDS = 500

/** The least an adaptive spin shrinks to, µs (so a partner that answers fast lets it grow again). */
const MINIMUM_SPIN_MICROSECONDS = 10

/**
 * How long one waiting site spins: it doubles (up to the block's {@link SPIN} word) each time the
 * partner answered within the spin, and halves each time the spin ran out and the thread slept.
 * On a quiet machine the partner answers within microseconds and the spin stays long; on a busy one
 * the partner is often descheduled and the spin shrinks to {@link MINIMUM_SPIN_MICROSECONDS}.
 */
export class SpinBudget {
  /** The next spin's length, µs (starts at {@link DEFAULT_SPIN_MICROSECONDS}). */
  microseconds = DEFAULT_SPIN_MICROSECONDS
  /** Waits the partner answered within the spin. */
  spun = 0
  /** Waits whose spin ran out (the thread then slept). */
  slept = 0

  /** Records a wait that the partner answered within the spin (`true`) or not, under `maximum` µs. */
  update(answered: boolean, maximum: number): void {
    if (answered) this.spun += 1
    else this.slept += 1
    const next = answered ? this.microseconds * 2 : this.microseconds / 2
    this.microseconds = Math.min(maximum, Math.max(MINIMUM_SPIN_MICROSECONDS, next))
  }
}

/**
 * Waits until word `index` of `words` is no longer `value`: spins up to `spin`'s budget (none when
 * the block's {@link SPIN} word is 0), then sleeps until `timeoutMs` has passed; returns the word's
 * value then (still `value` after a timeout).
 */
export function waitWhile(
  words: Int32Array,
  index: number,
  value: number,
  spin: SpinBudget,
  timeoutMs = Infinity,
): number {
  let now = Atomics.load(words, index)
  if (now !== value) return now
  const maximum = Atomics.load(words, SPIN)
  const started = performance.now()
  if (maximum > 0) {
    const spinUntil = started + Math.min(Math.min(spin.microseconds, maximum) / 1000, timeoutMs)
    while (now === value && performance.now() < spinUntil) now = Atomics.load(words, index)
    spin.update(now !== value, maximum)
    if (now !== value) return now
  }
  Atomics.wait(words, index, value, Math.max(0, started + timeoutMs - performance.now()))
  return Atomics.load(words, index)
}

/** Runs the job the control block `words` (floats: `floats`) describes with `kernels`. */
function runJob(kernels: KernelExports, words: Int32Array, floats: Float64Array): void {
  const int = (i: number): number => words[ARGS + i] ?? 0
  const float = (i: number): number => floats[i] ?? 0
  const kernel = Atomics.load(words, KERNEL)
  if (kernel === ADAM_JOB) {
    kernels.adam(
      int(0),
      int(1),
      int(2),
      int(3),
      int(4),
      float(0),
      float(1),
      float(2),
      float(3),
      float(4),
      float(5),
    )
    return
  }
  if (kernel === CONV_FORWARD_JOB || kernel === TRANSPOSED_CONV_JOB) {
    const g = convGeometry(int(5), int(6), int(7), int(8), int(9), int(10), int(11))
    const pass = kernel === CONV_FORWARD_JOB ? convForwardOnce : transposedConvForwardOnce
    pass(kernels, g, int(0), int(1), int(2), { patches: int(3), panel: int(4) })
    return
  }
  if (kernel === SLICED_GEMM_JOB) {
    const args = Array.from({ length: 12 }, (_, i) => int(i)) as Parameters<KernelExports['gemm']>
    gemmSlices(kernels, args, float(0))
    return
  }
  kernels.gemm(
    int(0),
    int(1),
    int(2),
    int(3),
    int(4),
    int(5),
    int(6),
    int(7),
    int(8),
    int(9),
    int(10),
    int(11),
  )
}

/**
 * The helper thread's loop: waits for jobs in the control block at byte offset `control` of the
 * kernels' shared memory and runs each one; returns when the caller posts {@link STOP_JOB}. Blocks
 * its thread (`Atomics.wait`), so it runs in a worker of its own.
 */
export function serveKernelThread(kernels: KernelExports, control: number): void {
  const words = new Int32Array(kernels.memory.buffer, control, CONTROL_WORDS)
  const floats = new Float64Array(kernels.memory.buffer, control + 4 * FLOAT_ARGS, FLOAT_ARG_COUNT)
  Atomics.store(words, READY, 1)
  Atomics.notify(words, READY)
  const spin = new SpinBudget()
  let seen = Atomics.load(words, JOB)
  for (;;) {
    const job = waitWhile(words, JOB, seen, spin)
    if (job === STOP_JOB) return
    seen = job
    if (job <= 0 || Atomics.compareExchange(words, JOB, job, -job) !== job) continue
    seen = -job
    Atomics.notify(words, JOB)
    let failed = 0
    try {
      runJob(kernels, words, floats)
    } catch {
      failed = 1
    }
    Atomics.store(words, FAILED, failed)
    Atomics.store(words, DONE, job)
    Atomics.notify(words, DONE)
  }
}
