import * as tf from '@tensorflow/tfjs-core'
import {
  assertImageShape,
  assertInRange,
  gatherRows,
  imageSize,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { DivergedError, InvalidInputError, InvalidOptionError } from '../../errors'
import { recordedOptions } from '../../family/snapshotRecord'
import { checkCount } from '../../memoryModel'
import { createRandom, deriveSeed, type Random } from '../../random'
import type { TrainResult } from '../../training'
import { yieldToEventLoop } from '../../trainingControl'
import { checkRows, hostLimit, variableBytes } from '../../engine/memoryBudget'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type RowStage,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import type { FitHooks } from '../../engine/trainingLoop'
import {
  checkArraySizes,
  type RandomStreams,
  type TrainingStatePart,
} from '../../engine/trainingState'
import type { SnapshotArray } from '../../family/snapshotTraining'
import {
  resolveRBMLogLikelihoodOptions,
  resolveRBMOptions,
  resolveRBMTrainOptions,
  validateRBMModelOptions,
  type RBMGibbsChainOptions,
  type RBMLogLikelihoodOptions,
  type RBMModelOptions,
  type RBMSampleOptions,
  type RBMTrainOptions,
  type ResolvedRBMOptions,
  type ResolvedRBMTrainOptions,
} from '../rbmOptions'
import {
  rbmSpec,
  type RBMGibbsChain,
  type RBMHistoryPoint,
  type RBMLogLikelihood,
} from '../rbmSpec'
import {
  annealedLogPartition,
  baseRateBiases,
  EXACT_HIDDEN_LIMIT,
  exactLogPartition,
} from './partitionFunction'
import type { RBMLayer } from './rbmLayer'
import { RBMNetwork, visibleScaling, type VisibleScaling } from './rbmNetwork'
import { heldOutSplit, type HeldOutSplit } from './heldOutSplit'
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import { kernelThreadsOf } from '../../kernels/kernelThreadSpawner'
import { FusedRBMTrainer } from './fusedRBMTrainer'

/** Standardises rows in place as the bottom Gaussian layer sees them: `(x − mean) / deviation`. */
function standardise(batch: Float32Array, { mean, deviation }: VisibleScaling): void {
  const size = mean.length
  for (let i = 0; i < batch.length; i++) {
    const j = i % size
    batch[i] = Math.fround((batch[i] as number) - (mean[j] as number)) / (deviation[j] as number)
  }
}

/** What an RBM's network is built from: its resolved options. */
interface RBMPlan {
  readonly options: ResolvedRBMOptions
}

/** The types an {@link RBM} is made of. */
interface RBMTypes {
  readonly network: RBMNetwork
  readonly options: RBMModelOptions
  readonly train: RBMTrainOptions
  readonly resolvedTrain: ResolvedRBMTrainOptions
  readonly point: RBMHistoryPoint
  readonly plan: RBMPlan
}

const RULES: ModelRules<RBMTypes> = {
  kind: rbmSpec.kind,
  validateOptions: validateRBMModelOptions,
  resolveTrainOptions: resolveRBMTrainOptions,
}

/** Rows of each side whose free energies give the gap. */
const GAP_ROWS = 256
/** Gibbs steps between two checks that the worker may answer other calls. */
const YIELD_EVERY = 100

/**
 * A restricted Boltzmann machine (binary hidden units; Bernoulli or Gaussian visible units) trained
 * by contrastive divergence or persistent CD — or, with several `layers`, a deep belief network
 * trained greedily, layer by layer. Framework-free: worker, Node or main thread.
 *
 * ```ts
 * const rbm = new RBM({ layers: [100] })
 * await rbm.fit(digits, { epochs: 10, learningRate: 0.06 })
 * const features = await rbm.transform(digits) // hidden probabilities
 * const { meanLogLikelihood } = await rbm.logLikelihood(heldOut) // AIS
 * ```
 */
export class RBM extends TrainableModel<RBMTypes> {
  private noise: Random | undefined
  /** PCD's kept chains, one per layer. */
  private chains: (tf.Tensor2D | undefined)[] = []
  /** The fused WebAssembly trainer of each layer, kept across calls while the batch fits. */
  private readonly fused: FusedTrainerSlot<FusedRBMTrainer>[] = []
  /**
   * While a layer trains on the fused kernels: writes its latest weights (and PCD's chains) from
   * kernel memory to the TF.js tensors, so that whatever reads the network meanwhile sees them.
   */
  private writeFused: (() => void) | undefined

  constructor(options?: RBMModelOptions) {
    super(options, RULES)
  }

  protected checkTrainingData(data: ImageBatch): void {
    if ((this.modelOptions.visible ?? 'bernoulli') === 'bernoulli') {
      assertInRange(
        data.data,
        0,
        1,
        'data',
        "Bernoulli visible units take values in [0, 1]: scale the images to [0, 1], or use visible: 'gaussian' for real values",
      )
    }
  }

  protected planNetwork(): RBMPlan {
    return { options: resolveRBMOptions(this.modelOptions) }
  }

  protected readPlan(record: SnapshotNetwork): RBMPlan {
    return { options: recordedOptions(record, this.modelOptions, resolveRBMOptions) }
  }

  protected construct({ options }: RBMPlan, shape: ImageShape): RBMNetwork {
    return new RBMNetwork(imageSize(shape), options)
  }

  /** Gaussian units: standardise with the training data's mean and deviation. */
  protected override initialize(network: RBMNetwork, data: ImageBatch): void {
    if (network.options.visible === 'gaussian') {
      network.setScaling(visibleScaling(data.data, data.shape[0], network.inputSize))
    }
  }

  protected adoptPlan({ options }: RBMPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.noise = createRandom(deriveSeed(options.seed, 3))
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), noise: this.noise }
  }

  /** PCD's persistent chains, one per layer (`null` for a layer without). */
  protected override trainingParts(network: RBMNetwork): readonly TrainingStatePart[] {
    const hidden = network.layers.map((layer) => layer.hiddenUnits)
    return [
      {
        name: 'chains',
        capture: () => {
          const kept = hidden.map((_, i) => this.chains[i])
          return {
            state: { rows: kept.map((chains) => chains?.shape[0] ?? null) },
            arrays: kept.filter((chains): chains is tf.Tensor2D => chains !== undefined),
          }
        },
        prepare: (state, arrays, field) => {
          const rows = (state as { rows?: unknown } | null)?.rows
          const valid =
            Array.isArray(rows) &&
            rows.length === hidden.length &&
            rows.every((r) => r === null || (typeof r === 'number' && Number.isInteger(r) && r > 0))
          if (!valid) {
            throw new InvalidInputError(
              `snapshot ${field}.rows must list, for each of the ${hidden.length} layer(s), the rows of its chains or null; got ${JSON.stringify(rows)}`,
              { field: `${field}.rows` },
            )
          }
          const counts = (rows as (number | null)[]).map((r, i) => (r ?? 0) * (hidden[i] as number))
          const layers = counts.flatMap((count, i) => (count > 0 ? [i] : []))
          checkArraySizes(
            arrays,
            layers.map((i) => counts[i] as number),
            field,
          )
          return () => {
            this.dropChains()
            layers.forEach((layer, j) => {
              const values = (arrays[j] as SnapshotArray).values as Float32Array
              this.chains[layer] = tf.tensor2d(values, [
                values.length / (hidden[layer] as number),
                hidden[layer] as number,
              ])
            })
          }
        },
      },
    ]
  }

  /** A fresh seed for a TF.js random draw. */
  private readonly seed = (): number => (this.noise as Random).int(2 ** 31)

  protected async runEpochs(
    network: RBMNetwork,
    data: ImageBatch,
    train: ResolvedRBMTrainOptions,
    hooks: FitHooks<RBMHistoryPoint>,
  ): Promise<TrainResult<RBMHistoryPoint>> {
    const split = heldOutSplit(data.shape[0], train.validationSplit, network.options.seed)
    const layers = network.layers.length
    const startEpochs = this.counters.epochs
    let result: TrainResult<RBMHistoryPoint> = { steps: 0, stopped: false, last: undefined }
    for (let layer = 0; layer < layers; layer++) {
      // Every layer gets the same epochs: the model's epoch count is each layer's.
      this.counters.epochs = startEpochs
      const inputs = await this.layerInputs(network, data, layer)
      const done = result.steps
      const onUpdate = hooks.onUpdate
      const layerHooks: FitHooks<RBMHistoryPoint> = {
        ...hooks,
        // Progress over the whole run: every layer's steps.
        onUpdate: onUpdate
          ? ({ progress, history }) =>
              onUpdate({
                progress: {
                  ...progress,
                  runStep: done + progress.runStep,
                  runSteps: layers * progress.runSteps,
                },
                history,
              })
          : undefined,
      }
      const run = await this.trainLayer(network, layer, inputs, split, train, layerHooks)
      result = { steps: result.steps + run.steps, stopped: run.stopped, last: run.last }
      if (run.stopped) break
    }
    return result
  }

  /** Every row as layer `layer` sees it: the images, or the hidden probabilities below it. */
  private async layerInputs(network: RBMNetwork, data: ImageBatch, layer: number) {
    if (layer === 0) return data.data
    const stage: RowStage = {
      name: `up${layer}`,
      inputSize: network.inputSize,
      outputSize: network.inputSizeOf(layer),
      pass: (x) => network.upTo(x, layer),
    }
    return this.throughStages({ noun: 'image', action: 'train' }, data.data, data.shape[0], [stage])
  }

  /**
   * Layer `layer`'s fused WebAssembly trainer when it applies (WASM backend, `fusedKernels` on, SIMD
   * present), kept across calls while the batch fits.
   */
  private fusedTrainer(
    layer: number,
    rbm: RBMLayer,
    train: ResolvedRBMTrainOptions,
  ): Promise<FusedRBMTrainer | undefined> {
    const slot = (this.fused[layer] ??= new FusedTrainerSlot())
    return slot.get(
      train,
      train.batchSize,
      (memory) => new FusedRBMTrainer(memory, rbm, train.batchSize),
    )
  }

  /** `train.epochs` epochs of layer `layer` on `inputs` (its view of every row). */
  private async trainLayer(
    network: RBMNetwork,
    layer: number,
    inputs: Float32Array,
    split: HeldOutSplit,
    train: ResolvedRBMTrainOptions,
    hooks: FitHooks<RBMHistoryPoint>,
  ): Promise<TrainResult<RBMHistoryPoint>> {
    const rbm = network.layers[layer] as RBMLayer
    const size = rbm.visibleUnits
    const asVisible = (x: tf.Tensor2D): tf.Tensor2D => (layer === 0 ? network.toVisible(x) : x)
    const rowsOf = (indices: ArrayLike<number>): tf.Tensor2D => {
      const rows = new Float32Array(indices.length * size)
      gatherRows(rows, inputs, indices, size)
      return asVisible(tf.tensor2d(rows, [indices.length, size]))
    }
    const gapRows = Math.min(GAP_ROWS, split.heldOut.length)
    const heldOut = split.heldOut.subarray(0, gapRows)
    const trained = split.training.subarray(0, gapRows)
    const stepsPerEpoch = Math.ceil(split.training.length / train.batchSize)
    rbm.resetMomentum()
    const fused = await this.fusedTrainer(layer, rbm, train)
    fused?.resetMomentum()
    // Reads the variables and chains again: a restore or load may have replaced them since.
    fused?.forget()
    const write = fused
      ? () => this.writeFusedLayer(fused, layer, rbm, train.sampler === 'pcd')
      : () => {}
    this.writeFused = write
    const scaling = layer === 0 ? network.scalingValues() : undefined
    let calls = 0
    let gap: number | undefined
    // The pseudo-likelihood last measured, carried by the steps between two measurements.
    let likelihood: number | undefined
    const every = rbm.gaussian ? 0 : train.pseudoLikelihoodEvery
    try {
      return await this.trainingLoop(
        train,
        {
          sampleCount: split.training.length,
          variables: rbm.variables(),
          step: async (indices) => {
            calls += 1
            const measureGap = gapRows > 0 && (calls === 1 || calls % stepsPerEpoch === 0)
            // A call starts at an epoch's first step, so this is the step's place in its epoch.
            const measureLikelihood = every > 0 && ((calls - 1) % stepsPerEpoch) % every === 0
            if (fused) {
              const measured = this.fusedStep(
                fused,
                layer,
                rbm,
                train,
                indices,
                measureLikelihood,
                (batch) => {
                  // Row by row, value by value: no index array or subarray per step.
                  for (let r = 0; r < indices.length; r++) {
                    const from = (split.training[indices[r] as number] as number) * size
                    const to = r * size
                    for (let j = 0; j < size; j++) batch[to + j] = inputs[from + j] as number
                  }
                  if (scaling) standardise(batch, scaling)
                },
              )
              if (measured.pseudoLikelihood !== undefined) likelihood = measured.pseudoLikelihood
              // The loop copies the variables at each epoch's start (restored after a divergence).
              if (measureGap || calls % stepsPerEpoch === 0) write()
              if (measureGap) {
                const gapTensor = tf.tidy(() =>
                  tf.sub(
                    tf.mean(rbm.freeEnergy(rowsOf(heldOut))),
                    tf.mean(rbm.freeEnergy(rowsOf(trained))),
                  ),
                )
                gap = (await gapTensor.data())[0]
                gapTensor.dispose()
              }
              return {
                layer: layer + 1,
                reconstruction: measured.reconstruction,
                ...(likelihood === undefined ? {} : { pseudoLikelihood: likelihood }),
                ...(gap === undefined ? {} : { freeEnergyGap: gap }),
              }
            }
            const measures = tf.tidy(() => {
              const v = rowsOf(Array.from(indices, (i) => split.training[i] as number))
              // The flips are drawn at every step (the same draws whether measured or not).
              const flips = rbm.gaussian ? undefined : this.flips(indices.length, size)
              const measuredLikelihood =
                flips && measureLikelihood
                  ? tf.mean(rbm.pseudoLikelihood(v, flips))
                  : tf.scalar(NaN)
              const { chains, reconstruction } = rbm.contrastiveDivergence(v, {
                ...train,
                chains:
                  train.sampler === 'pcd' ? this.chainsOf(layer, rbm, train.batchSize) : undefined,
                seed: this.seed,
              })
              if (train.sampler === 'pcd') this.keepChains(layer, chains)
              const freeEnergyGap = measureGap
                ? tf.sub(
                    tf.mean(rbm.freeEnergy(rowsOf(heldOut))),
                    tf.mean(rbm.freeEnergy(rowsOf(trained))),
                  )
                : tf.scalar(0)
              return tf.stack([measuredLikelihood, reconstruction, freeEnergyGap])
            })
            const [measuredLikelihood = NaN, reconstruction = NaN, measuredGap = NaN] =
              await measures.data()
            measures.dispose()
            if (measureGap) gap = measuredGap
            if (measureLikelihood) likelihood = measuredLikelihood
            return {
              layer: layer + 1,
              reconstruction,
              ...(likelihood === undefined ? {} : { pseudoLikelihood: likelihood }),
              ...(gap === undefined ? {} : { freeEnergyGap: gap }),
            }
          },
          kernels: fused ? `wasm-${fused.build}` : 'tfjs',
          kernelThreads: () => kernelThreadsOf(fused),
          diverged: (values, step, epoch) => {
            this.dropChains()
            fused?.forget()
            return new DivergedError(
              `training of layer ${values.layer} diverged at step ${step} (reconstruction error ${values.reconstruction}); its weights from the start of epoch ${epoch} were restored. Lower learningRate (now ${train.learningRate}) or momentum${rbm.gaussian ? ', and check that the images are not extreme' : ''}`,
              { step, learningRate: train.learningRate },
            )
          },
        },
        hooks,
      )
    } finally {
      // The last steps' weights (none after a divergence: the restored ones stay).
      write()
      this.writeFused = undefined
    }
  }

  /** The network, with the fused kernels' latest weights written to it while a layer trains. */
  protected override requireNetwork(action: string): RBMNetwork {
    this.writeFused?.()
    return super.requireNetwork(action)
  }

  /**
   * Writes layer `layer`'s weights from `fused`'s kernel memory to its variables, and PCD's chains
   * to the kept tensor, when steps changed them since the last write.
   */
  private writeFusedLayer(
    fused: FusedRBMTrainer,
    layer: number,
    rbm: RBMLayer,
    persistent: boolean,
  ): void {
    if (!fused.hasUnwritten) return
    fused.writeWeights(rbm.variables())
    if (persistent) {
      const { rows, states } = fused.chains()
      const chains = tf.tensor2d(states, [rows, rbm.hiddenUnits])
      this.keepChains(layer, chains)
      fused.markChains(chains)
    }
  }

  /**
   * One fused contrastive-divergence step of layer `layer` on the batch `fill` writes: the same draws
   * in the same order as the TF.js step (the flips, then the sampler's seeds; the flips drawn even
   * when the pseudo-likelihood is not measured, `measureLikelihood` false); PCD's chains stay in
   * kernel memory until {@link writeFusedLayer} keeps them as a tensor.
   */
  private fusedStep(
    fused: FusedRBMTrainer,
    layer: number,
    rbm: RBMLayer,
    train: ResolvedRBMTrainOptions,
    indices: Uint32Array,
    measureLikelihood: boolean,
    fill: (batch: Float32Array) => void,
  ) {
    const rows = indices.length
    fill(fused.batchView(rows))
    const persistent = train.sampler === 'pcd'
    if (persistent) {
      // The kept chains, unless the fused ones continue them (written to a tensor only when read).
      const kept = this.chains[layer]
      if (!fused.holdsChains(kept)) {
        if (kept && kept.shape[0] === train.batchSize) {
          fused.setChains(kept.shape[0], kept.dataSync() as Float32Array, kept)
        } else fused.setChains(train.batchSize, undefined, kept)
      }
    }
    const flips = rbm.gaussian ? undefined : this.flipIndices(rows, rbm.visibleUnits)
    // Only the options the step reads: no copy of every training option per step.
    return fused.step(rbm.variables(), rows, {
      learningRate: train.learningRate,
      momentum: train.momentum,
      weightDecay: train.weightDecay,
      gibbsSteps: train.gibbsSteps,
      persistent,
      seed: this.seed,
      flips: measureLikelihood ? flips : undefined,
    })
  }

  /** The value of each of `rows` rows to flip for the pseudo-likelihood (seeded). */
  private flipIndices(rows: number, size: number): Int32Array {
    const flips = new Int32Array(rows)
    for (let r = 0; r < rows; r++) flips[r] = (this.noise as Random).int(size)
    return flips
  }

  /** One random value of each of `rows` rows marked with a 1, `[rows, size]` (for the pseudo-likelihood). */
  private flips(rows: number, size: number): tf.Tensor2D {
    const marks = new Float32Array(rows * size)
    this.flipIndices(rows, size).forEach((i, r) => (marks[r * size + i] = 1))
    return tf.tensor2d(marks, [rows, size])
  }

  /** PCD's chains of `layer`: the kept ones, or all-zero hidden states (as scikit-learn starts them). */
  private chainsOf(layer: number, rbm: RBMLayer, rows: number): tf.Tensor2D {
    const kept = this.chains[layer]
    if (kept && kept.shape[0] === rows) return kept
    return tf.zeros([rows, rbm.hiddenUnits])
  }

  private keepChains(layer: number, chains: tf.Tensor2D): void {
    const kept = this.chains[layer]
    if (kept === chains) return
    kept?.dispose()
    this.chains[layer] = tf.keep(chains)
  }

  private dropChains(): void {
    this.chains.forEach((chains) => chains?.dispose())
    this.chains = []
  }

  protected networkSize({ options }: RBMPlan, shape: ImageShape): NetworkSize {
    const sizes = [imageSize(shape), ...options.layers]
    let weights = options.visible === 'gaussian' ? 2 * imageSize(shape) : 0
    for (let i = 0; i < options.layers.length; i++) {
      const visible = sizes[i] as number
      const hidden = sizes[i + 1] as number
      weights += visible * hidden + visible + hidden
    }
    return { weights, advice: 'use fewer hidden units in layers' }
  }

  protected trainingStep(network: RBMNetwork, data: ImageBatch): TrainingStepCost {
    const bottom = network.layers[0] as RBMLayer
    return {
      key: '',
      rows: data.shape[0],
      // The tensors of a CD step, without changing the weights: up, down, up, and the statistics.
      run: (rows) => {
        const v = network.toVisible(tf.zeros([rows, network.inputSize]))
        const h = bottom.hiddenProbabilities(v)
        const back = bottom.visibleMeans(h)
        const again = bottom.hiddenProbabilities(back)
        return [tf.matMul(v, h, true, false), tf.matMul(back, again, true, false)]
      },
      passFixedBytes: variableBytes(network.variables()) * 2,
      hostValuesPerRow: 2 * network.inputSize,
    }
  }

  /** The up-pass as a stage of image rows into the top layer's hidden probabilities. */
  private transformStage(network: RBMNetwork): RowStage {
    return {
      name: 'transform',
      inputSize: network.inputSize,
      outputSize: network.top.hiddenUnits,
      pass: (x) => network.transform(x),
    }
  }

  /** Hidden probabilities of the top layer (`[n, top layer size]`), in chunks that fit in memory. */
  async transform(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireNetwork('transform')
    return this.imageFeatures('transform', images, this.transformStage(network))
  }

  /** `images` up the network and back down (mean-field), in chunks that fit in memory. */
  async reconstruct(images: ImageBatch): Promise<ImageBatch> {
    const network = this.requireNetwork('reconstruct')
    const stage: RowStage = {
      name: 'reconstruct',
      inputSize: network.inputSize,
      outputSize: network.inputSize,
      pass: (x) => network.reconstruct(x),
    }
    const { data } = await this.imageRows('reconstruct', images, [stage])
    return { data, shape: images.shape }
  }

  /** Free energy of each image under the bottom RBM (in its standardised units for Gaussian ones). */
  async freeEnergy(images: ImageBatch): Promise<Float32Array> {
    const network = this.requireNetwork('compute free energies')
    const bottom = network.layers[0] as RBMLayer
    const stage: RowStage = {
      name: 'freeEnergy',
      inputSize: network.inputSize,
      outputSize: 1,
      pass: (x) => bottom.freeEnergy(network.toVisible(x)),
    }
    return (await this.imageRows('compute free energies of', images, [stage])).data
  }

  /** The bottom RBM's weights as images, one per hidden unit (`[hidden, h, w, c]`). */
  async filters(): Promise<ImageBatch> {
    const network = this.requireNetwork('read the filters')
    const bottom = network.layers[0] as RBMLayer
    const transposed = tf.transpose(bottom.weights)
    const data = (await transposed.data()) as Float32Array
    transposed.dispose()
    const [h, w, c] = this.shape as ImageShape
    return { data, shape: [bottom.hiddenUnits, h, w, c] }
  }

  /** A Gibbs pass of the top RBM, for the memory check of `sample` and `gibbsChain`. */
  private gibbsStage(network: RBMNetwork): RowStage {
    return {
      name: 'gibbs',
      inputSize: network.top.visibleUnits,
      outputSize: network.inputSize,
      pass: (v) => network.downFrom(network.gibbsStep(v, () => 1).means),
    }
  }

  /**
   * `n` images from Gibbs chains started at noise, `options.steps` steps (default 200) at the top
   * RBM, then down the network. `INVALID_OPTION` above what one pass takes on this backend.
   */
  async sample(n: number, options: RBMSampleOptions = {}): Promise<ImageBatch> {
    const chain = await this.runChains(n, { ...options, steps: options.steps ?? 200, frames: 1 })
    return chain.images
  }

  /**
   * `n` Gibbs chains from noise — or from `start`'s images, one chain each — recorded at
   * `options.frames` (default 10) evenly spaced steps from 0 to `options.steps` (default 100).
   */
  async gibbsChain(
    n: number,
    options: RBMGibbsChainOptions = {},
    start?: ImageBatch,
  ): Promise<RBMGibbsChain> {
    return this.runChains(
      start ? start.shape[0] : n,
      { ...options, steps: options.steps ?? 100 },
      start,
    )
  }

  private async runChains(
    n: number,
    options: RBMGibbsChainOptions & { readonly steps: number },
    start?: ImageBatch,
  ): Promise<RBMGibbsChain> {
    const network = this.requireNetwork('sample')
    if (start) assertImageShape(start, this.shape as ImageShape, 'start')
    checkCount(n, 'chain count')
    const frames = Math.min(options.frames ?? 10, options.steps + 1)
    this.checkOnePass(this.gibbsStage(network), {
      what: 'chain count',
      actual: n,
      advice: (limit) => `run at most ${limit} chains per call`,
    })
    const size = network.inputSize
    checkRows(
      {
        what: 'chain count × frames',
        actual: n * frames,
        advice: (most) => `keep at most ${most} images per call (fewer chains or frames)`,
      },
      hostLimit(size),
    )
    const random = createRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31))
    const seed = (): number => random.int(2 ** 31)
    const recordAt = Array.from({ length: frames }, (_, f) =>
      frames === 1 ? options.steps : Math.round((f * options.steps) / (frames - 1)),
    )
    const images = new Float32Array(n * frames * size)
    const record = async (shown: tf.Tensor2D, frame: number): Promise<void> => {
      const values = tf.tidy(() => network.downFrom(shown))
      const data = await values.data()
      // A single Bernoulli RBM shows the top layer's values as they are: the same tensor.
      if (values !== shown) values.dispose()
      for (let c = 0; c < n; c++) {
        images.set(data.subarray(c * size, (c + 1) * size), (c * frames + frame) * size)
      }
    }
    let state = tf.tidy(() => {
      const from = start
        ? network.upTo(tf.tensor2d(start.data, [n, size]), network.layers.length - 1)
        : undefined
      return network.startChains(n, seed(), from)
    })
    let frame = 0
    try {
      if (recordAt[0] === 0) await record(state, frame++)
      for (let step = 1; step <= options.steps; step++) {
        const next = tf.tidy(() => {
          const { state: drawn, means } = network.gibbsStep(state, seed)
          return recordAt[frame] === step ? [drawn, means] : [drawn]
        })
        state.dispose()
        state = next[0] as tf.Tensor2D
        if (next[1]) {
          await record(next[1] as tf.Tensor2D, frame++)
          next[1].dispose()
        }
        if (step % YIELD_EVERY === 0) await yieldToEventLoop()
      }
    } finally {
      state.dispose()
    }
    const [h, w, c] = this.shape as ImageShape
    return {
      images: { data: images, shape: [n * frames, h, w, c] },
      chains: n,
      frames,
      steps: Int32Array.from(recordAt),
    }
  }

  /**
   * Log-likelihood of `images` in nats per image, `−F(v) − log Z`, with log Z estimated by annealed
   * importance sampling from a base-rate model fitted to `images` (the base changes the estimate's
   * spread, not its expectation); with `exact`, log Z summed over every hidden state beside it (at
   * most 20 hidden units, else `INVALID_OPTION`, checked first). One RBM only: a
   * deep belief network is refused (`INVALID_OPTION`). Gaussian units: in standardised units.
   */
  async logLikelihood(
    images: ImageBatch,
    given: RBMLogLikelihoodOptions = {},
  ): Promise<RBMLogLikelihood> {
    const options = resolveRBMLogLikelihoodOptions(given)
    const network = this.requireNetwork('estimate the log-likelihood')
    if (network.layers.length > 1) {
      throw new InvalidOptionError(
        `logLikelihood estimates one RBM's log Z; this is a deep belief network of ${network.layers.length} layers, whose likelihood AIS alone does not give. Use a model with one entry in layers`,
        { option: 'layers' },
      )
    }
    const bottom = network.top
    if (options.exact && bottom.hiddenUnits > EXACT_HIDDEN_LIMIT) {
      throw new InvalidOptionError(
        `exact sums over 2^hidden states: at most ${EXACT_HIDDEN_LIMIT} hidden units; this RBM has ${bottom.hiddenUnits}. Leave exact out for the AIS estimate alone`,
        { option: 'exact' },
      )
    }
    const energies = await this.freeEnergy(images)
    const rows = images.shape[0]
    this.checkOnePass(
      {
        name: 'ais',
        inputSize: bottom.visibleUnits,
        outputSize: bottom.hiddenUnits,
        pass: (v) => bottom.hiddenProbabilities(v),
      },
      { what: 'AIS runs', actual: options.runs, advice: (limit) => `use at most ${limit} runs` },
    )
    const base = bottom.gaussian
      ? new Float32Array(bottom.visibleUnits)
      : baseRateBiases(images.data, rows, bottom.visibleUnits)
    const estimate = await annealedLogPartition(
      bottom,
      base,
      options.runs,
      options.steps,
      createRandom(options.seed),
    )
    const exactLogZ = options.exact ? await exactLogPartition(bottom) : undefined
    const logLikelihoods = energies.map((energy) => -energy - estimate.logZ)
    return {
      meanLogLikelihood: logLikelihoods.reduce((sum, value) => sum + value, 0) / rows,
      logLikelihoods,
      logZ: estimate.logZ,
      logZStandardError: estimate.standardError,
      logZRange: estimate.range,
      exactLogZ,
      runs: options.runs,
      steps: options.steps,
    }
  }

  protected resetExtras(): void {
    this.dropChains()
    this.fused.forEach((slot) => slot.clear())
  }
}
