/**
 * A matrix product summed over slices of its inner dimension (a convolution's kernel gradient: the
 * patches' tens of thousands of rows in cache-sized slices), as one call: on one thread a loop of
 * the kernels' `gemm`, or, where a two-thread product registered itself for the kernels a model
 * calls, one hand-off to the helper thread for the whole sum (each thread takes its own rows of C
 * over every slice). Pure TypeScript, no TF.js.
 */
import type { KernelExports } from './wasmKernels'

/** The `gemm` arguments, as the kernels' `gemm` takes them. */
export type GemmArguments = Parameters<KernelExports['gemm']>

/**
 * C = A·B (or C += A·B), arguments as the kernels' `gemm`, computed as the sum over slices of
 * `slice` steps of the inner dimension K, one `gemm` each (the first writes C unless `accumulate`,
 * the rest add to it): element by element the same sums, in the same order, on any thread.
 */
export function gemmSlices(kernels: KernelExports, args: GemmArguments, slice: number): void {
  const [a, ai, ak, b, bk, bj, c, m, k, n, accumulate, panel] = args
  const step = Math.max(1, Math.floor(slice))
  for (let from = 0; from < k; from += step) {
    kernels.gemm(
      a + 4 * from * ak,
      ai,
      ak,
      b + 4 * from * bk,
      bk,
      bj,
      c,
      m,
      Math.min(step, k - from),
      n,
      from > 0 ? 1 : accumulate,
      panel,
    )
  }
}

/** Runs a sliced product (arguments as {@link gemmSlices}) on more than one thread. */
export type SlicedGemm = (args: GemmArguments, slice: number) => void

const splitters = new WeakMap<KernelExports, SlicedGemm>()

/**
 * Makes {@link slicedGemm} on `kernels` (the kernels a model calls, `KernelMemory.modelKernels`)
 * run through `split`; `undefined` goes back to one thread.
 */
export function setSlicedGemm(kernels: KernelExports, split: SlicedGemm | undefined): void {
  if (split) splitters.set(kernels, split)
  else splitters.delete(kernels)
}

/**
 * {@link gemmSlices} on `kernels`, through the two-thread product registered for them (one hand-off
 * for the whole sum) when there is one.
 */
export function slicedGemm(kernels: KernelExports, args: GemmArguments, slice: number): void {
  const split = splitters.get(kernels)
  if (split) split(args, slice)
  else gemmSlices(kernels, args, slice)
}
