import * as tf from '@tensorflow/tfjs-core'
import {
  assertImageShape,
  gatherRows,
  imageSize,
  type ImageBatch,
  type ImageShape,
} from '../../dataset'
import { NotTrainedError } from '../../errors'
import { recordedOptions } from '../../family/snapshotRecord'
import {
  recordedReconstructionOutput,
  reconstructionOutputFor,
  type ReconstructionOutput,
} from '../../engine/reconstructionOutput'
import { createRandom, deriveSeed, type Random } from '../../random'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type RowStage,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import { denseWeightCount } from '../../memoryModel'
import { variableBytes } from '../../engine/memoryBudget'
import { AdamSlot } from '../../engine/adamSlot'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import { HammingIndex, packBits } from '../hammingIndex'
import {
  resolveHashingOptions,
  resolveHashingTrainOptions,
  validateHashingModelOptions,
  type HashingModelOptions,
  type HashingTrainOptions,
  type ResolvedHashingOptions,
} from '../hashingOptions'
import {
  hashingSpec,
  type HashCodes,
  type HashIndexInfo,
  type HashingHistoryPoint,
  type HashSearchResult,
} from '../hashingSpec'
import type { HammingQuery } from '../hammingIndex'
import { LearnedHashNetwork, LSHNetwork, type HashNetwork } from './hashNetworks'

/** What a hashing network is built from. */
interface HashingPlan {
  readonly options: ResolvedHashingOptions
  readonly output: ReconstructionOutput
}

interface HashingTypes {
  readonly network: HashNetwork
  readonly options: HashingModelOptions
  readonly train: HashingTrainOptions
  readonly resolvedTrain: Required<HashingTrainOptions>
  readonly point: HashingHistoryPoint
  readonly plan: HashingPlan
}

const RULES: ModelRules<HashingTypes> = {
  kind: hashingSpec.kind,
  validateOptions: validateHashingModelOptions,
  resolveTrainOptions: resolveHashingTrainOptions,
}

/**
 * Semantic hashing (Salakhutdinov & Hinton): a dense autoencoder (the autoencoder family's network)
 * whose code layer is `bits` sigmoid units pushed to 0/1 in training, read as a binary code; images
 * with nearby codes (Hamming distance) look alike. With `method: 'lsh'` the codes are random
 * hyperplanes' signs instead (a baseline; `fit` only centres them on the data). An index of packed
 * codes lives in the model: `buildIndex`, then `search` by popcount. Framework-free.
 *
 * ```ts
 * const hasher = new SemanticHashing({ bits: 16 })
 * await hasher.fit(digits, { epochs: 50 })
 * await hasher.buildIndex(digits)
 * const { indices, distances } = await hasher.search(query, { k: 10 })
 * ```
 */
export class SemanticHashing extends TrainableModel<HashingTypes> {
  private readonly adam = new AdamSlot()
  private noiseRandom: Random | undefined
  private inputRandom: Random | undefined
  private index: HammingIndex | undefined

  constructor(options?: HashingModelOptions) {
    super(options, RULES)
  }

  protected checkTrainingData(_data: ImageBatch): void {}

  protected planNetwork(data: ImageBatch): HashingPlan {
    return {
      options: resolveHashingOptions(this.modelOptions),
      output: reconstructionOutputFor(data.data),
    }
  }

  protected readPlan(record: SnapshotNetwork, _shape: ImageShape): HashingPlan {
    const options = recordedOptions(record, this.modelOptions, resolveHashingOptions)
    return { options, output: recordedReconstructionOutput(record) }
  }

  protected construct({ options, output }: HashingPlan, shape: ImageShape): HashNetwork {
    const size = imageSize(shape)
    return options.method === 'lsh'
      ? new LSHNetwork(size, options)
      : new LearnedHashNetwork(size, options, output)
  }

  /** LSH: hyperplanes through the training data's mean image. */
  protected override initialize(network: HashNetwork, data: ImageBatch): void {
    if (network instanceof LSHNetwork) network.centreOn(data.data, data.shape[0])
  }

  protected adoptPlan({ options }: HashingPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.noiseRandom = createRandom(deriveSeed(options.seed, 3))
    this.inputRandom = createRandom(deriveSeed(options.seed, 4))
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), noise: this.noiseRandom, input: this.inputRandom }
  }

  protected override trainingParts(network: HashNetwork): readonly TrainingStatePart[] {
    return network instanceof LearnedHashNetwork
      ? [this.adam.trainingPart('adam', network.weights())]
      : []
  }

  protected async runEpochs(
    network: HashNetwork,
    data: ImageBatch,
    train: Required<HashingTrainOptions>,
    hooks: FitHooks<HashingHistoryPoint>,
  ): Promise<TrainResult<HashingHistoryPoint>> {
    if (!(network instanceof LearnedHashNetwork)) {
      // Nothing to learn: the hyperplanes were centred when the network was built. One step, so
      // the model counts as trained.
      if (this.counters.steps === 0) {
        this.counters.steps = 1
        this.counters.epochs = 1
        return { steps: 1, stopped: false, last: undefined }
      }
      return { steps: 0, stopped: false, last: undefined }
    }
    const size = network.inputSize
    const { bits, inputNoise } = network.options
    const variables = network.weights()
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables,
        step: async (indices) => {
          const rows = indices.length
          const clean = new Float32Array(rows * size)
          gatherRows(clean, data.data, indices, size)
          const input = this.noisyInput(clean, inputNoise)
          const noise = network.code.noisy
            ? (this.noiseRandom as Random).normals(rows * bits)
            : undefined
          const [loss = NaN, binary = NaN] = await this.adam.step(
            train.learningRate,
            variables,
            () => {
              const x = tf.tensor2d(clean, [rows, size])
              const seen = input === clean ? x : tf.tensor2d(input, [rows, size])
              const codeNoise = noise ? tf.tensor2d(noise, [rows, bits]) : undefined
              const { terms, gradients } = network.autoencoder.lossAndGradients(seen, x, codeNoise)
              return {
                terms: [terms.reconstruction, network.code.binary as tf.Scalar],
                gradients,
              }
            },
          )
          return { loss, binary }
        },
        ...this.adam.loopParts(undefined, train.learningRate),
      },
      hooks,
    )
  }

  /** The rows the encoder sees in training: `clean` plus `sigma` × standard normal noise. */
  private noisyInput(clean: Float32Array, sigma: number): Float32Array {
    if (sigma === 0) return clean
    const noise = (this.inputRandom as Random).normals(clean.length)
    return clean.map((v, i) => v + sigma * (noise[i] as number))
  }

  protected networkSize({ options }: HashingPlan, shape: ImageShape): NetworkSize {
    const size = imageSize(shape)
    if (options.method === 'lsh') {
      return { weights: size * (options.bits + 1), advice: 'use fewer bits' }
    }
    const encoder = [size, ...options.hiddenUnits, options.bits]
    return {
      weights: denseWeightCount(encoder) + denseWeightCount([...encoder].reverse()),
      advice: 'use smaller hiddenUnits or fewer bits',
    }
  }

  protected trainingStep(network: HashNetwork, data: ImageBatch): TrainingStepCost {
    return {
      key: '',
      rows: data.shape[0],
      run: (rows) => {
        const x = tf.zeros([rows, network.inputSize]) as tf.Tensor2D
        return network instanceof LearnedHashNetwork
          ? network.autoencoder.lossAndGradients(x, x, tf.zeros([rows, network.options.bits]))
          : network.bitsOf(x)
      },
      passFixedBytes: variableBytes(network.weights()),
      // The clean rows, the noisy ones and the tensors made from them.
      hostValuesPerRow: 2 * network.inputSize,
    }
  }

  private bitsStage(network: HashNetwork): RowStage {
    return {
      name: 'bits',
      inputSize: network.inputSize,
      outputSize: network.options.bits,
      pass: (x) => network.bitsOf(x),
    }
  }

  /** Packed codes of `images` (`SHAPE_MISMATCH` unless of the model's image shape). */
  async hash(images: ImageBatch): Promise<HashCodes> {
    const network = this.requireNetwork('hash')
    const { bits } = network.options
    const { data, rows } = await this.imageRows('hash', images, [this.bitsStage(network)])
    return { codes: packBits(data, rows, bits), bits, count: rows }
  }

  /** Hashes `images` into the index `search` looks in, replacing any earlier one. */
  async buildIndex(images: ImageBatch): Promise<HashIndexInfo> {
    const { codes, bits } = await this.hash(images)
    this.index = new HammingIndex(codes, bits)
    return { size: this.index.size, bits }
  }

  /** Codes in the index; 0 before {@link SemanticHashing.buildIndex}. */
  get indexSize(): number {
    return this.index?.size ?? 0
  }

  /**
   * The nearest indexed images of each of `queries` by Hamming distance: `NOT_TRAINED` before
   * `buildIndex`, `SHAPE_MISMATCH` for queries of another image shape.
   */
  async search(queries: ImageBatch, query: HammingQuery): Promise<HashSearchResult> {
    // A query of the wrong shape is refused as such, index or not.
    if (this.shape) assertImageShape(queries, this.shape, 'query')
    const index = this.index
    if (!index) {
      throw new NotTrainedError(
        'there is no index to search yet; call buildIndex() (it hashes the training data by default) first',
      )
    }
    const { codes } = await this.hash(queries)
    return { ...index.search(codes, query), queryCodes: codes, bits: index.bits }
  }

  protected resetExtras(): void {
    this.adam.dispose()
    this.index = undefined
    this.noiseRandom = undefined
    this.inputRandom = undefined
  }
}
