'use client'
import { useMemo } from 'react'
import type { DataInput, ImageBatch, ImageShape, LatentBatch } from '../core/dataset'
import type { AutoencoderHistoryPoint } from '../core/autoencoder/engine/autoencoder'
import type { ModelState } from '../client/modelState'
import { AutoencoderClient, type AutoencoderClientOptions } from '../client/autoencoderClient'
import type { TrainSummary } from '../../workers/host'
import { anomalyResult, commonResult, useModelClient } from './useModelClient'
import type { AnomalyHookResult } from './anomalyHookResult'

/**
 * Options of {@link useAutoencoder}. Model options (`kind`, `codeSize`, `hiddenUnits`, `corruption`,
 * `corruptionLevel`, `sparsity`, `seed`) define the model: changing one starts a fresh model.
 * Training options (`epochs`, `batchSize`, `learningRate`) apply from the next `train()`.
 */
export type UseAutoencoderOptions = AutoencoderClientOptions

/** What {@link useAutoencoder} returns: an immutable state snapshot plus stable actions. */
export interface UseAutoencoderResult
  extends ModelState<AutoencoderHistoryPoint>, AnomalyHookResult {
  /** Code size of the trained model (undefined before the first training step). */
  readonly latentDim: number | undefined
  /** Shape of one image of the trained model (undefined before the first training step). */
  readonly imageShape: ImageShape | undefined
  /** Trains for `epochs` epochs (continuing); resolves when done or stopped; rejects with a typed error. */
  train(): Promise<TrainSummary | undefined>
  /** Pauses training at the next batch boundary. */
  pause(): Promise<void>
  /** Resumes paused training. */
  resume(): Promise<void>
  /** Stops training at the next batch boundary, keeping the weights. */
  stop(): Promise<void>
  /** Stops and forgets the weights, the threshold and the history. */
  reset(): Promise<void>
  /** Codes of `images`, `[n, codeSize]`. */
  encode(images: DataInput): Promise<LatentBatch>
  /** Images decoded from codes, `[n, codeSize]`. */
  decode(codes: LatentBatch | Float32Array | readonly number[]): Promise<ImageBatch>
  /** `images` through the encoder and decoder. */
  reconstruct(images: DataInput): Promise<ImageBatch>
}

/**
 * Trains an autoencoder (plain, denoising, sparse or linear) in a Web Worker and scores images for
 * anomalies: train on normal data only, calibrate, then flag and map what it cannot rebuild.
 *
 * ```tsx
 * const ae = useAutoencoder({ data: normalImages, kind: 'denoising', epochs: 40, autoTrain: true })
 * // after training: await ae.calibrate(); const { scores, maps, anomalous } = await ae.score(image)
 * return <AnomalyHeatmap model={ae} image={image} />
 * ```
 */
export function useAutoencoder(options: UseAutoencoderOptions = {}): UseAutoencoderResult {
  const [state, client] = useModelClient<
    AutoencoderHistoryPoint,
    AutoencoderClientOptions,
    AutoencoderClient
  >(() => new AutoencoderClient(options), options)

  return useMemo(
    () => ({
      ...commonResult(state, client),
      ...anomalyResult(state, client),
      encode: client.encode,
      decode: client.decode,
      reconstruct: client.reconstruct,
    }),
    [state, client],
  )
}
