/** The training options of every model with a fused WebAssembly path. Pure TypeScript. */
import { InvalidOptionError, describeValue } from '../errors'

/** Threads a fused training step's matrix products may run on. */
export type KernelThreads = 1 | 2

/** Whether to train with latentkit's fused WebAssembly kernels, and on how many threads. */
export interface FusedKernelsOption {
  /**
   * On the WASM backend, run each training step of a dense model (VAE, dense autoencoder, dense GAN
   * or InfoGAN, the dense encoders of contrastive learning and the pretext tasks, DEC's and IDEC's
   * pretraining and refinement on a dense autoencoder), of the convolutional autoencoder or of the
   * convolutional GAN or InfoGAN (its Q head included) in latentkit's fused WebAssembly kernels:
   * forward, backward and Adam in a few calls, faster than the same step as TF.js operations, with
   * the same gradients.
   * `false` runs the step as TF.js operations. The other convolutional models and the other backends
   * always use TF.js. Default `true`.
   */
  readonly fusedKernels?: boolean
  /**
   * Threads the fused kernels' matrix products run on. With `2`, a helper thread on the same shared
   * WebAssembly memory takes half the rows of each large product (the result is bit-identical to one
   * thread); it is used only where the page allows it: the latentkit worker must be cross-origin
   * isolated (the page served with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`). Elsewhere, and when the helper thread cannot
   * start or fails, the steps run on one thread; `progress.kernelThreads` tells which. Default `2`.
   */
  readonly kernelThreads?: KernelThreads
}

/** {@link FusedKernelsOption} with its defaults filled in. */
export interface ResolvedFusedKernelsOption {
  readonly fusedKernels: boolean
  readonly kernelThreads: KernelThreads
}

/** The keys of {@link FusedKernelsOption}, for a family's list of training option keys. */
export const FUSED_KERNELS_KEYS = ['fusedKernels', 'kernelThreads'] as const

/**
 * Throws `INVALID_OPTION` unless `fusedKernels` is absent or a boolean and `kernelThreads` absent,
 * 1 or 2.
 */
export function checkFusedKernelsOption(options: FusedKernelsOption): void {
  if (options.fusedKernels !== undefined && typeof options.fusedKernels !== 'boolean') {
    throw new InvalidOptionError(
      `fusedKernels must be true or false; got ${describeValue(options.fusedKernels)}`,
      { option: 'fusedKernels' },
    )
  }
  const threads: unknown = options.kernelThreads
  if (threads !== undefined && threads !== 1 && threads !== 2) {
    throw new InvalidOptionError(
      `kernelThreads must be 1 or 2; got ${describeValue(threads)}. Pass 2 (used where the page is cross-origin isolated) or 1`,
      { option: 'kernelThreads' },
    )
  }
}

/** Fills in the defaults: `fusedKernels: true`, `kernelThreads: 2`. */
export function resolveFusedKernelsOption(options: FusedKernelsOption): ResolvedFusedKernelsOption {
  return { fusedKernels: options.fusedKernels ?? true, kernelThreads: options.kernelThreads ?? 2 }
}
