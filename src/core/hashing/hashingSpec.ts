/** The semantic hashing family's TF-free half: options, history, chart and actions. */
import type { DataInput } from '../dataset'
import { ADAM_TRAIN_KEYS } from '../adamTrainOptions'
import { imagesAction } from '../family/commonActions'
import { defineAction, defineFamily, optionKeys, optionsArgument } from '../family/familySpec'
import {
  checkSearchOptions,
  validateHashingModelOptions,
  validateHashingTrainOptions,
  type HashingMethod,
  type HashingModelOptions,
  type HashingTrainOptions,
  type HashSearchOptions,
} from './hashingOptions'

/** Loss of one training step of a learned hashing model, per image. */
export interface HashingHistoryPoint {
  /** Global step number, from 1. */
  readonly step: number
  /** Epoch the step belongs to, from 1. */
  readonly epoch: number
  /** Sum of squared reconstruction errors per image (decoded from the noisy or thresholded code). */
  readonly loss: number
  /** Share of code activations (before noise) within 0.1 of 0 or 1: how binary the codes are. */
  readonly binary: number
}

/** Packed binary codes: `count × ceil(bits / 32)` words, bit `j` of a code in word `⌊j / 32⌋`. */
export interface HashCodes {
  /** The packed codes. */
  readonly codes: Uint32Array
  /** Bits per code. */
  readonly bits: number
  /** Number of codes. */
  readonly count: number
}

/** What `buildIndex` built. */
export interface HashIndexInfo {
  /** Codes in the index. */
  readonly size: number
  /** Bits per code. */
  readonly bits: number
}

/** Nearest indexed items of each query, flattened: query `q`'s are `offsets[q]` to `offsets[q + 1]`. */
export interface HashSearchResult {
  /** Index of each match in the indexed images, nearest first (ties: lower index first). */
  readonly indices: Int32Array
  /** Hamming distance of each match, in bits. */
  readonly distances: Uint8Array
  /** Where each query's matches start; length queries + 1. */
  readonly offsets: Int32Array
  /** The queries' own packed codes (see {@link HashCodes}). */
  readonly queryCodes: Uint32Array
  /** Bits per code. */
  readonly bits: number
}

/** Options of `buildIndex` as the client takes them. */
export interface ClientBuildIndexOptions {
  /** Images to index. Default: the data the model was trained on. */
  readonly data?: DataInput
}

/** The facts a hashing model reports. */
export interface HashingFacts {
  /** Bits per code. */
  readonly bits: number | undefined
  /** Learned codes or the LSH baseline. */
  readonly method: HashingMethod | undefined
  /** Codes in the index, 0 before `buildIndex`. */
  readonly indexSize: number
}

/** Semantic hashing (Salakhutdinov & Hinton), with locality-sensitive hashing as a baseline. */
export const hashingSpec = /* @__PURE__ */ defineFamily<
  HashingModelOptions,
  HashingTrainOptions,
  HashingHistoryPoint,
  HashingFacts
>()({
  kind: 'hashing',
  noun: 'hashing model',
  modelKeys: /* @__PURE__ */ optionKeys<HashingModelOptions>()([
    'method',
    'bits',
    'hiddenUnits',
    'binarization',
    'noise',
    'inputNoise',
    'seed',
  ]),
  trainKeys: ADAM_TRAIN_KEYS,
  validateModel: validateHashingModelOptions,
  validateTrain: validateHashingTrainOptions,
  chart: {
    series: [{ key: 'loss', label: 'reconstruction' }],
    unit: 'squared error per image',
  },
  actions: {
    /** Packed binary codes of `images`. */
    hash: /* @__PURE__ */ imagesAction<HashCodes>(),
    /**
     * Hashes `options.data` (default: the training data) into the worker's index, replacing any
     * earlier one; `search` looks there.
     */
    buildIndex: /* @__PURE__ */ defineAction<HashIndexInfo>()(
      (context, options?: ClientBuildIndexOptions) => {
        const { data } = optionsArgument(options, 'buildIndex', '{ data: images }')
        return [data === undefined ? undefined : context.images(data)] as const
      },
    ),
    /**
     * The nearest indexed images of each query image by Hamming distance of their codes: the `k`
     * nearest (default `{ k: 10 }`) or all within `radius` bits. `NOT_TRAINED` before `buildIndex`.
     */
    search: /* @__PURE__ */ defineAction<HashSearchResult>()(
      (context, query: DataInput, options?: HashSearchOptions) =>
        [context.images(query), checkSearchOptions(options)] as const,
    ),
  },
})
