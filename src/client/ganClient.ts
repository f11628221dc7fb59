/** The main-thread side of a GAN. */
import type { LatentBatch, ImageBatch } from '../core/dataset'
import type { GANHistoryPoint, View2D, View2DOptions } from '../core/gan/engine/gan'
import {
  validateGANModelOptions,
  validateGANTrainOptions,
  type GANModelOptions,
  type GANTrainOptions,
} from '../core/gan/ganOptions'
import type { ModelInfo } from '../../workers/modelInfo'
import { pickDefined, type ModelClientOptions } from './modelClient'
import { GenerativeClient } from './generativeClient'
import type { WorkerLease } from './workerPool'

/** Options of a GAN client (and of `useGAN`). */
export interface GANClientOptions extends GANModelOptions, GANTrainOptions, ModelClientOptions {}

const GAN_MODEL_KEYS = [
  'architecture',
  'filters',
  'noiseDim',
  'generatorUnits',
  'discriminatorUnits',
  'output',
  'seed',
] as const satisfies readonly (keyof GANModelOptions)[]

const GAN_TRAIN_KEYS = [
  'epochs',
  'batchSize',
  'generatorLearningRate',
  'discriminatorLearningRate',
  'beta1',
  'labelSmoothing',
  'discriminatorSteps',
  'fusedKernels',
] as const satisfies readonly (keyof GANTrainOptions)[]

/** A GAN living in the shared worker, seen from the main thread. */
export class GANClient extends GenerativeClient<GANHistoryPoint, GANClientOptions> {
  protected readonly modelKeys = GAN_MODEL_KEYS

  constructor(options: GANClientOptions = {}) {
    super(options)
    this.generate = this.generate.bind(this)
    this.view2d = this.view2d.bind(this)
  }

  protected validate(options: GANClientOptions): void {
    validateGANModelOptions(pickDefined(options, GAN_MODEL_KEYS))
    validateGANTrainOptions(pickDefined(options, GAN_TRAIN_KEYS))
  }

  protected trainOptionsOf(options: GANClientOptions): GANTrainOptions {
    return pickDefined(options, GAN_TRAIN_KEYS)
  }

  protected createModel(
    lease: WorkerLease,
    id: string,
    options: GANClientOptions,
  ): Promise<ModelInfo> {
    return lease.api.createGAN(id, pickDefined(options, GAN_MODEL_KEYS))
  }

  /** Samples generated from noise vectors (`[n, noiseDim]`). */
  generate(noise: LatentBatch | Float32Array | readonly number[]): Promise<ImageBatch> {
    return this.decode(noise)
  }

  /** For 2-D data: the discriminator over the plane and generated points (computed in the worker). */
  view2d(options: View2DOptions = {}): Promise<View2D> {
    return this.call('view the plane', (id, lease) => lease.api.view2d(id, options))
  }
}
