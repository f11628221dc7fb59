'use client'
import { useMemo } from 'react'
import { RBMClient, type RBMClientOptions } from '../client/builtinClients'
import type { rbmSpec } from '../core/rbm/rbmSpec'
import type { FilterSource } from '../components/FilterGrid'
import { useLatestAsync } from '../components/useLatestAsync'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useRBM}. Model options (`layers` — default `[256]`; several entries make a deep
 * belief network —, `visible` — default `'bernoulli'` —, `seed` — default `1`) define the model:
 * changing one starts a fresh one. Training options (`epochs` — default `10` —, `batchSize` —
 * default `10` —, `learningRate` — default `0.1`, `0.01` for Gaussian units —, `sampler` — default
 * `'pcd'` —, `gibbsSteps` — default `1` —, `momentum` — default `0` —, `weightDecay` — default `0`
 * —, `validationSplit` — default `0.1` —, `fusedKernels` — default `true`: the fused WebAssembly
 * kernels on WASM) apply from the next `train()`.
 */
export type UseRBMOptions = RBMClientOptions

/**
 * What {@link useRBM} returns: the state snapshot, the facts `layers` and `visible`, the live
 * `filters` (the bottom RBM's receptive fields), and stable actions — `train`, `pause`, `resume`,
 * `stop`, `reset`, `sample`, `gibbsChain`, `transform`, `encode`, `reconstruct`, `probe`,
 * `filters`, `freeEnergy`, `logLikelihood` — each with its rejecting `…Async` twin.
 */
export type UseRBMResult = ModelHookResult<typeof rbmSpec> & {
  /**
   * The bottom RBM's weights as images, one per hidden unit, each weighted by its norm (for
   * `FilterGrid`'s sort); refreshed as the model learns (at most one request in flight), undefined
   * until the first step.
   */
  readonly receptiveFields: FilterSource | undefined
}

/** The L2 norm of each of `count` images of `size` values. */
function norms(data: Float32Array, count: number): Float32Array {
  const size = data.length / count
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    let sum = 0
    for (let j = i * size; j < (i + 1) * size; j++) sum += (data[j] as number) ** 2
    out[i] = Math.sqrt(sum)
  }
  return out
}

/**
 * Trains a restricted Boltzmann machine — or a deep belief network, layer by layer — in a Web
 * Worker by contrastive divergence (CD-k or persistent CD), with the pseudo-log-likelihood,
 * reconstruction error and free-energy gap per step in `history`; samples by Gibbs sampling, gives
 * hidden features, and estimates the log-likelihood by annealed importance sampling.
 *
 * ```tsx
 * const rbm = useRBM({ data: 'digits', layers: [100], autoTrain: true })
 * return <FilterGrid filters={rbm.receptiveFields} />
 * ```
 */
export const useRBM = /* @__PURE__ */ createModelHook(
  RBMClient,
  function useReceptiveFields(state, client) {
    const trained = state.model !== undefined && state.model.trainedSteps > 0
    const loaded = useLatestAsync(
      trained ? String(state.modelVersion) : undefined,
      client.filtersAsync,
    )
    const receptiveFields = useMemo<FilterSource | undefined>(
      () =>
        trained && loaded
          ? { images: loaded, weights: norms(loaded.data, loaded.shape[0]) }
          : undefined,
      [trained, loaded],
    )
    return useMemo(() => ({ receptiveFields }), [receptiveFields])
  },
) as (options?: UseRBMOptions) => UseRBMResult
