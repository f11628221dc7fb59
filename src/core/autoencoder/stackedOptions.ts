/**
 * Stacked autoencoders (Bengio et al. 2007; Vincent et al. 2010 for stacked denoising): the options
 * of greedy layer-wise pretraining and the schedule it follows. Pure TypeScript (no TF.js).
 */
import { InvalidOptionError, describeValue } from '../errors'
import { checkNonNegativeNumber, checkOneOf, checkPositiveInteger } from '../optionChecks'

/** How a stacked autoencoder corrupts each layer's input while pretraining it. */
export type StackedCorruption = 'mask' | 'gaussian'

/**
 * Greedy layer-wise pretraining of a dense autoencoder with hidden layers: each encoder layer, with
 * its mirror in the decoder, is trained as a one-hidden-layer autoencoder on the codes of the layers
 * below (frozen), bottom up; then the whole deep autoencoder is fine-tuned end to end.
 */
export interface StackedOptions {
  /** Epochs of pretraining for each layer, before fine-tuning. Default `5`. */
  readonly pretrainEpochs?: number
  /**
   * Corruption of each layer's input while it is pretrained (stacked denoising): the fraction of
   * values zeroed (`'mask'`, below 1) or the noise's standard deviation (`'gaussian'`). `0`: none.
   * Default `0`.
   */
  readonly noise?: number
  /** How `noise` corrupts: `'mask'` (zero values at random) or `'gaussian'`. Default `'mask'`. */
  readonly corruption?: StackedCorruption
}

/** Stacked options with every default filled in. */
export interface ResolvedStackedOptions {
  readonly pretrainEpochs: number
  readonly noise: number
  readonly corruption: StackedCorruption
}

/**
 * What a stacked autoencoder's training step belongs to: the pretraining of encoder layer `n`
 * (`'layer 1'` is the one next to the pixels) or the end-to-end fine-tuning.
 */
export type AutoencoderPhase = `layer ${number}` | 'fine-tune'

const STACKED_KEYS: readonly string[] = ['pretrainEpochs', 'noise', 'corruption']

/** What the network around the stacked option looks like, for the checks that concern both. */
interface StackedContext {
  readonly kind?: string
  readonly architecture?: string
  readonly hiddenUnits?: readonly number[]
}

/** Throws `INVALID_OPTION` (naming `stacked`, or the nested option) for a stacked option that cannot apply. */
export function validateStackedOptions(
  stacked: StackedOptions | undefined,
  context: StackedContext,
): void {
  if (stacked === undefined) return
  if (typeof stacked !== 'object' || stacked === null || Array.isArray(stacked)) {
    throw new InvalidOptionError(
      `stacked must be an object such as { pretrainEpochs: 5 }; got ${describeValue(stacked)}`,
      { option: 'stacked' },
    )
  }
  const unknown = Object.keys(stacked).filter((key) => !STACKED_KEYS.includes(key))
  if (unknown.length > 0) {
    throw new InvalidOptionError(
      `stacked has no option ${unknown.map((key) => `'${key}'`).join(', ')}; its options are ${STACKED_KEYS.join(', ')}`,
      { option: 'stacked' },
    )
  }
  if (context.architecture === 'conv') {
    throw new InvalidOptionError(
      "stacked pretraining is for dense autoencoders; use architecture 'dense' with hiddenUnits, or leave stacked out",
      { option: 'stacked' },
    )
  }
  if (context.kind === 'linear') {
    throw new InvalidOptionError(
      "a linear autoencoder has no hidden layers to stack; use kind 'plain' (or 'denoising', 'sparse') with hiddenUnits, or leave stacked out",
      { option: 'stacked' },
    )
  }
  if (context.hiddenUnits !== undefined && context.hiddenUnits.length === 0) {
    throw new InvalidOptionError(
      'stacked pretraining needs at least one hidden layer; got hiddenUnits []. Give hiddenUnits such as [128, 64], or leave stacked out',
      { option: 'hiddenUnits' },
    )
  }
  checkPositiveInteger(
    stacked.pretrainEpochs,
    'stacked.pretrainEpochs',
    'Try 5 (leave stacked out to train end to end only).',
  )
  checkOneOf(stacked.corruption, ['mask', 'gaussian'], 'stacked.corruption')
  checkNonNegativeNumber(stacked.noise, 'stacked.noise', 'Try 0.2, or 0 for none.')
  if (
    (stacked.corruption ?? 'mask') === 'mask' &&
    stacked.noise !== undefined &&
    stacked.noise >= 1
  ) {
    throw new InvalidOptionError(
      `stacked.noise is the fraction of values masked and must be below 1; got ${stacked.noise}. Try 0.2, or corruption 'gaussian'`,
      { option: 'stacked.noise' },
    )
  }
}

/** Fills in the defaults (call after {@link validateStackedOptions}). */
export function resolveStackedOptions(stacked: StackedOptions): ResolvedStackedOptions {
  return {
    pretrainEpochs: stacked.pretrainEpochs ?? 5,
    noise: stacked.noise ?? 0,
    corruption: stacked.corruption ?? 'mask',
  }
}

/** Where an epoch falls in a stacked autoencoder's schedule. */
export interface StackedSegment {
  readonly phase: AutoencoderPhase
  /** The encoder layer being pretrained, from 0; `undefined` when fine-tuning. */
  readonly layer: number | undefined
  /** Epochs (counted over the model's life) at which this phase ends; `Infinity` for fine-tuning. */
  readonly endEpoch: number
}

/**
 * The phase of the epoch that follows `epochsDone` epochs, for `layers` encoder layers pretrained
 * `pretrainEpochs` epochs each: layer 1's epochs first, …, then fine-tuning for ever after.
 */
export function stackedSegment(
  epochsDone: number,
  layers: number,
  pretrainEpochs: number,
): StackedSegment {
  const layer = Math.floor(epochsDone / pretrainEpochs)
  if (layer >= layers) return { phase: 'fine-tune', layer: undefined, endEpoch: Infinity }
  return { phase: `layer ${layer + 1}`, layer, endEpoch: (layer + 1) * pretrainEpochs }
}
