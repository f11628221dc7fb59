/** The main-thread side of an autoencoder. */
import type { DataInput, ImageBatch, LatentBatch } from '../core/dataset'
import type { AutoencoderHistoryPoint } from '../core/autoencoder/engine/autoencoder'
import {
  validateAutoencoderModelOptions,
  validateAutoencoderTrainOptions,
  type AutoencoderModelOptions,
  type AutoencoderTrainOptions,
} from '../core/autoencoder/autoencoderOptions'
import type { ModelInfo } from '../../workers/modelInfo'
import type { AnomalyActions } from './anomalyActions'
import { ModelClient, pickDefined, type ModelClientOptions } from './modelClient'
import { latentPayload } from './generativeClient'
import type { WorkerLease } from './workerPool'

/** Options of an autoencoder client (and of `useAutoencoder`). */
export interface AutoencoderClientOptions
  extends AutoencoderModelOptions, AutoencoderTrainOptions, ModelClientOptions {}

const AUTOENCODER_MODEL_KEYS = [
  'kind',
  'architecture',
  'codeSize',
  'hiddenUnits',
  'corruption',
  'corruptionLevel',
  'sparsity',
  'seed',
] as const satisfies readonly (keyof AutoencoderModelOptions)[]

const AUTOENCODER_TRAIN_KEYS = [
  'epochs',
  'batchSize',
  'learningRate',
  'fusedKernels',
] as const satisfies readonly (keyof AutoencoderTrainOptions)[]

/** An autoencoder living in the shared worker, seen from the main thread. */
export class AutoencoderClient extends ModelClient<
  AutoencoderHistoryPoint,
  AutoencoderClientOptions
> {
  protected readonly modelKeys = AUTOENCODER_MODEL_KEYS
  /** Anomaly scores and error maps of images. */
  readonly score: AnomalyActions['score']
  /** Sets the anomaly threshold to a percentile of the scores of normal data (default: the training data). */
  readonly calibrate: AnomalyActions['calibrate']
  /** Sets the anomaly threshold by hand. */
  readonly setThreshold: AnomalyActions['setThreshold']

  constructor(options: AutoencoderClientOptions = {}) {
    super(options)
    this.encode = this.encode.bind(this)
    this.decode = this.decode.bind(this)
    this.reconstruct = this.reconstruct.bind(this)
    const actions = this.anomalyActions()
    this.score = actions.score
    this.calibrate = actions.calibrate
    this.setThreshold = actions.setThreshold
  }

  protected validate(options: AutoencoderClientOptions): void {
    validateAutoencoderModelOptions(pickDefined(options, AUTOENCODER_MODEL_KEYS))
    validateAutoencoderTrainOptions(pickDefined(options, AUTOENCODER_TRAIN_KEYS))
  }

  protected trainOptionsOf(options: AutoencoderClientOptions): AutoencoderTrainOptions {
    return pickDefined(options, AUTOENCODER_TRAIN_KEYS)
  }

  protected createModel(
    lease: WorkerLease,
    id: string,
    options: AutoencoderClientOptions,
  ): Promise<ModelInfo> {
    return lease.api.createAutoencoder(id, pickDefined(options, AUTOENCODER_MODEL_KEYS))
  }

  /** Codes of `images`, `[n, codeSize]`. */
  encode(images: DataInput): Promise<LatentBatch> {
    return this.call('encode', (id, lease) => lease.api.encode(id, this.userImages(images)))
  }

  /** Images decoded from codes, `[n, codeSize]`. */
  decode(codes: LatentBatch | Float32Array | readonly number[]): Promise<ImageBatch> {
    return this.call('decode', (id, lease) => lease.api.decode(id, latentPayload(codes)))
  }

  /** `images` through the encoder and decoder. */
  reconstruct(images: DataInput): Promise<ImageBatch> {
    return this.call('reconstruct', (id, lease) =>
      lease.api.reconstruct(id, this.userImages(images)),
    )
  }
}
