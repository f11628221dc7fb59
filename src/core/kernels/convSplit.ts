/**
 * A convolution's forward pass (im2col, then the product) split by images across two kernel threads:
 * each thread builds the patches of its own images and multiplies them, so one hand-off covers both
 * and the patches are built in parallel too. Images are independent in both steps, so every value is
 * computed as on one thread. Pure TypeScript, no TF.js.
 */
import type { ConvGeometry, ConvScratch } from './convKernels'
import type { KernelExports } from './wasmKernels'

/** Runs a convolution's forward pass (arguments as convKernels.ts's `convForward`) on two threads. */
export type ConvForwardSplit = (
  g: ConvGeometry,
  x: number,
  kernel: number,
  out: number,
  scratch: ConvScratch,
) => void

const splitters = new WeakMap<KernelExports, ConvForwardSplit>()

/**
 * Makes convKernels.ts's `convForward` on `kernels` (the kernels a model calls,
 * `KernelMemory.modelKernels`) run through `split`; `undefined` goes back to one thread.
 */
export function setConvForwardSplit(
  kernels: KernelExports,
  split: ConvForwardSplit | undefined,
): void {
  if (split) splitters.set(kernels, split)
  else splitters.delete(kernels)
}

/** The split registered for `kernels`, if any. */
export function convForwardSplit(kernels: KernelExports): ConvForwardSplit | undefined {
  return splitters.get(kernels)
}

/**
 * Images `from` to `from + count` of a convolution: their geometry, and the byte offsets of their
 * input, output and patch rows within the whole batch's buffers at `x`, `out` and `patches`.
 */
export function imageRange(
  g: ConvGeometry,
  from: number,
  count: number,
  x: number,
  out: number,
  patches: number,
): { g: ConvGeometry; x: number; out: number; patches: number } {
  const cells = from * g.outHeight * g.outWidth
  return {
    g: { ...g, batch: count },
    x: x + 4 * from * g.height * g.width * g.channels,
    out: out + 4 * cells * g.filters,
    patches: patches + 4 * cells * g.size * g.size * g.channels,
  }
}
