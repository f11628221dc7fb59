'use client'
import type { ImageBatch } from '../core/dataset'
import { createObjectIds } from '../core/objectIds'
import type { RBMGibbsChain } from '../core/rbm/rbmSpec'
import { isTrained, type GibbsChainSource } from './modelHandle'
import { useLatestAsync } from './useLatestAsync'

/** What chains to ask a model for. */
export interface ChainRequest {
  readonly chains: number
  readonly steps: number
  readonly frames: number
  readonly seed: number
  /** Images the chains start from (one chain each), else noise. */
  readonly start: ImageBatch | undefined
}

/** A chain, and the request it answers (without the model version: the same walk, refreshed). */
export interface LoadedChain {
  readonly chain: RBMGibbsChain
  readonly request: string
}

/** A number per start batch, so new start images ask for new chains. */
const startId = createObjectIds<ImageBatch>()

/**
 * The chains `model` runs for `request`, asked again whenever the model changes (at most one call
 * in flight), with the request they answer. Nothing is asked before the model has trained, or
 * while `request` is undefined (unusable props).
 */
export function useGibbsChain(
  model: GibbsChainSource | undefined,
  request: ChainRequest | undefined,
): LoadedChain | undefined {
  const asked = request
    ? [
        request.chains,
        request.steps,
        request.frames,
        request.seed,
        request.start ? startId(request.start) : 'noise',
      ].join(':')
    : undefined
  const key =
    asked !== undefined && model && isTrained(model) ? `${model.modelVersion}|${asked}` : undefined
  return useLatestAsync(key, () => {
    if (!model || !request || asked === undefined) return Promise.reject(new Error('no model'))
    const { chains, steps, frames, seed, start } = request
    return model
      .gibbsChain(chains, { steps, frames, seed, ...(start ? { start } : {}) })
      .then((chain) => chain && { chain, request: asked })
  })
}
