/** The contrastive family's TF-free half: options, history, chart and actions. */
import type { DataInput, ImageBatch } from '../dataset'
import { encodeAction, probeAction } from '../family/commonActions'
import { defineAction, defineFamily, optionKeys, optionsArgument } from '../family/familySpec'
import { ADAM_TRAIN_KEYS } from '../adamTrainOptions'
import { checkCount } from '../memoryModel'
import { checkSeed } from '../optionChecks'
import {
  validateContrastiveModelOptions,
  validateContrastiveTrainOptions,
  type ContrastiveModelOptions,
  type ContrastiveTrainOptions,
} from './contrastiveOptions'

/** What one contrastive training step reports. */
export interface ContrastiveHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** NT-Xent loss of the step's batch (nats, mean over its 2n views). */
  readonly loss: number
  /**
   * Fraction of the batch's views whose most similar other view is their positive (the other view
   * of the same image): top-1 accuracy of the contrastive task, in [0, 1].
   */
  readonly pairAccuracy: number
}

/** Two augmented views of some images (`augmentPairs`), to show what the model compares. */
export interface AugmentedPairs {
  /** The first view of each image, `[n, h, w, c]`. */
  readonly first: ImageBatch
  /** The second view of each image, `[n, h, w, c]`. */
  readonly second: ImageBatch
  /** Row of each image in the images the pairs were drawn from. */
  readonly indices: Int32Array
}

/** Options of `augmentPairs`. */
export interface AugmentPairsOptions {
  /** Seed of the image draw and the augmentations (the model's own stream is untouched). Default 0. */
  readonly seed?: number
  /** Images to draw from. Default: the data the model was trained on. */
  readonly data?: DataInput
}

/** The facts a contrastive model reports. */
export interface ContrastiveFacts {
  /** Temperature of the loss, once the model is built. */
  readonly temperature: number | undefined
}

/** The contrastive family (SimCLR: Chen et al. 2020). */
export const contrastiveSpec = /* @__PURE__ */ defineFamily<
  ContrastiveModelOptions,
  ContrastiveTrainOptions,
  ContrastiveHistoryPoint,
  ContrastiveFacts
>()({
  kind: 'contrastive',
  noun: 'contrastive model',
  modelKeys: /* @__PURE__ */ optionKeys<ContrastiveModelOptions>()([
    'architecture',
    'hiddenUnits',
    'convChannels',
    'featureSize',
    'headUnits',
    'projectionSize',
    'temperature',
    'augment',
    'encodeViews',
    'seed',
  ]),
  trainKeys: ADAM_TRAIN_KEYS,
  validateModel: validateContrastiveModelOptions,
  validateTrain: validateContrastiveTrainOptions,
  chart: {
    series: [
      { key: 'loss', label: 'NT-Xent loss' },
      { key: 'pairAccuracy', label: 'pair top-1 accuracy' },
    ],
    unit: 'nats / fraction',
    title: 'Contrastive loss and pair accuracy',
  },
  actions: {
    /** The encoder's features of `images`, `[n, featureSize]` (not the projection head's). */
    encode: encodeAction,
    /** Held-out accuracy of a logistic regression on the encoder's features, fitted with few labels. */
    probe: probeAction,
    /**
     * Two augmented views of `n` images drawn (seeded) from `options.data` (default: the training
     * data), made as training makes them: for a story or a check of the augmentations.
     */
    augmentPairs: /* @__PURE__ */ defineAction<AugmentedPairs>()(
      (context, n: number, options?: AugmentPairsOptions) => {
        const { seed, data } = optionsArgument(options, 'augmentPairs', '{ seed: 1 }')
        checkSeed(seed)
        return [
          checkCount(n, 'pair count'),
          seed ?? 0,
          data === undefined ? undefined : context.images(data),
        ] as const
      },
    ),
  },
})
