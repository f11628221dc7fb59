/** The main-thread side of a VAE. */
import type { DataInput, ImageBatch, LatentBatch } from '../core/dataset'
import type { VAEHistoryPoint } from '../core/vae/engine/vae'
import {
  validateVAEModelOptions,
  validateVAETrainOptions,
  type VAEModelOptions,
  type VAETrainOptions,
} from '../core/vae/vaeOptions'
import type { ModelInfo } from '../../workers/modelInfo'
import { pickDefined, type ModelClientOptions } from './modelClient'
import { GenerativeClient } from './generativeClient'
import type { WorkerLease } from './workerPool'
import type { AnomalyActions } from './anomalyActions'

/** Options of a VAE client (and of `useVAE`). */
export interface VAEClientOptions extends VAEModelOptions, VAETrainOptions, ModelClientOptions {}

const VAE_MODEL_KEYS = [
  'latentDim',
  'hiddenUnits',
  'likelihood',
  'observationNoise',
  'beta',
  'seed',
] as const satisfies readonly (keyof VAEModelOptions)[]

const VAE_TRAIN_KEYS = [
  'epochs',
  'batchSize',
  'learningRate',
  'fusedKernels',
] as const satisfies readonly (keyof VAETrainOptions)[]

/** A VAE living in the shared worker, seen from the main thread. */
export class VAEClient extends GenerativeClient<VAEHistoryPoint, VAEClientOptions> {
  protected readonly modelKeys = VAE_MODEL_KEYS
  /** Anomaly scores and error maps of images (reconstruction error through the posterior means). */
  readonly score: AnomalyActions['score']
  /** Sets the anomaly threshold to a percentile of the scores of normal data (default: the training data). */
  readonly calibrate: AnomalyActions['calibrate']
  /** Sets the anomaly threshold by hand. */
  readonly setThreshold: AnomalyActions['setThreshold']

  constructor(options: VAEClientOptions = {}) {
    super(options)
    this.encode = this.encode.bind(this)
    this.reconstruct = this.reconstruct.bind(this)
    const actions = this.anomalyActions()
    this.score = actions.score
    this.calibrate = actions.calibrate
    this.setThreshold = actions.setThreshold
  }

  protected validate(options: VAEClientOptions): void {
    validateVAEModelOptions(pickDefined(options, VAE_MODEL_KEYS))
    validateVAETrainOptions(pickDefined(options, VAE_TRAIN_KEYS))
  }

  protected trainOptionsOf(options: VAEClientOptions): VAETrainOptions {
    return pickDefined(options, VAE_TRAIN_KEYS)
  }

  protected createModel(
    lease: WorkerLease,
    id: string,
    options: VAEClientOptions,
  ): Promise<ModelInfo> {
    return lease.api.createVAE(id, pickDefined(options, VAE_MODEL_KEYS))
  }

  /** Posterior means of `images`. */
  encode(images: DataInput): Promise<LatentBatch> {
    return this.call('encode', (id, lease) => lease.api.encode(id, this.userImages(images)))
  }

  /** `images` encoded to their posterior means and decoded again. */
  reconstruct(images: DataInput): Promise<ImageBatch> {
    return this.call('reconstruct', (id, lease) =>
      lease.api.reconstruct(id, this.userImages(images)),
    )
  }
}
