'use client'
import { useMemo } from 'react'
import type { ImageBatch, ImageShape, LatentBatch } from '../core/dataset'
import type { GANHistoryPoint, View2D, View2DOptions } from '../core/gan/engine/gan'
import { ganHealth, type GANHealth } from '../core/gan/ganMetrics'
import type { ModelState } from '../client/modelState'
import type { ClientInterpolateOptions, ClientSampleOptions } from '../client/generativeClient'
import { GANClient, type GANClientOptions } from '../client/ganClient'
import type { TrainSummary } from '../../workers/host'
import { commonResult, generativeResult, useModelClient } from './useModelClient'

/**
 * Options of {@link useGAN}. Architecture options (`noiseDim`, `generatorUnits`,
 * `discriminatorUnits`, `output`, `seed`) define the model: changing one starts a fresh model.
 * Training options apply from the next `train()`.
 */
export type UseGANOptions = GANClientOptions

/** What {@link useGAN} returns: an immutable state snapshot, health signals and stable actions. */
export interface UseGANResult extends ModelState<GANHistoryPoint> {
  /** Noise size of the trained generator (undefined before the first step). */
  readonly latentDim: number | undefined
  /** Shape of one generated sample (undefined before the first step). */
  readonly imageShape: ImageShape | undefined
  /** Discriminator winning outright, sample diversity, collapse: computed from `history`. */
  readonly health: GANHealth
  /** Trains for `epochs` epochs (continuing); resolves when done or stopped; rejects with a typed error. */
  train(): Promise<TrainSummary<GANHistoryPoint> | undefined>
  /** Pauses training at the next batch boundary. */
  pause(): Promise<void>
  /** Resumes paused training. */
  resume(): Promise<void>
  /** Stops training at the next batch boundary, keeping the weights. */
  stop(): Promise<void>
  /** Stops and forgets the weights and history. */
  reset(): Promise<void>
  /** `n` samples from noise drawn with `seed` (same seed, same noise). */
  sample(n: number, options?: ClientSampleOptions): Promise<ImageBatch>
  /** Samples generated from noise vectors (`[n, noiseDim]`). */
  generate(noise: LatentBatch | Float32Array | readonly number[]): Promise<ImageBatch>
  /** The same as `generate`: lets components written for any model decode latents. */
  decode(noise: LatentBatch | Float32Array | readonly number[]): Promise<ImageBatch>
  /** `steps` samples along a path between two noise vectors, endpoints included. */
  interpolate(
    a: Float32Array | readonly number[],
    b: Float32Array | readonly number[],
    steps: number,
    options?: ClientInterpolateOptions,
  ): Promise<ImageBatch>
  /** For 2-D data: the discriminator over the plane and generated points. */
  view2d(options?: View2DOptions): Promise<View2D>
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
export function useGAN(options: UseGANOptions = {}): UseGANResult {
  const [state, client] = useModelClient<GANHistoryPoint, GANClientOptions, GANClient>(
    () => new GANClient(options),
    options,
  )
  return useMemo(
    () => ({
      ...commonResult(state, client),
      ...generativeResult(client),
      health: ganHealth(state.history),
      generate: client.generate,
      view2d: client.view2d,
    }),
    [state, client],
  )
}
