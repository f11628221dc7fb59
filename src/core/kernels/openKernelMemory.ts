/**
 * The kernel memory a fused trainer is made in: on a shared memory only when a second kernel thread
 * will start on it (the shared build reserves 1 GiB of address space up front), on a memory of its
 * own otherwise, and on its own too when the shared one cannot be had. Pure TypeScript.
 */
import {
  compileKernels,
  KernelMemory,
  loadSharedKernels,
  reserveSharedKernelMemory,
  type CompiledKernels,
} from './wasmKernels'

/** A kernel memory, and why it is not the shared one two threads were asked for (if so). */
export interface OpenedKernelMemory {
  readonly memory: KernelMemory
  /** Set when two threads were asked for and the memory is not shared: the reason. */
  readonly oneThreadReason?: string
}

/** Where the shared build and its memory come from (tests inject failing ones). */
export interface SharedKernelSource {
  /** The shared build, or why not. Default {@link loadSharedKernels}. */
  readonly load: () => Promise<{ readonly compiled?: CompiledKernels; readonly failure?: string }>
  /** A new shared memory; may throw (a refused reservation). Default {@link reserveSharedKernelMemory}. */
  readonly reserve: () => WebAssembly.Memory
}

const DEFAULT_SHARED: SharedKernelSource = {
  load: loadSharedKernels,
  reserve: reserveSharedKernelMemory,
}

/**
 * A new kernel memory: with `twoThreads` (a helper thread will start: a spawner is registered and
 * `kernelThreads` is 2), a shared build on a shared memory; otherwise, or when the shared build does
 * not load or its memory cannot be reserved, the build {@link compileKernels} chose on a memory of
 * its own (the same results: both builds compute the same bits). Undefined where no build runs
 * (train with TF.js operations). Throws only what {@link KernelMemory}'s first allocation throws.
 */
export async function openKernelMemory(
  twoThreads: boolean,
  shared: SharedKernelSource = DEFAULT_SHARED,
): Promise<OpenedKernelMemory | undefined> {
  let oneThreadReason: string | undefined
  if (twoThreads) {
    const { compiled, failure } = await shared.load()
    if (compiled) {
      try {
        return { memory: new KernelMemory(compiled, shared.reserve()) }
      } catch (error) {
        // A refused reservation (RangeError), or a memory the build cannot import (LinkError).
        oneThreadReason = `the shared kernel memory (1 GiB of address space) could not be reserved (${String(error)})`
      }
    } else {
      oneThreadReason = failure ?? 'the shared-memory kernels did not load'
    }
  }
  const own = await compileKernels()
  if (!own) return undefined
  return {
    memory: new KernelMemory(own),
    ...(oneThreadReason === undefined ? {} : { oneThreadReason }),
  }
}
