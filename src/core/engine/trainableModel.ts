import * as tf from '@tensorflow/tfjs-core'
import {
  assertImageShape,
  imageShapeOf,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../dataset'
import { BusyError, NotTrainedError } from '../errors'
import { checkSnapshot, checkSnapshotOptions, type ModelSnapshot } from '../family/modelSnapshot'
import {
  NO_SNAPSHOT_STATE,
  readSnapshotField,
  snapshotRecord,
  type SnapshotState,
} from '../family/snapshotRecord'
import type { TrainResult } from '../training'
import type { Random } from '../random'
import { LogSumExp, meanAndStandardError, type ImportanceSampledLogLikelihood } from '../logSumExp'
import {
  BYTES_PER_WEIGHT,
  checkSize,
  FLOAT_BYTES,
  rowLimit,
  type SizeRequest,
} from '../memoryModel'
import { createSnapshot, restoreSnapshotWeights, type NetworkWeight } from './modelSnapshot'
import {
  captureTraining,
  prepareTraining,
  type RandomStreams,
  type TrainingStatePart,
} from './trainingState'
import {
  backendMemory,
  checkRows,
  hostLimit,
  mapRowChunks,
  passLimit,
  type RowPass,
} from './memoryBudget'
import {
  runTrainingLoop,
  type FitHooks,
  type TrainingCounters,
  type TrainingLoopSpec,
} from './trainingLoop'

/** What a model's network must offer: its resolved options, its weights, a way to free its tensors. */
export interface ModelNetwork {
  readonly options: object
  /**
   * What a snapshot saves, in a fixed order: the trained variables (`variables()` order), then state
   * that is not trained but belongs with them (running statistics, host arrays).
   */
  weights(): readonly NetworkWeight[]
  dispose(): void
}

/** What {@link TrainableModel.snapshot} takes. */
export interface SnapshotOptions {
  /**
   * Keep the training state (optimiser moments and step counts, random streams' positions, a
   * learner's running sums) so that training restored from the snapshot continues exactly as it
   * would have. `false` keeps the weights only (smaller: for shipped presets). Default `true`.
   */
  readonly training?: boolean
}

/** A snapshot's `network` record, an object yet to be checked. */
export type SnapshotNetwork = Readonly<Record<string, unknown>>

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
  /**
   * JSON: what building the network decided (its resolved options, and what was chosen from the
   * data), so the same network can be built again without the data. Snapshots keep it as `network`.
   */
  readonly plan: { readonly options: object }
}

/** A pass rows of an action go through: `inputSize` values per row in, `outputSize` out. */
export interface RowStage {
  /** Names the pass (its memory is measured once per network and name). */
  readonly name: string
  /** Values per row going in. */
  readonly inputSize: number
  /** Values per row coming out. */
  readonly outputSize: number
  /** The pass on a `[rows, inputSize]` tensor; runs inside `tf.tidy`. */
  readonly pass: (x: tf.Tensor2D) => tf.Tensor
}

/** How the rows of an action are named in a refusal: `image` and `encode`, … */
export interface RowRequest {
  /** What a row is, singular: `'image'`, `'latent vector'`. */
  readonly noun: string
  /** The action, as a verb: `'encode'`. */
  readonly action: string
}

/** What one training step holds, for the check of its batch size. */
export interface TrainingStepCost extends Omit<RowPass, 'name'> {
  /** What shapes the step besides the network (`'d3'` for three discriminator steps), or `''`. */
  readonly key: string
  /** The most rows a step can take whatever the batch size (the rows of the data, or patches). */
  readonly rows: number
  /** What else makes a step large, for the refusal (`'; or lower discriminatorSteps'`). Default none. */
  readonly advice?: string
}

/** The size of a planned network, and what to change when it is too large. */
export interface NetworkSize {
  /** Values the network keeps (its weights and the state saved with them). */
  readonly weights: number
  /** What to change, for the refusal: `'use smaller hiddenUnits or latentDim'`. */
  readonly advice: string
}

/** How a model checks what it is given. */
export interface ModelRules<T extends ModelTypes> {
  /** The family's kind (its spec's `kind`), which a snapshot must have to be restored here. */
  readonly kind: string
  /** Throws `INVALID_OPTION` for model options no data could make valid; runs in the constructor. */
  readonly validateOptions: (options: T['options']) => void
  /** `train` with every default filled in; throws `INVALID_OPTION`. */
  readonly resolveTrainOptions: (train: T['train'], options: T['options']) => T['resolvedTrain']
}

/**
 * What every trainable model shares: its model options (checked when it is made), `fit` (check the
 * data, build the network on the first call, run epochs, one training at a time), the step counters,
 * `snapshot`/`restore` and `reset`/`dispose`. A model supplies the steps these are made of: a network
 * is planned from the data (`planNetwork`) and built from the plan (`construct`), so `restore` builds
 * the same network from a snapshot's plan without the data.
 */
export abstract class TrainableModel<T extends ModelTypes> {
  protected network: T['network'] | undefined
  protected shape: ImageShape | undefined
  /** What the network was built from; a snapshot keeps it. */
  private networkPlan: T['plan'] | undefined
  /** Model-level state a snapshot keeps beside the network. Default: none. */
  protected readonly modelState: SnapshotState = NO_SNAPSHOT_STATE
  protected readonly counters: TrainingCounters = { steps: 0, epochs: 0 }
  /** Orders the training rows of each epoch; `adoptPlan` makes it from the model's seed. */
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
  /** What to build for `data`: resolved options and every choice made from the data (JSON). */
  protected abstract planNetwork(data: ImageBatch): T['plan']
  /**
   * A snapshot's `network` record as a plan for images of `shape`, checked field by field; throws
   * (`INVALID_INPUT` or an option error, reported as one) when it is not a plan this model makes.
   */
  protected abstract readPlan(record: SnapshotNetwork, shape: ImageShape): T['plan']
  /**
   * The network `plan` describes, for images of `shape`: the one construction path of a first fit and
   * of `restore`. Changes nothing else in the model.
   */
  protected abstract construct(plan: T['plan'], shape: ImageShape): T['network']
  /** Makes what the model keeps beside a new network from its plan: random streams from the seed, …. */
  protected abstract adoptPlan(plan: T['plan']): void
  /** Runs the epochs `train` asks for on the built `network`. */
  protected abstract runEpochs(
    network: T['network'],
    data: ImageBatch,
    train: T['resolvedTrain'],
    hooks: FitHooks<T['point']>,
  ): Promise<TrainResult<T['point']>>

  /** How many values the network of `plan` keeps for images of `shape`, computed without building it. */
  protected abstract networkSize(plan: T['plan'], shape: ImageShape): NetworkSize
  /** What a training step of `network` holds per row (measured once per network and `key`). */
  protected abstract trainingStep(
    network: T['network'],
    data: ImageBatch,
    train: T['resolvedTrain'],
  ): TrainingStepCost

  /**
   * Trains on `data` for `options.epochs` epochs, continuing from the current weights. The first call
   * builds the network for the data's image shape; later calls must pass images the network takes.
   * Stops early, keeping the weights, when `hooks.control` is stopped. On a non-finite loss the
   * weights of the start of the epoch are restored and a `DIVERGED` error is thrown. Bad options or
   * data, a network too large for the backend's memory and a batch whose step would not fit
   * (`INVALID_OPTION`) throw before anything changes.
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
      const built = !this.network
      if (built) this.build(data)
      const network = this.network as T['network']
      try {
        this.checkStepMemory(network, data, train)
      } catch (error) {
        // A first fit refused leaves the model as it was: untrained, without a network.
        if (built) this.forget()
        throw error
      }
      return await this.runEpochs(network, data, train, hooks)
    } finally {
      this.fitting = false
    }
  }

  /** Refuses (`INVALID_OPTION`) a batch whose training step would not fit in the call budget. */
  private checkStepMemory(
    network: T['network'],
    data: ImageBatch,
    train: T['resolvedTrain'],
  ): void {
    const step = this.trainingStep(network, data, train)
    const rows = Math.min(train.batchSize, step.rows)
    const limit = this.passLimit({ ...step, name: `train:${step.key}` }, rows)
    if (rows <= limit) return
    checkRows(
      {
        what: 'batchSize',
        option: 'batchSize',
        actual: train.batchSize,
        per: 'training step',
        advice: (most) =>
          most > 0
            ? `use batchSize ≤ ${most}${step.advice ?? ''}`
            : `not even one row fits: use a smaller model${step.advice ?? ''}`,
      },
      limit,
    )
  }

  /**
   * Refuses (`INVALID_OPTION`) a network of `plan` whose weights, with their gradients, optimiser
   * moments and copies, would not fit in the call budget.
   */
  private checkNetworkSize(plan: T['plan'], shape: ImageShape): void {
    const { weights, advice } = this.networkSize(plan, shape)
    const memory = backendMemory()
    const limit = rowLimit(
      { bytesPerRow: BYTES_PER_WEIGHT, tensorBytesPerRow: FLOAT_BYTES },
      memory,
    )
    checkSize(
      {
        what: 'weight count',
        actual: weights,
        per: `model at ${BYTES_PER_WEIGHT} bytes a weight with its gradient, Adam moments and copies`,
        advice: () => `${advice} (images of ${shape.join(' × ')})`,
      },
      limit,
      memory,
    )
  }

  /** Plans, constructs, initialises and installs the network for `data`. */
  private build(data: ImageBatch): void {
    const shape = imageShapeOf(data)
    const plan = this.planNetwork(data)
    this.checkNetworkSize(plan, shape)
    const network = this.construct(plan, shape)
    this.initialize(network, data)
    this.install(network, plan, shape)
  }

  private install(network: T['network'], plan: T['plan'], shape: ImageShape): void {
    this.network = network
    this.networkPlan = plan
    this.shape = shape
    this.adoptPlan(plan)
  }

  /** Sets initial weights that depend on the data (a dictionary's atoms). Default: none. */
  protected initialize(_network: T['network'], _data: ImageBatch): void {}

  /**
   * The model's random streams a snapshot keeps, by name (a stream not made yet is `undefined`; the
   * names are the same whether or not it is). Default: the shuffle stream.
   */
  protected randomStreams(): RandomStreams {
    return { shuffle: this.shuffleRandom }
  }

  /** The optimisers and other learners of `network` whose state a snapshot keeps. Default: none. */
  protected trainingParts(_network: T['network']): readonly TrainingStatePart[] {
    return []
  }

  /**
   * The trained model's weights and what rebuilding it needs, and (unless `options.training` is
   * `false`) its training state, so training restored from it continues exactly: no training data.
   * JSON and one transferable `ArrayBuffer`. Taken at once, so also consistent while `fit` runs;
   * holds no tensor afterwards. `NOT_TRAINED` before the first step.
   */
  async snapshot(options: SnapshotOptions = {}): Promise<ModelSnapshot> {
    const network = this.requireNetwork('take a snapshot')
    const head = {
      kind: this.rules.kind,
      modelOptions: this.modelOptions,
      imageShape: this.shape as ImageShape,
      trainedSteps: this.counters.steps,
      trainedEpochs: this.counters.epochs,
      network: this.networkPlan,
      state: this.modelState.saveState(),
    }
    const training =
      options.training === false
        ? undefined
        : captureTraining(this.randomStreams(), this.trainingParts(network))
    return createSnapshot(head, network.weights(), training)
  }

  /**
   * Replaces the network with the one `snapshot` holds (taken from a model of this family made with
   * the same options): weights, step and epoch counters, model state (thresholds) and, when the
   * snapshot has it, the training state (optimisers, random streams), so that training continues
   * exactly as it would have in the model the snapshot was taken from. Without it, random streams
   * start again from the seed and optimisers start fresh. Everything is checked first: a bad
   * snapshot throws `INVALID_INPUT` (its `details` name the field) and changes nothing. `BUSY`
   * while training.
   */
  restore(snapshot: ModelSnapshot): void {
    if (this.fitting) {
      throw new BusyError('cannot restore while training; stop() first and wait for train() to end')
    }
    const checked = checkSnapshot(snapshot, this.rules.kind)
    checkSnapshotOptions(checked, this.modelOptions)
    const shape: ImageShape = [...checked.imageShape]
    const plan = readSnapshotField('network', () =>
      this.readPlan(snapshotRecord(checked.network, 'network'), shape),
    )
    const applyState = readSnapshotField('state', () => this.modelState.loadState(checked.state))
    this.checkNetworkSize(plan, shape)
    const network = this.construct(plan, shape)
    let applyTraining: () => void
    try {
      restoreSnapshotWeights(checked, network.weights())
      applyTraining = readSnapshotField('training', () =>
        prepareTraining(checked, this.trainingParts(network), () => this.randomStreams()),
      )
    } catch (error) {
      network.dispose()
      throw error
    }
    this.network?.dispose()
    this.resetExtras()
    this.install(network, plan, shape)
    this.counters.steps = checked.trainedSteps
    this.counters.epochs = checked.trainedEpochs
    applyState()
    applyTraining()
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

  /**
   * The most rows one `pass` of this model's network may take, to decide on `wanted` rows (see
   * `passLimit`: measured once per architecture, which the plan and image shape determine).
   */
  protected passLimit(pass: RowPass, wanted: number): number {
    return passLimit(
      `${this.rules.kind}|${JSON.stringify(this.networkPlan)}|${String(this.shape)}`,
      pass,
      wanted,
    )
  }

  /** The most rows one pass of `stage` may take (with its input and output held on the host). */
  protected stageLimit(stage: RowStage, wanted: number): number {
    return this.passLimit(
      {
        name: stage.name,
        run: (rows) => stage.pass(tf.zeros([rows, stage.inputSize])),
        hostValuesPerRow: stage.inputSize + stage.outputSize,
      },
      wanted,
    )
  }

  /** Refuses (`INVALID_OPTION`) `request` when it asks for more rows than one pass of `stage` takes. */
  protected checkOnePass(stage: RowStage, request: SizeRequest): void {
    checkRows(request, this.stageLimit(stage, request.actual))
  }

  /**
   * Runs `rows` rows of `input` through `stages` in turn, each in chunks that fit the call budget.
   * Refuses (`INVALID_OPTION`) a call whose host arrays would not fit: its input, every stage's
   * output, and `extraHostValues` per row that the caller keeps beside them.
   */
  protected async throughStages(
    request: RowRequest,
    input: Float32Array,
    rows: number,
    stages: readonly RowStage[],
    extraHostValues = 0,
  ): Promise<Float32Array> {
    const hostValues = stages.reduce(
      (sum, stage) => sum + stage.outputSize,
      (stages[0]?.inputSize ?? 0) + extraHostValues,
    )
    const chunks = stages.map((stage) => this.stageLimit(stage, rows))
    checkRows(
      {
        what: `${request.noun} count`,
        actual: rows,
        advice: (most) => `${request.action} at most ${most} ${request.noun}s per call`,
      },
      Math.min(hostLimit(hostValues), ...chunks.map((chunk) => (chunk > 0 ? Infinity : 0))),
    )
    let values = input
    for (const [i, stage] of stages.entries()) {
      const chunk = chunks[i] as number
      values = await mapRowChunks(
        values,
        rows,
        stage.inputSize,
        stage.outputSize,
        chunk,
        stage.pass,
      )
    }
    return values
  }

  /**
   * `images` (of the model's image shape, else `SHAPE_MISMATCH`) through `stages` in chunks that fit
   * in memory (see {@link TrainableModel.throughStages}); `action` names the call in a refusal.
   */
  protected async imageRows(
    action: string,
    images: ImageBatch,
    stages: readonly RowStage[],
    extraHostValues = 0,
  ): Promise<{ readonly data: Float32Array; readonly rows: number }> {
    assertImageShape(images, this.shape as ImageShape, 'images')
    const rows = images.shape[0]
    const request = { noun: 'image', action }
    const data = await this.throughStages(request, images.data, rows, stages, extraHostValues)
    return { data, rows }
  }

  /** `images` through one `stage` into features, `[n, stage.outputSize]` (see {@link TrainableModel.imageRows}). */
  protected async imageFeatures(
    action: string,
    images: ImageBatch,
    stage: RowStage,
  ): Promise<LatentBatch> {
    const { data, rows } = await this.imageRows(action, images, [stage])
    return { data, shape: [rows, stage.outputSize] }
  }

  /**
   * Importance-sampled log-likelihoods of `rows` images (`data`, `inputSize` values each) with
   * `samples` draws each: `logWeights(x, noise)` gives log p(x, h) − log q(h | x) per row of `x`
   * `[m, inputSize]` for the recognition noise `noise` `[m, noiseSize]` (`draw(count)` values from the
   * caller's seeded stream, in order). Images and samples go in passes that fit in memory; a call
   * whose images alone would not fit is refused with `INVALID_OPTION`.
   */
  protected async importanceSampled(
    data: Float32Array,
    rows: number,
    samples: number,
    pass: {
      readonly inputSize: number
      readonly noiseSize: number
      readonly logWeights: (x: tf.Tensor2D, noise: tf.Tensor2D) => tf.Tensor
      readonly draw: (count: number) => Float32Array
    },
  ): Promise<ImportanceSampledLogLikelihood> {
    const { inputSize, noiseSize } = pass
    const perPass = this.passLimit(
      {
        name: 'logLikelihood',
        run: (n) => pass.logWeights(tf.zeros([n, inputSize]), tf.zeros([n, noiseSize])),
        hostValuesPerRow: inputSize + noiseSize,
      },
      rows * samples,
    )
    checkRows(
      {
        what: 'image count',
        actual: rows,
        advice: (most) => `estimate at most ${most} images per call`,
      },
      perPass > 0 ? hostLimit(inputSize) : 0,
    )
    const logLikelihoods = new Float32Array(rows)
    let elboSum = 0
    const rowsPerPass = Math.max(1, Math.min(rows, perPass))
    for (let start = 0; start < rows; start += rowsPerPass) {
      const n = Math.min(rowsPerPass, rows - start)
      const sums = new LogSumExp(n)
      const x = tf.tensor2d(data.subarray(start * inputSize, (start + n) * inputSize), [
        n,
        inputSize,
      ])
      try {
        const samplesPerPass = Math.max(1, Math.floor(perPass / n))
        for (let drawn = 0; drawn < samples; drawn += samplesPerPass) {
          const b = Math.min(samplesPerPass, samples - drawn)
          const noise = pass.draw(b * n * noiseSize)
          const weights = tf.tidy(() =>
            pass.logWeights(
              b === 1 ? x : (tf.tile(x, [b, 1]) as tf.Tensor2D),
              tf.tensor2d(noise, [b * n, noiseSize]),
            ),
          )
          const values = (await weights.data()) as Float32Array
          weights.dispose()
          for (let i = 0; i < values.length; i++) {
            sums.add(i % n, values[i] as number)
            elboSum += values[i] as number
          }
        }
      } finally {
        x.dispose()
      }
      for (let i = 0; i < n; i++) logLikelihoods[start + i] = sums.mean(i, samples)
    }
    const { mean, standardError } = meanAndStandardError(logLikelihoods)
    return {
      meanLogLikelihood: mean,
      standardError,
      logLikelihoods,
      meanELBO: elboSum / (rows * samples),
      samples,
    }
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
    this.forget()
  }

  /** Drops the network and everything learned with it. */
  private forget(): void {
    this.network?.dispose()
    this.resetExtras()
    this.network = undefined
    this.networkPlan = undefined
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
