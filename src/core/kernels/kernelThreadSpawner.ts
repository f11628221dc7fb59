/**
 * Where the two-thread matrix product gets its helper thread from: the environment (the latentkit
 * worker on a cross-origin-isolated page, the Node bench and tests) registers a
 * {@link SpawnKernelThread}; without one every fused step runs on one thread. Pure TypeScript.
 */
import type { KernelThreads } from './fusedKernelsOption'
import type { SpawnKernelThread } from './twoThreadGemm'

let spawner: SpawnKernelThread | undefined

/**
 * Lets fused training steps use a second thread started by `spawn` (`undefined`: one thread). The
 * latentkit worker registers a module-worker spawner when it is cross-origin isolated.
 */
export function setKernelThreadSpawner(spawn: SpawnKernelThread | undefined): void {
  spawner = spawn
}

/** The registered spawner, if any. */
export function kernelThreadSpawner(): SpawnKernelThread | undefined {
  return spawner
}

let reported = false

/**
 * Tells the console, once per worker, why fused steps went back to one thread (the helper thread did
 * not start, or failed); training carries on on one thread and `progress.kernelThreads` shows `1`.
 */
export function reportKernelThreadFallback(reason: string): void {
  if (reported) return
  reported = true
  console.warn(`latentkit: fused kernels run on one thread: ${reason}`)
}

const threadsOf = new WeakMap<object, () => KernelThreads>()

/** Records how to read the threads `trainer`'s steps run on (done by the slot that made it). */
export function recordKernelThreads(trainer: object, threads: () => KernelThreads): void {
  threadsOf.set(trainer, threads)
}

/** Threads the steps of a fused trainer run on now (1 for TF.js operations, `undefined`). */
export function kernelThreadsOf(trainer: object | undefined): KernelThreads {
  return trainer === undefined ? 1 : (threadsOf.get(trainer)?.() ?? 1)
}
