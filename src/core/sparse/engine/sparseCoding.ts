import * as tf from '@tensorflow/tfjs-core'
import {
  assertFinite,
  assertImageShape,
  imageShapeOf,
  type ImageBatch,
  type ImageShape,
} from '../../dataset'
import { DivergedError, ShapeMismatchError } from '../../errors'
import { createRandom, deriveSeed, type Random } from '../../random'
import {
  TrainableModel,
  type ModelRules,
  type NetworkSize,
  type SnapshotNetwork,
  type TrainingStepCost,
} from '../../engine/trainableModel'
import { checkRows, hostLimit, type RowPass } from '../../engine/memoryBudget'
import { FLOAT_BYTES } from '../../memoryModel'
import {
  recordedOptions,
  snapshotPositiveNumber,
  snapshotRecord,
  type SnapshotState,
} from '../../family/snapshotRecord'
import type { TrainResult } from '../../training'
import type { FitHooks } from '../../engine/trainingLoop'
import type { RandomStreams, TrainingStatePart } from '../../engine/trainingState'
import { blendStatistics, normalizeAtom, updateAtoms } from '../dictionaryMath'
import { fistaFootprint } from './fista'
import { solveLassoCodes } from './lassoSolver'
import {
  assemblePatches,
  assertPatchFits,
  cornerOffsets,
  densePositions,
  denormalizePatches,
  extractPatches,
  normalizePatches,
  positionAt,
  positionsPerImage,
  type PatchPositions,
  type PatchScaling,
  valueRange,
} from '../patches'
import { compressCodes, type SparseCodes } from '../sparseCodes'
import { SparseDictionary } from './sparseDictionary'
import {
  resolveSparseCodingOptions,
  resolveSparseCodingTrainOptions,
  validateSparseCodingModelOptions,
  validateSparseEncodeOptions,
  type ResolvedSparseCodingOptions,
  type SparseCodingModelOptions,
  type SparseCodingTrainOptions,
  type SparseEncodeOptions,
} from '../sparseOptions'
import { applyWhitening, fitWhitening } from '../whitening'
import {
  sparseCodingSpec,
  type SparseCodingEvaluation,
  type SparseCodingHistoryPoint,
  type SparseDictionaryView,
} from '../sparseSpec'

/** Patches prepared for coding: rows in coding space and what was removed to get there. */
interface PreparedPatches {
  readonly positions: PatchPositions
  readonly scaling: PatchScaling
  readonly x: tf.Tensor2D
}

/**
 * Patches coded per device batch in encode/reconstruct/evaluate at most, when memory allows more (a
 * few batch shapes keep GPU backends from compiling a program per call); fewer when one batch of this
 * many would not fit in the call budget.
 */
const CHUNK = 4096
/** Host values per patch beside its pixels: its position (3) and its normalisation (mean, scale). */
const PATCH_EXTRAS = 5
/** Steps over which the running statistics average before they start to forget (online learning). */
const STATISTICS_HORIZON = 30
/** Patches the whitening is fitted on. */
const WHITENING_SAMPLE = 5000

function psnrOf(meanSquaredError: number, peak: number): number {
  return 10 * Math.log10((peak * peak) / Math.max(meanSquaredError, 1e-20))
}

/**
 * What a dictionary is built from: resolved options and what was measured on the data (its range,
 * and the contrast floor of patch normalisation derived from it).
 */
interface SparsePlan {
  readonly options: ResolvedSparseCodingOptions
  readonly contrastFloor: number
  readonly dataRange: number
}

/** The types a {@link SparseCoding} is made of. */
interface SparseCodingTypes {
  readonly network: SparseDictionary
  readonly options: SparseCodingModelOptions
  readonly train: SparseCodingTrainOptions
  readonly resolvedTrain: Required<SparseCodingTrainOptions>
  readonly point: SparseCodingHistoryPoint
  readonly plan: SparsePlan
}

const RULES: ModelRules<SparseCodingTypes> = {
  kind: sparseCodingSpec.kind,
  validateOptions: validateSparseCodingModelOptions,
  resolveTrainOptions: resolveSparseCodingTrainOptions,
}

/**
 * Sparse coding with a learned, overcomplete dictionary (Olshausen & Field 1996): image patches
 * x ≈ Dᵀa with few non-zero coefficients a, minimising ½‖x − Dᵀa‖² + λ‖a‖₁. Codes by batched FISTA
 * on TF.js; atoms by online dictionary learning (Mairal et al. 2010), so image sets of any size
 * stream through in mini-batches. Framework-free: worker, Node or main thread.
 *
 * ```ts
 * const model = new SparseCoding({ atoms: 128, patchSize: 8, lambda: 0.5 })
 * await model.fit(loadDigits().images, { epochs: 10 })
 * const { atoms } = model.dictionary()
 * const clean = await model.denoise(noisyImages)
 * model.dispose()
 * ```
 */
export class SparseCoding extends TrainableModel<SparseCodingTypes> {
  private positionRandom: Random | undefined
  /**
   * Snapshots keep FISTA's step bound of the current atoms: it depends on the warm starts of earlier
   * estimates, so one recomputed after a restore could differ in the last bits, and so would the codes.
   */
  protected override readonly modelState: SnapshotState = {
    saveState: () => ({ lipschitz: (this.network as SparseDictionary).lipschitz() }),
    loadState: (state) => {
      const lipschitz = snapshotPositiveNumber(snapshotRecord(state, 'state'), 'lipschitz', 'state')
      return () => (this.network as SparseDictionary).restoreLipschitz(lipschitz)
    },
  }

  constructor(options?: SparseCodingModelOptions) {
    super(options, RULES)
  }

  /** Shape of one patch (`[p, p, channels]`), known after the first fit. */
  get patchShape(): ImageShape | undefined {
    return this.network?.patchShape
  }

  /** Other images than the first fit's may be learned from, with the same number of channels. */
  protected override checkShape(data: ImageBatch): void {
    this.assertChannels(data, 'data')
  }

  protected checkTrainingData(data: ImageBatch): void {
    assertFinite(data.data)
    const patchSize =
      this.network?.options.patchSize ??
      resolveSparseCodingOptions(this.modelOptions, imageShapeOf(data)).patchSize
    assertPatchFits(imageShapeOf(data), patchSize)
  }

  private assertChannels(images: ImageBatch, name: string): void {
    const expected = (this.shape as ImageShape)[2]
    if (images.shape[3] !== expected) {
      throw new ShapeMismatchError(
        `${name} has ${images.shape[3]} channel(s), the dictionary was learned on ${expected}; convert the images to ${expected} channel(s)`,
        { expected, actual: images.shape[3] },
      )
    }
  }

  protected planNetwork(data: ImageBatch): SparsePlan {
    const dataRange = valueRange(data.data)
    return {
      options: resolveSparseCodingOptions(this.modelOptions, imageShapeOf(data)),
      contrastFloor: 0.05 * dataRange,
      dataRange,
    }
  }

  protected readPlan(record: SnapshotNetwork, shape: ImageShape): SparsePlan {
    const options = recordedOptions(record, this.modelOptions, (recorded: SparsePlan['options']) =>
      resolveSparseCodingOptions(recorded, shape),
    )
    assertPatchFits(shape, options.patchSize)
    return {
      options,
      contrastFloor: snapshotPositiveNumber(record, 'contrastFloor', 'network'),
      dataRange: snapshotPositiveNumber(record, 'dataRange', 'network'),
    }
  }

  protected construct(plan: SparsePlan, shape: ImageShape): SparseDictionary {
    return new SparseDictionary(plan.options, shape, plan.contrastFloor, plan.dataRange)
  }

  /** Whitening fitted on data patches; atoms start as data patches (Mairal et al.), jittered. */
  protected override initialize(dictionary: SparseDictionary, data: ImageBatch): void {
    const { options, size, atoms, contrastFloor } = dictionary
    const [height, width] = dictionary.imageShape
    const random = createRandom(deriveSeed(options.seed, 1))
    const draw = (count: number): Float32Array => {
      const positions = new Int32Array(count * 3)
      for (let i = 0; i < count; i++) {
        positions[3 * i] = random.int(data.shape[0])
        positions[3 * i + 1] = random.int(height - options.patchSize + 1)
        positions[3 * i + 2] = random.int(width - options.patchSize + 1)
      }
      const rows = extractPatches(data, positions, options.patchSize)
      normalizePatches(rows, size, options.normalization, contrastFloor)
      return rows
    }
    if (options.whiten) dictionary.setWhitening(fitWhitening(draw(WHITENING_SAMPLE), size))
    const drawn = draw(options.atoms)
    atoms.set(dictionary.whitening ? applyWhitening(drawn, dictionary.whitening) : drawn)
    // Jittered so that repeated patches do not start as equal atoms.
    for (let j = 0; j < options.atoms; j++) {
      let squares = 0
      for (let i = j * size; i < (j + 1) * size; i++) squares += (atoms[i] as number) ** 2
      const jitter = 0.01 * Math.sqrt(squares / size) + 1e-3
      for (let i = j * size; i < (j + 1) * size; i++) {
        atoms[i] = (atoms[i] as number) + jitter * random.normal()
      }
      normalizeAtom(atoms, j, size)
    }
  }

  protected adoptPlan({ options }: SparsePlan): void {
    this.shuffleRandom = createRandom(deriveSeed(options.seed, 2))
    this.positionRandom = createRandom(deriveSeed(options.seed, 3))
  }

  protected override randomStreams(): RandomStreams {
    return { ...super.randomStreams(), position: this.positionRandom }
  }

  protected override trainingParts(dictionary: SparseDictionary): readonly TrainingStatePart[] {
    return [dictionary.trainingPart()]
  }

  /** Normalised patches at `positions`, moved into coding space on the device. */
  private prepare(
    dictionary: SparseDictionary,
    images: ImageBatch,
    positions: PatchPositions,
  ): PreparedPatches & { rows: Float32Array } {
    const rows = extractPatches(images, positions, dictionary.options.patchSize)
    const scaling = normalizePatches(
      rows,
      dictionary.size,
      dictionary.options.normalization,
      dictionary.contrastFloor,
    )
    return { positions, scaling, rows, x: dictionary.toCodingSpace(rows) }
  }

  private trainingPositions(
    data: ImageBatch,
    indices: Uint32Array,
    exhaustive: boolean,
    patchSize: number,
  ): PatchPositions {
    const shape = imageShapeOf(data)
    const out = new Int32Array(indices.length * 3)
    const random = this.positionRandom as Random
    indices.forEach((index, i) => {
      const [image, top, left] = exhaustive
        ? positionAt(index, shape, patchSize)
        : [
            random.int(data.shape[0]),
            random.int(shape[0] - patchSize + 1),
            random.int(shape[1] - patchSize + 1),
          ]
      out.set([image, top, left], 3 * i)
    })
    return out
  }

  protected async runEpochs(
    dictionary: SparseDictionary,
    data: ImageBatch,
    train: Required<SparseCodingTrainOptions>,
    hooks: FitHooks<SparseCodingHistoryPoint>,
  ): Promise<TrainResult<SparseCodingHistoryPoint>> {
    const { atoms: k, patchSize, lambda, nonNegative } = dictionary.options
    const m = dictionary.size
    const { exhaustive, sampleCount } = epochPatches(data, train, patchSize)
    return this.trainingLoop(
      train,
      {
        sampleCount,
        variables: [],
        step: async (indices) => {
          const positions = this.trainingPositions(data, indices, exhaustive, patchSize)
          const batch = this.prepare(dictionary, data, positions)
          const b = indices.length
          const lasso = dictionary.lasso()
          let readout: tf.Tensor
          try {
            const { codes } = await solveLassoCodes(batch.x, lasso, {
              lambda,
              nonNegative,
              tolerance: train.codingTolerance,
              maxIterations: train.codingIterations,
              solver: train.solver,
            })
            readout = tf.tidy(() => {
              const residual = tf.sub(batch.x, tf.matMul(codes, lasso.atoms)) as tf.Tensor2D
              const rowError = tf.sum(tf.square(residual), 1)
              const objective = tf.add(
                tf.mul(tf.sum(rowError), 0.5),
                tf.mul(tf.sum(tf.abs(codes)), lambda),
              )
              const used = tf.cast(tf.notEqual(codes, 0), 'float32')
              const scales = tf.tensor2d(batch.scaling.scales, [b, 1])
              const pixelError = tf.sum(
                tf.square(tf.mul(dictionary.fromCodingSpace(residual, false), scales)),
              )
              return tf.concat([
                tf.stack([objective, tf.sum(used), pixelError]),
                tf.reshape(tf.div(tf.matMul(codes, codes, true, false), b), [-1]),
                tf.reshape(tf.div(tf.matMul(codes, batch.x, true, false), b), [-1]),
                tf.mean(used, 0),
                rowError,
              ])
            })
            codes.dispose()
          } finally {
            batch.x.dispose()
          }
          const values = (await readout.data()) as Float32Array
          readout.dispose()
          const objective = (values[0] as number) / b
          const nonZeroFraction = (values[1] as number) / (b * k)
          const psnr = psnrOf((values[2] as number) / (b * m), dictionary.dataRange)
          // A non-finite step changes nothing; the loop reports it as DIVERGED.
          if (!Number.isFinite(objective) || !Number.isFinite(psnr)) {
            return { objective, nonZeroFraction, psnr }
          }
          const gramEnd = 3 + k * k
          const dataEnd = gramEnd + k * m
          const usageEnd = dataEnd + k
          const keep = 1 - 1 / Math.min(this.counters.steps + 1, STATISTICS_HORIZON)
          blendStatistics(
            dictionary.statistics,
            values.subarray(3, gramEnd),
            values.subarray(gramEnd, dataEnd),
            keep,
          )
          const usage = values.subarray(dataEnd, usageEnd)
          for (let j = 0; j < k; j++) {
            dictionary.usage[j] =
              keep * (dictionary.usage[j] as number) + (1 - keep) * (usage[j] as number)
          }
          // An atom no patch uses is reset to the patch the dictionary explains worst.
          const rowErrors = values.subarray(usageEnd, usageEnd + b)
          const worst = Array.from(rowErrors.keys()).sort(
            (p, q) => (rowErrors[q] as number) - (rowErrors[p] as number),
          )
          let nextWorst = 0
          updateAtoms(dictionary.atoms, k, m, dictionary.statistics, () => {
            const row = worst[nextWorst++ % b] as number
            const patch = batch.rows.subarray(row * m, (row + 1) * m)
            return dictionary.whitening ? applyWhitening(patch, dictionary.whitening) : patch
          })
          dictionary.atomsChanged()
          return { objective, nonZeroFraction, psnr }
        },
        diverged: (values, step) =>
          new DivergedError(
            `dictionary learning produced a non-finite value at step ${step} (objective ${values.objective}); the atoms were left as they were. Check the data for extreme values`,
            { step },
          ),
      },
      hooks,
    )
  }

  /**
   * What coding `rows` patches makes on the device: the patches in coding space, FISTA's working
   * set, the rebuilt patches and their residuals (what a training step's readout holds too).
   */
  private codingPass(dictionary: SparseDictionary): RowPass {
    const lasso = dictionary.lasso()
    const { nonNegative } = dictionary.options
    return {
      name: 'code',
      run: (rows) => {
        const x = dictionary.toCodingSpace(new Float32Array(rows * dictionary.size))
        const codes = fistaFootprint(x, lasso, { lambda: 0, nonNegative, maxIterations: 10 })
        tf.cast(tf.notEqual(codes, 0), 'float32')
        return dictionary.fromCodingSpace(tf.sub(x, tf.matMul(codes, lasso.atoms)))
      },
      hostValuesPerRow: dictionary.size + PATCH_EXTRAS,
    }
  }

  protected networkSize({ options }: SparsePlan, shape: ImageShape): NetworkSize {
    const k = options.atoms
    const m = options.patchSize * options.patchSize * shape[2]
    // Atoms, usage, and the float64 running statistics (k² and k·m, counted twice); whitening.
    const whitening = options.whiten ? m + 2 * m * m : 0
    return {
      weights: k * m + k + 2 * (k * k + k * m) + whitening,
      advice: 'use fewer atoms or a smaller patchSize',
    }
  }

  /** Refuses `patchesPerEpoch` when an epoch's order of patches would not fit in memory. */
  protected trainingStep(
    dictionary: SparseDictionary,
    data: ImageBatch,
    train: Required<SparseCodingTrainOptions>,
  ): TrainingStepCost {
    const { sampleCount } = epochPatches(data, train, dictionary.options.patchSize)
    // The epoch's order of patches: one 32-bit index each.
    checkRows(
      {
        what: 'patches per epoch',
        option: 'patchesPerEpoch',
        actual: sampleCount,
        advice: (most) => `use patchesPerEpoch ≤ ${most}, or fewer images`,
      },
      hostLimit(1),
    )
    return { ...this.codingPass(dictionary), key: '', rows: sampleCount }
  }

  /**
   * Codes every chunk of the patches of `images`; `visit` sees each chunk with its codes. Returns the
   * positions of all patches, in chunk order, and the most FISTA iterations a chunk needed. Chunks
   * fit in the call budget; a call whose patches would not (with `outputPerPatch` values each that
   * the caller keeps) is refused with `INVALID_OPTION` before anything is coded.
   */
  private async codeChunks(
    action: string,
    images: ImageBatch,
    stride: number,
    options: SparseEncodeOptions,
    outputPerPatch: number,
    visit: (chunk: PreparedPatches, codes: tf.Tensor2D, iterations: number) => Promise<void>,
  ): Promise<{ positions: PatchPositions; iterations: number }> {
    const dictionary = this.requireNetwork(action)
    validateSparseEncodeOptions(options)
    assertFinite(images.data, 'images')
    this.assertChannels(images, 'images')
    const shape = imageShapeOf(images)
    const { patchSize } = dictionary.options
    assertPatchFits(shape, patchSize)
    const count =
      images.shape[0] *
      cornerOffsets(shape[0], patchSize, stride).length *
      cornerOffsets(shape[1], patchSize, stride).length
    const perChunk = Math.min(CHUNK, this.passLimit(this.codingPass(dictionary), count))
    // The images, and what putting patches back into them takes: sums (float64), hits, the result.
    const imageBytes = images.data.length * 4 * FLOAT_BYTES
    checkRows(
      {
        what: 'patch count',
        actual: count,
        advice: () =>
          `the images hold ${count} patches at stride ${stride}: pass fewer or smaller images, or a larger stride`,
      },
      perChunk > 0 ? hostLimit(3 + outputPerPatch, imageBytes) : 0,
    )
    const all = densePositions(images.shape[0], shape, patchSize, stride)
    const lasso = dictionary.lasso()
    let most = 0
    for (let start = 0; start < count; start += perChunk) {
      const positions = all.subarray(3 * start, 3 * Math.min(count, start + perChunk))
      const chunk = this.prepare(dictionary, images, positions)
      try {
        const { codes, iterations } = await solveLassoCodes(chunk.x, lasso, {
          lambda: options.lambda ?? dictionary.options.lambda,
          nonNegative: dictionary.options.nonNegative,
          tolerance: options.tolerance ?? 1e-4,
          maxIterations: options.maxIterations ?? 1000,
          solver: options.solver ?? 'auto',
        })
        most = Math.max(most, iterations)
        try {
          await visit(chunk, codes, iterations)
        } finally {
          codes.dispose()
        }
      } finally {
        chunk.x.dispose()
      }
    }
    return { positions: all, iterations: most }
  }

  /**
   * Sparse codes of the patches of `images` on a grid with `options.stride` (default: the patch
   * size, so patches tile each image). Images may be of any size at least the patch's, with the
   * training data's channels.
   */
  async encode(images: ImageBatch, options: SparseEncodeOptions = {}): Promise<SparseCodes> {
    const { patchSize, atoms } = this.requireNetwork('encode').options
    const parts: Float32Array[] = []
    const { positions, iterations } = await this.codeChunks(
      'encode',
      images,
      options.stride ?? patchSize,
      options,
      // Dense codes, then the non-zeros (at most all of them, with their atom numbers).
      3 * atoms,
      async (_, codes) => {
        parts.push((await codes.data()) as Float32Array)
      },
    )
    return { ...compressCodes(concatFloat32(parts), atoms), positions, iterations }
  }

  /**
   * `images` rebuilt from the codes of their patches (every position by default, `stride` 1), with
   * overlapping patches averaged and each patch's mean and contrast put back.
   */
  async reconstruct(images: ImageBatch, options: SparseEncodeOptions = {}): Promise<ImageBatch> {
    const dictionary = this.requireNetwork('reconstruct')
    const patchSize = dictionary.options.patchSize
    const parts: Float32Array[] = []
    const { positions } = await this.codeChunks(
      'reconstruct',
      images,
      options.stride ?? 1,
      options,
      dictionary.size,
      async (chunk, codes) => {
        const rebuilt = tf.tidy(() =>
          dictionary.fromCodingSpace(tf.matMul(codes, dictionary.lasso().atoms)),
        )
        const rows = (await rebuilt.data()) as Float32Array
        rebuilt.dispose()
        denormalizePatches(rows, dictionary.size, chunk.scaling)
        parts.push(rows)
      },
    )
    return assemblePatches(
      concatFloat32(parts),
      positions,
      images.shape[0],
      imageShapeOf(images),
      patchSize,
    )
  }

  /**
   * Removes noise from `images`: each is rebuilt from sparse codes of all its overlapping patches,
   * which keep the structure the atoms describe and drop what they do not. Raise `options.lambda`
   * above the model's for stronger noise.
   */
  denoise(images: ImageBatch, options: SparseEncodeOptions = {}): Promise<ImageBatch> {
    return this.reconstruct(images, options)
  }

  /** Objective, sparsity and reconstruction error of the codes of `images` (tiled patches by default). */
  async evaluate(
    images: ImageBatch,
    options: SparseEncodeOptions = {},
  ): Promise<SparseCodingEvaluation> {
    const dictionary = this.requireNetwork('evaluate')
    const lambda = options.lambda ?? dictionary.options.lambda
    let objective = 0
    let nonZeros = 0
    let squaredError = 0
    let patches = 0
    await this.codeChunks(
      'evaluate',
      images,
      options.stride ?? dictionary.options.patchSize,
      options,
      0,
      async (chunk, codes) => {
        const n = codes.shape[0]
        const sums = tf.tidy(() => {
          const atoms = dictionary.lasso().atoms
          const residual = tf.sub(chunk.x, tf.matMul(codes, atoms)) as tf.Tensor2D
          const scales = tf.tensor2d(chunk.scaling.scales, [n, 1])
          return tf.stack([
            tf.add(tf.mul(tf.sum(tf.square(residual)), 0.5), tf.mul(tf.sum(tf.abs(codes)), lambda)),
            tf.sum(tf.cast(tf.notEqual(codes, 0), 'float32')),
            tf.sum(tf.square(tf.mul(dictionary.fromCodingSpace(residual, false), scales))),
          ])
        })
        const [o = NaN, z = NaN, e = NaN] = await sums.data()
        sums.dispose()
        objective += o
        nonZeros += z
        squaredError += e
        patches += n
      },
    )
    const meanSquaredError = squaredError / (patches * dictionary.size)
    return {
      objective: objective / patches,
      nonZeroFraction: nonZeros / (patches * dictionary.options.atoms),
      meanSquaredError,
      psnr: psnrOf(meanSquaredError, dictionary.dataRange),
      patches,
    }
  }

  /** The atoms as patch images and how often each is used. */
  dictionary(): SparseDictionaryView {
    const dictionary = this.requireNetwork('show the dictionary')
    const [p, , c] = dictionary.patchShape
    return {
      atoms: { data: dictionary.displayAtoms(), shape: [dictionary.options.atoms, p, p, c] },
      usage: Float32Array.from(dictionary.usage),
    }
  }

  /**
   * The atoms in coding space (`atoms × values per patch`, unit-norm rows) and the patches of
   * `images` moved there (normalised, whitened if asked): the exact lasso problems the model solves,
   * for comparisons with other solvers or dictionaries. Prepared in chunks that fit in memory; a call
   * whose patches would not fit on the host is refused with `INVALID_OPTION`, naming the limit.
   */
  async codingProblem(
    images: ImageBatch,
    stride?: number,
  ): Promise<{ atoms: Float32Array; patches: Float32Array; size: number }> {
    const dictionary = this.requireNetwork('export the coding problem')
    validateSparseEncodeOptions({ stride })
    assertImageShape(
      images,
      [images.shape[1], images.shape[2], (this.shape as ImageShape)[2]],
      'images',
    )
    const shape = imageShapeOf(images)
    const { patchSize } = dictionary.options
    assertPatchFits(shape, patchSize)
    const step = stride ?? patchSize
    const count =
      images.shape[0] *
      cornerOffsets(shape[0], patchSize, step).length *
      cornerOffsets(shape[1], patchSize, step).length
    const perChunk = Math.min(CHUNK, this.passLimit(this.codingPass(dictionary), count))
    checkRows(
      {
        what: 'patch count',
        actual: count,
        advice: () =>
          `the images hold ${count} patches at stride ${step}: pass fewer or smaller images, or a larger stride`,
      },
      // Per patch: its position, its values as extracted and as returned.
      perChunk > 0 ? hostLimit(3 + 2 * dictionary.size) : 0,
    )
    const all = densePositions(images.shape[0], shape, patchSize, step)
    const patches = new Float32Array(count * dictionary.size)
    for (let start = 0; start < count; start += perChunk) {
      const positions = all.subarray(3 * start, 3 * Math.min(count, start + perChunk))
      const { x } = this.prepare(dictionary, images, positions)
      patches.set((await x.data()) as Float32Array, start * dictionary.size)
      x.dispose()
    }
    return { atoms: Float32Array.from(dictionary.atoms), patches, size: dictionary.size }
  }

  protected resetExtras(): void {
    this.positionRandom = undefined
  }
}

/** The patches of an epoch: every position once when there are at most `patchesPerEpoch`. */
function epochPatches(
  data: ImageBatch,
  train: Required<SparseCodingTrainOptions>,
  patchSize: number,
): { readonly exhaustive: boolean; readonly sampleCount: number } {
  const total = data.shape[0] * positionsPerImage(imageShapeOf(data), patchSize)
  const exhaustive = total <= train.patchesPerEpoch
  return { exhaustive, sampleCount: exhaustive ? total : train.patchesPerEpoch }
}

function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const part of parts) {
    out.set(part, o)
    o += part.length
  }
  return out
}
