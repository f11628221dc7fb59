/**
 * The helper thread of the two-thread matrix product: instantiates the shared kernels on the shared
 * memory it is given and serves products until told to stop. Runs in a worker of its own (a module
 * worker in the browser, a worker thread in Node), because it blocks in `Atomics.wait`.
 */
import { serveKernelThread } from './kernelThreadProtocol'
import type { KernelThreadStart } from './twoThreadGemm'
import { instantiateKernels } from './wasmKernels'

/** Runs the helper thread's loop on `start` (returns when the caller stops it). */
export function runKernelThread(start: KernelThreadStart): void {
  serveKernelThread(instantiateKernels(start.compiled, start.memory), start.control)
}
