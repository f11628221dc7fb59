/** Training options of the models trained by one Adam optimiser (VAE, autoencoder). Pure TypeScript. */
import { InvalidOptionError } from './errors'
import { checkPositiveInteger, checkPositiveNumber } from './optionChecks'

/** How to train; may change between calls of `train`. */
export interface AdamTrainOptions {
  /** Passes over the data per call of `train`. Default `20`. */
  readonly epochs?: number
  /** Images per step. Default `64`. */
  readonly batchSize?: number
  /** Adam learning rate. Default `0.001`. */
  readonly learningRate?: number
  /**
   * On the WASM backend, run each step of a dense model in latentkit's fused WebAssembly kernels
   * (forward, backward and Adam in a few calls: about three times faster than the same step as TF.js
   * operations, with the same gradients). `false` runs the step as TF.js operations. Convolutional
   * models and the other backends always use TF.js. Default `true`.
   */
  readonly fusedKernels?: boolean
}

/** Throws `INVALID_OPTION` for any out-of-range training option. */
export function validateAdamTrainOptions(options: AdamTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 20.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 64.')
  checkPositiveNumber(options.learningRate, 'learningRate', 'Try 0.001.')
  if (options.fusedKernels !== undefined && typeof options.fusedKernels !== 'boolean') {
    throw new InvalidOptionError(
      `fusedKernels must be true or false; got ${JSON.stringify(options.fusedKernels)}`,
      { option: 'fusedKernels' },
    )
  }
}

/** Fills in the training defaults. */
export function resolveAdamTrainOptions(options: AdamTrainOptions): Required<AdamTrainOptions> {
  validateAdamTrainOptions(options)
  return {
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 0.001,
    fusedKernels: options.fusedKernels ?? true,
  }
}
