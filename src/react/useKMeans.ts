'use client'
import { useMemo } from 'react'
import { KMeansClient, type KMeansClientOptions } from '../client/builtinClients'
import type { KMeansClusters, kMeansSpec } from '../core/kmeans/kmeansSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'
import { useLatestAsync } from '../components/useLatestAsync'

/**
 * Options of {@link useKMeans}. Model options (`k` default 8, `algorithm` default `'lloyd'`, `seed`
 * default 1; for clustering learning `patchSize` (default unset: whole images), `normalization`
 * default `'contrast'`, `whiten` default `true`) define the model: changing one starts fresh
 * centroids. Training options (`epochs`, `batchSize`, `tolerance`, `initSize`, `reassignmentRatio`,
 * `patchesPerImage`, `fusedKernels` default `true`: the fused WebAssembly kernels on WASM) apply from
 * the next `train()`.
 */
export type UseKMeansOptions = KMeansClientOptions

/**
 * What {@link useKMeans} returns: the state snapshot, the facts `k`, `algorithm` and `converged`,
 * the live `clusters`, and stable actions — `train`, `pause`, `resume`, `stop`, `reset`, `assign`,
 * `transform`, `centroids`, `readClusters`, `probe` and, for patch models, `features` and
 * `featureMaps` — each with its rejecting `…Async` twin.
 */
export type UseKMeansResult = ModelHookResult<typeof kMeansSpec> & {
  /**
   * Centroids, cluster sizes and 8 members of each cluster of the training data, refreshed as the
   * model learns (at most one request in flight); undefined until the first step.
   */
  readonly clusters: KMeansClusters | undefined
}

/**
 * Clusters images with k-means in a Web Worker (k-means++ seeding, then Lloyd iterations or
 * mini-batch k-means on TF.js), with the inertia per step in `history` for `LossChart`.
 *
 * ```tsx
 * const km = useKMeans({ data: 'digits', k: 10, autoTrain: true })
 * return <ClusterGrid clusters={km.clusters} />
 * ```
 */
export const useKMeans = /* @__PURE__ */ createModelHook(
  KMeansClient,
  function useClusters(state, client) {
    const trained = state.model !== undefined && state.model.trainedSteps > 0
    const loaded = useLatestAsync(
      trained ? String(state.modelVersion) : undefined,
      client.readClustersAsync,
    )
    const clusters = trained ? loaded : undefined
    return useMemo(() => ({ clusters }), [clusters])
  },
) as (options?: UseKMeansOptions) => UseKMeansResult
