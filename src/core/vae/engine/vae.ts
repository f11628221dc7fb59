import * as tf from '@tensorflow/tfjs-core'
import {
  assertImageShape,
  assertInRange,
  imageSize,
  valuesPerImage,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { recordedOptions } from '../../family/snapshotRecord'
import { AnomalyScorer } from '../../anomaly/anomalyScoring'
import { createRandom, deriveSeed, type Random } from '../../random'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import { GenerativeModel } from '../../engine/generativeModel'
import type {
  ModelRules,
  NetworkSize,
  RowStage,
  SnapshotNetwork,
  TrainingStepCost,
} from '../../engine/trainableModel'
import { TrainingRows, checkRows, hostLimit, variableBytes } from '../../engine/memoryBudget'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import { denseWeightCount } from '../../memoryModel'
import { AdamSlot } from '../../engine/adamSlot'
import { VAENetwork } from './vaeNetwork'
import { FusedVAETrainer } from './fusedVAETrainer'
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import {
  resolveVAEModelOptions,
  resolveVAETrainOptions,
  validateVAEModelOptions,
  type ResolvedVAEModelOptions,
  type ResolvedVAETrainOptions,
  type VAELogLikelihoodOptions,
  type VAEModelOptions,
  type VAETrainOptions,
} from '../vaeOptions'
import { vaeSpec, type VAEHistoryPoint, type VAELogLikelihood } from '../vaeSpec'

/** What a VAE's network is built from: its resolved options (nothing else depends on the data). */
interface VAEPlan {
  readonly options: ResolvedVAEModelOptions
}

/** The types a {@link VAE} is made of. */
interface VAETypes {
  readonly network: VAENetwork
  readonly options: VAEModelOptions
  readonly train: VAETrainOptions
  readonly resolvedTrain: ResolvedVAETrainOptions
  readonly point: VAEHistoryPoint
  readonly plan: VAEPlan
}

const RULES: ModelRules<VAETypes> = {
  kind: vaeSpec.kind,
  validateOptions: validateVAEModelOptions,
  resolveTrainOptions: resolveVAETrainOptions,
}

/**
 * A dense variational autoencoder on TF.js, framework-free. Runs in the worker, in Node (CPU or WASM
 * backend) and on the main thread alike. Takes and returns plain typed arrays.
 *
 * ```ts
 * const vae = new VAE({ latentDim: 8, seed: 1 })
 * await vae.fit(toImageBatch(rows), { epochs: 10 })
 * const images = await vae.sample(16, { seed: 3 })
 * vae.dispose()
 * ```
 */
export class VAE extends GenerativeModel<VAETypes> {
  /**
   * Anomaly scores and the calibrated threshold of this model. The maps are each pixel's negative
   * log-likelihood: cross-entropy under the (default) Bernoulli likelihood, squared error under the
   * Gaussian one.
   */
  readonly anomaly = new AnomalyScorer(
    (images, extraHostValues) => this.reconstruct(images, extraHostValues),
    () => (this.network?.options.likelihood === 'gaussian' ? 'squared' : 'bernoulli'),
  )
  private readonly adam = new AdamSlot()
  private readonly fused = new FusedTrainerSlot<FusedVAETrainer>()
  private noiseRandom: Random | undefined

  constructor(options?: VAEModelOptions) {
    super(options, RULES)
  }

  /** Snapshots keep the calibrated threshold. */
  protected override readonly modelState = this.anomaly

  protected checkTrainingData(data: ImageBatch): void {
    const resolved = this.network?.options ?? this.resolveModel(data)
    if (resolved.likelihood === 'bernoulli') {
      assertInRange(
        data.data,
        0,
        1,
        'data',
        "the Bernoulli likelihood needs values in [0, 1]: divide by the maximum (e.g. 255) or set likelihood: 'gaussian'",
      )
    }
  }

  private resolveModel(data: ImageBatch): ResolvedVAEModelOptions {
    return resolveVAEModelOptions(this.modelOptions, valuesPerImage(data))
  }

  protected planNetwork(data: ImageBatch): VAEPlan {
    return { options: this.resolveModel(data) }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): VAEPlan {
    return {
      options: recordedOptions(record, this.modelOptions, (options: ResolvedVAEModelOptions) =>
        resolveVAEModelOptions(options, imageSize(shape)),
      ),
    }
  }

  protected construct(plan: VAEPlan, shape: ImageShape): VAENetwork {
    return new VAENetwork(imageSize(shape), plan.options)
  }

  protected adoptPlan({ options }: VAEPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.noiseRandom = createRandom(deriveSeed(options.seed, 3))
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), noise: this.noiseRandom }
  }

  /** Adam on TF.js operations, and the fused kernels' Adam on WASM. */
  protected override trainingParts(network: VAENetwork): readonly TrainingStatePart[] {
    const variables = network.variables()
    return [
      this.adam.trainingPart('adam', variables),
      this.fused.trainingPart('fusedAdam', [variables]),
    ]
  }

  protected async runEpochs(
    network: VAENetwork,
    data: ImageBatch,
    train: ResolvedVAETrainOptions,
    hooks: FitHooks<VAEHistoryPoint>,
  ): Promise<TrainResult<VAEHistoryPoint>> {
    const noise = this.noiseRandom as Random
    const n = data.shape[0]
    const latentDim = network.options.latentDim
    const variables = network.variables()
    const fused = await this.fusedTrainer(network, train)
    const rows = fused ? undefined : new TrainingRows(data, network.inputSize)
    try {
      return await this.trainingLoop(
        train,
        {
          sampleCount: n,
          variables,
          step: async (indices) => {
            const epsilon = noise.normals(indices.length * latentDim)
            if (fused) {
              return fused.step(
                variables,
                { data: data.data, rows: indices, epsilon },
                train.learningRate,
              )
            }
            const [loss = NaN, reconstruction = NaN, kl = NaN] = await this.adam.step(
              train.learningRate,
              variables,
              () => {
                const x = (rows as TrainingRows).batch(indices)
                const eps = tf.tensor2d(epsilon, [indices.length, latentDim])
                const { terms, gradients } = network.lossAndGradients(x, eps)
                return { terms: [terms.total, terms.reconstruction, terms.kl], gradients }
              },
            )
            return { loss, reconstruction, kl }
          },
          ...this.adam.loopParts(fused, train.learningRate),
        },
        hooks,
      )
    } finally {
      rows?.dispose()
    }
  }

  protected networkSize({ options }: VAEPlan, shape: ImageShape): NetworkSize {
    const size = imageSize(shape)
    const { hiddenUnits, latentDim } = options
    const widest = hiddenUnits.at(-1) ?? size
    return {
      weights:
        denseWeightCount([size, ...hiddenUnits]) +
        2 * denseWeightCount([widest, latentDim]) +
        denseWeightCount([latentDim, ...[...hiddenUnits].reverse(), size]),
      advice: 'use smaller hiddenUnits or latentDim',
    }
  }

  protected trainingStep(network: VAENetwork, data: ImageBatch): TrainingStepCost {
    const latentDim = network.options.latentDim
    return {
      key: '',
      rows: data.shape[0],
      run: (rows) =>
        network.lossAndGradients(tf.zeros([rows, network.inputSize]), tf.zeros([rows, latentDim])),
      passFixedBytes: variableBytes(network.variables()),
      hostValuesPerRow: network.inputSize + latentDim,
      fixedBytes: TrainingRows.residentBytes(data),
    }
  }

  /**
   * The fused WebAssembly trainer when it applies (WASM backend, `fusedKernels` on, SIMD present),
   * kept across calls (it holds the Adam moments) while the batch fits.
   */
  private async fusedTrainer(
    network: VAENetwork,
    train: ResolvedVAETrainOptions,
  ): Promise<FusedVAETrainer | undefined> {
    return this.fused.get(
      train,
      train.batchSize,
      (memory) => new FusedVAETrainer(memory, network.inputSize, network.options, train.batchSize),
    )
  }

  /** The encoder as a pass of image rows into posterior means. */
  private encodeStage(network: VAENetwork): RowStage {
    return {
      name: 'encode',
      inputSize: network.inputSize,
      outputSize: network.options.latentDim,
      pass: (x) => network.encode(x).mean,
    }
  }

  /** Posterior means of `images`, in chunks that fit in memory. */
  async encode(images: ImageBatch): Promise<LatentBatch> {
    const network = this.requireNetwork('encode')
    return this.imageFeatures('encode', images, this.encodeStage(network))
  }

  /**
   * Encodes then decodes `images` through the posterior means (deterministic), in chunks that fit
   * in memory. `extraHostValues`: values per image the caller keeps beside the result (for the
   * memory check; the anomaly scorer's maps).
   */
  async reconstruct(images: ImageBatch, extraHostValues = 0): Promise<ImageBatch> {
    const network = this.requireNetwork('reconstruct')
    const stages = [this.encodeStage(network), this.decodeStage(network)]
    const { data } = await this.imageRows('reconstruct', images, stages, extraHostValues)
    return { data, shape: images.shape }
  }

  /**
   * Mean loss terms per image on `images` with seeded noise, without training. Useful to compare
   * models or to check learning on held-out data. Runs in chunks that fit in memory; a call whose
   * noise would not fit on the host is refused with `INVALID_OPTION`, naming the limit.
   */
  async evaluate(
    images: ImageBatch,
    seed = 0,
  ): Promise<{ loss: number; reconstruction: number; kl: number }> {
    const network = this.requireNetwork('evaluate')
    assertImageShape(images, this.shape as ImageShape, 'images')
    const rows = images.shape[0]
    const { inputSize } = network
    const { latentDim } = network.options
    const perChunk = this.passLimit(
      {
        name: 'evaluate',
        run: (n) => network.loss(tf.zeros([n, inputSize]), tf.zeros([n, latentDim])).total,
        hostValuesPerRow: inputSize + latentDim,
      },
      rows,
    )
    checkRows(
      {
        what: 'image count',
        actual: rows,
        advice: (most) => `evaluate at most ${most} images per call`,
      },
      perChunk > 0 ? hostLimit(latentDim) : 0,
    )
    const random = createRandom(seed)
    const sums = [0, 0, 0]
    for (let start = 0; start < rows; start += perChunk) {
      const n = Math.min(perChunk, rows - start)
      const x = images.data.subarray(start * inputSize, (start + n) * inputSize)
      const epsilon = random.normals(n * latentDim)
      const terms = tf.tidy(() => {
        const loss = network.loss(
          tf.tensor2d(x, [n, inputSize]),
          tf.tensor2d(epsilon, [n, latentDim]),
        )
        return tf.stack([loss.total, loss.reconstruction, loss.kl])
      })
      const means = await terms.data()
      terms.dispose()
      for (let i = 0; i < 3; i++) sums[i] = (sums[i] as number) + (means[i] as number) * n
    }
    const [loss = NaN, reconstruction = NaN, kl = NaN] = sums.map((sum) => sum / rows)
    return { loss, reconstruction, kl }
  }

  /**
   * The importance-weighted bound on log p(x) of each image with `samples` draws from the encoder
   * (`samples: 1` is the ELBO), in nats; see {@link VAELogLikelihood}. Images and samples go in
   * passes that fit in memory; a call whose images alone would not fit is refused with
   * `INVALID_OPTION`.
   */
  async logLikelihood(
    images: ImageBatch,
    options: Required<VAELogLikelihoodOptions>,
  ): Promise<VAELogLikelihood> {
    const network = this.requireNetwork('logLikelihood')
    assertImageShape(images, this.shape as ImageShape, 'images')
    const { samples, seed } = options
    const rows = images.shape[0]
    const { latentDim } = network.options
    const random = createRandom(seed)
    return this.importanceSampled(images.data, rows, samples, {
      inputSize: network.inputSize,
      noiseSize: latentDim,
      logWeights: (x, epsilon) => network.importanceLogWeights(x, epsilon),
      draw: (count) => random.normals(count),
    })
  }

  protected latentSize(network: VAENetwork): number {
    return network.options.latentDim
  }

  protected decodeLatents(network: VAENetwork, latents: tf.Tensor2D): tf.Tensor2D {
    return network.decode(latents)
  }

  protected resetExtras(): void {
    this.adam.dispose()
    this.fused.clear()
    this.anomaly.clear()
  }
}
