/**
 * The environment the bench's Python references (PyTorch, scikit-learn) run in.
 *
 * Thread counts: OpenMP and the BLAS told the same number as the script.
 *
 * The heap: glibc gives memory back to the system when the top of its heap is free and takes it
 * again at the next step, so a PyTorch step that frees and reallocates its temporaries pays page
 * faults every step. On this project's VM a fault is dear and its price swings with the host: the
 * reference VAE ran at 5,900–6,700 samples/s as installed and at 19,400–20,400 with the heap kept
 * (one thread for OpenMP and OpenBLAS), the convolutional GAN's step at 87 against 25 ms. A
 * reference is judged at its best, so the bench keeps 256 MB at the top of the heap
 * (`MALLOC_TOP_PAD_`, what a preloaded jemalloc or tcmalloc would also give), unless told `'default'`.
 */

/** How a reference's heap is set up: kept (its best here) or glibc's defaults (as installed). */
export type ReferenceHeap = 'kept' | 'default'

/** Bytes glibc keeps at the top of its heap instead of giving them back (`MALLOC_TOP_PAD_`). */
export const KEPT_HEAP_TOP_PAD = 256 * 1024 * 1024

/**
 * The current environment with `threads` threads for OpenMP and `blasThreads` (default: the same)
 * for the BLAS, and `heap` set up. With more than one OpenMP thread, its threads sleep while they
 * wait (`OMP_WAIT_POLICY=PASSIVE`): on this project's 2-core machine spinning OpenMP threads and
 * OpenBLAS's own threads took turns on the cores, and the reference VAE's step on two threads ran at
 * 7,010–14,687 samples/s spinning against 20,919 sleeping.
 */
export function referenceEnv(
  threads: number,
  heap: ReferenceHeap = 'kept',
  blasThreads = threads,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(blasThreads),
    MKL_NUM_THREADS: String(blasThreads),
  }
  if (threads > 1) env.OMP_WAIT_POLICY = 'PASSIVE'
  else delete env.OMP_WAIT_POLICY
  if (heap === 'kept') env.MALLOC_TOP_PAD_ = String(KEPT_HEAP_TOP_PAD)
  else delete env.MALLOC_TOP_PAD_
  return env
}

/** How the report names a heap set-up. */
export function referenceHeapLabel(heap: ReferenceHeap): string {
  return heap === 'kept'
    ? `glibc's heap kept (MALLOC_TOP_PAD_=${KEPT_HEAP_TOP_PAD})`
    : "glibc's heap defaults"
}
