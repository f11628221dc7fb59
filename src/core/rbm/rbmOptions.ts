/**
 * Options of restricted Boltzmann machines and deep belief networks, their defaults and their
 * validation. Pure TypeScript (no TF.js): the client validates with it before work is sent.
 */
import { InvalidOptionError, describeValue } from '../errors'
import {
  checkFusedKernelsOption,
  resolveFusedKernelsOption,
  type FusedKernelsOption,
} from '../kernels/fusedKernelsOption'
import {
  checkLayerSizes,
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveNumber,
  checkSeed,
  isPositiveInteger,
} from '../optionChecks'
import { MAX_COUNT } from '../memoryModel'

/**
 * The visible units. `'bernoulli'`: binary units, for data in [0, 1] (grey values are read as
 * probabilities, as scikit-learn's `BernoulliRBM` does). `'gaussian'`: real-valued units of unit
 * variance; the model standardises each value with the training data's mean and deviation.
 */
export type RBMVisibleUnits = 'bernoulli' | 'gaussian'

/**
 * How the negative phase is sampled. `'cd'`: contrastive divergence, chains started at the batch
 * (Hinton 2002). `'pcd'`: persistent contrastive divergence, chains kept from step to step
 * (Tieleman 2008; what scikit-learn's `BernoulliRBM` runs).
 */
export type RBMSampler = 'cd' | 'pcd'

/** The network. Changing any of these means a new model. */
export interface RBMModelOptions {
  /**
   * Hidden units of each layer, bottom first. One entry is one RBM; more make a deep belief network
   * trained greedily, layer by layer (Hinton, Osindero & Teh 2006). Default `[256]` (scikit-learn's
   * `n_components`).
   */
  readonly layers?: readonly number[]
  /** The bottom layer's visible units: `'bernoulli'` (default) or `'gaussian'`. Upper layers are binary. */
  readonly visible?: RBMVisibleUnits
  /** Seed of the initial weights, the shuffles, the held-out split and the Gibbs chains. Default `1`. */
  readonly seed?: number
}

/** How to train. These may change between calls of `train`. */
export interface RBMTrainOptions extends FusedKernelsOption {
  /** Passes over the data per call of `train`, for each layer in turn. Default `10`. */
  readonly epochs?: number
  /** Images per step. Default `10` (scikit-learn's). */
  readonly batchSize?: number
  /**
   * Step size on the mean gradient of a batch. Default `0.1` (scikit-learn's) for Bernoulli visible
   * units, `0.01` for Gaussian ones.
   */
  readonly learningRate?: number
  /** `'cd'` or `'pcd'` (default, as scikit-learn). */
  readonly sampler?: RBMSampler
  /** Gibbs steps of the negative phase (the k of CD-k). Default `1`. */
  readonly gibbsSteps?: number
  /** Momentum of the updates, from 0 (none, the default) to below 1; Hinton's guide uses 0.5–0.9. */
  readonly momentum?: number
  /** L2 weight decay (weights only, not biases). Default `0`; Hinton's guide suggests `0.0001`. */
  readonly weightDecay?: number
  /**
   * Fraction of the images held out of training (a seeded choice), whose free energy beside the
   * training images' gives `freeEnergyGap`, the overfitting signal. From 0 (none: no gap) to 0.5.
   * Default `0.1`.
   */
  readonly validationSplit?: number
  /**
   * Steps between two measurements of the stochastic pseudo-log-likelihood (`pseudoLikelihood` in
   * the history and loss chart; Bernoulli visible units): measured on the first step of every epoch
   * and every this many steps after it, on that step's batch, and carried unchanged by the steps in
   * between (as `freeEnergyGap` is). `1` measures every step; `0` never (the history leaves it out).
   * The flipped values are drawn at every step either way, so this changes what the history shows,
   * never the training: the same seed gives the same weights whatever its value. scikit-learn's
   * `BernoulliRBM` computes it only when verbose. Default `10`.
   */
  readonly pseudoLikelihoodEvery?: number
  /**
   * On the WASM backend, run each contrastive-divergence step in latentkit's fused WebAssembly kernels
   * (SIMD matrix products, sampling and the momentum update over flat buffers), several times faster
   * than the same step as TF.js operations, with the same updates from the same random numbers.
   * `false` runs the step as TF.js operations. Other backends always use TF.js. Default `true`.
   */
  readonly fusedKernels?: boolean
}

/** Options of `sample` and `gibbsChain`. */
export interface RBMSampleOptions {
  /** Gibbs steps from the start to the returned images. Default `200` for `sample`, `100` for a chain. */
  readonly steps?: number
  /** Seed of the chains. Default: a random seed. */
  readonly seed?: number
}

/** Options of `gibbsChain`. */
export interface RBMGibbsChainOptions extends RBMSampleOptions {
  /** Images kept per chain, at evenly spaced steps from 0 to `steps`. Default `10`. */
  readonly frames?: number
}

/** Options of `logLikelihood` (annealed importance sampling, Salakhutdinov & Murray 2008). */
export interface RBMLogLikelihoodOptions {
  /** Independent AIS runs; more runs narrow the spread. Default `100`. */
  readonly runs?: number
  /**
   * Intermediate distributions between the base-rate model and the RBM, spaced densely near the
   * RBM (as in the paper: 500 : 4000 : 10000 over [0, 0.5], [0.5, 0.9], [0.9, 1]). Default `3000`.
   */
  readonly steps?: number
  /** Seed of the runs. Default `1`. */
  readonly seed?: number
  /**
   * Also sum over every hidden state for the exact log Z (at most 20 hidden units, else
   * `INVALID_OPTION`): 2^hidden states, seconds on WASM at 20, far slower on GPU backends in
   * software. Default `false`.
   */
  readonly exact?: boolean
}

/** Model options with every default filled in. */
export interface ResolvedRBMOptions {
  readonly layers: readonly number[]
  readonly visible: RBMVisibleUnits
  readonly seed: number
}

/** Train options with every default filled in. */
export type ResolvedRBMTrainOptions = Required<RBMTrainOptions>

const VISIBLE: readonly RBMVisibleUnits[] = ['bernoulli', 'gaussian']
const SAMPLERS: readonly RBMSampler[] = ['cd', 'pcd']

/** Throws `INVALID_OPTION` unless `value` is undefined or in `[0, below)` (or `[0, most]`). */
function checkFraction(
  value: number | undefined,
  name: string,
  most: number,
  inclusive: boolean,
  hint: string,
): void {
  checkNonNegativeNumber(value, name, hint)
  if (value !== undefined && (inclusive ? value > most : value >= most)) {
    throw new InvalidOptionError(
      `${name} must be from 0 to ${inclusive ? '' : 'below '}${most}; got ${describeValue(value)}. ${hint}`,
      { option: name },
    )
  }
}

/** Throws `INVALID_OPTION` unless `pseudoLikelihoodEvery` is undefined, 0 or a positive integer. */
function checkEveryOption(value: number | undefined): void {
  if (value === undefined || value === 0 || isPositiveInteger(value)) return
  throw new InvalidOptionError(
    `pseudoLikelihoodEvery must be 0 (never) or an integer from 1 to ${MAX_COUNT} (steps between two measurements); got ${describeValue(value)}. Try 10`,
    { option: 'pseudoLikelihoodEvery' },
  )
}

/** Throws {@link InvalidOptionError} for any out-of-range model option. */
export function validateRBMModelOptions(options: RBMModelOptions): void {
  checkLayerSizes(
    options.layers,
    'layers',
    '[256] for one RBM, [256, 64] for a deep belief network',
  )
  if (options.layers !== undefined && options.layers.length === 0) {
    throw new InvalidOptionError('layers must name at least one layer of hidden units; try [256]', {
      option: 'layers',
    })
  }
  checkOneOf(options.visible, VISIBLE, 'visible')
  checkSeed(options.seed)
}

/** Throws {@link InvalidOptionError} for any out-of-range training option. */
export function validateRBMTrainOptions(options: RBMTrainOptions): void {
  checkPositiveInteger(options.epochs, 'epochs', 'Try 10.')
  checkPositiveInteger(options.batchSize, 'batchSize', 'Try 10.')
  checkPositiveNumber(options.learningRate, 'learningRate', 'Try 0.1 (0.01 for Gaussian units).')
  checkOneOf(options.sampler, SAMPLERS, 'sampler')
  checkPositiveInteger(options.gibbsSteps, 'gibbsSteps', 'Try 1.')
  checkFraction(options.momentum, 'momentum', 1, false, 'Try 0.5.')
  checkNonNegativeNumber(options.weightDecay, 'weightDecay', 'Try 0.0001.')
  checkFraction(options.validationSplit, 'validationSplit', 0.5, true, 'Try 0.1.')
  checkEveryOption(options.pseudoLikelihoodEvery)
  checkFusedKernelsOption(options)
}

/** Throws {@link InvalidOptionError} for bad `sample` or `gibbsChain` options. */
export function validateRBMSampleOptions(options: RBMGibbsChainOptions): void {
  checkPositiveInteger(options.steps, 'steps', 'Try 1000 Gibbs steps.')
  checkSeed(options.seed)
  checkPositiveInteger(options.frames, 'frames', 'Try 10 frames.')
}

/** Throws {@link InvalidOptionError} for bad `logLikelihood` options. */
export function validateRBMLogLikelihoodOptions(options: RBMLogLikelihoodOptions): void {
  checkPositiveInteger(options.runs, 'runs', 'Try 100 runs.')
  checkPositiveInteger(options.steps, 'steps', 'Try 3000 intermediate distributions.')
  if (options.steps !== undefined && options.steps < 10) {
    throw new InvalidOptionError(
      `steps must be at least 10 intermediate distributions; got ${options.steps}. Try 3000`,
      { option: 'steps' },
    )
  }
  checkSeed(options.seed)
  if (options.exact !== undefined && typeof options.exact !== 'boolean') {
    throw new InvalidOptionError(
      `exact must be true or false; got ${describeValue(options.exact)}`,
      {
        option: 'exact',
      },
    )
  }
}

/** Fills in the model defaults. */
export function resolveRBMOptions(options: RBMModelOptions): ResolvedRBMOptions {
  validateRBMModelOptions(options)
  return {
    layers: [...(options.layers ?? [256])],
    visible: options.visible ?? 'bernoulli',
    seed: options.seed ?? 1,
  }
}

/** Fills in the training defaults for a model of `options`. */
export function resolveRBMTrainOptions(
  train: RBMTrainOptions,
  options: RBMModelOptions,
): ResolvedRBMTrainOptions {
  validateRBMTrainOptions(train)
  const gaussian = options.visible === 'gaussian'
  return {
    epochs: train.epochs ?? 10,
    batchSize: train.batchSize ?? 10,
    learningRate: train.learningRate ?? (gaussian ? 0.01 : 0.1),
    sampler: train.sampler ?? 'pcd',
    gibbsSteps: train.gibbsSteps ?? 1,
    momentum: train.momentum ?? 0,
    weightDecay: train.weightDecay ?? 0,
    validationSplit: train.validationSplit ?? 0.1,
    pseudoLikelihoodEvery: train.pseudoLikelihoodEvery ?? 10,
    ...resolveFusedKernelsOption(train),
  }
}

/** Fills in the `logLikelihood` defaults. */
export function resolveRBMLogLikelihoodOptions(
  options: RBMLogLikelihoodOptions,
): Required<RBMLogLikelihoodOptions> {
  validateRBMLogLikelihoodOptions(options)
  return {
    runs: options.runs ?? 100,
    steps: options.steps ?? 3000,
    seed: options.seed ?? 1,
    exact: options.exact ?? false,
  }
}
