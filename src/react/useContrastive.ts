'use client'
import { ContrastiveClient, type ContrastiveClientOptions } from '../client/builtinClients'
import type { contrastiveSpec } from '../core/contrastive/contrastiveSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useContrastive}. Model options (`hiddenUnits` default `[512]`, `featureSize`
 * default 128, `headUnits` default `[128]`, `projectionSize` default 64, `temperature` default 0.5,
 * `augment` (crop, shift, cutout, brightness and contrast on by default; rotation, scale and noise
 * off), `seed` default 1) define the model: changing one starts a fresh model. Training options
 * (`epochs` default 100, `batchSize` default 256 and at least 2, `learningRate` default 0.001;
 * `fusedKernels` is accepted and has no effect: this family trains on TF.js kernels) apply from the
 * next `train()`.
 */
export type UseContrastiveOptions = ContrastiveClientOptions

/**
 * What {@link useContrastive} returns: the state snapshot, the fact `temperature`, and stable
 * actions — `train`, `pause`, `resume`, `stop`, `reset`, `encode` (the encoder's features),
 * `probe` and `augmentPairs` — each with its rejecting `…Async` twin.
 */
export type UseContrastiveResult = ModelHookResult<typeof contrastiveSpec>

/**
 * Learns features without labels in a Web Worker, SimCLR-style (Chen et al. 2020): two random views
 * of every image, a dense encoder and projection head, and the NT-Xent loss with the batch's other
 * images as negatives. `history` holds the loss and the pair task's top-1 accuracy per step.
 *
 * ```tsx
 * const cl = useContrastive({ data: 'digits', temperature: 0.5, autoTrain: true })
 * // later: const { accuracy } = await cl.probeAsync(images, labels, { labelsPerClass: 10 })
 * return <LossChart history={cl.history} />
 * ```
 */
export const useContrastive: (options?: UseContrastiveOptions) => UseContrastiveResult =
  /* @__PURE__ */ createModelHook(ContrastiveClient)
