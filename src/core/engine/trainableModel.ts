import { assertImageShape, imageShapeOf, type ImageBatch, type ImageShape } from '../dataset'
import { BusyError, NotTrainedError } from '../errors'
import type { TrainResult } from '../training'
import type { Random } from '../random'
import {
  runTrainingLoop,
  type FitHooks,
  type TrainingCounters,
  type TrainingLoopSpec,
} from './trainingLoop'

/** What a model's network must offer: its resolved options, and a way to free its tensors. */
export interface ModelNetwork {
  readonly options: object
  dispose(): void
}

/** The types a model is made of. */
export interface ModelTypes {
  /** The network built on the first fit. */
  readonly network: ModelNetwork
  /** Model options (the architecture), fixed for the model's life. */
  readonly options: object
  /** What `fit` takes. */
  readonly train: object
  /** `train` with every default filled in. */
  readonly resolvedTrain: { readonly batchSize: number; readonly epochs: number }
  /** One entry of the training history. */
  readonly point: { step: number; epoch: number }
}

/** How a model checks what it is given. */
export interface ModelRules<T extends ModelTypes> {
  /** Throws `INVALID_OPTION` for model options no data could make valid; runs in the constructor. */
  readonly validateOptions: (options: T['options']) => void
  /** `train` with every default filled in; throws `INVALID_OPTION`. */
  readonly resolveTrainOptions: (train: T['train'], options: T['options']) => T['resolvedTrain']
}

/**
 * What every trainable model shares: its model options (checked when it is made), `fit` (check the
 * data, build the network on the first call, run epochs, one training at a time), the step counters
 * and `reset`/`dispose`. A model supplies the four steps `fit` is made of.
 */
export abstract class TrainableModel<T extends ModelTypes> {
  protected network: T['network'] | undefined
  protected shape: ImageShape | undefined
  protected readonly counters: TrainingCounters = { steps: 0, epochs: 0 }
  /** Orders the training rows of each epoch; `build` makes it from the model's seed. */
  protected shuffleRandom: Random | undefined
  /** The options as given (a copy), resolved against the data on the first fit. */
  protected readonly modelOptions: T['options']
  private fitting = false

  /** Throws `INVALID_OPTION` (through `rules.validateOptions`) before anything is built. */
  protected constructor(
    options: T['options'] | undefined,
    private readonly rules: ModelRules<T>,
  ) {
    const given = options ?? {}
    rules.validateOptions(given)
    this.modelOptions = { ...given }
  }

  /** Throws a typed error for data this model cannot train on (before anything is built). */
  protected abstract checkTrainingData(data: ImageBatch): void
  /** The network for `data`'s image shape, with whatever else is made with it (random streams). */
  protected abstract build(data: ImageBatch): T['network']
  /** Runs the epochs `train` asks for on the built `network`. */
  protected abstract runEpochs(
    network: T['network'],
    data: ImageBatch,
    train: T['resolvedTrain'],
    hooks: FitHooks<T['point']>,
  ): Promise<TrainResult<T['point']>>

  /**
   * Trains on `data` for `options.epochs` epochs, continuing from the current weights. The first call
   * builds the network for the data's image shape; later calls must pass images the network takes.
   * Stops early, keeping the weights, when `hooks.control` is stopped. On a non-finite loss the
   * weights of the start of the epoch are restored and a `DIVERGED` error is thrown. Bad options or
   * data throw before anything changes.
   */
  async fit(
    data: ImageBatch,
    options: T['train'] = {} as T['train'],
    hooks: FitHooks<T['point']> = {},
  ): Promise<TrainResult<T['point']>> {
    const train = this.rules.resolveTrainOptions(options, this.modelOptions)
    if (this.shape) this.checkShape(data)
    this.checkTrainingData(data)
    if (this.fitting) {
      throw new BusyError('this model is already training; stop() it or wait before training again')
    }
    this.fitting = true
    try {
      if (!this.network) {
        this.network = this.build(data)
        this.shape = imageShapeOf(data)
      }
      return await this.runEpochs(this.network, data, train, hooks)
    } finally {
      this.fitting = false
    }
  }

  /** The shared epoch loop (`runTrainingLoop`) with this model's shuffle stream and counters. */
  protected trainingLoop(
    train: T['resolvedTrain'],
    parts: Omit<TrainingLoopSpec<T['point']>, 'batchSize' | 'epochs' | 'shuffle' | 'counters'>,
    hooks: FitHooks<T['point']>,
  ): Promise<TrainResult<T['point']>> {
    return runTrainingLoop<T['point']>(
      {
        ...parts,
        batchSize: train.batchSize,
        epochs: train.epochs,
        shuffle: this.shuffleRandom as Random,
        counters: this.counters,
      },
      hooks,
    )
  }

  /** Throws `SHAPE_MISMATCH` for training data the built network cannot take. Default: same image shape. */
  protected checkShape(data: ImageBatch): void {
    assertImageShape(data, this.shape as ImageShape)
  }

  /** Options with defaults resolved, known after the first fit. */
  get resolvedOptions(): T['network']['options'] | undefined {
    return this.network?.options
  }

  /** Frees optimiser state and anything else beyond the network. */
  protected abstract resetExtras(): void

  /** True once at least one training step has run. */
  get isTrained(): boolean {
    return this.network !== undefined && this.counters.steps > 0
  }

  /** True while a training call runs. */
  get isFitting(): boolean {
    return this.fitting
  }

  /** Shape of one training image, known after the first training call. */
  get imageShape(): ImageShape | undefined {
    return this.shape
  }

  /** Training steps run so far. */
  get trainedSteps(): number {
    return this.counters.steps
  }

  /** Epochs run so far. */
  get trainedEpochs(): number {
    return this.counters.epochs
  }

  /** The trained network, or `NOT_TRAINED` naming what was asked for. */
  protected requireNetwork(action: string): T['network'] {
    if (!this.network || this.counters.steps === 0) {
      throw new NotTrainedError(
        `cannot ${action} before the model is trained; call train() (or fit()) first and wait for at least one step`,
      )
    }
    return this.network
  }

  /** Forgets the weights, optimiser state and step count; keeps the options. */
  reset(): void {
    if (this.fitting) {
      throw new BusyError('cannot reset while training; stop() first and wait for train() to end')
    }
    this.network?.dispose()
    this.resetExtras()
    this.network = undefined
    this.shape = undefined
    this.shuffleRandom = undefined
    this.counters.steps = 0
    this.counters.epochs = 0
  }

  /** Frees every tensor the model holds. */
  dispose(): void {
    this.reset()
  }
}
