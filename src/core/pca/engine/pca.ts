import * as tf from '@tensorflow/tfjs-core'
import {
  assertFinite,
  gatherRows,
  imageSize,
  toLatentBatch,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { DivergedError, InvalidInputError, NotTrainedError, ShapeMismatchError } from '../../errors'
import { createRandom, deriveSeed } from '../../random'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type RowStage,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import { FLOAT_BYTES } from '../../memoryModel'
import { recordedOptions, snapshotChoice } from '../../family/snapshotRecord'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import { CovarianceAccumulator } from '../covarianceAccumulator'
import { leadingEigenpairs, randomizedEigenpairs } from '../eigenSolvers'
import {
  chooseSolver,
  resolvePCAOptions,
  resolvePCATrainOptions,
  validatePCAModelOptions,
  validatePCAReconstructOptions,
  type PCAChosenSolver,
  type PCAModelOptions,
  type PCAReconstructOptions,
  type PCATrainOptions,
  type ResolvedPCAOptions,
  type ResolvedPCATrainOptions,
} from '../pcaOptions'
import { pcaSpec, type PCAComponentsView, type PCAHistoryPoint } from '../pcaSpec'
import { PCABasis } from './pcaBasis'

/** What a PCA basis is built from: resolved options and the solver chosen for the data. */
interface PCAPlan {
  readonly options: ResolvedPCAOptions
  readonly solver: PCAChosenSolver
}

/** The types a {@link PCA} is made of. */
interface PCATypes {
  readonly network: PCABasis
  readonly options: PCAModelOptions
  readonly train: PCATrainOptions
  readonly resolvedTrain: ResolvedPCATrainOptions
  readonly point: PCAHistoryPoint
  readonly plan: PCAPlan
}

const RULES: ModelRules<PCATypes> = {
  kind: pcaSpec.kind,
  validateOptions: validatePCAModelOptions,
  resolveTrainOptions: (train) => resolvePCATrainOptions(train),
}

const SOLVERS: readonly PCAChosenSolver[] = ['full', 'randomized']

/** Column sums and the Gram matrix of a batch of rows minus `shift`, as one flat tensor. */
function batchSums(x: tf.Tensor2D, shift: tf.Tensor): tf.Tensor1D {
  const shifted = tf.sub(x, shift) as tf.Tensor2D
  // An explicit transpose: a transposed matMul is ~10× slower on WASM.
  const gram = tf.matMul(tf.transpose(shifted), shifted)
  return tf.concat([tf.sum(shifted, 0), tf.reshape(gram, [-1])]) as tf.Tensor1D
}

/**
 * Principal component analysis, exact: one pass streams the images through in batches (so progress,
 * pause and stop work as in every other model), accumulating their mean and covariance in float64;
 * the covariance is then decomposed (ml-matrix's symmetric eigendecomposition, or a randomized range
 * finder for wide images). Projections and reconstructions run on TF.js. Framework-free: worker,
 * Node or main thread.
 *
 * ```ts
 * const pca = new PCA({ nComponents: 16 })
 * await pca.fit(loadDigits().images)
 * const { explainedVarianceRatio, components } = pca.componentsView()
 * const rebuilt = await pca.reconstruct(images, { components: 4 })
 * pca.dispose()
 * ```
 */
export class PCA extends TrainableModel<PCATypes> {
  constructor(options?: PCAModelOptions) {
    super(options, RULES)
  }

  /** Solver in use, known after the first fit. */
  get solver(): PCAChosenSolver | undefined {
    return this.network?.solver
  }

  /** True once the components exist: after the first pass's decomposition. */
  get fitted(): boolean {
    return this.network?.fitted === true
  }

  /** Components kept, known after the first fit. */
  get componentCount(): number | undefined {
    return this.network?.options.nComponents
  }

  protected checkTrainingData(data: ImageBatch): void {
    assertFinite(data.data)
    const rows = data.shape[0]
    if (rows < 2) {
      throw new InvalidInputError(
        `PCA needs at least 2 images to measure a variance; got ${rows}. Pass more images`,
        { actual: rows },
      )
    }
    const options = this.network?.options ?? this.modelOptions
    resolvePCAOptions(
      options,
      imageSize(this.shape ?? [data.shape[1], data.shape[2], data.shape[3]]),
      rows,
    )
  }

  protected planNetwork(data: ImageBatch): PCAPlan {
    const features = data.data.length / data.shape[0]
    const options = resolvePCAOptions(this.modelOptions, features, data.shape[0])
    return { options, solver: chooseSolver(options, features, data.shape[0]) }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): PCAPlan {
    const options = recordedOptions(record, this.modelOptions, (recorded: ResolvedPCAOptions) =>
      resolvePCAOptions(recorded, imageSize(shape)),
    )
    return { options, solver: snapshotChoice(record, 'solver', SOLVERS, 'network') }
  }

  protected construct(plan: PCAPlan, shape: ImageShape): PCABasis {
    return new PCABasis(plan.options, shape, plan.solver)
  }

  protected adoptPlan({ options }: PCAPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
  }

  protected networkSize({ options }: PCAPlan, shape: ImageShape): NetworkSize {
    const size = imageSize(shape)
    // The basis, and the float64 covariance with the decomposition's working copies (size² each).
    return {
      weights: options.nComponents * size + size + options.nComponents + 3 + size * size,
      advice: 'use smaller images: PCA holds a (values per image)² covariance',
    }
  }

  protected trainingStep(basis: PCABasis, data: ImageBatch): TrainingStepCost {
    const size = basis.size
    return {
      key: '',
      rows: data.shape[0],
      run: (rows) => batchSums(tf.zeros([rows, size]), tf.zeros([size])),
      hostValuesPerRow: size,
      passFixedBytes: 2 * (size * size + size) * FLOAT_BYTES,
    }
  }

  protected async runEpochs(
    basis: PCABasis,
    data: ImageBatch,
    train: ResolvedPCATrainOptions,
    hooks: FitHooks<PCAHistoryPoint>,
  ): Promise<TrainResult<PCAHistoryPoint>> {
    const size = basis.size
    const count = data.shape[0]
    const sums = new CovarianceAccumulator(size)
    const rows = new Float32Array(Math.min(train.batchSize, count) * size)
    let shift: tf.Tensor1D | undefined
    try {
      const result = await this.trainingLoop(
        train,
        {
          sampleCount: count,
          variables: [],
          step: async (indices) => {
            const batch = rows.subarray(0, indices.length * size)
            gatherRows(batch, data.data, indices, size)
            if (!sums.hasShift) {
              sums.setShift(batch)
              shift?.dispose()
              shift = tf.tensor1d(Float32Array.from(sums.shift))
            }
            const reference = shift as tf.Tensor1D
            const readout = tf.tidy(() =>
              batchSums(tf.tensor2d(batch, [indices.length, size]), reference),
            )
            const values = (await readout.data()) as Float32Array
            readout.dispose()
            sums.add(indices.length, values.subarray(0, size), values.subarray(size))
            const point = { imagesSeen: sums.rows, totalVariance: sums.totalVariance() }
            // The pass is complete: decompose, and start the next pass afresh.
            if (sums.rows === count) {
              this.decompose(basis, sums)
              sums.clear()
            }
            return point
          },
          diverged: (values, step) =>
            new DivergedError(
              `the covariance became non-finite at step ${step} (total variance ${values.totalVariance}); the PCA was left as it was. Check the data for extreme values`,
              { step },
            ),
        },
        hooks,
      )
      // Stopped part-way through a pass: the PCA of the images seen so far, unless it would replace
      // a fit on more images (a later pass stopped early keeps the complete fit).
      if (sums.rows >= 2 && sums.rows > basis.samples) this.decompose(basis, sums)
      return result
    } finally {
      shift?.dispose()
    }
  }

  /** Decomposes the covariance `sums` holds into `basis`. */
  private decompose(basis: PCABasis, sums: CovarianceAccumulator): void {
    const { nComponents, powerIterations, seed } = basis.options
    const covariance = sums.covariance()
    const pairs =
      basis.solver === 'randomized'
        ? randomizedEigenpairs(covariance, nComponents, powerIterations, deriveSeed(seed, 1))
        : leadingEigenpairs(covariance, nComponents)
    basis.setFit(sums.mean(), pairs, sums.totalVariance(), sums.rows)
  }

  /** The fitted basis, or `NOT_TRAINED` naming what was asked for. */
  private requireFit(action: string): PCABasis {
    const basis = this.requireNetwork(action)
    if (!basis.fitted) {
      throw new NotTrainedError(
        `cannot ${action}: training was stopped before the PCA saw 2 images; call train() again and let it finish a pass`,
      )
    }
    return basis
  }

  private projectStage(basis: PCABasis): RowStage {
    return {
      name: 'transform',
      inputSize: basis.size,
      outputSize: basis.options.nComponents,
      pass: (x) => basis.project(x),
    }
  }

  /** Codes of `images` on the components, `[n, nComponents]` (whitened when `whiten` is set). */
  async transform(images: ImageBatch): Promise<LatentBatch> {
    const basis = this.requireFit('transform')
    assertFinite(images.data, 'images')
    return this.imageFeatures('transform', images, this.projectStage(basis))
  }

  /** The same as {@link PCA.transform}. */
  encode(images: ImageBatch): Promise<LatentBatch> {
    return this.transform(images)
  }

  /** Images rebuilt from codes `[n, nComponents]` (the inverse of {@link PCA.transform}). */
  async inverseTransform(codes: LatentBatch | Float32Array): Promise<ImageBatch> {
    const basis = this.requireFit('inverseTransform')
    const k = basis.options.nComponents
    const given = codes as Partial<LatentBatch>
    if (!(codes instanceof Float32Array) && Array.isArray(given.shape) && given.shape[1] !== k) {
      throw new ShapeMismatchError(
        `codes have ${given.shape[1]} values per row, this PCA keeps ${k} components; pass shape [n, ${k}]`,
        { expected: k, actual: given.shape[1] as number },
      )
    }
    const batch = toLatentBatch(codes, k, 'codes')
    const rows = batch.shape[0]
    const data = await this.throughStages(
      { noun: 'code', action: 'inverseTransform' },
      batch.data,
      rows,
      [{ name: 'rebuild', inputSize: k, outputSize: basis.size, pass: (x) => basis.rebuild(x) }],
    )
    return { data, shape: [rows, ...basis.imageShape] }
  }

  /**
   * `images` projected on the first `options.components` components (default all of them) and
   * rebuilt: with all the components of a full PCA, the images themselves.
   */
  async reconstruct(images: ImageBatch, options: PCAReconstructOptions = {}): Promise<ImageBatch> {
    const basis = this.requireFit('reconstruct')
    validatePCAReconstructOptions(options, basis.options.nComponents)
    assertFinite(images.data, 'images')
    const kept = options.components ?? basis.options.nComponents
    const { data, rows } = await this.imageRows('reconstruct', images, [
      {
        name: 'reconstruct',
        inputSize: basis.size,
        outputSize: basis.size,
        pass: (x) => basis.reconstruct(x, kept),
      },
    ])
    return { data, shape: [rows, ...basis.imageShape] }
  }

  /** The components as images, the mean image and the explained variance (copies). */
  componentsView(): PCAComponentsView {
    const basis = this.requireFit('read the components')
    const k = basis.options.nComponents
    const total = basis.totalVariance
    const variance = Float32Array.from(basis.explainedVariance)
    return {
      components: { data: Float32Array.from(basis.components), shape: [k, ...basis.imageShape] },
      mean: { data: Float32Array.from(basis.mean), shape: [1, ...basis.imageShape] },
      explainedVariance: variance,
      explainedVarianceRatio: variance.map((v) => (total > 0 ? v / total : 0)),
      singularValues: variance.map((v) => Math.sqrt(v * Math.max(basis.samples - 1, 0))),
      totalVariance: total,
      noiseVariance: basis.noiseVariance,
      samples: basis.samples,
      solver: basis.solver,
    }
  }

  protected resetExtras(): void {}
}
