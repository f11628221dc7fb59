/**
 * The Helmholtz machine's row of the autoregressive part's likelihood table: trained by wake-sleep
 * on the same binarised digits as the VAE (the VAE's layer sizes: 128 hidden units, then 8 binary
 * units at the top), its importance-sampled estimate of the held-out log-likelihood with K samples.
 */
import type { ImageBatch } from '../src/core/dataset'
import { HelmholtzMachine } from '../src/core/helmholtz/engine/helmholtz'
import { IWAE_SAMPLES, VAE_CONFIG } from './rbmDensity'
import { trainToCheckpoints } from './benchHelpers'

/** Wake-sleep settings of the bench's Helmholtz machine. */
export const HELMHOLTZ_CONFIG = {
  layers: [...VAE_CONFIG.hiddenUnits, VAE_CONFIG.latentDim],
  batchSize: 32,
  learningRate: 0.1,
}

/** The importance-sampled estimate with K samples, on the held-out rows. */
export interface HelmholtzBound {
  readonly samples: number
  /** Mean log-likelihood estimate, nats per image. */
  readonly test: number
  readonly standardError: number
  readonly seconds: number
}

/** One checkpoint of the Helmholtz machine's training. */
export interface HelmholtzPoint {
  readonly epochs: number
  readonly seconds: number
  /** Negative one-sample bound on the held-out and training rows, nats per image. */
  readonly test: number
  readonly train: number
  /** The K-sample estimates, at the last checkpoint. */
  readonly bounds?: readonly HelmholtzBound[]
}

/** A Helmholtz machine (seed 1) trained on `train` by wake-sleep, evaluated at each checkpoint. */
export async function helmholtzBounds(
  train: ImageBatch,
  test: ImageBatch,
  checkpoints: readonly number[],
): Promise<HelmholtzPoint[]> {
  const model = new HelmholtzMachine({ layers: HELMHOLTZ_CONFIG.layers, seed: 1 })
  try {
    return await trainToCheckpoints(
      (epochs) =>
        model.fit(train, {
          epochs,
          batchSize: HELMHOLTZ_CONFIG.batchSize,
          learningRate: HELMHOLTZ_CONFIG.learningRate,
          boundEvery: 1000,
        }),
      checkpoints,
      async ({ epochs, seconds, last }) => {
        const onTest = await model.logLikelihood(test, { samples: 1, seed: 1 })
        const onTrain = await model.logLikelihood(train, { samples: 1, seed: 1 })
        const bounds: HelmholtzBound[] = []
        if (last) {
          for (const samples of IWAE_SAMPLES) {
            const started = performance.now()
            const estimate = await model.logLikelihood(test, { samples, seed: 1 })
            bounds.push({
              samples,
              test: estimate.meanLogLikelihood,
              standardError: estimate.standardError,
              seconds: (performance.now() - started) / 1000,
            })
          }
        }
        return {
          epochs,
          seconds,
          test: -onTest.meanLogLikelihood,
          train: -onTrain.meanLogLikelihood,
          ...(bounds.length > 0 ? { bounds } : {}),
        }
      },
    )
  } finally {
    model.dispose()
  }
}
