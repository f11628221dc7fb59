import type { ImageShape } from '../dataset'
import { BusyError, NotTrainedError } from '../errors'
import type { TrainingCounters } from './trainingLoop'

/** What a model's network must offer: its resolved options, and a way to free its tensors. */
export interface ModelNetwork {
  readonly options: object
  dispose(): void
}

/**
 * What every trainable model shares: its model options (checked when it is made), the network's
 * life cycle (built on the first fit), the step counters, the guard against two trainings at once,
 * and `reset`/`dispose`.
 */
export abstract class TrainableModel<Network extends ModelNetwork, Options extends object> {
  protected network: Network | undefined
  protected shape: ImageShape | undefined
  protected readonly counters: TrainingCounters = { steps: 0, epochs: 0 }
  /** The options as given (a copy), resolved against the data on the first fit. */
  protected readonly modelOptions: Options
  private fitting = false

  /** Throws `INVALID_OPTION` (through `validate`) before anything is built. */
  protected constructor(options: Options, validate: (options: Options) => void) {
    validate(options)
    this.modelOptions = { ...options }
  }

  /** Options with defaults resolved, known after the first fit. */
  get resolvedOptions(): Network['options'] | undefined {
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

  /** Runs `work` as the one training call of this model; a second one at once gets `BUSY`. */
  protected async exclusiveFit<T>(work: () => Promise<T>): Promise<T> {
    if (this.fitting) {
      throw new BusyError('this model is already training; stop() it or wait before training again')
    }
    this.fitting = true
    try {
      return await work()
    } finally {
      this.fitting = false
    }
  }

  /** The trained network, or `NOT_TRAINED` naming what was asked for. */
  protected requireNetwork(action: string): Network {
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
    this.counters.steps = 0
    this.counters.epochs = 0
  }

  /** Frees every tensor the model holds. */
  dispose(): void {
    this.reset()
  }
}
