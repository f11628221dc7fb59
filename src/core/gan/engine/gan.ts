import * as tf from '@tensorflow/tfjs-core'
import { checkRows, TrainingRows, variableBytes } from '../../engine/memoryBudget'
import { convWeightCount, denseWeightCount } from '../../memoryModel'
import {
  allInUnitRange,
  imageSize,
  valuesPerImage,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { recordedOptions } from '../../family/snapshotRecord'
import { infoCodeSize } from '../infoCodes'
import { DivergedError, InvalidInputError } from '../../errors'
import { createRandom, deriveSeed, type Random } from '../../random'
import type { TrainResult } from '../../training'
import { applyGradientList, type FitHooks } from '../../engine/trainingLoop'
import { GenerativeModel } from '../../engine/generativeModel'
import { meanPairwiseDistance, planeExtent, readPlaneBounds, type PlaneBounds } from '../ganMetrics'
import { GANNetwork } from './ganNetwork'
import type {
  ModelRules,
  NetworkSize,
  SnapshotNetwork,
  TrainingStepCost,
} from '../../engine/trainableModel'
import { FusedGANTrainer } from './fusedGANTrainer'
import { FusedConvGANTrainer } from './fusedConvGANTrainer'
import {
  drawGANLatents,
  infoGANDefaults,
  readInferredCodes,
  writeInfoCodes,
  type InferredCodes,
  type InfoCodeRow,
} from '../infoCodes'
import { resolveGenerateWithCodesOptions, type GenerateWithCodesOptions } from '../infoGANSpec'
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import { kernelThreadsOf } from '../../kernels/kernelThreadSpawner'
import { AdamSlot } from '../../engine/adamSlot'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import { assertConvolutionalShape } from '../../engine/conv'
import {
  resolveGANModelOptions,
  resolveGANTrainOptions,
  validateGANModelOptions,
  type GANModelOptions,
  type GANTrainOptions,
  type ResolvedGANModelOptions,
  type ResolvedGANTrainOptions,
} from '../ganOptions'
import {
  DIVERSITY_EVERY,
  ganSpec,
  resolveView2DOptions,
  type GANHistoryPoint,
  type View2D,
  type View2DOptions,
} from '../ganSpec'

/**
 * What a GAN's network is built from: resolved options (the output activation follows the data's
 * range when not given) and, for 2-D data, the plane the data spans (drawn by `view2d`).
 */
interface GANPlan {
  readonly options: ResolvedGANModelOptions
  readonly bounds: PlaneBounds | null
}

/** The types a {@link GAN} is made of. */
interface GANTypes {
  readonly network: GANNetwork
  readonly options: GANModelOptions
  readonly train: GANTrainOptions
  readonly resolvedTrain: ResolvedGANTrainOptions
  readonly point: GANHistoryPoint
  readonly plan: GANPlan
}

const RULES: ModelRules<GANTypes> = {
  kind: ganSpec.kind,
  validateOptions: validateGANModelOptions,
  resolveTrainOptions: (train, model) => resolveGANTrainOptions(train, model.architecture),
}

/**
 * A generative adversarial network on TF.js — dense, or DCGAN-style convolutional for images
 * (`architecture: 'conv'`) — framework-free.
 * Same life cycle as {@link VAE}: `fit` continues training; `sample`, `generate`, `interpolate` run it.
 */
export class GAN extends GenerativeModel<GANTypes> {
  private readonly generatorAdam = new AdamSlot()
  private readonly discriminatorAdam = new AdamSlot()
  private readonly fused = new FusedTrainerSlot<FusedGANTrainer | FusedConvGANTrainer>()
  private noiseRandom: Random | undefined
  private dataBounds: PlaneBounds | undefined

  constructor(options?: GANModelOptions) {
    super(options, RULES)
  }

  protected checkTrainingData(data: ImageBatch): void {
    if (!this.network && this.modelOptions.architecture === 'conv') {
      assertConvolutionalShape(data.shape, 'the convolutional GAN')
    }
  }

  protected planNetwork(data: ImageBatch): GANPlan {
    const size = valuesPerImage(data)
    return {
      options: resolveGANModelOptions(this.modelOptions, size, allInUnitRange(data.data)),
      bounds: size === 2 ? planeExtent(data.data) : null,
    }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): GANPlan {
    const given = this.modelOptions.info
    const options = recordedOptions(
      record,
      // The model's info is compared with its defaults filled in, as the snapshot records it.
      given === undefined
        ? this.modelOptions
        : { ...this.modelOptions, info: infoGANDefaults(given) },
      (recorded: ResolvedGANModelOptions) =>
        resolveGANModelOptions(recorded, imageSize(shape), recorded.output !== 'linear'),
    )
    if (options.architecture === 'conv')
      assertConvolutionalShape([0, ...shape], 'the convolutional GAN')
    return { options, bounds: readPlaneBounds(record.bounds, imageSize(shape) === 2) }
  }

  protected construct(plan: GANPlan, shape: ImageShape): GANNetwork {
    return new GANNetwork(shape, plan.options)
  }

  protected adoptPlan({ options, bounds }: GANPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 12))
    this.noiseRandom = createRandom(deriveSeed(options.seed, 13))
    this.dataBounds = bounds ?? undefined
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), noise: this.noiseRandom }
  }

  /** Both networks' Adam on TF.js operations, and the fused kernels' on WASM. */
  protected override trainingParts(network: GANNetwork): readonly TrainingStatePart[] {
    const generator = network.generatorVariables()
    const discriminator = network.discriminatorVariables()
    return [
      this.generatorAdam.trainingPart('generatorAdam', generator),
      this.discriminatorAdam.trainingPart('discriminatorAdam', discriminator),
      this.fused.trainingPart('fusedAdam', [generator, discriminator]),
    ]
  }

  /** Both optimizers; a change of either learning rate or of β1 starts both again. */
  private optimizers(train: ResolvedGANTrainOptions): [tf.Optimizer, tf.Optimizer] {
    const { generatorLearningRate, discriminatorLearningRate, beta1 } = train
    if (
      !this.generatorAdam.holds(generatorLearningRate, beta1) ||
      !this.discriminatorAdam.holds(discriminatorLearningRate, beta1)
    ) {
      this.disposeOptimizers()
    }
    return [
      this.generatorAdam.get(generatorLearningRate, beta1),
      this.discriminatorAdam.get(discriminatorLearningRate, beta1),
    ]
  }

  private disposeOptimizers(): void {
    this.generatorAdam.dispose()
    this.discriminatorAdam.dispose()
  }

  protected async runEpochs(
    network: GANNetwork,
    data: ImageBatch,
    train: ResolvedGANTrainOptions,
    hooks: FitHooks<GANHistoryPoint>,
  ): Promise<TrainResult<GANHistoryPoint>> {
    const noise = this.noiseRandom as Random
    const [generatorOptimizer, discriminatorOptimizer] = this.optimizers(train)
    const n = data.shape[0]
    const d = network.inputSize
    const noiseDim = network.options.noiseDim
    const generatorVariables = network.generatorVariables()
    const discriminatorVariables = network.discriminatorVariables()
    const statistics = network.statistics()
    const realLabel = 1 - train.labelSmoothing
    const info = network.options.info
    const scalarCount = info ? 6 : 4
    // Diversity is measured on fixed noise against the data's own spread.
    const probeCount = Math.min(64, n)
    const dataSpread = meanPairwiseDistance(data.data.subarray(0, probeCount * d), d) || 1
    const draw = (count: number, random: Random): Float32Array =>
      drawGANLatents(info, noiseDim, count, random)
    const probeValues = draw(probeCount, createRandom(7))
    const fused = await this.fusedTrainer(network, Math.max(train.batchSize, probeCount), train)
    const rows = fused ? undefined : new TrainingRows(data, d)
    const probeNoise = fused ? undefined : tf.tensor2d(probeValues, [probeCount, noiseDim])
    try {
      return await this.trainingLoop(
        train,
        {
          sampleCount: n,
          variables: network.weights(),
          step: async (indices) => {
            const batch = indices.length
            const noiseBatches = Array.from({ length: train.discriminatorSteps + 1 }, () =>
              draw(batch, noise),
            )
            const measure = (this.counters.steps + 1) % DIVERSITY_EVERY === 0
            if (fused) {
              const point = fused.step(
                generatorVariables,
                discriminatorVariables,
                data.data,
                indices,
                noiseBatches,
                { ...train, realLabel },
                statistics,
              )
              const readings = {
                generatorLoss: point.generatorLoss,
                discriminatorLoss: point.discriminatorLoss,
                realScore: point.realScore,
                fakeScore: point.fakeScore,
                ...(info ? infoReadings(point.informationLoss, point.codeAccuracy) : {}),
              }
              if (!measure) return readings
              const samples = this.probeSamples(network, fused, probeValues)
              return { ...readings, diversity: meanPairwiseDistance(samples, d) / dataSpread }
            }
            const readings = tf.tidy(() => {
              const x = (rows as TrainingRows).batch(indices)
              let last: ReturnType<GANNetwork['discriminatorPass']> | undefined
              for (let k = 0; k < train.discriminatorSteps; k++) {
                const z = tf.tensor2d(noiseBatches[k] as Float32Array, [batch, noiseDim])
                last = network.discriminatorPass(x, z, realLabel)
                applyGradientList(discriminatorOptimizer, discriminatorVariables, last.gradients)
              }
              const z = tf.tensor2d(noiseBatches[train.discriminatorSteps] as Float32Array, [
                batch,
                noiseDim,
              ])
              const generatorStep = network.generatorPass(z)
              applyGradientList(generatorOptimizer, generatorVariables, generatorStep.gradients)
              const scalars = tf.stack([
                generatorStep.loss,
                (last as NonNullable<typeof last>).loss,
                (last as NonNullable<typeof last>).realScore,
                (last as NonNullable<typeof last>).fakeScore,
                ...(info ? [generatorStep.informationLoss ?? tf.scalar(NaN)] : []),
                ...(info ? [generatorStep.codeAccuracy ?? tf.scalar(NaN)] : []),
              ])
              return measure
                ? tf.concat([
                    scalars,
                    tf.reshape(network.generate(probeNoise as tf.Tensor2D), [-1]),
                  ])
                : scalars
            })
            const values = await readings.data()
            readings.dispose()
            const [generatorLoss = NaN, discriminatorLoss = NaN, realScore = NaN, fakeScore = NaN] =
              values
            const point = {
              generatorLoss,
              discriminatorLoss,
              realScore,
              fakeScore,
              ...(info ? infoReadings(values[4], values[5]) : {}),
            }
            if (!measure) return point
            const samples = (values as Float32Array).subarray(scalarCount)
            return { ...point, diversity: meanPairwiseDistance(samples, d) / dataSpread }
          },
          kernels: fused ? `wasm-${fused.build}` : 'tfjs',
          kernelThreads: () => kernelThreadsOf(fused),
          diverged: (values, step, epoch) => {
            this.disposeOptimizers()
            fused?.resetOptimizer()
            return new DivergedError(
              `training diverged at step ${step} (generator loss ${values.generatorLoss}, discriminator loss ${values.discriminatorLoss}); both networks were restored to the start of epoch ${epoch}. Lower the learning rates (now ${train.generatorLearningRate} / ${train.discriminatorLearningRate})`,
              { step },
            )
          },
        },
        hooks,
      )
    } finally {
      rows?.dispose()
      probeNoise?.dispose()
    }
  }

  protected networkSize({ options }: GANPlan, shape: ImageShape): NetworkSize {
    const size = imageSize(shape)
    const { noiseDim, filters } = options
    // The logit, and an InfoGAN's Q head beside it.
    const outputs = 1 + (options.info ? infoCodeSize(options.info) : 0)
    if (options.architecture === 'dense') {
      return {
        weights:
          denseWeightCount([noiseDim, ...options.generatorUnits, size]) +
          denseWeightCount([size, ...options.discriminatorUnits, outputs]),
        advice: 'use smaller generatorUnits, discriminatorUnits or noiseDim',
      }
    }
    const [h, w, c] = shape
    const inner = (h / 4) * (w / 4) * 2 * filters
    // Batch normalisation keeps four values a channel: scale, shift, running mean and variance.
    const generator =
      denseWeightCount([noiseDim, inner]) +
      4 * 3 * filters +
      convWeightCount(4, 2 * filters, filters) +
      convWeightCount(4, filters, c)
    const discriminator =
      convWeightCount(4, c, filters) +
      convWeightCount(4, filters, 2 * filters) +
      denseWeightCount([inner, outputs])
    return {
      weights: generator + discriminator,
      advice: 'use fewer filters, a smaller noiseDim or smaller images',
    }
  }

  protected trainingStep(
    network: GANNetwork,
    data: ImageBatch,
    train: ResolvedGANTrainOptions,
  ): TrainingStepCost {
    const { noiseDim } = network.options
    const steps = train.discriminatorSteps
    return {
      key: `d${steps}`,
      rows: data.shape[0],
      // What one step's tf.tidy holds: every discriminator pass, then the generator's.
      run: (rows) => {
        const x = tf.zeros([rows, network.inputSize]) as tf.Tensor2D
        for (let k = 0; k < steps; k++) {
          network.discriminatorPass(x, tf.zeros([rows, noiseDim]), 1)
        }
        return network.generatorPass(tf.zeros([rows, noiseDim]), false)
      },
      // Every discriminator step's gradients, and the generator's.
      passFixedBytes:
        steps * variableBytes(network.discriminatorVariables()) +
        variableBytes(network.generatorVariables()),
      hostValuesPerRow: network.inputSize + (steps + 1) * noiseDim,
      fixedBytes: TrainingRows.residentBytes(data),
      advice: steps > 1 ? `, or lower discriminatorSteps (now ${steps})` : '',
    }
  }

  /**
   * The fused WebAssembly trainer when it applies (a GAN or an InfoGAN, dense or convolutional, WASM
   * backend, `fusedKernels` on), kept across calls (it holds the Adam moments) while `rows` (batch
   * and diversity probe) fit.
   */
  private async fusedTrainer(
    network: GANNetwork,
    rows: number,
    train: ResolvedGANTrainOptions,
  ): Promise<FusedGANTrainer | FusedConvGANTrainer | undefined> {
    return this.fused.get(train, rows, (memory) =>
      network.options.architecture === 'conv'
        ? new FusedConvGANTrainer(memory, network.shape, network.options, rows)
        : new FusedGANTrainer(memory, network.inputSize, network.options, rows),
    )
  }

  /**
   * The diversity probe's samples after a fused step: the dense trainer's generator, or for the
   * convolutional GAN the TF.js generator in inference mode (running statistics, as the TF.js path
   * measures them), whose variables the step wrote.
   */
  private probeSamples(
    network: GANNetwork,
    fused: FusedGANTrainer | FusedConvGANTrainer,
    probe: Float32Array,
  ): Float32Array {
    if (fused instanceof FusedGANTrainer) return fused.generate(network.generatorVariables(), probe)
    const samples = tf.tidy(() =>
      network.generate(
        tf.tensor2d(probe, [probe.length / network.options.noiseDim, network.options.noiseDim]),
      ),
    )
    const values = samples.dataSync() as Float32Array
    samples.dispose()
    return values
  }

  protected override readonly latentName = 'noise'

  /** Samples generated from given noise vectors (`[n, noiseDim]`); the same as `decode`. */
  generate(noise: LatentBatch | Float32Array): Promise<ImageBatch> {
    return this.decode(noise)
  }

  /**
   * For 2-D data: the discriminator's output over a grid of the plane and a batch of generated points,
   * for drawing how the two networks see the data.
   */
  async view2d(options: View2DOptions = {}): Promise<View2D> {
    const network = this.requireNetwork('view the plane')
    if (network.inputSize !== 2 || !this.dataBounds) {
      throw new InvalidInputError(
        `the 2-D view needs 2-D data; this model was trained on ${network.inputSize} values per sample. Use SampleGrid for images`,
        { actual: network.inputSize, expected: 2 },
      )
    }
    const { gridSize, samples, seed } = resolveView2DOptions(options)
    this.checkView2D(network, gridSize, samples)
    const [x0, x1, y0, y1] = this.dataBounds
    const cells = new Float32Array(gridSize * gridSize * 2)
    for (let row = 0; row < gridSize; row++) {
      for (let column = 0; column < gridSize; column++) {
        const i = row * gridSize + column
        cells[i * 2] = x0 + ((column + 0.5) / gridSize) * (x1 - x0)
        cells[i * 2 + 1] = y1 - ((row + 0.5) / gridSize) * (y1 - y0)
      }
    }
    const noiseDim = network.options.noiseDim
    const noise = createRandom(seed).normals(samples * noiseDim)
    const [heat, points] = tf.tidy(() => [
      tf.reshape(
        tf.sigmoid(network.discriminate(tf.tensor2d(cells, [gridSize * gridSize, 2]))),
        [-1],
      ),
      tf.reshape(network.generate(tf.tensor2d(noise, [samples, noiseDim])), [-1]),
    ])
    const heatmap = (await (heat as tf.Tensor).data()) as Float32Array
    const generated = (await (points as tf.Tensor).data()) as Float32Array
    heat?.dispose()
    points?.dispose()
    return { extent: this.dataBounds, gridSize, heatmap, generated }
  }

  /**
   * Refuses (`INVALID_OPTION`) a view whose grid (through the discriminator) or samples (through the
   * generator, beside the grid) would not fit in one call's memory.
   */
  private checkView2D(network: GANNetwork, gridSize: number, samples: number): void {
    const cells = this.stageLimit(
      {
        name: 'discriminate',
        inputSize: 2,
        outputSize: 1,
        pass: (x) => network.discriminate(x),
      },
      gridSize * gridSize,
    )
    checkRows(
      {
        what: 'gridSize² (cells)',
        actual: gridSize * gridSize,
        option: 'gridSize',
        advice: (most) => `use gridSize ≤ ${Math.floor(Math.sqrt(most))}`,
      },
      cells,
    )
    const decode = this.decodeStage(network)
    // The grid's cells share the budget with the samples.
    const shared = Math.floor(
      this.stageLimit(decode, Math.ceil(samples / (1 - (gridSize * gridSize) / cells))) *
        (1 - (gridSize * gridSize) / cells),
    )
    checkRows(
      {
        what: 'samples',
        actual: samples,
        option: 'samples',
        advice: (most) => `use samples ≤ ${most}, or a smaller gridSize`,
      },
      shared,
    )
  }

  /** Draws from the prior: an InfoGAN's codes from theirs (one-hot, uniform), the rest normal. */
  protected override priorLatents(network: GANNetwork, n: number, random: Random): Float32Array {
    const { info, noiseDim } = network.options
    return drawGANLatents(info, noiseDim, n, random)
  }

  /**
   * InfoGAN: one image per row of `codes`, generated with those codes and noise drawn with
   * `options.seed` (shared by every row unless `sharedNoise` is false). `INVALID_INPUT` for a plain
   * GAN or a code out of range.
   */
  async generateWithCodes(
    codes: readonly InfoCodeRow[],
    options: GenerateWithCodesOptions = {},
  ): Promise<ImageBatch> {
    const network = this.requireNetwork('generate with codes')
    const info = this.requireInfo(network)
    const { seed, sharedNoise } = resolveGenerateWithCodesOptions(options)
    const { noiseDim } = network.options
    const n = codes.length
    const random = createRandom(seed)
    const latents = new Float32Array(n * noiseDim)
    const one = sharedNoise ? random.normals(noiseDim) : undefined
    for (let i = 0; i < n; i++) {
      latents.set(one ?? random.normals(noiseDim), i * noiseDim)
    }
    writeInfoCodes(info, noiseDim, codes, latents)
    return this.decode({ data: latents, shape: [n, noiseDim] })
  }

  /** InfoGAN: Q's reading of the codes behind `images`. `INVALID_INPUT` for a plain GAN. */
  async inferCodes(images: ImageBatch): Promise<InferredCodes> {
    const network = this.requireNetwork('infer codes')
    const info = this.requireInfo(network)
    const stage = {
      name: 'inferCodes',
      inputSize: network.inputSize,
      outputSize: network.codeSize,
      pass: (x: tf.Tensor2D) => network.qOutputs(x),
    }
    const { data, rows } = await this.imageRows('infer codes of', images, [stage])
    return readInferredCodes(info, data, rows)
  }

  private requireInfo(network: GANNetwork): NonNullable<ResolvedGANModelOptions['info']> {
    const info = network.options.info
    if (!info) {
      throw new InvalidInputError(
        'this GAN has no InfoGAN codes; create it with info, e.g. { info: { categorical: [10], continuous: 2 } }',
      )
    }
    return info
  }

  protected latentSize(network: GANNetwork): number {
    return network.options.noiseDim
  }

  protected decodeLatents(network: GANNetwork, latents: tf.Tensor2D): tf.Tensor2D {
    return network.generate(latents)
  }

  protected resetExtras(): void {
    this.disposeOptimizers()
    this.fused.clear()
    this.dataBounds = undefined
  }
}

/** An InfoGAN's step readings, with NaN (no categorical code) left out. */
function infoReadings(
  informationLoss: number | undefined,
  codeAccuracy: number | undefined,
): { informationLoss: number; codeAccuracy?: number } {
  return {
    informationLoss: informationLoss ?? NaN,
    ...(codeAccuracy === undefined || Number.isNaN(codeAccuracy) ? {} : { codeAccuracy }),
  }
}
