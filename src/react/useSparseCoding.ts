'use client'
import { useMemo } from 'react'
import { SparseCodingClient, type SparseCodingClientOptions } from '../client/builtinClients'
import type { SparseDictionaryView, sparseCodingSpec } from '../core/sparse/sparseSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'
import { useLatestAsync } from '../components/useLatestAsync'

/**
 * Options of {@link useSparseCoding}. Model options (`atoms`, `patchSize`, `lambda`, `nonNegative`,
 * `normalization`, `whiten`, `seed`) define the model: changing one starts a fresh dictionary.
 * Training options (`epochs`, `batchSize`, `patchesPerEpoch`, `codingIterations`,
 * `codingTolerance`) apply from the next `train()`.
 */
export type UseSparseCodingOptions = SparseCodingClientOptions

/**
 * What {@link useSparseCoding} returns: the state snapshot, `patchShape`, the live `dictionary`, and
 * stable actions — `train`, `pause`, `resume`, `stop`, `reset`, `encode`, `reconstruct`, `denoise`,
 * `readDictionary` — each with its rejecting `…Async` twin.
 */
export type UseSparseCodingResult = ModelHookResult<typeof sparseCodingSpec> & {
  /**
   * The atoms as patch images with their usage, refreshed as the model learns (at most one request
   * in flight); undefined until the first step.
   */
  readonly dictionary: SparseDictionaryView | undefined
}

/**
 * Learns a sparse coding dictionary from image patches in a Web Worker (online dictionary learning,
 * FISTA codes on TF.js), and codes, rebuilds and denoises images with it.
 *
 * ```tsx
 * const sc = useSparseCoding({ data: 'digits', atoms: 64, lambda: 0.5, autoTrain: true })
 * return <DictionaryGrid dictionary={sc.dictionary} sort="usage" />
 * ```
 */
export const useSparseCoding = /* @__PURE__ */ createModelHook(
  SparseCodingClient,
  function useDictionary(state, client) {
    const trained = state.model !== undefined && state.model.trainedSteps > 0
    const loaded = useLatestAsync(
      trained ? String(state.modelVersion) : undefined,
      client.readDictionaryAsync,
    )
    const dictionary = trained ? loaded : undefined
    return useMemo(() => ({ dictionary }), [dictionary])
  },
) as (options?: UseSparseCodingOptions) => UseSparseCodingResult
