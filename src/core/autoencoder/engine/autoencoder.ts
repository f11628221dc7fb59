import * as tf from '@tensorflow/tfjs-core'
import {
  gatherRows,
  imageSize,
  toLatentBatch,
  valuesPerImage,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { AnomalyScorer } from '../../anomaly/anomalyScoring'
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
import { convWeightCount, denseWeightCount } from '../../memoryModel'
import { variableBytes } from '../../engine/memoryBudget'
import { AdamSlot } from '../../engine/adamSlot'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import type { TrainResult } from '../../training'
import { phaseHooks, type FitHooks } from '../../engine/trainingLoop'
import { AutoencoderNetwork } from './autoencoderNetwork'
import { CONV_CHANNELS, ConvAutoencoderNetwork } from './convAutoencoderNetwork'
import { FusedAutoencoderTrainer } from './fusedAutoencoderTrainer'
import { FusedConvAutoencoderTrainer } from './fusedConvAutoencoderTrainer'
import { GreedyPretraining } from './greedyPretraining'
import { resolveStackedOptions, stackedSegment, type AutoencoderPhase } from '../stackedOptions'
import { InvalidOptionError } from '../../errors'
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import { assertConvolutionalShape } from '../../engine/conv'
import {
  resolveAutoencoderOptions,
  resolveAutoencoderTrainOptions,
  validateAutoencoderModelOptions,
  type AutoencoderModelOptions,
  type AutoencoderTrainOptions,
  type ResolvedAutoencoderOptions,
} from '../autoencoderOptions'
import { autoencoderSpec, type AutoencoderHistoryPoint } from '../autoencoderSpec'

/** What an autoencoder's network is built from: resolved options and the data's output activation. */
interface AutoencoderPlan {
  readonly options: ResolvedAutoencoderOptions
  readonly output: ReconstructionOutput
}

/** The types a {@link Autoencoder} is made of. */
interface AutoencoderTypes {
  readonly network: AutoencoderNetwork | ConvAutoencoderNetwork
  readonly options: AutoencoderModelOptions
  readonly train: AutoencoderTrainOptions
  readonly resolvedTrain: Required<AutoencoderTrainOptions>
  readonly point: AutoencoderHistoryPoint
  readonly plan: AutoencoderPlan
}

const RULES: ModelRules<AutoencoderTypes> = {
  kind: autoencoderSpec.kind,
  validateOptions: validateAutoencoderModelOptions,
  resolveTrainOptions: resolveAutoencoderTrainOptions,
}

/**
 * A dense autoencoder family on TF.js — plain, denoising (Gaussian noise or masking), sparse (L1 on
 * the code) and linear (PCA's subspace) — with anomaly scoring: per-pixel error maps, image scores and
 * a threshold calibrated on normal data (`anomaly`). Framework-free: worker, Node or main thread.
 *
 * ```ts
 * const ae = new Autoencoder({ kind: 'denoising', codeSize: 16 })
 * await ae.fit(normalImages, { epochs: 30 })
 * await ae.anomaly.calibrate(normalImages) // 99th percentile of the training scores
 * const { scores, maps, anomalous } = await ae.anomaly.score(testImages)
 * ```
 */
export class Autoencoder extends TrainableModel<AutoencoderTypes> {
  /** Anomaly scores and the calibrated threshold of this model. */
  readonly anomaly = new AnomalyScorer((images, extraHostValues) =>
    this.reconstruct(images, extraHostValues),
  )
  /** Snapshots keep the calibrated threshold. */
  protected override readonly modelState = this.anomaly
  private readonly adam = new AdamSlot()
  private readonly fused = new FusedTrainerSlot<
    FusedAutoencoderTrainer | FusedConvAutoencoderTrainer
  >()
  private corruptionRandom: Random | undefined
  /** Stacked autoencoders: each layer pair's optimizers, and the stream corrupting their inputs. */
  private readonly greedy = new GreedyPretraining()
  private stackedRandom: Random | undefined

  constructor(options?: AutoencoderModelOptions) {
    super(options, RULES)
  }

  /** The linear autoencoder's decoder weights (`codeSize × inputSize`), spanning its learned subspace. */
  async decoderWeights(): Promise<LatentBatch | undefined> {
    const kernel = this.requireNetwork('read the decoder weights').decoderKernel()
    if (!kernel) return undefined
    const [rows = 0, columns = 0] = kernel.shape
    return { data: (await kernel.data()) as Float32Array, shape: [rows, columns] }
  }

  protected checkTrainingData(data: ImageBatch): void {
    if (!this.network && this.resolveModel(data).architecture === 'conv') {
      assertConvolutionalShape(data.shape, 'the convolutional autoencoder')
    }
  }

  private resolveModel(data: ImageBatch): ResolvedAutoencoderOptions {
    return resolveAutoencoderOptions(this.modelOptions, valuesPerImage(data))
  }

  /** Sigmoid output when every value is in [0, 1], else linear. */
  protected planNetwork(data: ImageBatch): AutoencoderPlan {
    return {
      options: this.resolveModel(data),
      output: reconstructionOutputFor(data.data),
    }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): AutoencoderPlan {
    // A nested stacked option is compared with its defaults filled in.
    const { stacked } = this.modelOptions
    const given = stacked
      ? { ...this.modelOptions, stacked: resolveStackedOptions(stacked) }
      : this.modelOptions
    const options = recordedOptions(record, given, (recorded: ResolvedAutoencoderOptions) =>
      resolveAutoencoderOptions(recorded, imageSize(shape)),
    )
    if (options.architecture === 'conv') {
      assertConvolutionalShape([0, ...shape], 'the convolutional autoencoder')
    }
    return { options, output: recordedReconstructionOutput(record) }
  }

  protected construct(
    { options, output }: AutoencoderPlan,
    shape: ImageShape,
  ): AutoencoderNetwork | ConvAutoencoderNetwork {
    return options.architecture === 'conv'
      ? new ConvAutoencoderNetwork(shape, options, output)
      : new AutoencoderNetwork(imageSize(shape), options, output)
  }

  protected adoptPlan({ options }: AutoencoderPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.corruptionRandom = createRandom(deriveSeed(options.seed, 3))
    this.stackedRandom = options.stacked ? createRandom(deriveSeed(options.seed, 4)) : undefined
  }

  protected override randomStreams(): RandomStreams {
    return {
      ...super.randomStreams(),
      corruption: this.corruptionRandom,
      // Named for every stacked model, made or not yet (a snapshot's streams are checked by name).
      ...(this.modelOptions.stacked && { stackedNoise: this.stackedRandom }),
    }
  }

  /** The phase the next epoch belongs to: a layer's pretraining or fine-tuning (stacked only). */
  get phase(): AutoencoderPhase | undefined {
    const stacked = this.network?.options.stacked
    if (!stacked || !(this.network instanceof AutoencoderNetwork)) return undefined
    const { layerCount } = this.network
    return stackedSegment(this.counters.epochs, layerCount, stacked.pretrainEpochs).phase
  }

  /** Adam on TF.js operations, and the fused kernels' Adam on WASM. */
  protected override trainingParts(
    network: AutoencoderNetwork | ConvAutoencoderNetwork,
  ): readonly TrainingStatePart[] {
    const variables = network.variables()
    return [
      this.adam.trainingPart('adam', variables),
      this.fused.trainingPart('fusedAdam', [variables]),
      ...(network instanceof AutoencoderNetwork && network.options.stacked
        ? this.greedy.trainingParts(network)
        : []),
    ]
  }

  /** The input the encoder sees: the clean rows, or corrupted ones for a denoising autoencoder. */
  private corrupt(clean: Float32Array): Float32Array {
    const { kind, corruption, corruptionLevel } = (
      this.network as AutoencoderNetwork | ConvAutoencoderNetwork
    ).options
    if (kind !== 'denoising') return clean
    const random = this.corruptionRandom as Random
    if (corruption === 'mask') return clean.map((v) => (random.uniform() < corruptionLevel ? 0 : v))
    const noise = random.normals(clean.length)
    return clean.map((v, i) => v + corruptionLevel * (noise[i] as number))
  }

  /**
   * End-to-end training; a stacked autoencoder first pretrains its layers greedily, one after the
   * other, for the epochs of its life that belong to them (see `stacked`), then fine-tunes.
   */
  protected async runEpochs(
    network: AutoencoderNetwork | ConvAutoencoderNetwork,
    data: ImageBatch,
    train: Required<AutoencoderTrainOptions>,
    hooks: FitHooks<AutoencoderHistoryPoint>,
  ): Promise<TrainResult<AutoencoderHistoryPoint>> {
    const stacked = network.options.stacked
    if (!stacked || !(network instanceof AutoencoderNetwork)) {
      return this.endToEnd(network, data, train, hooks)
    }
    const stepsPerEpoch = Math.ceil(data.shape[0] / train.batchSize)
    const endEpoch = this.counters.epochs + train.epochs
    let steps = 0
    let last: AutoencoderHistoryPoint | undefined
    while (this.counters.epochs < endEpoch) {
      const segment = stackedSegment(
        this.counters.epochs,
        network.layerCount,
        stacked.pretrainEpochs,
      )
      const epochs = Math.min(endEpoch, segment.endEpoch) - this.counters.epochs
      // One run as the caller sees it: each phase's progress continues the one before.
      const hooksOfPhase = phaseHooks(hooks, steps, () => stepsPerEpoch * train.epochs, endEpoch)
      const result =
        segment.layer === undefined
          ? await this.endToEnd(network, data, { ...train, epochs }, hooksOfPhase, 'fine-tune')
          : await this.pretrainLayer(
              network,
              data,
              segment.layer,
              { ...train, epochs },
              hooksOfPhase,
            )
      steps += result.steps
      last = result.last ?? last
      if (result.stopped) return { steps, stopped: true, last }
    }
    return { steps, stopped: false, last }
  }

  /** Greedy pretraining of encoder layer `layer` (from 0) and its decoder mirror, the layers below frozen. */
  private async pretrainLayer(
    network: AutoencoderNetwork,
    data: ImageBatch,
    layer: number,
    train: Required<AutoencoderTrainOptions>,
    hooks: FitHooks<AutoencoderHistoryPoint>,
  ): Promise<TrainResult<AutoencoderHistoryPoint>> {
    const stacked = network.options.stacked as NonNullable<typeof network.options.stacked>
    const pair = await this.greedy.trainer(
      network,
      layer,
      stacked,
      this.stackedRandom as Random,
      train,
    )
    // The codes of the frozen layers below, once for the whole phase.
    const inputs =
      layer === 0
        ? data.data
        : (await this.imageRows('pretrain', data, [this.layerStage(network, layer)])).data
    const width = pair.width
    const phase: AutoencoderPhase = `layer ${layer + 1}`
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables: pair.variables,
        step: async (indices) => {
          const clean = new Float32Array(indices.length * width)
          gatherRows(clean, inputs, indices, width)
          return { phase, ...(await pair.step(clean)) }
        },
        kernels: pair.kernels,
        kernelThreads: pair.kernelThreads,
        diverged: pair.diverged,
      },
      hooks,
    )
  }

  /** The first `count` encoder layers as a pass of image rows into their activations. */
  private layerStage(network: AutoencoderNetwork, count: number): RowStage {
    return {
      name: `encodeLayer${count}`,
      inputSize: network.inputSize,
      outputSize: network.layerUnits(count - 1),
      pass: (x) => network.encodeLayers(x, count),
    }
  }

  /**
   * Activations of encoder layer `layer` (from 1: the first hidden layer; `hiddenUnits.length + 1`:
   * the code, as {@link Autoencoder.encode}) for `images`, `[n, units]`. Dense autoencoders only.
   */
  async encodeLayer(images: ImageBatch, layer: number): Promise<LatentBatch> {
    const network = this.requireNetwork('encode a layer')
    const layers = network instanceof AutoencoderNetwork ? network.layerCount : 0
    if (!(Number.isInteger(layer) && layer >= 1 && layer <= layers)) {
      throw new InvalidOptionError(
        layers === 0
          ? 'encodeLayer is for dense autoencoders; a convolutional one has encode() for its code'
          : `layer must be an integer from 1 to ${layers} (${layers} is the code); got ${layer}`,
        { option: 'layer', limit: layers, actual: layer },
      )
    }
    const dense = network as AutoencoderNetwork
    const stage = layer === layers ? this.encodeStage(dense) : this.layerStage(dense, layer)
    const { data, rows } = await this.imageRows('encodeLayer', images, [stage])
    return { data, shape: [rows, stage.outputSize] }
  }

  /** End-to-end training of the whole network; `phase` tags the points of a stacked autoencoder. */
  private async endToEnd(
    network: AutoencoderNetwork | ConvAutoencoderNetwork,
    data: ImageBatch,
    train: Required<AutoencoderTrainOptions>,
    hooks: FitHooks<AutoencoderHistoryPoint>,
    phase?: AutoencoderPhase,
  ): Promise<TrainResult<AutoencoderHistoryPoint>> {
    const tag = phase && { phase }
    const size = network.inputSize
    const variables = network.variables()
    const fused = await this.fusedTrainer(network, train)
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables,
        step: async (indices) => {
          const clean = new Float32Array(indices.length * size)
          gatherRows(clean, data.data, indices, size)
          const input = this.corrupt(clean)
          if (fused)
            return { ...tag, ...fused.step(variables, { input, clean }, train.learningRate) }
          const [loss = NaN, reconstruction = NaN, codeL1 = NaN] = await this.adam.step(
            train.learningRate,
            variables,
            () => {
              const target = tf.tensor2d(clean, [indices.length, size])
              const seen = input === clean ? target : tf.tensor2d(input, [indices.length, size])
              const { terms, gradients } = network.lossAndGradients(seen, target)
              return { terms: [terms.total, terms.reconstruction, terms.codeL1], gradients }
            },
          )
          return { ...tag, loss, reconstruction, codeL1 }
        },
        ...this.adam.loopParts(fused, train.learningRate),
      },
      hooks,
    )
  }

  protected networkSize({ options }: AutoencoderPlan, shape: ImageShape): NetworkSize {
    const advice = 'use smaller hiddenUnits or codeSize'
    const size = imageSize(shape)
    const { hiddenUnits, codeSize } = options
    if (options.architecture !== 'conv') {
      const encoder = [size, ...hiddenUnits, codeSize]
      return { weights: denseWeightCount(encoder) + denseWeightCount(encoder.reverse()), advice }
    }
    const [h, w, c] = shape
    const inner = (h / 4) * (w / 4) * CONV_CHANNELS[1]
    const convs =
      convWeightCount(4, c, CONV_CHANNELS[0]) +
      convWeightCount(4, CONV_CHANNELS[0], CONV_CHANNELS[1])
    const deconvs =
      convWeightCount(4, CONV_CHANNELS[1], CONV_CHANNELS[0]) +
      convWeightCount(4, CONV_CHANNELS[0], c)
    const dense = denseWeightCount([inner, codeSize, inner])
    return { weights: convs + dense + deconvs, advice: `${advice}, or smaller images` }
  }

  protected trainingStep(
    network: AutoencoderNetwork | ConvAutoencoderNetwork,
    data: ImageBatch,
  ): TrainingStepCost {
    return {
      key: '',
      rows: data.shape[0],
      run: (rows) => {
        const x = tf.zeros([rows, network.inputSize]) as tf.Tensor2D
        return network.lossAndGradients(x, tf.zeros([rows, network.inputSize]))
      },
      passFixedBytes: variableBytes(network.variables()),
      // The clean rows, the corrupted ones and the tensors made from them.
      hostValuesPerRow: 2 * network.inputSize,
    }
  }

  /**
   * The fused WebAssembly trainer when it applies (dense or convolutional network, WASM backend,
   * `fusedKernels` on), kept across calls (it holds the Adam moments) while the batch fits.
   */
  private async fusedTrainer(
    network: AutoencoderNetwork | ConvAutoencoderNetwork,
    train: Required<AutoencoderTrainOptions>,
  ): Promise<FusedAutoencoderTrainer | FusedConvAutoencoderTrainer | undefined> {
    return this.fused.get(train, train.batchSize, (memory) =>
      network instanceof AutoencoderNetwork
        ? new FusedAutoencoderTrainer(
            memory,
            network.inputSize,
            network.options,
            network.output,
            train.batchSize,
          )
        : new FusedConvAutoencoderTrainer(
            memory,
            network.shape,
            network.options,
            network.output,
            train.batchSize,
          ),
    )
  }

  /** The encoder as a pass of image rows into codes. */
  private encodeStage(network: AutoencoderNetwork | ConvAutoencoderNetwork): RowStage {
    return {
      name: 'encode',
      inputSize: network.inputSize,
      outputSize: network.options.codeSize,
      pass: (x) => network.encode(x),
    }
  }

  /** The decoder as a pass of codes into image rows. */
  private decodeStage(network: AutoencoderNetwork | ConvAutoencoderNetwork): RowStage {
    return {
      name: 'decode',
      inputSize: network.options.codeSize,
      outputSize: network.inputSize,
      pass: (code) => network.decode(code),
    }
  }

  /** Codes of `images` (`[n, codeSize]`), in chunks that fit in memory. */
  async encode(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireNetwork('encode')
    return this.imageFeatures('encode', images, this.encodeStage(network))
  }

  /** Images decoded from codes (`[n, codeSize]`), in chunks that fit in memory. */
  async decode(codes: LatentBatch | Float32Array): Promise<ImageBatch> {
    const network = this.requireNetwork('decode')
    const batch = toLatentBatch(codes, network.options.codeSize)
    const rows = batch.shape[0]
    const request = { noun: 'code', action: 'decode' }
    const stages = [this.decodeStage(network)]
    const data = await this.throughStages(request, batch.data, rows, stages)
    const [h, w, c] = this.shape as ImageShape
    return { data, shape: [rows, h, w, c] }
  }

  /**
   * `images` through the encoder and decoder (uncorrupted), in chunks that fit in memory.
   * `extraHostValues`: values per image the caller keeps beside the result (for the memory check).
   */
  async reconstruct(images: ImageBatch, extraHostValues = 0): Promise<ImageBatch> {
    const network = this.requireNetwork('reconstruct')
    const stages = [this.encodeStage(network), this.decodeStage(network)]
    const { data } = await this.imageRows('reconstruct', images, stages, extraHostValues)
    return { data, shape: images.shape }
  }

  /** Mean squared error per value of the reconstructions of `images`. */
  async evaluate(images: ImageBatch): Promise<{ meanSquaredError: number }> {
    const rebuilt = await this.reconstruct(images)
    let total = 0
    for (let i = 0; i < images.data.length; i++) {
      total += ((images.data[i] as number) - (rebuilt.data[i] as number)) ** 2
    }
    return { meanSquaredError: total / images.data.length }
  }

  protected resetExtras(): void {
    this.adam.dispose()
    this.fused.clear()
    this.greedy.dispose()
    this.anomaly.clear()
  }
}
