/**
 * Deep embedded clustering (Xie, Girshick & Farhadi 2016) and IDEC (Guo et al. 2017): a dense or
 * convolutional autoencoder pretrained by reconstruction, k-means in its code space, then the encoder and the
 * cluster centres refined by KL(P‖Q), delegating the network to the autoencoder family and the
 * clustering to the k-means family.
 */
import * as tf from '@tensorflow/tfjs-core'
import {
  assertFinite,
  gatherRows,
  imageSize,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { InvalidInputError, InvalidOptionError, ShapeMismatchError } from '../../errors'
import { convWeightCount, denseWeightCount } from '../../memoryModel'
import { assertConvolutionalShape } from '../../engine/conv'
import { CONV_CHANNELS } from '../../autoencoder/engine/convAutoencoderNetwork'
import { createRandom, deriveSeed, type Random } from '../../random'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type RowStage,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import { variableBytes } from '../../engine/memoryBudget'
import { AdamSlot } from '../../engine/adamSlot'
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import { FusedAutoencoderTrainer } from '../../autoencoder/engine/fusedAutoencoderTrainer'
import { AutoencoderNetwork } from '../../autoencoder/engine/autoencoderNetwork'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import { phaseHooks, type FitHooks } from '../../engine/trainingLoop'
import { TrainingControl } from '../../trainingControl'
import { recordedOptions, type SnapshotState } from '../../family/snapshotRecord'
import {
  recordedReconstructionOutput,
  reconstructionOutputFor,
  type ReconstructionOutput,
} from '../../engine/reconstructionOutput'
import type { TrainResult } from '../../training'
import { ConvergenceControl } from '../../kmeans/convergenceControl'
import { clusteringAccuracy, normalizedMutualInformation } from '../../kmeans/clusterAgreement'
import {
  resolveDECOptions,
  resolveDECTrainOptions,
  validateDECModelOptions,
  validateDECTrainOptions,
  type DECModelOptions,
  type DECTrainOptions,
  type ResolvedDECOptions,
  type ResolvedDECTrainOptions,
} from '../decOptions'
import { decSpec, type DECAssignment, type DECHistoryPoint, type DECPhase } from '../decSpec'
import { DECNetwork, targetDistribution } from './decNetwork'
import { FusedDECTrainer, type FusedDECLoss } from './fusedDECTrainer'
import { embeddingKMeans } from './embeddingKMeans'

/** What a DEC network is built from: resolved options and the data's output activation. */
interface DECPlan {
  readonly options: ResolvedDECOptions
  readonly output: ReconstructionOutput
}

interface DECTypes {
  readonly network: DECNetwork
  readonly options: DECModelOptions
  readonly train: DECTrainOptions
  readonly resolvedTrain: ResolvedDECTrainOptions
  readonly point: DECHistoryPoint
  readonly plan: DECPlan
}

const RULES: ModelRules<DECTypes> = {
  kind: decSpec.kind,
  validateOptions: validateDECModelOptions,
  resolveTrainOptions: resolveDECTrainOptions,
}

/** What the last target update found. */
interface TargetState {
  readonly p: Float32Array
  readonly assignments: Int32Array
  readonly changed: number
  readonly accuracy?: number
  readonly nmi?: number
}

/**
 * Snapshots taken before DEC had `architecture` were all dense: their options get `'dense'` so they
 * still restore.
 */
function withDenseDefault(record: SnapshotNetwork): SnapshotNetwork {
  const options = record.options as Record<string, unknown> | null | undefined
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return record
  if ('architecture' in options) return record
  return { ...record, options: { ...options, architecture: 'dense' } }
}

/** The fused refinement trainer's loss terms in the order the TF.js step reads them back. */
function fusedTerms({ total, clustering, reconstruction }: FusedDECLoss): number[] {
  return [total, clustering, reconstruction]
}

/**
 * The variables of each network the fused refinement trainer keeps Adam moments for: the encoder
 * with the centres, and for IDEC the decoder.
 */
function fusedRefineNetworks(network: DECNetwork): tf.Variable[][] {
  const encoder = network.autoencoder.encoderVariables()
  const decoder = network.autoencoder.variables().slice(encoder.length)
  const first = [...encoder, network.centres]
  return network.options.idec ? [first, decoder] : [first]
}

/** Index of the largest of each row of `values` (`n × k`) and that value. */
function rowArgmax(values: Float32Array, n: number, k: number): DECAssignment {
  const labels = new Int32Array(n)
  const confidence = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let j = 1; j < k; j++)
      if ((values[i * k + j] as number) > (values[i * k + best] as number)) best = j
    labels[i] = best
    confidence[i] = values[i * k + best] as number
  }
  return { labels, confidence }
}

/**
 * DEC and IDEC on TF.js. `fit` pretrains the autoencoder (`epochs`), places the clusters by
 * k-means in the embedding (best of `kmeansRuns`), then refines encoder and centres on KL(P‖Q) until
 * fewer than `tolerance` of the assignments change between two target updates (or `refineSteps`).
 * Framework-free: worker, Node or main thread.
 *
 * ```ts
 * const dec = new DEC({ clusters: 10 })
 * const { images, labels } = loadDigits()
 * await dec.fit(images, { labels }) // labels only for the accuracy in the history
 * const { labels: clusters } = await dec.assign(images)
 * dec.dispose()
 * ```
 */
export class DEC extends TrainableModel<DECTypes> {
  private readonly pretrainAdam = new AdamSlot()
  private readonly refineAdam = new AdamSlot()
  /** The autoencoder family's fused WebAssembly trainer, for pretraining on WASM. */
  private readonly fused = new FusedTrainerSlot<FusedAutoencoderTrainer>()
  /** DEC's own fused WebAssembly trainer, for refinement of a dense autoencoder on WASM. */
  private readonly refineFused = new FusedTrainerSlot<FusedDECTrainer>()
  private pretrainedEpochs = 0
  private placed = false
  private done = false
  /** The assignments of the last target update (or of k-means), for the share that changed. */
  private lastAssignments: Int32Array | undefined
  private maskRandom: Random | undefined

  /** Snapshots keep the phase: pretrained epochs, whether the clusters were placed, convergence. */
  protected override readonly modelState: SnapshotState = {
    saveState: () => ({
      pretrainedEpochs: this.pretrainedEpochs,
      placed: this.placed,
      converged: this.done,
      // What the next target update compares with, so a resumed run reports the same `changed`.
      lastAssignments: this.lastAssignments ? Array.from(this.lastAssignments) : null,
    }),
    loadState: (state) => {
      const saved = (state ?? {}) as {
        pretrainedEpochs?: unknown
        placed?: unknown
        converged?: unknown
        lastAssignments?: unknown
      }
      const epochs = saved.pretrainedEpochs
      if (!(typeof epochs === 'number' && Number.isInteger(epochs) && epochs >= 0)) {
        throw new InvalidInputError(
          `snapshot state.pretrainedEpochs must be an integer ≥ 0; got ${JSON.stringify(epochs)}`,
          { field: 'state.pretrainedEpochs' },
        )
      }
      for (const key of ['placed', 'converged'] as const) {
        if (typeof saved[key] !== 'boolean') {
          throw new InvalidInputError(
            `snapshot state.${key} must be true or false; got ${JSON.stringify(saved[key])}`,
            { field: `state.${key}` },
          )
        }
      }
      // Absent from snapshots taken before it was kept: the next update then counts every row.
      const last = saved.lastAssignments
      if (!(
        last === undefined ||
        last === null ||
        (Array.isArray(last) && last.every((v) => Number.isInteger(v) && (v as number) >= 0))
      )) {
        throw new InvalidInputError(
          'snapshot state.lastAssignments must be null or an array of whole numbers ≥ 0',
          { field: 'state.lastAssignments' },
        )
      }
      return () => {
        this.pretrainedEpochs = epochs
        this.placed = saved.placed as boolean
        this.done = saved.converged as boolean
        this.lastAssignments = Array.isArray(last) ? Int32Array.from(last as number[]) : undefined
      }
    },
  }

  constructor(options?: DECModelOptions) {
    super(options, RULES)
  }

  /** The phase the model is in, once it has a network. */
  get phase(): DECPhase | undefined {
    if (!this.network) return undefined
    return this.placed ? 'refine' : 'pretrain'
  }

  /** True when the last call of `train` ended because fewer than `tolerance` of the assignments changed between two target updates (each call refines again). */
  get converged(): boolean | undefined {
    return this.network ? this.done : undefined
  }

  /**
   * Trains (see the class). `labels`, when given, must have one entry per image (else
   * `SHAPE_MISMATCH`, before anything changes).
   */
  override fit(
    data: ImageBatch,
    options: DECTrainOptions = {},
    hooks: FitHooks<DECHistoryPoint> = {},
  ): Promise<TrainResult<DECHistoryPoint>> {
    try {
      validateDECTrainOptions(options)
    } catch (error) {
      return Promise.reject(error as Error)
    }
    const labels = options.labels
    if (labels !== undefined && labels.length !== data.shape[0]) {
      return Promise.reject(
        new ShapeMismatchError(
          `labels has ${labels.length} entries but the data has ${data.shape[0]} images; pass one label per image, or leave labels out`,
          { expected: data.shape[0], actual: labels.length },
        ),
      )
    }
    return super.fit(data, options, hooks)
  }

  /**
   * Refuses non-finite data, fewer rows than clusters (`INVALID_OPTION` naming `clusters`) and, for a
   * new convolutional network, image sides that are not multiples of 4 (`SHAPE_MISMATCH`).
   */
  protected checkTrainingData(data: ImageBatch): void {
    assertFinite(data.data)
    if (!this.network && resolveDECOptions(this.modelOptions).architecture === 'conv') {
      assertConvolutionalShape(data.shape, 'the convolutional DEC autoencoder')
    }
    const clusters = this.network?.options.clusters ?? this.modelOptions.clusters ?? 10
    if (data.shape[0] < clusters) {
      throw new InvalidOptionError(
        `clusters is ${clusters} but the data has only ${data.shape[0]} image(s); DEC needs at least one image per cluster: use clusters ≤ ${data.shape[0]} or pass more images`,
        { option: 'clusters', limit: data.shape[0], actual: clusters },
      )
    }
  }

  protected planNetwork(data: ImageBatch): DECPlan {
    return {
      options: resolveDECOptions(this.modelOptions),
      output: reconstructionOutputFor(data.data),
    }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): DECPlan {
    // DEC's resolved reconstructionWeight is 0, which is not a valid option: resolve without it.
    const options = recordedOptions(
      withDenseDefault(record),
      this.modelOptions,
      (recorded: ResolvedDECOptions) =>
        resolveDECOptions(
          recorded.idec ? recorded : { ...recorded, reconstructionWeight: undefined },
        ),
    )
    if (options.architecture === 'conv') {
      assertConvolutionalShape([0, ...shape], 'the convolutional DEC autoencoder')
    }
    return { options, output: recordedReconstructionOutput(record) }
  }

  protected construct({ options, output }: DECPlan, shape: ImageShape): DECNetwork {
    return new DECNetwork(shape, options, output)
  }

  protected adoptPlan({ options }: DECPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.maskRandom = createRandom(deriveSeed(options.seed, 3))
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), mask: this.maskRandom }
  }

  /** The pretraining input: `rows` with a share `masking` of the values zeroed at random. */
  private mask(rows: Float32Array, masking: number): Float32Array {
    if (masking === 0) return rows
    const random = this.maskRandom as Random
    return rows.map((v) => (random.uniform() < masking ? 0 : v))
  }

  protected override trainingParts(network: DECNetwork): readonly TrainingStatePart[] {
    return [
      this.pretrainAdam.trainingPart('pretrainAdam', network.autoencoder.variables()),
      this.fused.trainingPart('fusedAdam', [network.autoencoder.variables()]),
      this.refineAdam.trainingPart('refineAdam', network.refineVariables()),
      this.refineFused.trainingPart('fusedRefineAdam', fusedRefineNetworks(network)),
    ]
  }

  protected networkSize({ options }: DECPlan, shape: ImageShape): NetworkSize {
    const centres = options.clusters * options.codeSize
    if (options.architecture === 'conv') {
      // As the convolutional autoencoder's (src/core/autoencoder/engine/autoencoder.ts).
      const [h, w, c] = shape
      const inner = (h / 4) * (w / 4) * CONV_CHANNELS[1]
      const convs =
        convWeightCount(4, c, CONV_CHANNELS[0]) +
        convWeightCount(4, CONV_CHANNELS[0], CONV_CHANNELS[1])
      const deconvs =
        convWeightCount(4, CONV_CHANNELS[1], CONV_CHANNELS[0]) +
        convWeightCount(4, CONV_CHANNELS[0], c)
      return {
        weights: convs + denseWeightCount([inner, options.codeSize, inner]) + deconvs + centres,
        advice: 'use a smaller codeSize, or smaller images',
      }
    }
    const encoder = [imageSize(shape), ...options.hiddenUnits, options.codeSize]
    return {
      weights: denseWeightCount(encoder) + denseWeightCount([...encoder].reverse()) + centres,
      advice: 'use smaller hiddenUnits or codeSize',
    }
  }

  protected trainingStep(network: DECNetwork, data: ImageBatch): TrainingStepCost {
    return {
      key: '',
      rows: data.shape[0],
      run: (rows) => {
        const x = tf.zeros([rows, network.inputSize]) as tf.Tensor2D
        return network.autoencoder.lossAndGradients(x, x)
      },
      passFixedBytes: variableBytes(network.weights()),
      hostValuesPerRow: network.inputSize + 2 * network.options.clusters,
    }
  }

  protected async runEpochs(
    network: DECNetwork,
    data: ImageBatch,
    train: ResolvedDECTrainOptions,
    hooks: FitHooks<DECHistoryPoint>,
  ): Promise<TrainResult<DECHistoryPoint>> {
    const outer = hooks.control ?? new TrainingControl()
    let steps = 0
    let last: DECHistoryPoint | undefined
    const missing = train.epochs - this.pretrainedEpochs
    if (!this.placed && missing > 0) {
      const before = this.counters.epochs
      const result = await this.pretrain(network, data, { ...train, epochs: missing }, hooks)
      this.pretrainedEpochs += this.counters.epochs - before
      steps += result.steps
      last = result.last
      if (result.stopped) return { steps, stopped: true, last }
    }
    if (!this.placed) {
      const placement = await embeddingKMeans(
        await this.encode(data),
        network.options.clusters,
        train.kmeansRuns,
        network.options.seed,
      )
      const centres = tf.tensor2d(placement.centres, [
        network.options.clusters,
        network.options.codeSize,
      ])
      network.centres.assign(centres)
      centres.dispose()
      this.placed = true
      this.lastAssignments = placement.labels
    }
    // One run as the caller sees it: refinement's progress continues pretraining's step count.
    const pretrainSteps = steps
    const refineHooks = phaseHooks(
      hooks,
      pretrainSteps,
      (refineRunSteps) => Math.min(refineRunSteps, train.refineSteps) + pretrainSteps,
    )
    const result = await this.refine(network, data, train, outer, refineHooks)
    return {
      steps: steps + result.steps,
      stopped: outer.stopRequested,
      last: result.last ?? last,
    }
  }

  /** Autoencoder pretraining: Adam on the reconstruction error (fused kernels on WASM). */
  private async pretrain(
    network: DECNetwork,
    data: ImageBatch,
    train: ResolvedDECTrainOptions,
    hooks: FitHooks<DECHistoryPoint>,
  ): Promise<TrainResult<DECHistoryPoint>> {
    const size = network.inputSize
    const variables = network.autoencoder.variables()
    const rate = train.pretrainLearningRate
    const { autoencoder } = network
    // The fused WebAssembly trainer is dense only: a convolutional autoencoder trains on TF.js.
    const fused =
      autoencoder instanceof AutoencoderNetwork
        ? await this.fused.get(
            train,
            train.batchSize,
            (memory) =>
              new FusedAutoencoderTrainer(
                memory,
                size,
                autoencoder.options,
                autoencoder.output,
                train.batchSize,
              ),
          )
        : undefined
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables,
        step: async (indices) => {
          const rows = new Float32Array(indices.length * size)
          gatherRows(rows, data.data, indices, size)
          const input = this.mask(rows, train.pretrainMasking)
          if (fused) {
            const { reconstruction } = fused.step(variables, { input, clean: rows }, rate)
            const loss = reconstruction / size
            return { phase: 'pretrain' as const, loss, reconstruction: loss }
          }
          const [loss = NaN] = await this.pretrainAdam.step(rate, variables, () => {
            const x = tf.tensor2d(rows, [indices.length, size])
            const seen = input === rows ? x : tf.tensor2d(input, [indices.length, size])
            const { terms, gradients } = network.autoencoder.lossAndGradients(seen, x)
            return { terms: [tf.div(terms.reconstruction, size) as tf.Scalar], gradients }
          })
          return { phase: 'pretrain' as const, loss, reconstruction: loss }
        },
        ...this.pretrainAdam.loopParts(fused, rate),
      },
      hooks,
    )
  }

  /** The target P of every row, with the assignments, the share changed and the evaluation. */
  private async updateTarget(
    network: DECNetwork,
    data: ImageBatch,
    labels: ResolvedDECTrainOptions['labels'],
  ): Promise<TargetState> {
    const n = data.shape[0]
    const k = network.options.clusters
    const q = await this.softAssignRows(data)
    const { labels: assignments } = rowArgmax(q, n, k)
    const previous = this.lastAssignments
    let moved = 0
    for (let i = 0; i < n; i++) if (previous?.[i] !== assignments[i]) moved++
    this.lastAssignments = assignments
    const evaluation =
      labels === undefined
        ? {}
        : {
            accuracy: clusteringAccuracy(assignments, labels),
            nmi: normalizedMutualInformation(assignments, labels),
          }
    return { p: targetDistribution(q, n, k), assignments, changed: moved / n, ...evaluation }
  }

  /** Refinement: Adam on KL(P‖Q) (+ reconstruction for IDEC), P updated every `updateInterval` steps. */
  private async refine(
    network: DECNetwork,
    data: ImageBatch,
    train: ResolvedDECTrainOptions,
    outer: TrainingControl,
    hooks: FitHooks<DECHistoryPoint>,
  ): Promise<TrainResult<DECHistoryPoint>> {
    const n = data.shape[0]
    const size = network.inputSize
    const k = network.options.clusters
    const variables = network.refineVariables()
    const rate = train.learningRate
    const control = new ConvergenceControl(outer)
    // Each call refines again, at least until its first target update after the start.
    this.done = false
    let target: TargetState | undefined
    let taken = 0
    const stepsPerEpoch = Math.ceil(n / train.batchSize)
    const { autoencoder } = network
    // The fused WebAssembly trainer is dense only: a convolutional autoencoder refines on TF.js.
    const fused =
      autoencoder instanceof AutoencoderNetwork
        ? await this.refineFused.get(
            train,
            train.batchSize,
            (memory) =>
              new FusedDECTrainer(
                memory,
                size,
                network.options,
                autoencoder.output,
                train.batchSize,
              ),
          )
        : undefined
    return this.trainingLoop(
      { ...train, epochs: Math.ceil(train.refineSteps / stepsPerEpoch) },
      {
        sampleCount: n,
        variables,
        step: async (indices) => {
          if (taken % train.updateInterval === 0) {
            target = await this.updateTarget(network, data, train.labels)
            if (taken > 0 && target.changed < train.tolerance) {
              this.done = true
              control.converge()
            }
          }
          const current = target as TargetState
          taken += 1
          if (taken >= train.refineSteps) control.converge()
          const rows = new Float32Array(indices.length * size)
          gatherRows(rows, data.data, indices, size)
          const p = new Float32Array(indices.length * k)
          gatherRows(p, current.p, indices, k)
          const [loss = NaN, clustering = NaN, reconstruction = NaN] = fused
            ? fusedTerms(fused.step(network, { input: rows, targets: p }, rate))
            : await this.refineAdam.step(rate, variables, () => {
                const x = tf.tensor2d(rows, [indices.length, size])
                const targets = tf.tensor2d(p, [indices.length, k])
                const { terms, gradients } = network.refineLossAndGradients(x, targets)
                return { terms: [terms.total, terms.clustering, terms.reconstruction], gradients }
              })
          const evaluation =
            current.accuracy === undefined
              ? {}
              : { accuracy: current.accuracy, nmi: current.nmi as number }
          return {
            phase: 'refine' as const,
            loss,
            reconstruction,
            clustering,
            changed: current.changed,
            ...evaluation,
          }
        },
        ...this.refineAdam.loopParts(fused, rate),
      },
      { ...hooks, control },
    )
  }

  /** The encoder as a pass of image rows into codes. */
  private encodeStage(network: DECNetwork): RowStage {
    return {
      name: 'encode',
      inputSize: network.inputSize,
      outputSize: network.options.codeSize,
      pass: (x) => network.encode(x),
    }
  }

  /** Soft assignments of image rows. */
  private softAssignStage(network: DECNetwork): RowStage {
    return {
      name: 'softAssign',
      inputSize: network.inputSize,
      outputSize: network.options.clusters,
      pass: (x) => network.softAssign(x),
    }
  }

  private async softAssignRows(images: ImageBatch): Promise<Float32Array> {
    const network = this.network as DECNetwork
    const { data } = await this.imageRows('softAssign', images, [this.softAssignStage(network)])
    return data
  }

  /** Codes (embeddings) of `images`, `[n, codeSize]`. */
  async encode(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireNetwork('encode')
    return this.imageFeatures('encode', images, this.encodeStage(network))
  }

  /** `images` through the autoencoder. */
  async reconstruct(images: ImageBatch): Promise<ImageBatch> {
    const network = this.requireNetwork('reconstruct')
    const decode: RowStage = {
      name: 'decode',
      inputSize: network.options.codeSize,
      outputSize: network.inputSize,
      pass: (code) => network.autoencoder.decode(code),
    }
    const { data } = await this.imageRows('reconstruct', images, [
      this.encodeStage(network),
      decode,
    ])
    return { data, shape: images.shape }
  }

  /** Soft assignments Q of `images`, `[n, clusters]`. */
  async softAssign(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireCentres('softAssign')
    const data = await this.softAssignRows(images)
    return { data, shape: [images.shape[0], network.options.clusters] }
  }

  /** The most probable cluster of each image and its soft assignment. */
  async assign(images: ImageBatch): Promise<DECAssignment> {
    const network = this.requireCentres('assign')
    const q = await this.softAssignRows(images)
    return rowArgmax(q, images.shape[0], network.options.clusters)
  }

  /** Cluster centres in the embedding, `[clusters, codeSize]`. */
  async centres(): Promise<LatentBatch> {
    const network = this.requireCentres('read the centres')
    const data = (await network.centres.data()) as Float32Array
    return { data, shape: [network.options.clusters, network.options.codeSize] }
  }

  /** How many of `images` fall in each cluster. */
  async clusterSizes(images: ImageBatch): Promise<Int32Array> {
    const network = this.requireCentres('count the clusters')
    const { labels } = await this.assign(images)
    const sizes = new Int32Array(network.options.clusters)
    for (const label of labels) sizes[label] = (sizes[label] as number) + 1
    return sizes
  }

  /** The network once the clusters are placed; `NOT_TRAINED` before. */
  private requireCentres(action: string): DECNetwork {
    const network = this.requireNetwork(action)
    if (!this.placed) {
      throw new InvalidInputError(
        `cannot ${action} while the autoencoder is still pretraining: the clusters are placed once pretraining ends; train() until it has`,
        { phase: 'pretrain' },
      )
    }
    return network
  }

  protected resetExtras(): void {
    this.pretrainAdam.dispose()
    this.refineAdam.dispose()
    this.fused.clear()
    this.refineFused.clear()
    this.pretrainedEpochs = 0
    this.placed = false
    this.done = false
    this.lastAssignments = undefined
  }
}
