'use client'
import { DECClient, type DECClientOptions } from '../client/builtinClients'
import type { decSpec } from '../core/dec/decSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useDEC}. Model options (`clusters` default 10, `architecture` default `'dense'`
 * (or `'conv'`: the convolutional autoencoder, image sides multiples of 4), `codeSize` default 10,
 * `hiddenUnits` default `[500, 500, 2000]`, `idec`
 * default `false`, `reconstructionWeight` default 10 with `idec`, `seed` default 1) define the model:
 * changing one starts fresh. Training options (`epochs` 150, `pretrainLearningRate` 0.001, `pretrainMasking` 0,
 * `refineSteps` 2000, `learningRate` 0.0001, `batchSize` 256, `updateInterval` 140, `tolerance`
 * 0.001, `kmeansRuns` 10, `labels` for evaluation only, `fusedKernels` true) apply from the next
 * `train()`.
 */
export type UseDECOptions = DECClientOptions

/**
 * What {@link useDEC} returns: the state snapshot (one `history` for both phases, each point naming
 * its `phase`; `accuracy` and `nmi` when `labels` were given), the facts `clusters`, `phase` and
 * `converged`, and stable actions — `train`, `pause`, `resume`, `stop`, `reset`, `encode`,
 * `reconstruct`, `probe`, `assign`, `softAssign`, `centres`, `clusterSizes` — each with its rejecting
 * `…Async` twin.
 */
export type UseDECResult = ModelHookResult<typeof decSpec>

/**
 * Deep embedded clustering (Xie et al. 2016; IDEC with `idec: true`) in a Web Worker: autoencoder
 * pretraining, k-means in the embedding, then refinement of encoder and centres by KL(P‖Q).
 *
 * ```tsx
 * const { labels } = loadDigits()
 * const dec = useDEC({ data: 'digits', clusters: 10, labels, autoTrain: true })
 * return <LossChart history={dec.history} series={['accuracy']} />
 * ```
 */
export const useDEC: (options?: UseDECOptions) => UseDECResult =
  /* @__PURE__ */ createModelHook(DECClient)
