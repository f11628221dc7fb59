'use client'
import { HelmholtzClient, type HelmholtzClientOptions } from '../client/builtinClients'
import type { helmholtzSpec } from '../core/helmholtz/helmholtzSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useHelmholtz}. Model options (`layers` — default `[128, 8]` for images of ≤ 256
 * values, else `[256, 16]`, the VAE's default sizes —, `binarize` — default `'threshold'` —,
 * `threshold` — default `0.5` —, `seed` — default `1`) define the model: changing one starts a
 * fresh one. Training options (`epochs` — default `20` —, `batchSize` — default `64` —,
 * `learningRate` — default `0.1` —, `boundEvery` — default `10` —, `boundSamples` — default `1`)
 * apply from the next `train()`.
 */
export type UseHelmholtzOptions = HelmholtzClientOptions

/**
 * What {@link useHelmholtz} returns: the state snapshot and stable actions — `train`, `pause`,
 * `resume`, `stop`, `reset`, `sample`, `encode`, `reconstruct`, `logLikelihood` — each with its
 * rejecting `…Async` twin.
 */
export type UseHelmholtzResult = ModelHookResult<typeof helmholtzSpec>

/**
 * Trains a Helmholtz machine (Hinton, Dayan, Frey & Neal 1995) — stochastic binary layers with a
 * bottom-up recognition network and a top-down generative one — by wake-sleep on binarised images,
 * in a Web Worker. `history` holds the wake loss (`−log p(x, h)`), the sleep loss (`−log q(h | x)`
 * of dreams) and, every `boundEvery` steps, an importance-sampled bound on the batch (nats per
 * image, lower is better). `logLikelihood` gives the importance-sampled estimate in the VAE's
 * shape, so a `LikelihoodTable` puts the two side by side.
 *
 * ```tsx
 * const machine = useHelmholtz({ data: 'digits', layers: [128, 8], epochs: 50, autoTrain: true })
 * // after training:
 * const { meanLogLikelihood } = await machine.logLikelihoodAsync(heldOut, { samples: 100 })
 * const images = await machine.sampleAsync(16, { seed: 1 })
 * ```
 */
export const useHelmholtz: (options?: UseHelmholtzOptions) => UseHelmholtzResult =
  /* @__PURE__ */ createModelHook(HelmholtzClient)
