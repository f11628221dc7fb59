'use client'
import { AutoencoderClient, type AutoencoderClientOptions } from '../client/builtinClients'
import type { autoencoderSpec } from '../core/autoencoder/autoencoderSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useAutoencoder}. Model options (`kind`, `architecture`, `codeSize`,
 * `hiddenUnits`, `corruption`, `corruptionLevel`, `sparsity`, `stacked`, `seed`) define the model: changing one
 * starts a fresh model. Training options (`epochs`, `batchSize`, `learningRate`, `fusedKernels`)
 * apply from the next `train()`.
 */
export type UseAutoencoderOptions = AutoencoderClientOptions

/**
 * What {@link useAutoencoder} returns: the state snapshot, the anomaly `threshold`, and stable
 * actions — `train`, `pause`, `resume`, `stop`, `reset`, `encode`, `encodeLayer`, `decode`, `reconstruct`,
 * `probe`, `score`, `calibrate`, `setThreshold` — each with its rejecting `…Async` twin.
 */
export type UseAutoencoderResult = ModelHookResult<typeof autoencoderSpec>

/**
 * Trains an autoencoder (plain, denoising, sparse or linear; stacked with `stacked`: greedy
 * layer-wise pretraining, then fine-tuning, each history point naming its `phase`) in a Web Worker
 * and scores images for anomalies: train on normal data only, calibrate, then flag and map what it
 * cannot rebuild.
 *
 * ```tsx
 * const ae = useAutoencoder({ data: normalImages, kind: 'denoising', epochs: 40, autoTrain: true })
 * // after training: await ae.calibrateAsync(); const { scores, maps, anomalous } = await ae.scoreAsync(image)
 * return <AnomalyHeatmap model={ae} image={image} />
 * ```
 */
export const useAutoencoder: (options?: UseAutoencoderOptions) => UseAutoencoderResult =
  /* @__PURE__ */ createModelHook(AutoencoderClient)
