/** The autoencoder family's TF-free half: options, history, chart and actions. */
import {
  anomalyActions,
  decodeAction,
  latentActions,
  type AnomalyFacts,
} from '../family/commonActions'
import { ADAM_TRAIN_KEYS } from '../adamTrainOptions'
import { defineAction, defineFamily, mergeActions, optionKeys } from '../family/familySpec'
import { checkCount } from '../memoryModel'
import type { DataInput, LatentBatch } from '../dataset'
import type { AutoencoderPhase } from './stackedOptions'
import {
  validateAutoencoderModelOptions,
  validateAutoencoderTrainOptions,
  type AutoencoderModelOptions,
  type AutoencoderTrainOptions,
} from './autoencoderOptions'

/** Loss of one training step, per image. */
export interface AutoencoderHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /**
   * Stacked autoencoders only: the phase the step belongs to, `'layer 1'`, `'layer 2'`, … while one
   * layer is pretrained (then `loss` and `reconstruction` are that layer's, against its input: the
   * codes of the layer below), `'fine-tune'` after. Absent for an autoencoder trained end to end.
   */
  readonly phase?: AutoencoderPhase
  /** Reconstruction + sparsity penalty (the penalty only for `'sparse'`). */
  readonly loss: number
  /** Sum of squared errors per image, against the clean input. */
  readonly reconstruction: number
  /** Mean sum of |code| per image. */
  readonly codeL1: number
}

/** The autoencoder family (plain, denoising, sparse, linear; dense or convolutional). */
export const autoencoderSpec = /* @__PURE__ */ defineFamily<
  AutoencoderModelOptions,
  AutoencoderTrainOptions,
  AutoencoderHistoryPoint,
  AnomalyFacts
>()({
  kind: 'autoencoder',
  noun: 'autoencoder',
  modelKeys: /* @__PURE__ */ optionKeys<AutoencoderModelOptions>()([
    'kind',
    'architecture',
    'codeSize',
    'hiddenUnits',
    'corruption',
    'corruptionLevel',
    'sparsity',
    'stacked',
    'seed',
  ]),
  trainKeys: ADAM_TRAIN_KEYS,
  validateModel: validateAutoencoderModelOptions,
  validateTrain: validateAutoencoderTrainOptions,
  chart: {
    series: [
      { key: 'loss', label: 'loss' },
      { key: 'reconstruction', label: 'reconstruction' },
    ],
    unit: 'squared error per image',
  },
  actions: /* @__PURE__ */ mergeActions(
    latentActions,
    {
      /** Images decoded from codes, `[n, codeSize]`. */
      decode: decodeAction,
      /**
       * Activations of encoder layer `layer` for `images`, `[n, units]`: `1` is the first hidden
       * layer, `hiddenUnits.length + 1` the code (what `encode` gives).
       */
      encodeLayer: /* @__PURE__ */ defineAction<LatentBatch>()(
        (context, images: DataInput, layer: number) =>
          [context.images(images), checkCount(layer, 'layer')] as const,
      ),
    },
    anomalyActions,
  ),
})
