/**
 * The k-means model: plans and builds its centroids, fits them (k-means++ seeding, then Lloyd or
 * mini-batch epochs), and answers its actions, delegating the steps' arithmetic, the seeding, a
 * patch model's patches and features, and the clusters view to the modules beside it.
 */
import * as tf from '@tensorflow/tfjs-core'
import {
  assertFinite,
  assertImageShape,
  imageShapeOf,
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
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import {
  checkRows,
  hostLimit,
  passLimit as measuredPassLimit,
  TrainingRows,
  type RowPass,
} from '../../engine/memoryBudget'
import {
  recordedOptions,
  snapshotPositiveNumber,
  type SnapshotState,
} from '../../family/snapshotRecord'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import {
  checkArraySizes,
  type RandomStreams,
  type TrainingStatePart,
} from '../../engine/trainingState'
import { TrainingControl } from '../../trainingControl'
import { ConvergenceControl } from '../convergenceControl'
import {
  resolveKMeansOptions,
  resolveKMeansTrainOptions,
  validateKMeansClustersOptions,
  validateKMeansModelOptions,
  type KMeansClustersOptions,
  type KMeansFeaturesOptions,
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
import { centroidStage, nearestRows, type RunStages } from './centroidStages'
import { KMeansCentroids } from './kmeansCentroids'
import { clusterSums, squaredDistances } from './kmeansPasses'
import { lloydStep, meanVariance, miniBatchStep, reassignUnused, rowSquares } from './kmeansSteps'
import type { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import { kernelThreadsOf, kernelThreadSpawner } from '../../kernels/kernelThreadSpawner'
import { releaseFusedSlot, takeFusedSlot } from './fusedSumsPool'
import { FusedClusterSums } from './fusedClusterSums'
import { imageClusters, patchClusters } from './kmeansClusters'
import { patchFeatureMaps, patchFeatures } from './patchFeatures'
import {
  checkPatchFits,
  fitPatchWhitening,
  normalizeModelPatches,
  patchContrastFloor,
  patchesPerImage,
  trainingPatches,
} from './patchSampling'
import { disposeChunks, measuredChunk, splitRows, type RowChunk } from './rowChunks'
import { seedCentroids, seedPass } from './seedCentroids'

/** Largest kernel memory a disposed model's fused slot is kept with for the next model (8 MiB). */
const POOLED_BYTES = 8 * 1024 * 1024
/** Rows per device chunk of a Lloyd pass at most, when memory allows more. */
const CHUNK = 4096
/** Mini-batch: rows seen between two checks for nearly unused centres, per cluster (scikit-learn's). */
const REASSIGN_EVERY_PER_CLUSTER = 10

/**
 * What a k-means model is built from: its resolved options and, for a patch model, the contrast
 * floor of its patch normalisation (from the data's range).
 */
interface KMeansPlan {
  readonly options: ResolvedKMeansOptions
  readonly contrastFloor?: number
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
  /** Mini-batch: rows absorbed since unused centres were last reassigned (kept across calls). */
  private sinceReassign = 0
  /**
   * The fused WebAssembly cluster sums, kept across calls while the chunks fit: taken on first use
   * from the slots disposed models of the same architecture left (see fusedSumsPool.ts), given back
   * when this model is disposed or reset.
   */
  private fused: FusedTrainerSlot<FusedClusterSums> | undefined
  /** The architecture the slot was taken for, and whether it may run two threads. */
  private fusedFor: { k: number; size: number; threads: boolean } | undefined
  /** The model's chunked runner, lent to the functions that work for it. */
  private readonly run: RunStages = (request, input, rows, stages) =>
    this.throughStages(request, input, rows, stages)

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
    return { options, contrastFloor: patchContrastFloor(data) }
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
    fitPatchWhitening(centroids, data)
  }

  protected adoptPlan({ options }: KMeansPlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.batchRandom = createRandom(deriveSeed(options.seed, 3))
    this.patchRandom = createRandom(deriveSeed(options.seed, 5))
  }

  /**
   * The rows a pass may take, measured once per architecture whatever the seed: the seed changes no
   * pass's memory, so a fit at another seed (a restart, a bench over seeds) does not measure again.
   */
  protected override passLimit(pass: RowPass, wanted: number): number {
    const centroids = this.network
    if (!centroids) return super.passLimit(pass, wanted)
    const architecture = JSON.stringify({ ...centroids.options, seed: undefined })
    return measuredPassLimit(
      `${kMeansSpec.kind}|${architecture}|${String(this.shape)}`,
      pass,
      wanted,
    )
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), batch: this.batchRandom, patch: this.patchRandom }
  }

  /** Mini-batch's count of rows since the last reassignment. */
  protected override trainingParts(): readonly TrainingStatePart[] {
    return [
      {
        name: 'miniBatch',
        capture: () => ({ state: { sinceReassign: this.sinceReassign }, arrays: [] }),
        prepare: (state, arrays, field) => {
          const since = (state as { sinceReassign?: unknown } | null)?.sinceReassign
          if (!(typeof since === 'number' && Number.isInteger(since) && since >= 0)) {
            throw new InvalidInputError(
              `snapshot ${field}.sinceReassign must be an integer ≥ 0; got ${JSON.stringify(since)}`,
              { field: `${field}.sinceReassign` },
            )
          }
          checkArraySizes(arrays, [], field)
          return () => {
            this.sinceReassign = since
          }
        },
      },
    ]
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
      const per = patchesPerImage(centroids, data, train)
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
    return Math.max(1, Math.min(CHUNK, this.passLimit(seedPass(centroids, fixedBytes), CHUNK)))
  }

  /** Seeds the centroids by k-means++ (see {@link seedCentroids}): not converged since. */
  private async seed(
    centroids: KMeansCentroids,
    data: ImageBatch,
    train: ResolvedKMeansTrainOptions,
    chunks: readonly RowChunk[],
    fused: FusedClusterSums | undefined,
  ): Promise<void> {
    await seedCentroids(centroids, data, train, chunks, () => this.seedChunk(centroids, 0), fused)
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
        : await trainingPatches(centroids, images, train, this.patchRandom as Random, this.run)
    const fresh = this.counters.steps === 0
    if (centroids.options.algorithm === 'minibatch') {
      if (fresh) {
        const fused = await this.fusedSums(centroids, train, train.batchSize)
        fused?.forgetRows()
        await this.seed(centroids, data, train, [], fused)
      }
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
    const fused = await this.fusedSums(centroids, train, chunk)
    fused?.forgetRows()
    // On the fused kernels the rows go to kernel memory once, measured there in the same pass (the
    // rows' Σ‖x‖², the variance, k-means++'s row norms), and never to the device (no TF.js pass
    // reads them); otherwise on the host, kept on the device when they fit.
    const stats = fused && n <= chunk ? fused.holdStats(data.data, n) : undefined
    const chunks = stats
      ? [measuredChunk(data.data, n, d, stats.squares)]
      : splitRows(data.data, n, d, chunk, residentBytes > 0 && !fused)
    try {
      if (fresh) await this.seed(centroids, data, train, chunks, fused)
      const outer = hooks.control ?? new TrainingControl()
      const control = new ConvergenceControl(outer)
      const tolerance = train.tolerance * (stats?.variance ?? meanVariance(data.data, n, d))
      const result = await this.trainingLoop(
        { ...train, batchSize: n },
        {
          sampleCount: n,
          // Every row each step, in the chunks' order: no shuffle to draw.
          inOrder: true,
          variables: [],
          step: async () => {
            const point = await lloydStep(centroids, this.run, data, chunks, fused)
            if (point.centerShift <= tolerance) {
              this.done = true
              control.converge()
            } else {
              this.done = false
            }
            return point
          },
          kernels: fused ? `wasm-${fused.build}` : 'tfjs',
          kernelThreads: () => kernelThreadsOf(fused),
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
    normalizeModelPatches(centroids, values)
    return { values, rows, noun: 'patch' }
  }

  /**
   * The fused WebAssembly cluster sums for chunks of at most `rows` rows when they apply (WASM
   * backend, `fusedKernels` on, SIMD present), kept across calls while the chunks fit.
   */
  private async fusedSums(
    centroids: KMeansCentroids,
    train: ResolvedKMeansTrainOptions,
    rows: number,
  ): Promise<FusedClusterSums | undefined> {
    const { k } = centroids.options
    const size = centroids.size
    if (this.fused && (this.fusedFor?.k !== k || this.fusedFor.size !== size)) this.releaseFused()
    this.fused ??= takeFusedSlot(k, size)
    const state = (this.fusedFor ??= { k, size, threads: false })
    // A slot that may start a second kernel thread is freed with its model, never kept for another.
    if (train.kernelThreads === 2 && kernelThreadSpawner() !== undefined) state.threads = true
    return this.fused.get(train, rows, (memory) => new FusedClusterSums(memory, k, size, rows))
  }

  /**
   * Gives the fused slot back for the next model of this architecture (freed instead when it holds
   * no usable trainer, may hold a second kernel thread, or its memory is larger than
   * {@link POOLED_BYTES}).
   */
  private releaseFused(): void {
    const slot = this.fused
    const state = this.fusedFor
    this.fused = undefined
    this.fusedFor = undefined
    if (!slot || !state) return
    // The slot's own trainer, not the last one a call got: a call with `fusedKernels` off gets none
    // while the slot keeps the trainer an earlier fit made.
    const trainer = slot.keptTrainer
    // The caller's rows are not kept alive by an idle slot (a fit forgets them at its start anyway).
    trainer?.forgetRows()
    const keep = trainer !== undefined && !state.threads && trainer.memoryBytes <= POOLED_BYTES
    releaseFusedSlot(slot, state.k, state.size, keep)
  }

  /** Mini-batch k-means: epochs of random batches, each centre moving by 1 / its count per row. */
  private async miniBatchEpochs(
    centroids: KMeansCentroids,
    data: ImageBatch,
    train: ResolvedKMeansTrainOptions,
    hooks: FitHooks<KMeansHistoryPoint>,
  ): Promise<TrainResult<KMeansHistoryPoint>> {
    const { k } = centroids.options
    const fused = await this.fusedSums(centroids, train, train.batchSize)
    // The rows are copied to kernel memory again at each call (they may have changed in place).
    fused?.forgetRows()
    const squares = rowSquares(data.data, data.shape[0], centroids.size)
    return this.trainingLoop(
      train,
      {
        sampleCount: data.shape[0],
        variables: [],
        step: async (indices) => {
          const { inertia, centerShift } = await miniBatchStep(
            centroids,
            data,
            indices,
            squares,
            fused,
          )
          if (!Number.isFinite(inertia)) return { inertia, centerShift, reassigned: 0 }
          this.sinceReassign += indices.length
          let reassigned = 0
          if (
            train.reassignmentRatio > 0 &&
            (this.sinceReassign >= REASSIGN_EVERY_PER_CLUSTER * k || centroids.counts.includes(0))
          ) {
            reassigned = reassignUnused(
              centroids,
              data,
              indices,
              train.reassignmentRatio,
              this.batchRandom as Random,
            )
            this.sinceReassign = 0
          }
          return { inertia, centerShift, reassigned }
        },
        kernels: fused ? `wasm-${fused.build}` : 'tfjs',
        kernelThreads: () => kernelThreadsOf(fused),
        diverged: (values, step) => this.diverged(values.inertia, step),
      },
      hooks,
    )
  }

  /**
   * The nearest centroid of each image, its squared distance, and the images' inertia. A patch model
   * takes patches `[n, p, p, c]`, normalises and whitens them, and measures in whitened space.
   */
  async assign(images: ImageBatch): Promise<KMeansAssignment> {
    const centroids = this.requireNetwork('assign')
    const { values, rows, noun } = this.inputRows(centroids, 'assign', images)
    return nearestRows(centroids, this.run, 'assign', values, rows, true, noun)
  }

  /**
   * Euclidean distance of each image to every centroid, `[n, k]`. A patch model takes patches
   * `[n, p, p, c]` (see {@link KMeans.assign}).
   */
  async transform(images: ImageBatch): Promise<LatentBatch> {
    const centroids = this.requireNetwork('transform')
    const { k } = centroids.options
    const { values, rows, noun } = this.inputRows(centroids, 'transform', images)
    const stage = centroidStage(
      centroids,
      'distances',
      k,
      (x) => tf.sqrt(squaredDistances(x, centroids.tensors())),
      true,
    )
    const data = await this.run({ noun, action: 'transform' }, values, rows, [stage])
    return { data, shape: [rows, k] }
  }

  /**
   * The centroids as images `[k, h, w, c]` (a copy). Patch models: the filters `[k, p, p, c]` with
   * the whitening undone (`c·dewhiten + mean`, in the space of normalised patches: signed).
   */
  centroidImages(): ImageBatch {
    return this.requireNetwork('read the centroids').displayImages()
  }

  /** A patch model's centroids, or `INVALID_OPTION` naming `patchSize`. */
  private requirePatches(action: string): KMeansCentroids {
    const centroids = this.requireNetwork(action)
    const { patchSize } = centroids.options
    if (patchSize === undefined) {
      throw new InvalidOptionError(
        `${action} needs a patch model (clustering learning); this k-means model clusters whole images. Create it with patchSize (e.g. new KMeans({ k: 50, patchSize: 5 })), or use transform(images)`,
        { option: 'patchSize' },
      )
    }
    return centroids
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
    return patchFeatures(this.requirePatches('features'), this.run, images, options)
  }

  /**
   * A patch model's triangle activations before pooling, as images `[n, rows, columns, k]`: one
   * pixel per position on the `options.stride` grid, one channel per centroid. A second patch model
   * trained on them stacks a second layer (Coates & Ng 2011). Errors as {@link KMeans.features}.
   */
  async featureMaps(images: ImageBatch, options: KMeansFeaturesOptions = {}): Promise<ImageBatch> {
    return patchFeatureMaps(this.requirePatches('featureMaps'), this.run, images, options)
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
      return patchClusters(centroids, this.run, images, m)
    }
    return imageClusters(centroids, this.run, images, m, this.shape as ImageShape)
  }

  protected resetExtras(): void {
    this.batchRandom = undefined
    this.patchRandom = undefined
    this.sinceReassign = 0
    this.done = false
    this.releaseFused()
  }
}
