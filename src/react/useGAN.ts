'use client'
import { useMemo } from 'react'
import { GANClient, type GANClientOptions } from '../client/builtinClients'
import { ganHealth, type GANHealth } from '../core/gan/ganMetrics'
import type { ganSpec } from '../core/gan/ganSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useGAN}. Architecture options (`architecture`, `filters`, `noiseDim`,
 * `generatorUnits`, `discriminatorUnits`, `output`, `seed`, and InfoGAN's `info`) define the model: changing one starts a
 * fresh model. Training options apply from the next `train()`.
 */
export type UseGANOptions = GANClientOptions

/**
 * What {@link useGAN} returns: the state snapshot, health signals, and stable actions — `train`,
 * `pause`, `resume`, `stop`, `reset`, `sample`, `generate`, `decode`, `interpolate`, `view2d`, and for an InfoGAN `generateWithCodes` and `inferCodes` — each
 * with its rejecting `…Async` twin.
 */
export type UseGANResult = ModelHookResult<typeof ganSpec> & {
  /** Discriminator winning outright, sample diversity, collapse: computed from `history`. */
  readonly health: GANHealth
}

/**
 * Trains and runs a generative adversarial network in a Web Worker.
 *
 * ```tsx
 * const ring = useMemo(() => ringOfGaussians(), [])
 * const gan = useGAN({ data: ring, generatorLearningRate: 1e-3, discriminatorLearningRate: 1e-3, autoTrain: true })
 * return <GANPlane model={gan} data={ring} />
 * ```
 */
export const useGAN: (options?: UseGANOptions) => UseGANResult = /* @__PURE__ */ createModelHook(
  GANClient,
  function useHealth(state) {
    return useMemo(() => ({ health: ganHealth(state.history) }), [state.history])
  },
)
