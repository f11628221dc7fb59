/**
 * A convolution's forward pass (im2col, then the product) or a transposed convolution's (the product,
 * then col2im) split by images across two kernel threads: each thread handles its own images' patch
 * rows and product rows, so one hand-off covers both steps and im2col or col2im runs in parallel too.
 * Images are independent in every step, so every value is computed as on one thread. Pure
 * TypeScript, no TF.js.
 */
import type { ConvGeometry, ConvScratch } from './convKernels'
import type { KernelExports } from './wasmKernels'

/** Which pass: a convolution's forward pass, or a transposed convolution's. */
export type ConvOperation = 'forward' | 'transposed'

/**
 * Runs a convolution's or transposed convolution's forward pass (arguments as convKernels.ts's
 * `convForward` and `transposedConvForward`) on two threads.
 */
export type ConvSplit = (
  operation: ConvOperation,
  g: ConvGeometry,
  x: number,
  kernel: number,
  out: number,
  scratch: ConvScratch,
) => void

const splitters = new WeakMap<KernelExports, ConvSplit>()

/**
 * Makes convKernels.ts's `convForward` and `transposedConvForward` on `kernels` (the kernels a model
 * calls, `KernelMemory.modelKernels`) run through `split`; `undefined` goes back to one thread.
 */
export function setConvSplit(kernels: KernelExports, split: ConvSplit | undefined): void {
  if (split) splitters.set(kernels, split)
  else splitters.delete(kernels)
}

/** The split registered for `kernels`, if any. */
export function convSplit(kernels: KernelExports): ConvSplit | undefined {
  return splitters.get(kernels)
}

/**
 * Images `from` to `from + count` of a convolution `g`: their geometry, and the byte offsets of their
 * rows within the whole batch's buffers: `images` (`[batch, height, width, channels]`), `cells`
 * (`[batch, outHeight, outWidth, filters]`) and `patches` (`[batch·outHeight·outWidth, size²·channels]`).
 */
export function imageRange(
  g: ConvGeometry,
  from: number,
  count: number,
  images: number,
  cells: number,
  patches: number,
): { g: ConvGeometry; images: number; cells: number; patches: number } {
  const before = from * g.outHeight * g.outWidth
  return {
    g: { ...g, batch: count },
    images: images + 4 * from * g.height * g.width * g.channels,
    cells: cells + 4 * before * g.filters,
    patches: patches + 4 * before * g.size * g.size * g.channels,
  }
}
