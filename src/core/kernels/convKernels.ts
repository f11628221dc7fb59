/**
 * Strided 'same'-padded convolutions and transposed convolutions (NHWC, float32) on latentkit's own
 * WebAssembly kernels: im2col (or its adjoint, col2im) around the SIMD matrix product; a transposed
 * convolution onto 8k channels adds the product's blocks straight into the image (`gemmCol2im`, no
 * patch matrix). Every buffer is a byte offset into one {@link KernelExports}' memory; the layouts
 * are TF.js's, so weights copy over as they are: a convolution's kernel `[k, k, in, out]`, a
 * transposed one's `[k, k, out, in]`.
 *
 * The kernels keep no scratch in static memory: `gemmCol2im`'s output cells go after the packed
 * kernel in the caller's panel ({@link panelValues}). They were once static, in a data segment that
 * the shared builds re-apply at every instantiation, and the helper thread instantiates while the
 * first steps already run: the two-thread conv autoencoder's losses then differed from one
 * thread's in the sixth digit. On two kernel threads each thread runs `gemmCol2im` on its own images
 * with its own panel (split where `splitImage` keeps the 64-row groups whole, so every pixel's sums
 * run in one thread's order and the bits match one thread's). Measured on the default
 * conv autoencoder's 3136×32×256 transposed convolution (CPU time per call, interleaved, machine
 * at load 13–17 on two cores): 1.43–1.89 ms against 1.51–1.97 ms for the product then col2im
 * (10th percentile 1.27–1.33 against 1.35–1.40 ms); the whole step showed no gain beyond the noise.
 */
import { convSplit, imageRange } from './convSplit'
import { slicedGemm } from './slicedGemm'
import type { KernelExports } from './wasmKernels'

/**
 * One convolution's sizes: it reads images `[batch, height, width, channels]` and writes
 * `[batch, outHeight, outWidth, filters]`. A transposed convolution is described by the convolution it
 * is the adjoint of: it reads `[batch, outHeight, outWidth, filters]` and writes the images.
 */
export interface ConvGeometry {
  readonly batch: number
  readonly height: number
  readonly width: number
  readonly channels: number
  readonly filters: number
  readonly size: number
  readonly stride: number
  readonly outHeight: number
  readonly outWidth: number
  /** Zero rows above the image ('same' padding puts the odd one below). */
  readonly top: number
  /** Zero columns left of the image. */
  readonly left: number
}

/** The geometry of a 'same'-padded convolution of `size`×`size` with `stride` (TF.js's padding). */
export function convGeometry(
  batch: number,
  height: number,
  width: number,
  channels: number,
  filters: number,
  size: number,
  stride: number,
): ConvGeometry {
  const outHeight = Math.ceil(height / stride)
  const outWidth = Math.ceil(width / stride)
  const padHeight = Math.max((outHeight - 1) * stride + size - height, 0)
  const padWidth = Math.max((outWidth - 1) * stride + size - width, 0)
  return {
    batch,
    height,
    width,
    channels,
    filters,
    size,
    stride,
    outHeight,
    outWidth,
    top: Math.floor(padHeight / 2),
    left: Math.floor(padWidth / 2),
  }
}

/** Values of the patch matrix (`[batch·outHeight·outWidth, size²·channels]`) of `g`. */
export function patchValues(g: ConvGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.size * g.size * g.channels
}

/**
 * Floats after the packed kernel in `gemmCol2im`'s panel: the output cells of its group of rows (64
 * rows, `COL2IM_ROWS` in assembly/kernels.ts, one i64 each). The kernel keeps them there, in the
 * caller's scratch, not in static memory that another thread's instantiation rewrites.
 */
const COL2IM_CORNER_VALUES = 2 * 64

/**
 * Floats of panel scratch that the products of `g` need: `gemm`'s eight columns over the longest
 * inner dimension, the whole kernel that `gemmCol2im` packs and its group's output cells, or the
 * whole kernel in panels of eight filters (zero padded) that `gemmPackedB` packs.
 */
export function panelValues(g: ConvGeometry): number {
  const depth = g.size * g.size * g.channels
  return Math.max(
    8 * Math.max(g.batch * g.outHeight * g.outWidth, depth, g.filters),
    depth * g.filters + COL2IM_CORNER_VALUES,
    depth * 8 * Math.ceil(g.filters / 8),
  )
}

/**
 * Least patch width (floats) for which a convolution's product packs its whole kernel first
 * (`gemmPackedB`): each block of four patch rows then meets every eight filters while it is in the
 * cache, instead of the whole patch matrix streaming past each eight. Measured with
 * bench/convProductBench.ts (interleaved, caches flushed before each call as a step leaves them):
 * 1.12–1.14× on 3136×256×32 and 6272×256×32; no gain on 16-wide patches (a grey image's), whose
 * rows are 64 bytes.
 */
const PACKED_KERNEL_DEPTH = 64

/** Scratch the convolution functions share: the patch matrix and `gemm`'s panel. */
export interface ConvScratch {
  readonly patches: number
  readonly panel: number
}

/** A geometry as the kernels' im2col, col2im and gemmCol2im take it, after their first operands. */
export const kernelLayout = (g: ConvGeometry) =>
  [
    g.batch,
    g.height,
    g.width,
    g.channels,
    g.size,
    g.stride,
    g.top,
    g.left,
    g.outHeight,
    g.outWidth,
  ] as const

function toPatches(k: KernelExports, g: ConvGeometry, images: number, patches: number): void {
  k.im2col(images, ...kernelLayout(g), patches)
}

function fromPatches(k: KernelExports, g: ConvGeometry, patches: number, images: number): void {
  k.col2im(patches, ...kernelLayout(g), images, 0)
}

/**
 * out `[rows, filters]` = the patches in `scratch.patches` `[rows, depth]` · kernel `[depth, filters]`:
 * `gemmPackedB` for patches at least {@link PACKED_KERNEL_DEPTH} wide and more than eight filters,
 * else `gemm` (through `k.gemm`, so a model's product may split across kernel threads).
 */
function patchesTimesKernel(
  k: KernelExports,
  g: ConvGeometry,
  kernel: number,
  out: number,
  scratch: ConvScratch,
): void {
  const rows = g.batch * g.outHeight * g.outWidth
  const depth = g.size * g.size * g.channels
  // Both give the same bits (every sum in the same order); which is faster depends on the shape.
  const product = depth >= PACKED_KERNEL_DEPTH && g.filters > 8 ? k.gemmPackedB : k.gemm
  product(
    scratch.patches,
    depth,
    1,
    kernel,
    g.filters,
    1,
    out,
    rows,
    depth,
    g.filters,
    0,
    scratch.panel,
  )
}

/**
 * Rows of the patch matrix per product of {@link kernelGradient}: `gemm` walks the transposed patches
 * down a whole column for each block of four output rows, and over tens of thousands of rows those
 * columns leave the cache before the next block reads them again; in slices of about this many
 * bytes of patches they stay (measured 2–3× faster on the default conv GAN's products with 256-wide
 * patches in slices of 64–256 rows).
 */
const GRADIENT_SLICE_BYTES = 32 * 1024

/**
 * Rows per slice for patches `depth` wide: at least 128 rows, so narrow patches (a grey image's 16
 * values) do not pay a call per few rows.
 */
function gradientRows(depth: number): number {
  return Math.max(128, Math.floor(GRADIENT_SLICE_BYTES / (4 * depth)))
}

/**
 * gradKernel `[depth, filters]` = the patches in `scratch.patches`ᵀ · `other` `[rows, filters]`,
 * summed over slices of {@link gradientRows} rows.
 */
function kernelGradient(
  k: KernelExports,
  g: ConvGeometry,
  other: number,
  gradKernel: number,
  scratch: ConvScratch,
): void {
  const rows = g.batch * g.outHeight * g.outWidth
  const depth = g.size * g.size * g.channels
  // One call for the whole sum: on two kernel threads, one hand-off (each thread its own rows).
  slicedGemm(
    k,
    [
      scratch.patches,
      1,
      depth,
      other,
      g.filters,
      1,
      gradKernel,
      depth,
      rows,
      g.filters,
      0,
      scratch.panel,
    ],
    gradientRows(depth),
  )
}

/**
 * out = conv(x, kernel) (before bias and activation): x `[batch, height, width, channels]`, kernel
 * `[size, size, channels, filters]`, out `[batch, outHeight, outWidth, filters]`.
 */
export function convForward(
  k: KernelExports,
  g: ConvGeometry,
  x: number,
  kernel: number,
  out: number,
  scratch: ConvScratch,
): void {
  // On two kernel threads, split by images (each thread its own patches and product rows).
  const split = convSplit(k)
  if (split) split('forward', g, x, kernel, out, scratch)
  else convForwardOnce(k, g, x, kernel, out, scratch)
}

/**
 * Bytes of patches per im2col and product of {@link convForwardOnce}: each chunk of images' patches
 * is read by the product while it is still in the core's cache (half of this machine's 1 MB L2),
 * where the whole batch's (3.2–6.4 MB for the default conv GAN) would go out to L3 and come back.
 * Measured on the default conv GAN's and autoencoder's fused steps (interleaved rounds, Node 20):
 * 1.05–1.07× and 1.03× faster than the whole batch at once; 256 KB chunks 1.01–1.04×, 64 KB 1.01×.
 */
const PATCH_CHUNK_BYTES = 512 * 1024

/**
 * {@link convForward} on the calling thread, in chunks of images of {@link PATCH_CHUNK_BYTES} of
 * patches (its products still go through `k.gemm`; every row's sum is the same either way).
 */
export function convForwardOnce(
  k: KernelExports,
  g: ConvGeometry,
  x: number,
  kernel: number,
  out: number,
  scratch: ConvScratch,
): void {
  const patchBytes = 4 * g.outHeight * g.outWidth * g.size * g.size * g.channels
  const step = Math.max(1, Math.floor(PATCH_CHUNK_BYTES / patchBytes))
  // Each chunk's patches go to their place in the whole batch's: the backward pass reads them.
  for (let from = 0; from < g.batch; from += step) {
    const part = imageRange(g, from, Math.min(step, g.batch - from), x, out, scratch.patches)
    toPatches(k, part.g, part.images, part.patches)
    patchesTimesKernel(k, part.g, kernel, part.cells, { ...scratch, patches: part.patches })
  }
}

/**
 * Gradients of a convolution given the gradient at its pre-activation output `gradOut`: the
 * kernel's (written), and, when `gradX` is not 0, the input's (written). Leaves the patches of `x`
 * in `scratch.patches` unless `patchesReady` says they are there already.
 */
export function convBackward(
  k: KernelExports,
  g: ConvGeometry,
  x: number,
  kernel: number,
  gradOut: number,
  gradKernel: number,
  gradX: number,
  scratch: ConvScratch,
  patchesReady = false,
): void {
  if (!patchesReady) toPatches(k, g, x, scratch.patches)
  kernelGradient(k, g, gradOut, gradKernel, scratch)
  // The input's gradient is the adjoint of the convolution: the transposed convolution of gradOut.
  if (gradX !== 0) transposedConvForward(k, g, gradOut, kernel, gradX, scratch)
}

/**
 * out = convT(x, kernel) (before bias and activation), the adjoint of the convolution `g`: x
 * `[batch, outHeight, outWidth, filters]`, kernel `[size, size, channels, filters]` (TF.js's
 * `[k, k, out, in]`), out `[batch, height, width, channels]`.
 */
export function transposedConvForward(
  k: KernelExports,
  g: ConvGeometry,
  x: number,
  kernel: number,
  out: number,
  scratch: ConvScratch,
): void {
  // On two kernel threads, split by images (each thread its own product rows and col2im).
  const split = convSplit(k)
  if (split) split('transposed', g, x, kernel, out, scratch)
  else transposedConvForwardOnce(k, g, x, kernel, out, scratch)
}

/**
 * {@link transposedConvForward} on the calling thread: onto 8k channels in one pass (`gemmCol2im`),
 * else the product (through `k.gemm`) then col2im.
 */
export function transposedConvForwardOnce(
  k: KernelExports,
  g: ConvGeometry,
  x: number,
  kernel: number,
  out: number,
  scratch: ConvScratch,
): void {
  if (g.channels % 8 === 0) {
    // Each block of the product is added straight into the image: no patch matrix written and read.
    k.gemmCol2im(x, kernel, g.filters, scratch.panel, ...kernelLayout(g), out)
    return
  }
  const rows = g.batch * g.outHeight * g.outWidth
  const depth = g.size * g.size * g.channels
  // patches [rows, depth] = x · kernelᵀ, then added back into the image.
  k.gemm(
    x,
    g.filters,
    1,
    kernel,
    1,
    g.filters,
    scratch.patches,
    rows,
    g.filters,
    depth,
    0,
    scratch.panel,
  )
  fromPatches(k, g, scratch.patches, out)
}

/**
 * Gradients of a transposed convolution given the gradient at its pre-activation output `gradOut`
 * (`[batch, height, width, channels]`): the kernel's (written) and, when `gradX` is not 0, the
 * input's (written, `[batch, outHeight, outWidth, filters]`).
 */
export function transposedConvBackward(
  k: KernelExports,
  g: ConvGeometry,
  x: number,
  kernel: number,
  gradOut: number,
  gradKernel: number,
  gradX: number,
  scratch: ConvScratch,
): void {
  // The input's gradient is the convolution of gradOut, whose patches the kernel's gradient reads.
  if (gradX !== 0) convForward(k, g, gradOut, kernel, gradX, scratch)
  else toPatches(k, g, gradOut, scratch.patches)
  kernelGradient(k, g, x, gradKernel, scratch)
}
