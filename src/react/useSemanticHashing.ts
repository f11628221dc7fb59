'use client'
import { HashingClient, type HashingClientOptions } from '../client/builtinClients'
import type { hashingSpec } from '../core/hashing/hashingSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useSemanticHashing}. Model options (`method` default `'learned'`, `bits` default
 * 16, `hiddenUnits` default `[256, 128]`, `binarization` default `'noise'`, `noise` default 4,
 * `inputNoise` default 0.3, `seed` default 1) define the model: changing one starts a fresh model.
 * Training options (`epochs`, `batchSize`, `learningRate`, `fusedKernels`) apply from the next
 * `train()`; LSH ignores them.
 */
export type UseSemanticHashingOptions = HashingClientOptions

/**
 * What {@link useSemanticHashing} returns: the state snapshot, the facts `bits`, `method` and
 * `indexSize`, and stable actions — `train`, `pause`, `resume`, `stop`, `reset`, `hash`,
 * `buildIndex`, `search` — each with its rejecting `…Async` twin.
 */
export type UseSemanticHashingResult = ModelHookResult<typeof hashingSpec>

/**
 * Learns binary codes of images in a Web Worker (semantic hashing: an autoencoder whose code layer is
 * pushed to 0/1 by noise) — or uses random-hyperplane LSH with `method: 'lsh'` — and searches an index
 * of them by Hamming distance.
 *
 * ```tsx
 * const hasher = useSemanticHashing({ data: 'digits', bits: 16, epochs: 60, autoTrain: true })
 * // after training: await hasher.buildIndexAsync(); const { indices, distances } = await hasher.searchAsync(image, { k: 10 })
 * return <HashSearch model={hasher} images={digits} />
 * ```
 */
export const useSemanticHashing: (options?: UseSemanticHashingOptions) => UseSemanticHashingResult =
  /* @__PURE__ */ createModelHook(HashingClient)
