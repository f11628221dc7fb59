/** The pretext family's TF-free half: options, history, chart and actions. */
import type { DataInput, ImageBatch } from '../dataset'
import { encodeAction, imagesAction, probeAction } from '../family/commonActions'
import { defineAction, defineFamily, optionKeys, optionsArgument } from '../family/familySpec'
import { ADAM_TRAIN_KEYS } from '../adamTrainOptions'
import { checkCount } from '../memoryModel'
import { checkSeed } from '../optionChecks'
import {
  validatePretextModelOptions,
  validatePretextTrainOptions,
  type PretextModelOptions,
  type PretextTask,
  type PretextTrainOptions,
} from './pretextOptions'

/** What one pretext training step reports. */
export interface PretextHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** Cross-entropy of the task on the step's batch (nats, mean over its examples). */
  readonly loss: number
  /** Fraction of the step's examples whose predicted class is right: the pretext task's accuracy. */
  readonly accuracy: number
}

/** Examples of the task (`makeTask`): what the model is asked, and the right answers. */
export interface PretextExamples {
  /**
   * The examples, `[n, …inputShape]`: the turned image (rotation), the image with shuffled tiles
   * (jigsaw), or the centre patch beside a neighbour, `[p, 2p, c]` (relative position).
   */
  readonly inputs: ImageBatch
  /**
   * The class of each: quarter turns counter-clockwise (rotation), the permutation's index
   * (jigsaw), or the neighbour, 0–7 row-major around the centre (relative position).
   */
  readonly targets: Int32Array
  /** Row of each example's image in the images it was drawn from. */
  readonly indices: Int32Array
  /** The task. */
  readonly task: PretextTask
  /** Jigsaw: tiles per side (1 otherwise). */
  readonly grid: number
  /**
   * Jigsaw: the permutation set; class `k` shuffled the tiles so that the tile at grid position
   * `i` is the original's tile `permutations[k][i]` (`unshuffleTiles` puts them back). Empty
   * otherwise.
   */
  readonly permutations: readonly (readonly number[])[]
}

/** The task's answer on some examples (`predict`). */
export interface PretextPrediction {
  /** The most probable class of each example. */
  readonly classes: Int32Array
  /** Probability of every class, `[n, classes]` row-major. */
  readonly probabilities: Float32Array
  /** Classes of the task. */
  readonly classCount: number
}

/** Options of `makeTask`. */
export interface MakeTaskOptions {
  /** Seed of the image draw and the examples (the model's own stream is untouched). Default 0. */
  readonly seed?: number
  /** Images to draw from. Default: the data the model was trained on. */
  readonly data?: DataInput
}

/** The facts a pretext model reports. */
export interface PretextFacts {
  /** The task, once the model is built. */
  readonly task: PretextTask | undefined
  /** Classes of the task, once built. */
  readonly classCount: number | undefined
}

/** The pretext family: rotation, jigsaw and relative-position prediction. */
export const pretextSpec = /* @__PURE__ */ defineFamily<
  PretextModelOptions,
  PretextTrainOptions,
  PretextHistoryPoint,
  PretextFacts
>()({
  kind: 'pretext',
  noun: 'pretext model',
  modelKeys: /* @__PURE__ */ optionKeys<PretextModelOptions>()([
    'task',
    'architecture',
    'hiddenUnits',
    'featureSize',
    'headUnits',
    'grid',
    'permutations',
    'patchSize',
    'gap',
    'jitter',
    'seed',
  ]),
  trainKeys: ADAM_TRAIN_KEYS,
  validateModel: validatePretextModelOptions,
  validateTrain: validatePretextTrainOptions,
  chart: {
    series: [
      { key: 'loss', label: 'task cross-entropy' },
      { key: 'accuracy', label: 'task accuracy' },
    ],
    unit: 'nats / fraction',
    title: 'Pretext loss and task accuracy',
  },
  actions: {
    /**
     * The encoder's features of `images` (not the head's): `[n, views · featureSize]` — the image's
     * features (rotation), its tiles' in order (jigsaw), or the 9 patches' of the layout centred on
     * the image (relative position).
     */
    encode: encodeAction,
    /** Held-out accuracy of a logistic regression on the encoder's features, fitted with few labels. */
    probe: probeAction,
    /** The task's answer on examples of its input shape (e.g. the `inputs` of `makeTask`). */
    predict: /* @__PURE__ */ imagesAction<PretextPrediction>(),
    /**
     * `n` examples of the task made (seeded) from images drawn from `options.data` (default: the
     * training data), with their targets: to show what the model is asked.
     */
    makeTask: /* @__PURE__ */ defineAction<PretextExamples>()(
      (context, n: number, options?: MakeTaskOptions) => {
        const { seed, data } = optionsArgument(options, 'makeTask', '{ seed: 1 }')
        checkSeed(seed)
        return [
          checkCount(n, 'example count'),
          seed ?? 0,
          data === undefined ? undefined : context.images(data),
        ] as const
      },
    ),
  },
})
