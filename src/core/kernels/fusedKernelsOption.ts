/** The training option of every model with a fused WebAssembly path. Pure TypeScript. */
import { InvalidOptionError, describeValue } from '../errors'

/** Whether to train with latentkit's fused WebAssembly kernels. */
export interface FusedKernelsOption {
  /**
   * On the WASM backend, run each training step of a dense model (VAE, dense autoencoder, dense GAN,
   * the dense encoders of contrastive learning and the pretext tasks, DEC's and IDEC's pretraining
   * and refinement on a dense autoencoder) or of the convolutional
   * autoencoder in latentkit's fused WebAssembly kernels: forward, backward
   * and Adam in a few calls, faster than the same step as TF.js operations, with the same gradients.
   * `false` runs the step as TF.js operations. The other convolutional models and the other backends
   * always use TF.js. Default `true`.
   */
  readonly fusedKernels?: boolean
}

/** Throws `INVALID_OPTION` unless `fusedKernels` is absent or a boolean. */
export function checkFusedKernelsOption(options: FusedKernelsOption): void {
  if (options.fusedKernels !== undefined && typeof options.fusedKernels !== 'boolean') {
    throw new InvalidOptionError(
      `fusedKernels must be true or false; got ${describeValue(options.fusedKernels)}`,
      { option: 'fusedKernels' },
    )
  }
}
