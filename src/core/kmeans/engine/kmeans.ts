import * as tf from '@tensorflow/tfjs-core'
import {
  assertFinite,
  assertImageShape,
  imageShapeOf,
  imageSize,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import {
  DivergedError,
  InvalidInputError,
  InvalidOptionError,
  ShapeMismatchError,
} from '../../errors'
import { createRandom, deriveSeed, type Random } from '../../random'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type RowStage,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import { checkRows, hostLimit, TrainingRows, type RowPass } from '../../engine/memoryBudget'
import {
  recordedOptions,
  snapshotPositiveNumber,
  type SnapshotState,
} from '../../family/snapshotRecord'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import { TrainingControl } from '../../trainingControl'
import { chooseMembers } from '../clusterMembers'
import { ConvergenceControl } from '../convergenceControl'
import {
  DEFAULT_TRAINING_PATCHES,
  resolveKMeansOptions,
  resolveKMeansTrainOptions,
  validateKMeansClustersOptions,
  validateKMeansFeaturesOptions,
  validateKMeansModelOptions,
  type KMeansClustersOptions,
  type KMeansFeaturesOptions,
  type KMeansModelOptions,
  type KMeansTrainOptions,
  type ResolvedKMeansOptions,
  type ResolvedKMeansTrainOptions,
} from '../kmeansOptions'
import {
  cornerOffsets,
  densePositions,
  extractPatches,
  normalizePatches,
  positionAt,
  positionsPerImage,
  type PatchPositions,
} from '../../sparse/patches'
import { fitWhitening } from '../../sparse/whitening'
import { pooledPatchFeatures, regionsPerSide } from '../../sparse/codeFeatures'
import {
  kMeansSpec,
  type KMeansAssignment,
  type KMeansClusters,
  type KMeansHistoryPoint,
} from '../kmeansSpec'
import { KMeansCentroids } from './kmeansCentroids'
import { candidateDistances, kMeansPlusPlus, localTrials } from './kmeansPlusPlus'
import {
  clusterSums,
  nearestCentroids,
  squaredDistances,
  triangleActivations,
} from './kmeansPasses'
import { disposeChunks, gatheredChunk, splitRows, type RowChunk } from './rowChunks'

/** Rows per device chunk of a Lloyd pass at most, when memory allows more. */
const CHUNK = 4096
/** Mini-batch: rows seen between two checks for nearly unused centres, per cluster (scikit-learn's). */
const REASSIGN_EVERY_PER_CLUSTER = 10

/** Patches a patch model's whitening is fitted on (at most; Coates et al. fit it on their training patches). */
const WHITENING_SAMPLE = 20_000
/** Whitening ε as a fraction of the mean eigenvalue (Coates' 0.1 on contrast-normalised patches). */
const WHITENING_EPSILON = 0.1
/** Patches a patch model's `clusters` view groups at most (drawn at random beyond). */
const CLUSTER_PATCHES = 10_000
/** Patches per host chunk of `features` and `featureMaps` at most (whole images at a time). */
const FEATURE_CHUNK = 16_384
/** Coates' contrast normalisation, `√(var + 10)` on 0–255 pixels: the floor as a fraction of the range. */
const CONTRAST_FLOOR = Math.sqrt(10) / 255

/**
 * What a k-means model is built from: its resolved options and, for a patch model, the contrast
 * floor of its patch normalisation (from the data's range).
 */
interface KMeansPlan {
  readonly options: ResolvedKMeansOptions
  readonly contrastFloor?: number
}

/** Peak-to-peak range of `values` (1 when flat). */
function rangeOf(values: Float32Array): number {
  let low = Infinity
  let high = -Infinity
  for (const v of values) {
    if (v < low) low = v
    if (v > high) high = v
  }
  return high > low ? high - low : 1
}

/** `INVALID_OPTION` naming `patchSize` when its patches do not fit in images of `shape`. */
function checkPatchFits(shape: ImageShape, patchSize: number, name = 'the images'): void {
  const [height, width] = shape
  if (patchSize > height || patchSize > width) {
    const most = Math.min(height, width)
    throw new InvalidOptionError(
      `patchSize is ${patchSize} but ${name} are ${height} × ${width}; a patch must fit in an image: use patchSize ≤ ${most} (e.g. ${Math.max(1, Math.min(6, most - 1))}) or larger images`,
      { option: 'patchSize', limit: most, actual: patchSize },
    )
  }
}

interface KMeansTypes {
  readonly network: KMeansCentroids
  readonly options: KMeansModelOptions
  readonly train: KMeansTrainOptions
  readonly resolvedTrain: ResolvedKMeansTrainOptions
  readonly point: KMeansHistoryPoint
  readonly plan: KMeansPlan
}

const RULES: ModelRules<KMeansTypes> = {
  kind: kMeansSpec.kind,
  validateOptions: validateKMeansModelOptions,
  resolveTrainOptions: resolveKMeansTrainOptions,
}

/** Per-cluster sums of a step, read back from the device. */
interface StepSums {
  readonly sums: Float64Array
  readonly counts: Float64Array
  inertia: number
}

/** Mean per-feature variance of `rows` (`n × d`): what Lloyd's tolerance is relative to. */
function meanVariance(rows: Float32Array, n: number, d: number): number {
  const mean = new Float64Array(d)
  const squares = new Float64Array(d)
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      const v = rows[r * d + i] as number
      mean[i] = (mean[i] as number) + v
      squares[i] = (squares[i] as number) + v * v
    }
  }
  let total = 0
  for (let i = 0; i < d; i++) {
    const m = (mean[i] as number) / n
    total += Math.max(0, (squares[i] as number) / n - m * m)
  }
  return total / d
}

/**
 * k-means clustering on TF.js: greedy k-means++ seeding, then full-batch Lloyd iterations until the
 * centroids stop moving, or mini-batch k-means (Sculley 2010) with per-centre learning rates for
 * data too big for full passes. Empty clusters are moved to the rows farthest from their centroids
 * (as scikit-learn does). Framework-free: worker, Node or main thread.
 *
 * ```ts
 * const model = new KMeans({ k: 10, seed: 1 })
 * await model.fit(loadDigits().images)
 * const { labels, inertia } = await model.assign(images)
 * model.dispose()
 * ```
 */
export class KMeans extends TrainableModel<KMeansTypes> {
  private done = false
  private batchRandom: Random | undefined
  private patchRandom: Random | undefined

  /** Snapshots keep whether Lloyd had converged. */
  protected override readonly modelState: SnapshotState = {
    saveState: () => ({ converged: this.done }),
    loadState: (state) => {
      const converged = (state as { converged?: unknown } | null)?.converged
      if (typeof converged !== 'boolean') {
        throw new InvalidInputError(
          `snapshot state.converged must be true or false; got ${JSON.stringify(converged)}`,
          { field: 'state.converged' },
        )
      }
      return () => {
        this.done = converged
      }
    },
  }

  constructor(options?: KMeansModelOptions) {
    super(options, RULES)
  }

  /** Lloyd: true once an iteration moved the centroids less than the tolerance. */
  get converged(): boolean | undefined {
    return this.network ? this.done : undefined
  }

  /** Patch models: the side of the patches clustered; undefined for whole-image models. */
  get patchSize(): number | undefined {
    return (this.network?.options ?? resolveKMeansOptions(this.modelOptions)).patchSize
  }

  /**
   * Refuses non-finite data, patches larger than the images (`INVALID_OPTION` naming `patchSize`),
   * and fewer rows than clusters (`INVALID_OPTION` naming `k`; patch models check their patches
   * once `patchesPerImage` is known).
   */
  protected checkTrainingData(data: ImageBatch): void {
    assertFinite(data.data)
    const options = this.network?.options ?? resolveKMeansOptions(this.modelOptions)
    if (options.patchSize !== undefined) {
      checkPatchFits(imageShapeOf(data), options.patchSize, 'the training images')
      return
    }
    this.checkEnoughRows(options.k, data.shape[0], 'the data has', 'pass more images')
  }

  private checkEnoughRows(k: number, rows: number, what: string, more: string): void {
    if (rows < k) {
      throw new InvalidOptionError(
        `k is ${k} but ${what} only ${rows} row(s); k-means needs at least one row per cluster: use k ≤ ${rows} or ${more}`,
        { option: 'k', limit: rows, actual: k },
      )
    }
  }

  protected planNetwork(data: ImageBatch): KMeansPlan {
    const options = resolveKMeansOptions(this.modelOptions)
    if (options.patchSize === undefined) return { options }
    return { options, contrastFloor: CONTRAST_FLOOR * rangeOf(data.data) }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): KMeansPlan {
    const options = recordedOptions(record, this.modelOptions, resolveKMeansOptions)
    if (options.patchSize === undefined) return { options }
    checkPatchFits(shape, options.patchSize, 'the snapshot’s images')
    return { options, contrastFloor: snapshotPositiveNumber(record, 'contrastFloor', 'network') }
  }

  protected construct(plan: KMeansPlan, shape: ImageShape): KMeansCentroids {
    const p = plan.options.patchSize
    if (p === undefined) return new KMeansCentroids(plan.options, shape)
    return new KMeansCentroids(plan.options, [p, p, shape[2]], plan.contrastFloor)
  }

  /** Patch models with `whiten`: the whitening, fitted on random normalised patches of the data. */
  protected override initialize(centroids: KMeansCentroids, data: ImageBatch): void {
    const { patchSize, seed } = centroids.options
    if (patchSize === undefined || !centroids.whitening) return
    const random = createRandom(deriveSeed(seed, 4))
    const shape = imageShapeOf(data)
    const perImage = positionsPerImage(shape, patchSize)
    const total = data.shape[0] * perImage
    const count = Math.min(WHITENING_SAMPLE, total)
    const positions = new Int32Array(3 * count)
    for (let i = 0; i < count; i++) {
      const index = count === total ? i : random.int(total)
      positions.set(positionAt(index, shape, patchSize), 3 * i)
    }
    const rows = this.normalizedPatches(centroids, data, positions)
    centroids.setWhitening(fitWhitening(rows, centroids.size, WHITENING_EPSILON))
  }

  protected adoptPlan({ options }: KMeansPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.batchRandom = createRandom(deriveSeed(options.seed, 3))
    this.patchRandom = createRandom(deriveSeed(options.seed, 5))
  }

  protected networkSize({ options }: KMeansPlan, shape: ImageShape): NetworkSize {
    const p = options.patchSize
    const d = p === undefined ? shape[0] * shape[1] * shape[2] : p * p * shape[2]
    const whitening = options.whiten ? d + 2 * d * d : 0
    return {
      weights: options.k * d + options.k + whitening,
      advice: p === undefined ? 'use a smaller k' : 'use a smaller k or patchSize',
    }
  }

  /** The patches of `images` at `positions`, normalised as the model normalises them (host rows). */
  private normalizedPatches(
    centroids: KMeansCentroids,
    images: ImageBatch,
    positions: PatchPositions,
  ): Float32Array {
    const { patchSize, normalization } = centroids.options
    const rows = extractPatches(images, positions, patchSize as number)
    normalizePatches(rows, centroids.size, normalization ?? 'none', centroids.contrastFloor)
    return rows
  }

  /** Patches a patch model draws per image in one call of `train` (every position, at most). */
  private patchesPerImage(
    centroids: KMeansCentroids,
    data: ImageBatch,
    train: ResolvedKMeansTrainOptions,
  ): number {
    const n = data.shape[0]
    const positions = positionsPerImage(imageShapeOf(data), centroids.options.patchSize as number)
    const wanted = train.patchesPerImage ?? Math.max(1, Math.floor(DEFAULT_TRAINING_PATCHES / n))
    return Math.min(positions, wanted)
  }

  /**
   * A patch model's training rows for one call of `train`: `patchesPerImage` distinct random
   * positions of each image (all of them when that is every position), normalised and whitened, as
   * a batch of `[patches, p, p, c]`.
   */
  private async trainingPatches(
    centroids: KMeansCentroids,
    data: ImageBatch,
    train: ResolvedKMeansTrainOptions,
  ): Promise<ImageBatch> {
    const shape = imageShapeOf(data)
    const p = centroids.options.patchSize as number
    const n = data.shape[0]
    const perImage = positionsPerImage(shape, p)
    const per = this.patchesPerImage(centroids, data, train)
    let positions: PatchPositions
    if (per === perImage) {
      positions = densePositions(n, shape, p, 1)
    } else {
      const random = this.patchRandom as Random
      positions = new Int32Array(3 * n * per)
      for (let image = 0; image < n; image++) {
        const picked = random.permutation(perImage).subarray(0, per)
        picked.forEach((index, i) =>
          positions.set(positionAt(image * perImage + index, shape, p), 3 * (image * per + i)),
        )
      }
    }
    const rows = this.normalizedPatches(centroids, data, positions)
    const count = positions.length / 3
    const whitened = centroids.whitening
      ? await this.throughStages({ noun: 'patch', action: 'train' }, rows, count, [
          {
            name: 'whiten',
            inputSize: centroids.size,
            outputSize: centroids.size,
            pass: (x) => centroids.toCentroidSpace(x),
          },
        ])
      : rows
    return { data: whitened, shape: [count, p, p, shape[2]] }
  }

  /** The pass a step runs on its rows: distances, assignment, per-cluster sums. */
  private sumsPass(centroids: KMeansCentroids, hostValuesPerRow: number, fixedBytes = 0): RowPass {
    const { k } = centroids.options
    return {
      name: 'sums',
      run: (rows) => clusterSums(tf.zeros([rows, centroids.size]), centroids.tensors(), k),
      hostValuesPerRow,
      fixedBytes,
    }
  }

  /**
   * Patch models also refuse here (before any patch is drawn) fewer patches than clusters and more
   * patches than the host holds (`INVALID_OPTION` naming `k` or `patchesPerImage`).
   */
  protected trainingStep(
    centroids: KMeansCentroids,
    data: ImageBatch,
    train: ResolvedKMeansTrainOptions,
  ): TrainingStepCost {
    let rows = data.shape[0]
    if (centroids.options.patchSize !== undefined) {
      const per = this.patchesPerImage(centroids, data, train)
      rows = data.shape[0] * per
      this.checkEnoughRows(
        centroids.options.k,
        rows,
        `the training images hold`,
        'raise patchesPerImage or pass more images',
      )
      // Per patch: its position, its values as extracted and whitened.
      checkRows(
        {
          what: 'patch count',
          option: 'patchesPerImage',
          actual: rows,
          advice: (most) =>
            `use patchesPerImage ≤ ${Math.max(1, Math.floor(most / data.shape[0]))}, or fewer images`,
        },
        hostLimit(3 + 2 * centroids.size),
      )
    }
    if (centroids.options.algorithm === 'lloyd') {
      // Lloyd keeps the data on the device when it fits and runs it in chunks as large as memory
      // allows (batchSize does not apply): only a pass that cannot take one row is refused.
      const pass = this.sumsPass(centroids, 0, TrainingRows.residentBytesOf(rows * centroids.size))
      return {
        ...pass,
        key: 'lloyd',
        rows: 1,
        advice: '; Lloyd needs one row at a time: use a smaller k',
      }
    }
    return { ...this.sumsPass(centroids, centroids.size), key: 'minibatch', rows }
  }

  /** Rows per chunk of k-means++'s distances to its candidates (as memory allows, at most CHUNK). */
  private seedChunk(centroids: KMeansCentroids, fixedBytes: number): number {
    const d = centroids.size
    const trials = localTrials(centroids.options.k)
    const pass: RowPass = {
      name: 'seed',
      run: (rows) => candidateDistances(tf.zeros([rows, d]), tf.zeros([trials, d])),
      hostValuesPerRow: trials + 3,
      fixedBytes,
    }
    return Math.max(1, Math.min(CHUNK, this.passLimit(pass, CHUNK)))
  }

  /**
   * Sets the centroids by k-means++ on the rows of `chunks` (`values`, `n × d`), or, for
   * mini-batch, on `initSize` random rows of the data.
   */
  private async seedCentroids(
    centroids: KMeansCentroids,
    data: ImageBatch,
    train: ResolvedKMeansTrainOptions,
    chunks: readonly RowChunk[],
  ): Promise<void> {
    const { k, algorithm, seed } = centroids.options
    const random = createRandom(deriveSeed(seed, 1))
    const n = data.shape[0]
    const d = centroids.size
    let values = data.data
    let sample: RowChunk[] = []
    try {
      if (algorithm === 'minibatch') {
        const wanted = train.initSize ?? Math.max(3 * train.batchSize, 3 * k)
        const count = Math.min(n, Math.max(wanted, k))
        checkRows(
          {
            what: 'initSize',
            option: 'initSize',
            actual: count,
            advice: (most) => `use initSize ≤ ${most}`,
          },
          hostLimit(d + localTrials(k) + 3),
        )
        const picked = random.permutation(n).subarray(0, count)
        values = new Float32Array(count * d)
        picked.forEach((row, i) => values.set(data.data.subarray(row * d, (row + 1) * d), i * d))
        sample = splitRows(values, count, d, this.seedChunk(centroids, 0), false)
      }
      const chosen = await kMeansPlusPlus(values, sample.length > 0 ? sample : chunks, d, k, random)
      chosen.forEach((row, c) =>
        centroids.centroids.set(values.subarray(row * d, (row + 1) * d), c * d),
      )
    } finally {
      disposeChunks(sample)
    }
    centroids.counts.fill(0)
    this.done = false
  }

  protected async runEpochs(
    centroids: KMeansCentroids,
    images: ImageBatch,
    train: ResolvedKMeansTrainOptions,
    hooks: FitHooks<KMeansHistoryPoint>,
  ): Promise<TrainResult<KMeansHistoryPoint>> {
    // A patch model clusters patches of the images: they are its rows from here on.
    const data =
      centroids.options.patchSize === undefined
        ? images
        : await this.trainingPatches(centroids, images, train)
    const fresh = this.counters.steps === 0
    if (centroids.options.algorithm === 'minibatch') {
      if (fresh) await this.seedCentroids(centroids, data, train, [])
      return this.miniBatchEpochs(centroids, data, train, hooks)
    }
    const n = data.shape[0]
    const d = centroids.size
    const residentBytes = TrainingRows.residentBytes(data)
    // One chunk size serves Lloyd's passes and, on a first fit, k-means++ (the smaller of the two).
    const chunk = Math.min(
      Math.max(
        1,
        Math.min(CHUNK, this.passLimit(this.sumsPass(centroids, 0, residentBytes), CHUNK)),
      ),
      fresh ? this.seedChunk(centroids, residentBytes) : CHUNK,
    )
    const chunks = splitRows(data.data, n, d, chunk, residentBytes > 0)
    try {
      if (fresh) await this.seedCentroids(centroids, data, train, chunks)
      const outer = hooks.control ?? new TrainingControl()
      const control = new ConvergenceControl(outer)
      const tolerance = train.tolerance * meanVariance(data.data, n, d)
      const result = await this.trainingLoop(
        { ...train, batchSize: n },
        {
          sampleCount: n,
          variables: [],
          step: async () => {
            const point = await this.lloydStep(centroids, data, chunks)
            if (point.centerShift <= tolerance) {
              this.done = true
              control.converge()
            } else {
              this.done = false
            }
            return point
          },
          diverged: (values, step) => this.diverged(values.inertia, step),
        },
        {
          ...hooks,
          control,
          // Converged is a complete run: the last report says so (this run's steps were all it needed).
          onUpdate: (update) =>
            hooks.onUpdate?.(
              control.converged
                ? {
                    ...update,
                    progress: {
                      ...update.progress,
                      epochs: update.progress.epoch,
                      runSteps: update.progress.runStep,
                    },
                  }
                : update,
            ),
        },
      )
      return { ...result, stopped: outer.stopRequested }
    } finally {
      disposeChunks(chunks)
    }
  }

  private diverged(inertia: number, step: number): DivergedError {
    return new DivergedError(
      `k-means produced a non-finite inertia at step ${step} (${inertia}); the centroids were left as they were. Check the data for extreme values`,
      { step },
    )
  }

  /** Per-cluster sums of the rows of `chunks`, accumulated in float64. */
  private async sumChunks(
    centroids: KMeansCentroids,
    chunks: readonly RowChunk[],
  ): Promise<StepSums> {
    const { k } = centroids.options
    const d = centroids.size
    const total: StepSums = {
      sums: new Float64Array(k * d),
      counts: new Float64Array(k),
      inertia: 0,
    }
    for (const part of chunks) {
      const flat = tf.tidy(() => clusterSums(part.rows(), centroids.tensors(), k))
      const values = (await flat.data()) as Float32Array
      flat.dispose()
      for (let i = 0; i < k * d; i++)
        total.sums[i] = (total.sums[i] as number) + (values[i] as number)
      for (let c = 0; c < k; c++) {
        total.counts[c] = (total.counts[c] as number) + (values[k * d + c] as number)
      }
      total.inertia += (values[k * d + k] as number) + part.squares
    }
    return total
  }

  /**
   * The stage rows of `action` go through: `pass` on rows in the centroids' space, with a patch
   * model's whitening first when `raw` (normalised patches, not yet whitened).
   */
  private stage(
    centroids: KMeansCentroids,
    name: string,
    outputSize: number,
    pass: (x: tf.Tensor2D) => tf.Tensor,
    raw: boolean,
  ): RowStage {
    const whiten = raw && centroids.whitening !== undefined
    return {
      name: whiten ? `${name}:whitened` : name,
      inputSize: centroids.size,
      outputSize,
      pass: whiten ? (x) => pass(centroids.toCentroidSpace(x)) : pass,
    }
  }

  /**
   * The rows `action` was given: whole images of the model's shape, or, for a patch model, patches
   * `[n, p, p, c]` (normalised here; whitened by the stage). `SHAPE_MISMATCH` otherwise.
   */
  private inputRows(
    centroids: KMeansCentroids,
    action: string,
    images: ImageBatch,
  ): { readonly values: Float32Array; readonly rows: number; readonly noun: string } {
    const rows = images.shape[0]
    if (centroids.options.patchSize === undefined) {
      assertImageShape(images, this.shape as ImageShape, 'images')
      return { values: images.data, rows, noun: 'image' }
    }
    const shape = centroids.imageShape
    const given = imageShapeOf(images)
    if (given[0] !== shape[0] || given[1] !== shape[1] || given[2] !== shape[2]) {
      throw new ShapeMismatchError(
        `this k-means model clusters ${shape.join(' × ')} patches, so ${action} takes patches [n, ${shape.join(', ')}]; got images of ${given.join(' × ')}. For features of whole images use features(images)`,
        { expected: [...shape], actual: [...given] },
      )
    }
    assertFinite(images.data, 'patches')
    const values = images.data.slice()
    normalizePatches(
      values,
      centroids.size,
      centroids.options.normalization ?? 'none',
      centroids.contrastFloor,
    )
    return { values, rows, noun: 'patch' }
  }

  /**
   * The nearest centroid and squared distance of each of `rows` rows of `values`; `raw` rows are
   * normalised patches a patch model still whitens.
   */
  private async nearest(
    centroids: KMeansCentroids,
    action: string,
    values: Float32Array,
    rows: number,
    raw = false,
    noun = 'row',
  ) {
    const stage = this.stage(
      centroids,
      'nearest',
      2,
      (x) => nearestCentroids(x, centroids.tensors()),
      raw,
    )
    const data = await this.throughStages({ noun, action }, values, rows, [stage])
    const labels = new Int32Array(rows)
    const distances = new Float32Array(rows)
    let inertia = 0
    for (let r = 0; r < rows; r++) {
      labels[r] = data[2 * r] as number
      distances[r] = data[2 * r + 1] as number
      inertia += distances[r] as number
    }
    return { labels, distances, inertia }
  }

  /**
   * Moves each empty cluster to one of the rows farthest from their centroids (scikit-learn's
   * relocation): the row leaves its cluster's sums and becomes the empty cluster's only member.
   */
  private async relocateEmpty(
    centroids: KMeansCentroids,
    data: ImageBatch,
    sums: StepSums,
  ): Promise<number> {
    const { k } = centroids.options
    const d = centroids.size
    const empty: number[] = []
    for (let c = 0; c < k; c++) if (sums.counts[c] === 0) empty.push(c)
    if (empty.length === 0) return 0
    const { labels, distances } = await this.nearest(centroids, 'train', data.data, data.shape[0])
    const far = Array.from(distances.keys())
      .sort((a, b) => (distances[b] as number) - (distances[a] as number) || a - b)
      .slice(0, empty.length)
    empty.forEach((cluster, i) => {
      const row = far[i] as number
      const from = labels[row] as number
      const values = data.data.subarray(row * d, (row + 1) * d)
      for (let j = 0; j < d; j++) {
        sums.sums[from * d + j] = (sums.sums[from * d + j] as number) - (values[j] as number)
        sums.sums[cluster * d + j] = values[j] as number
      }
      sums.counts[from] = (sums.counts[from] as number) - 1
      sums.counts[cluster] = 1
    })
    return empty.length
  }

  /** One Lloyd iteration over every row: assign, relocate empty clusters, move each centroid to its mean. */
  private async lloydStep(
    centroids: KMeansCentroids,
    data: ImageBatch,
    chunks: readonly RowChunk[],
  ): Promise<Omit<KMeansHistoryPoint, 'step' | 'epoch'>> {
    const n = data.shape[0]
    const { k } = centroids.options
    const d = centroids.size
    const sums = await this.sumChunks(centroids, chunks)
    const inertia = sums.inertia / n
    if (!Number.isFinite(inertia)) return { inertia, centerShift: NaN, reassigned: 0 }
    const reassigned = await this.relocateEmpty(centroids, data, sums)
    let centerShift = 0
    for (let c = 0; c < k; c++) {
      const count = sums.counts[c] as number
      centroids.counts[c] = count
      if (count <= 0) continue
      for (let j = 0; j < d; j++) {
        // Rounded as stored, so an iteration that changes no label moves nothing (strict convergence).
        const next = Math.fround((sums.sums[c * d + j] as number) / count)
        centerShift += (next - (centroids.centroids[c * d + j] as number)) ** 2
        centroids.centroids[c * d + j] = next
      }
    }
    return { inertia, centerShift, reassigned }
  }

  /** Mini-batch k-means: epochs of random batches, each centre moving by 1 / its count per row. */
  private miniBatchEpochs(
    centroids: KMeansCentroids,
    data: ImageBatch,
    train: ResolvedKMeansTrainOptions,
    hooks: FitHooks<KMeansHistoryPoint>,
  ): Promise<TrainResult<KMeansHistoryPoint>> {
    const { k } = centroids.options
    const d = centroids.size
    let sinceReassign = 0
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables: [],
        step: async (indices) => {
          const b = indices.length
          const batch = gatheredChunk(data, indices, d)
          const sums = await this.sumChunks(centroids, [batch])
          const inertia = sums.inertia / b
          if (!Number.isFinite(inertia)) return { inertia, centerShift: NaN, reassigned: 0 }
          let centerShift = 0
          for (let c = 0; c < k; c++) {
            const added = sums.counts[c] as number
            if (added === 0) continue
            const before = centroids.counts[c] as number
            const total = before + added
            for (let j = 0; j < d; j++) {
              const old = centroids.centroids[c * d + j] as number
              const next = (old * before + (sums.sums[c * d + j] as number)) / total
              centerShift += (next - old) ** 2
              centroids.centroids[c * d + j] = next
            }
            centroids.counts[c] = total
          }
          sinceReassign += b
          let reassigned = 0
          if (
            train.reassignmentRatio > 0 &&
            (sinceReassign >= REASSIGN_EVERY_PER_CLUSTER * k || centroids.counts.includes(0))
          ) {
            reassigned = this.reassignUnused(centroids, data, indices, train.reassignmentRatio)
            sinceReassign = 0
          }
          return { inertia, centerShift, reassigned }
        },
        diverged: (values, step) => this.diverged(values.inertia, step),
      },
      hooks,
    )
  }

  /**
   * Moves centres whose count is below `ratio` × the largest to random rows of the batch, and gives
   * them the smallest count of the others (scikit-learn's `reassignment_ratio`).
   */
  private reassignUnused(
    centroids: KMeansCentroids,
    data: ImageBatch,
    batch: Uint32Array,
    ratio: number,
  ): number {
    const { k } = centroids.options
    const d = centroids.size
    const counts = centroids.counts
    const most = counts.reduce((a, b) => Math.max(a, b), 0)
    if (most === 0) return 0
    let unused = Array.from(counts.keys()).filter((c) => (counts[c] as number) < ratio * most)
    if (unused.length === 0) return 0
    if (unused.length > batch.length / 2) {
      unused = unused
        .sort((a, b) => (counts[a] as number) - (counts[b] as number) || a - b)
        .slice(0, Math.floor(batch.length / 2))
    }
    const floor = Array.from(counts.keys())
      .filter((c) => !unused.includes(c))
      .reduce((low, c) => Math.min(low, counts[c] as number), Infinity)
    const picks = (this.batchRandom as Random).permutation(batch.length)
    unused.forEach((c, i) => {
      const row = batch[picks[i] as number] as number
      centroids.centroids.set(data.data.subarray(row * d, (row + 1) * d), c * d)
      counts[c] = Number.isFinite(floor) ? floor : 1
    })
    return Math.min(unused.length, k)
  }

  /**
   * The nearest centroid of each image, its squared distance, and the images' inertia. A patch model
   * takes patches `[n, p, p, c]`, normalises and whitens them, and measures in whitened space.
   */
  async assign(images: ImageBatch): Promise<KMeansAssignment> {
    const centroids = this.requireNetwork('assign')
    const { values, rows, noun } = this.inputRows(centroids, 'assign', images)
    return this.nearest(centroids, 'assign', values, rows, true, noun)
  }

  /**
   * Euclidean distance of each image to every centroid, `[n, k]`. A patch model takes patches
   * `[n, p, p, c]` (see {@link KMeans.assign}).
   */
  async transform(images: ImageBatch): Promise<LatentBatch> {
    const centroids = this.requireNetwork('transform')
    const { k } = centroids.options
    const { values, rows, noun } = this.inputRows(centroids, 'transform', images)
    const stage = this.stage(
      centroids,
      'distances',
      k,
      (x) => tf.sqrt(squaredDistances(x, centroids.tensors())),
      true,
    )
    const data = await this.throughStages({ noun, action: 'transform' }, values, rows, [stage])
    return { data, shape: [rows, k] }
  }

  /**
   * The centroids as images `[k, h, w, c]` (a copy). Patch models: the filters `[k, p, p, c]` with
   * the whitening undone (`c·dewhiten + mean`, in the space of normalised patches: signed).
   */
  centroidImages(): ImageBatch {
    const centroids = this.requireNetwork('read the centroids')
    const [h, w, c] = centroids.imageShape
    return { data: centroids.displayCentroids(), shape: [centroids.options.k, h, w, c] }
  }

  /** A patch model's centroids and patch side, or `INVALID_OPTION` naming `patchSize`. */
  private requirePatches(action: string): { centroids: KMeansCentroids; patchSize: number } {
    const centroids = this.requireNetwork(action)
    const { patchSize } = centroids.options
    if (patchSize === undefined) {
      throw new InvalidOptionError(
        `${action} needs a patch model (clustering learning); this k-means model clusters whole images. Create it with patchSize (e.g. new KMeans({ k: 50, patchSize: 5 })), or use transform(images)`,
        { option: 'patchSize' },
      )
    }
    return { centroids, patchSize }
  }

  /** Checks images a patch model's features are computed on: finite, its channels, patches fit. */
  private checkPatchImages(centroids: KMeansCentroids, images: ImageBatch, p: number): void {
    const channels = centroids.imageShape[2]
    if (images.shape[3] !== channels) {
      throw new ShapeMismatchError(
        `images have ${images.shape[3]} channel(s), the filters were learned on ${channels}; convert the images to ${channels} channel(s)`,
        { expected: channels, actual: images.shape[3] },
      )
    }
    assertFinite(images.data, 'images')
    checkPatchFits(imageShapeOf(images), p)
  }

  /**
   * Triangle activations at every position on the `stride` grid of `images`, whole images at a
   * time (each chunk's patches through the device in passes that fit): `visit` gets the chunk's
   * first image, its image count, positions (image numbers from 0 in the chunk) and activations
   * (`k` per position, in position order).
   */
  private async activationChunks(
    centroids: KMeansCentroids,
    action: string,
    images: ImageBatch,
    stride: number,
    visit: (start: number, count: number, positions: PatchPositions, values: Float32Array) => void,
  ): Promise<void> {
    const p = centroids.options.patchSize as number
    const shape = imageShapeOf(images)
    const perImage =
      cornerOffsets(shape[0], p, stride).length * cornerOffsets(shape[1], p, stride).length
    const imagesPerChunk = Math.max(1, Math.floor(FEATURE_CHUNK / perImage))
    const stage = this.stage(
      centroids,
      'triangle',
      centroids.options.k,
      (x) => triangleActivations(x, centroids.tensors()),
      true,
    )
    const size = imageSize(shape)
    for (let start = 0; start < images.shape[0]; start += imagesPerChunk) {
      const count = Math.min(imagesPerChunk, images.shape[0] - start)
      const chunk: ImageBatch = {
        data: images.data.subarray(start * size, (start + count) * size),
        shape: [count, shape[0], shape[1], shape[2]],
      }
      const positions = densePositions(count, shape, p, stride)
      const rows = this.normalizedPatches(centroids, chunk, positions)
      const values = await this.throughStages(
        { noun: 'patch', action },
        rows,
        positions.length / 3,
        [stage],
      )
      visit(start, count, positions, values)
    }
  }

  /**
   * Clustering-learning features (Coates, Lee & Ng 2011) of images of any size at least the
   * patch's, with the training data's channels: at every position on the `options.stride` grid
   * (default 1) the patch is normalised and whitened as in training, its triangle activations
   * `max(0, mean(z) − z_j)` (with `z_j` its distance to centroid `j`) are taken, and summed over the
   * positions whose centre is in each quadrant of the image. `[n, 4k]` (`[n, k]` when no two
   * positions fit across an image). `INVALID_OPTION` on a whole-image model, patches larger than
   * the images, or more images than the host holds.
   */
  async features(images: ImageBatch, options: KMeansFeaturesOptions = {}): Promise<LatentBatch> {
    const { centroids, patchSize: p } = this.requirePatches('features')
    validateKMeansFeaturesOptions(options)
    this.checkPatchImages(centroids, images, p)
    const [n, height, width] = images.shape
    const { k } = centroids.options
    const size = regionsPerSide(height, width, p) ** 2 * k
    checkRows(
      {
        what: 'image count',
        actual: n,
        advice: (most) => `compute the features of at most ${most} images per call`,
      },
      hostLimit(size + imageSize(imageShapeOf(images))),
    )
    const out = new Float32Array(n * size)
    await this.activationChunks(
      centroids,
      'features',
      images,
      options.stride ?? 1,
      (start, count, positions, values) => {
        const pooled = pooledPatchFeatures(values, k, positions, count, height, width, p)
        out.set(pooled.data, start * size)
      },
    )
    return { data: out, shape: [n, size] }
  }

  /**
   * A patch model's triangle activations before pooling, as images `[n, rows, columns, k]`: one
   * pixel per position on the `options.stride` grid, one channel per centroid. A second patch model
   * trained on them stacks a second layer (Coates & Ng 2011). Errors as {@link KMeans.features}.
   */
  async featureMaps(images: ImageBatch, options: KMeansFeaturesOptions = {}): Promise<ImageBatch> {
    const { centroids, patchSize: p } = this.requirePatches('featureMaps')
    validateKMeansFeaturesOptions(options)
    this.checkPatchImages(centroids, images, p)
    const stride = options.stride ?? 1
    const [n, height, width] = images.shape
    const { k } = centroids.options
    const rows = cornerOffsets(height, p, stride).length
    const columns = cornerOffsets(width, p, stride).length
    const size = rows * columns * k
    checkRows(
      {
        what: 'image count',
        actual: n,
        advice: (most) => `compute the maps of at most ${most} images per call, or a larger stride`,
      },
      hostLimit(size + imageSize(imageShapeOf(images))),
    )
    const out = new Float32Array(n * size)
    await this.activationChunks(centroids, 'featureMaps', images, stride, (start, _, __, values) =>
      out.set(values, start * size),
    )
    return { data: out, shape: [n, rows, columns, k] }
  }

  /** What `probe` fits on: `features` for a patch model, else the distances to the centroids. */
  probeFeatures(images: ImageBatch): Promise<LatentBatch> {
    return this.requireNetwork('probe').options.patchSize === undefined
      ? this.transform(images)
      : this.features(images)
  }

  /**
   * Centroids, cluster sizes and `options.members` members of each cluster of `images`, spread from
   * the nearest to the farthest. `INVALID_OPTION` naming the limit when the members would not fit.
   */
  async clusters(images: ImageBatch, options: KMeansClustersOptions = {}): Promise<KMeansClusters> {
    const centroids = this.requireNetwork('show the clusters')
    validateKMeansClustersOptions(options)
    const { k } = centroids.options
    const d = centroids.size
    const m = options.members ?? 8
    checkRows(
      {
        what: 'members per cluster',
        option: 'members',
        actual: m,
        advice: (most) => `use members ≤ ${most}`,
      },
      Math.floor(hostLimit(d + 1) / k),
    )
    if (centroids.options.patchSize !== undefined) {
      return this.patchClusters(centroids, images, m)
    }
    assertImageShape(images, this.shape as ImageShape, 'images')
    const { labels, distances, inertia } = await this.nearest(
      centroids,
      'group',
      images.data,
      images.shape[0],
      false,
      'image',
    )
    const { sizes, memberIndices } = chooseMembers(labels, distances, k, m)
    const [h, w, c] = imageShapeOf(images)
    const members = new Float32Array(k * m * d)
    memberIndices.forEach((row, i) => {
      if (row >= 0) members.set(images.data.subarray(row * d, (row + 1) * d), i * d)
    })
    return {
      centroids: this.centroidImages(),
      sizes,
      membersPerCluster: m,
      members: { data: members, shape: [k * m, h, w, c] },
      memberIndices,
      inertia,
    }
  }

  /**
   * A patch model's clusters of the patches of `images`: every position, at most
   * {@link CLUSTER_PATCHES} of them drawn at random (with the model's seed); centroids and members
   * normalised, not whitened.
   */
  private async patchClusters(
    centroids: KMeansCentroids,
    images: ImageBatch,
    m: number,
  ): Promise<KMeansClusters> {
    const p = centroids.options.patchSize as number
    this.checkPatchImages(centroids, images, p)
    const { k } = centroids.options
    const d = centroids.size
    const shape = imageShapeOf(images)
    const total = images.shape[0] * positionsPerImage(shape, p)
    const count = Math.min(CLUSTER_PATCHES, total)
    const indices =
      count === total
        ? Uint32Array.from({ length: total }, (_, i) => i)
        : createRandom(deriveSeed(centroids.options.seed, 6))
            .permutation(total)
            .subarray(0, count)
            .sort()
    const positions = new Int32Array(3 * count)
    indices.forEach((index, i) => positions.set(positionAt(index, shape, p), 3 * i))
    const rows = this.normalizedPatches(centroids, images, positions)
    const { labels, distances, inertia } = await this.nearest(
      centroids,
      'group',
      rows,
      count,
      true,
      'patch',
    )
    const chosen = chooseMembers(labels, distances, k, m)
    const members = new Float32Array(k * m * d)
    const memberIndices = chosen.memberIndices.map((row, i) => {
      if (row < 0) return -1
      members.set(rows.subarray(row * d, (row + 1) * d), i * d)
      return positions[3 * row] as number
    })
    return {
      centroids: this.centroidImages(),
      sizes: chosen.sizes,
      membersPerCluster: m,
      members: { data: members, shape: [k * m, p, p, shape[2]] },
      memberIndices,
      inertia,
    }
  }

  protected resetExtras(): void {
    this.batchRandom = undefined
    this.patchRandom = undefined
    this.done = false
  }
}
