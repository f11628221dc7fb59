import * as tf from '@tensorflow/tfjs-core'
import {
  assertFinite,
  imageShapeOf,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import { DivergedError, InvalidInputError, InvalidOptionError } from '../../errors'
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
import { recordedOptions, type SnapshotState } from '../../family/snapshotRecord'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import { TrainingControl } from '../../trainingControl'
import { chooseMembers } from '../clusterMembers'
import { ConvergenceControl } from '../convergenceControl'
import {
  resolveKMeansOptions,
  resolveKMeansTrainOptions,
  validateKMeansClustersOptions,
  validateKMeansModelOptions,
  type KMeansClustersOptions,
  type KMeansModelOptions,
  type KMeansTrainOptions,
  type ResolvedKMeansOptions,
  type ResolvedKMeansTrainOptions,
} from '../kmeansOptions'
import {
  kMeansSpec,
  type KMeansAssignment,
  type KMeansClusters,
  type KMeansHistoryPoint,
} from '../kmeansSpec'
import { KMeansCentroids } from './kmeansCentroids'
import { candidateDistances, kMeansPlusPlus, localTrials } from './kmeansPlusPlus'
import { clusterSums, nearestCentroids, squaredDistances } from './kmeansPasses'
import { disposeChunks, gatheredChunk, splitRows, type RowChunk } from './rowChunks'

/** Rows per device chunk of a Lloyd pass at most, when memory allows more. */
const CHUNK = 4096
/** Mini-batch: rows seen between two checks for nearly unused centres, per cluster (scikit-learn's). */
const REASSIGN_EVERY_PER_CLUSTER = 10

/** What a k-means model is built from: its resolved options (nothing else depends on the data). */
interface KMeansPlan {
  readonly options: ResolvedKMeansOptions
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

  /** Refuses non-finite data, and fewer rows than clusters (`INVALID_OPTION` naming `k`). */
  protected checkTrainingData(data: ImageBatch): void {
    assertFinite(data.data)
    const k = this.network?.options.k ?? resolveKMeansOptions(this.modelOptions).k
    const rows = data.shape[0]
    if (rows < k) {
      throw new InvalidOptionError(
        `k is ${k} but the data has only ${rows} row(s); k-means needs at least one row per cluster: use k ≤ ${rows} or pass more images`,
        { option: 'k', limit: rows, actual: k },
      )
    }
  }

  protected planNetwork(): KMeansPlan {
    return { options: resolveKMeansOptions(this.modelOptions) }
  }

  protected readPlan(record: SnapshotNetwork): KMeansPlan {
    return { options: recordedOptions(record, this.modelOptions, resolveKMeansOptions) }
  }

  protected construct(plan: KMeansPlan, shape: ImageShape): KMeansCentroids {
    return new KMeansCentroids(plan.options, shape)
  }

  protected adoptPlan({ options }: KMeansPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.batchRandom = createRandom(deriveSeed(options.seed, 3))
  }

  protected networkSize({ options }: KMeansPlan, shape: ImageShape): NetworkSize {
    const d = shape[0] * shape[1] * shape[2]
    return { weights: options.k * d + options.k, advice: 'use a smaller k' }
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

  protected trainingStep(centroids: KMeansCentroids, data: ImageBatch): TrainingStepCost {
    const rows = data.shape[0]
    if (centroids.options.algorithm === 'lloyd') {
      // Lloyd keeps the data on the device when it fits and runs it in chunks as large as memory
      // allows (batchSize does not apply): only a pass that cannot take one row is refused.
      const pass = this.sumsPass(centroids, 0, TrainingRows.residentBytes(data))
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
    data: ImageBatch,
    train: ResolvedKMeansTrainOptions,
    hooks: FitHooks<KMeansHistoryPoint>,
  ): Promise<TrainResult<KMeansHistoryPoint>> {
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

  /** The nearest centroid and squared distance of every row of `images` (`[label, distance]` pairs). */
  private async nearest(centroids: KMeansCentroids, action: string, images: ImageBatch) {
    const stage: RowStage = {
      name: 'nearest',
      inputSize: centroids.size,
      outputSize: 2,
      pass: (x) => nearestCentroids(x, centroids.tensors()),
    }
    const { data, rows } = await this.imageRows(action, images, [stage])
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
    const { labels, distances } = await this.nearest(centroids, 'train', data)
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

  /** The nearest centroid of each image, its squared distance, and the images' inertia. */
  async assign(images: ImageBatch): Promise<KMeansAssignment> {
    const centroids = this.requireNetwork('assign')
    return this.nearest(centroids, 'assign', images)
  }

  /** Euclidean distance of each image to every centroid, `[n, k]`. */
  async transform(images: ImageBatch): Promise<LatentBatch> {
    const centroids = this.requireNetwork('transform')
    const { k } = centroids.options
    const stage: RowStage = {
      name: 'distances',
      inputSize: centroids.size,
      outputSize: k,
      pass: (x) => tf.sqrt(squaredDistances(x, centroids.tensors())),
    }
    const { data, rows } = await this.imageRows('transform', images, [stage])
    return { data, shape: [rows, k] }
  }

  /** The centroids as images `[k, h, w, c]` (a copy). */
  centroidImages(): ImageBatch {
    const centroids = this.requireNetwork('read the centroids')
    const [h, w, c] = centroids.imageShape
    return { data: centroids.centroids.slice(), shape: [centroids.options.k, h, w, c] }
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
    const { labels, distances, inertia } = await this.nearest(centroids, 'group', images)
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

  protected resetExtras(): void {
    this.batchRandom = undefined
    this.done = false
  }
}
