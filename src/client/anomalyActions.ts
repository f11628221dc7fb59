/**
 * The anomaly actions of a reconstruction model's client (VAE, autoencoder): score images, calibrate
 * the threshold on normal data, set it by hand. Shared by composition, since those clients extend
 * different bases.
 */
import type { DataInput, ImageBatch } from '../core/dataset'
import {
  checkPercentile,
  checkThreshold,
  resolveScoreOptions,
  type AnomalyScores,
  type CalibrateOptions,
  type ScoreOptions,
} from '../core/anomaly/anomalyScoring'
import type { ModelInfo } from '../../workers/modelInfo'
import type { WorkerLease } from './workerPool'

/** Options of a client's `calibrate`. */
export interface ClientCalibrateOptions extends CalibrateOptions {
  /** Normal images to calibrate on. Default: the data the model was trained on. */
  readonly data?: DataInput
}

/** What the actions need from their client. */
export interface AnomalyActionHost {
  call<T>(action: string, work: (id: string, lease: WorkerLease) => Promise<T>): Promise<T>
  updateModel(model: ModelInfo): void
  /** Validates images passed to an action. */
  images(input: DataInput): ImageBatch
}

/** The three anomaly actions, bound to `host`. */
export function anomalyActions(host: AnomalyActionHost) {
  const { images } = host
  return {
    /** Anomaly scores, error maps and (once calibrated) flags of `images`. */
    score(input: DataInput, options: ScoreOptions = {}): Promise<AnomalyScores> {
      return host.call('score', (id, lease) => {
        resolveScoreOptions(options)
        return lease.api.score(id, images(input), options)
      })
    },
    /** Sets the threshold to a percentile (default 99th) of the scores of normal data; returns it. */
    calibrate(options: ClientCalibrateOptions = {}): Promise<number | undefined> {
      return host.call('calibrate', async (id, lease) => {
        const { data, ...rest } = options
        checkPercentile(rest.percentile ?? 99)
        resolveScoreOptions(rest)
        const model = await lease.api.calibrate(
          id,
          data === undefined ? undefined : images(data),
          rest,
        )
        host.updateModel(model)
        return model.threshold
      })
    },
    /** Sets the anomaly threshold by hand (a finite number ≥ 0). */
    setThreshold(value: number): Promise<void> {
      return host.call('set the threshold', async (id, lease) => {
        checkThreshold(value)
        host.updateModel(await lease.api.setThreshold(id, value))
      })
    },
  }
}

/** The anomaly actions as a client exposes them. */
export type AnomalyActions = ReturnType<typeof anomalyActions>
