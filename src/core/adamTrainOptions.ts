/** Training options of the models trained by one Adam optimiser (VAE, autoencoder). Pure TypeScript. */
import {
  checkFusedKernelsOption,
  resolveFusedKernelsOption,
  type FusedKernelsOption,
} from './kernels/fusedKernelsOption'
import { optionKeys } from './family/familySpec'
import { checkPositiveInteger, checkPositiveNumber } from './optionChecks'

/** How to train; may change between calls of `train`. */
export interface AdamTrainOptions extends FusedKernelsOption {
  /** Passes over the data per call of `train`. Default `20`. */
  readonly epochs?: number
  /** Images per step. Default `64`. */
  readonly batchSize?: number
  /** Adam learning rate. Default `0.001`. */
  readonly learningRate?: number
}

/** Throws `INVALID_OPTION` for any out-of-range training option. */
export function validateAdamTrainOptions(options: AdamTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 20.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 64.')
  checkPositiveNumber(options.learningRate, 'learningRate', 'Try 0.001.')
  checkFusedKernelsOption(options)
}

/** Fills in the training defaults. */
export function resolveAdamTrainOptions(options: AdamTrainOptions): Required<AdamTrainOptions> {
  validateAdamTrainOptions(options)
  return {
    epochs: options.epochs ?? 20,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 0.001,
    ...resolveFusedKernelsOption(options),
  }
}

/** Every key of {@link AdamTrainOptions}. */
export const ADAM_TRAIN_KEYS = /* @__PURE__ */ optionKeys<AdamTrainOptions>()([
  'epochs',
  'batchSize',
  'learningRate',
  'fusedKernels',
  'kernelThreads',
])
