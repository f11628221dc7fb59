/** The mean-image model: a running mean over the shared training loop. */
import {
  assertImageShape,
  gatherRows,
  imageShapeOf,
  imageSize,
  type ImageBatch,
  type ImageShape,
} from '../../../../src/core/dataset'
import {
  DivergedError,
  InvalidInputError,
  InvalidOptionError,
  NotTrainedError,
} from '../../../../src/core/errors'
import { createRandom, type Random } from '../../../../src/core/random'
import type { TrainResult } from '../../../../src/core/training'
import {
  runTrainingLoop,
  type FitHooks,
  type TrainingCounters,
} from '../../../../src/core/engine/trainingLoop'
import type { EngineModel } from '../../../../src/core/engine/familyEngine'
import {
  checkSnapshot,
  checkSnapshotOptions,
  type ModelSnapshot,
} from '../../../../src/core/family/modelSnapshot'
import { snapshotPositiveNumber, snapshotRecord } from '../../../../src/core/family/snapshotRecord'
import { createSnapshot, restoreSnapshotWeights } from '../../../../src/core/engine/modelSnapshot'
import type {
  MeanImageHistoryPoint,
  MeanImageModelOptions,
  MeanImageTrainOptions,
} from '../meanImageSpec'
import { meanImageSpec } from '../meanImageSpec'

/** Learns the mean of its images; samples it with noise. */
export class MeanImage implements EngineModel<MeanImageTrainOptions, MeanImageHistoryPoint> {
  private mean: Float32Array | undefined
  private seen = 0
  private shape: ImageShape | undefined
  private readonly counters: TrainingCounters = { steps: 0, epochs: 0 }
  private shuffle: Random

  constructor(private readonly options: MeanImageModelOptions) {
    meanImageSpec.validateModel(options)
    this.shuffle = createRandom(options.seed ?? 1)
  }

  get trainedSteps(): number {
    return this.counters.steps
  }

  get trainedEpochs(): number {
    return this.counters.epochs
  }

  get imageShape(): ImageShape | undefined {
    return this.shape
  }

  async fit(
    data: ImageBatch,
    options: MeanImageTrainOptions,
    hooks: FitHooks<MeanImageHistoryPoint>,
  ): Promise<TrainResult<MeanImageHistoryPoint>> {
    meanImageSpec.validateTrain(options)
    if (this.shape) assertImageShape(data, this.shape)
    const size = data.data.length / data.shape[0]
    this.shape ??= imageShapeOf(data)
    const mean = (this.mean ??= new Float32Array(size))
    const rows = new Float32Array((options.batchSize ?? 32) * size)
    return runTrainingLoop<MeanImageHistoryPoint>(
      {
        sampleCount: data.shape[0],
        batchSize: options.batchSize ?? 32,
        epochs: options.epochs ?? 2,
        shuffle: this.shuffle,
        counters: this.counters,
        variables: [],
        step: async (indices) => {
          gatherRows(rows, data.data, indices, size)
          let change = 0
          for (let r = 0; r < indices.length; r++) {
            this.seen += 1
            for (let i = 0; i < size; i++) {
              const delta = ((rows[r * size + i] as number) - (mean[i] as number)) / this.seen
              mean[i] = (mean[i] as number) + delta
              change += Math.abs(delta)
            }
          }
          return { change: change / size }
        },
        diverged: (_, step) => new DivergedError(`the mean became non-finite at step ${step}`),
      },
      hooks,
    )
  }

  /** `n` noisy copies of the mean. */
  sample(n: number, seed: number): ImageBatch {
    const mean = this.trainedMean('sample')
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidOptionError(`sample count must be an integer ≥ 1; got ${n}`)
    }
    const noise = createRandom(seed).normals(n * mean.length)
    const sigma = this.options.noise ?? 0.1
    const data = noise.map((z, i) => (mean[i % mean.length] as number) + sigma * z)
    const [h, w, c] = this.shape as ImageShape
    return { data, shape: [n, h, w, c] }
  }

  /** The mean image. */
  meanImage(): ImageBatch {
    const [h, w, c] = this.shape as ImageShape
    return { data: this.trainedMean('read the mean').slice(), shape: [1, h, w, c] }
  }

  /** The mean as the snapshot's one weight, and how many images it averages as its state. */
  snapshot(): Promise<ModelSnapshot> {
    const mean = this.trainedMean('take a snapshot')
    const shape = this.shape as ImageShape
    return createSnapshot(
      {
        kind: meanImageSpec.kind,
        modelOptions: this.options,
        imageShape: shape,
        trainedSteps: this.counters.steps,
        trainedEpochs: this.counters.epochs,
        network: null,
        state: { seen: this.seen },
      },
      [{ values: mean, shape: [...shape] }],
    )
  }

  /** Checks everything, then replaces the mean, its count, the shape, the counters and the shuffles. */
  restore(snapshot: ModelSnapshot): void {
    const checked = checkSnapshot(snapshot, meanImageSpec.kind)
    checkSnapshotOptions(checked, this.options)
    if (checked.network !== null) {
      throw new InvalidInputError('snapshot network must be null for a mean-image model', {
        field: 'network',
      })
    }
    const seen = snapshotPositiveNumber(snapshotRecord(checked.state, 'state'), 'seen', 'state')
    const mean = new Float32Array(imageSize(checked.imageShape))
    restoreSnapshotWeights(checked, [{ values: mean, shape: [...checked.imageShape] }])
    this.mean = mean
    this.seen = seen
    this.shape = [...checked.imageShape]
    this.counters.steps = checked.trainedSteps
    this.counters.epochs = checked.trainedEpochs
    this.shuffle = createRandom(this.options.seed ?? 1)
  }

  private trainedMean(action: string): Float32Array {
    if (!this.mean || this.counters.steps === 0) {
      throw new NotTrainedError(`cannot ${action} before the model is trained; call train() first`)
    }
    return this.mean
  }

  reset(): void {
    this.mean = undefined
    this.seen = 0
    this.shape = undefined
    this.counters.steps = 0
    this.counters.epochs = 0
  }

  dispose(): void {
    this.reset()
  }
}
