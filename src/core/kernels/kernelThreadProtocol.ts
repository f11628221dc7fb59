/**
 * How two threads share a matrix product over one shared kernel memory: a control block of int32
 * words in that memory, written by the thread that owns the model (the caller) and read by the helper
 * thread ({@link serveKernelThread}). Pure TypeScript, no TF.js.
 *
 * The caller writes a job's twelve `gemm` arguments, then posts the job's number in `JOB` and wakes
 * the helper (`Atomics.notify`). The helper claims it by swapping `JOB` to minus its number (waking
 * the caller), runs it, then stores the number in `DONE` (with `FAILED` set when the product threw)
 * and wakes the caller.
 * A caller that waited too long for the claim takes the job back by swapping `JOB` to 0 and runs it
 * itself, so a job is run exactly once.
 */
import type { KernelExports } from './wasmKernels'

/** Word the caller posts a job's number in (claimed: its negative; taken back: 0; stop: STOP_JOB). */
export const JOB = 0
/** Word the helper stores the finished job's number in. */
export const DONE = 1
/** 1 when the helper's last product threw (the caller then runs that half itself). */
export const FAILED = 2
/** 1 once the helper instantiated the kernels and waits for jobs. */
export const READY = 3
/** First of the twelve `gemm` arguments. */
export const ARGS = 4
/** Int32 words in the control block. */
export const CONTROL_WORDS = 16
/** The job number that tells the helper to return. */
export const STOP_JOB = 0x7fffffff

/**
 * The helper thread's loop: waits for jobs in the control block at byte offset `control` of the
 * kernels' shared memory and runs each one; returns when the caller posts {@link STOP_JOB}. Blocks
 * its thread (`Atomics.wait`), so it runs in a worker of its own.
 */
export function serveKernelThread(kernels: KernelExports, control: number): void {
  const words = new Int32Array(kernels.memory.buffer, control, CONTROL_WORDS)
  Atomics.store(words, READY, 1)
  Atomics.notify(words, READY)
  let seen = Atomics.load(words, JOB)
  for (;;) {
    Atomics.wait(words, JOB, seen)
    const job = Atomics.load(words, JOB)
    if (job === STOP_JOB) return
    seen = job
    if (job <= 0 || Atomics.compareExchange(words, JOB, job, -job) !== job) continue
    seen = -job
    Atomics.notify(words, JOB)
    let failed = 0
    try {
      kernels.gemm(
        words[ARGS] ?? 0,
        words[ARGS + 1] ?? 0,
        words[ARGS + 2] ?? 0,
        words[ARGS + 3] ?? 0,
        words[ARGS + 4] ?? 0,
        words[ARGS + 5] ?? 0,
        words[ARGS + 6] ?? 0,
        words[ARGS + 7] ?? 0,
        words[ARGS + 8] ?? 0,
        words[ARGS + 9] ?? 0,
        words[ARGS + 10] ?? 0,
        words[ARGS + 11] ?? 0,
      )
    } catch {
      failed = 1
    }
    Atomics.store(words, FAILED, failed)
    Atomics.store(words, DONE, job)
    Atomics.notify(words, DONE)
  }
}
