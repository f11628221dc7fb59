'use client'
import { useMemo } from 'react'
import { PCAClient, type PCAClientOptions } from '../client/builtinClients'
import type { PCAComponentsView, pcaSpec } from '../core/pca/pcaSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'
import { useLatestAsync } from '../components/useLatestAsync'

/**
 * Options of {@link usePCA}. Model options (`nComponents` — default min(64, images, values per
 * image) —, `whiten` — default `false` —, `solver` — default `'auto'` —, `powerIterations` —
 * default `7` —, `seed` — default `1`) define the model: changing one starts a fresh PCA. Training
 * options (`epochs` — default `1` —, `batchSize` — default `256`) apply from the next `train()`.
 */
export type UsePCAOptions = PCAClientOptions

/**
 * What {@link usePCA} returns: the state snapshot, the live `components` view (components as images,
 * mean image, explained variance and ratios), and stable actions — `train`, `pause`, `resume`,
 * `stop`, `reset`, `transform`, `encode`, `inverseTransform`, `reconstruct`, `readComponents`,
 * `probe` — each with its rejecting `…Async` twin.
 */
export type UsePCAResult = ModelHookResult<typeof pcaSpec> & {
  /**
   * The fitted components as images with the mean image and the explained variance, refreshed after
   * each fit (at most one request in flight); undefined until the first step.
   */
  readonly components: PCAComponentsView | undefined
}

/**
 * Fits an exact principal component analysis in a Web Worker: one streamed pass accumulates the
 * covariance (with progress, pause and stop like any training), then its eigendecomposition; and
 * projects, rebuilds and whitens images with it.
 *
 * ```tsx
 * const pca = usePCA({ data: 'digits', nComponents: 16, autoTrain: true })
 * return <SampleGrid images={pca.components?.components} />
 * ```
 */
export const usePCA = /* @__PURE__ */ createModelHook(
  PCAClient,
  function useComponents(state, client) {
    // Not while the first pass accumulates the covariance: there are no components yet.
    const trained = state.model?.fitted === true
    const loaded = useLatestAsync(
      trained ? String(state.modelVersion) : undefined,
      client.readComponentsAsync,
    )
    const components = trained ? loaded : undefined
    return useMemo(() => ({ components }), [components])
  },
) as (options?: UsePCAOptions) => UsePCAResult
