'use client'
import { useMemo } from 'react'
import type { DataInput, ImageBatch, ImageShape, LatentBatch } from '../core/dataset'
import type { VAEHistoryPoint } from '../core/vae/engine/vae'
import type { ModelState } from '../client/modelState'
import { VAEClient, type VAEClientOptions } from '../client/vaeClient'
import { anomalyResult, commonResult, generativeResult, useModelClient } from './useModelClient'
import type { AnomalyHookResult } from './anomalyHookResult'
import type { ClientInterpolateOptions, ClientSampleOptions } from '../client/generativeClient'
import type { TrainSummary } from '../../workers/host'

/**
 * Options of {@link useVAE}. Architecture options (`latentDim`, `hiddenUnits`, `likelihood`,
 * `observationNoise`, `beta`, `seed`) define the model: changing one starts a fresh model. Training
 * options (`epochs`, `batchSize`, `learningRate`) apply from the next `train()`.
 */
export type UseVAEOptions = VAEClientOptions

/** What {@link useVAE} returns: an immutable state snapshot plus stable actions. */
export interface UseVAEResult extends ModelState<VAEHistoryPoint>, AnomalyHookResult {
  /** Latent size of the trained model (undefined before the first training step). */
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
  /** Stops and forgets the weights and history. */
  reset(): Promise<void>
  /** Decodes `n` draws from the prior; the same `seed` gives the same latents. */
  sample(n: number, options?: ClientSampleOptions): Promise<ImageBatch>
  /** Posterior means of `images`. */
  encode(images: DataInput): Promise<LatentBatch>
  /** Images decoded from latents (`[n, latentDim]`). */
  decode(latents: LatentBatch | Float32Array | readonly number[]): Promise<ImageBatch>
  /** Images through the model and back (posterior means, no noise). */
  reconstruct(images: DataInput): Promise<ImageBatch>
  /** `steps` decoded images from latent `a` to latent `b`, endpoints included. */
  interpolate(
    a: Float32Array | readonly number[],
    b: Float32Array | readonly number[],
    steps: number,
    options?: ClientInterpolateOptions,
  ): Promise<ImageBatch>
}

/**
 * Trains and runs a variational autoencoder in a Web Worker (TF.js; WebGPU, WebGL, WASM or CPU).
 *
 * ```tsx
 * const vae = useVAE({ data: 'digits', latentDim: 8, epochs: 30, autoTrain: true })
 * return <SampleGrid model={vae} rows={4} columns={8} />
 * ```
 */
export function useVAE(options: UseVAEOptions = {}): UseVAEResult {
  const [state, client] = useModelClient<VAEHistoryPoint, VAEClientOptions, VAEClient>(
    () => new VAEClient(options),
    options,
  )

  return useMemo(
    () => ({
      ...commonResult(state, client),
      ...generativeResult(client),
      ...anomalyResult(state, client),
      encode: client.encode,
      reconstruct: client.reconstruct,
    }),
    [state, client],
  )
}
