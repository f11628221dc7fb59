/** The main-thread side of a sparse coding model. */
import type { DataInput, ImageBatch } from '../core/dataset'
import type { SparseCodingHistoryPoint, SparseDictionaryView } from '../core/sparse/engine/sparseCoding'
import type { SparseCodes } from '../core/sparse/sparseCodes'
import {
  validateSparseCodingModelOptions,
  validateSparseCodingTrainOptions,
  validateSparseEncodeOptions,
  type SparseCodingModelOptions,
  type SparseCodingTrainOptions,
  type SparseEncodeOptions,
} from '../core/sparse/sparseOptions'
import type { ModelInfo } from '../../workers/modelInfo'
import { ModelClient, pickDefined, type ModelClientOptions } from './modelClient'
import type { WorkerLease } from './workerPool'

/** Options of a sparse coding client (and of `useSparseCoding`). */
export interface SparseCodingClientOptions
  extends SparseCodingModelOptions, SparseCodingTrainOptions, ModelClientOptions {}

const SPARSE_MODEL_KEYS = [
  'atoms',
  'patchSize',
  'lambda',
  'nonNegative',
  'normalization',
  'whiten',
  'seed',
] as const satisfies readonly (keyof SparseCodingModelOptions)[]

const SPARSE_TRAIN_KEYS = [
  'epochs',
  'batchSize',
  'patchesPerEpoch',
  'codingIterations',
  'codingTolerance',
] as const satisfies readonly (keyof SparseCodingTrainOptions)[]

/** A sparse coding model living in the shared worker, seen from the main thread. */
export class SparseCodingClient extends ModelClient<
  SparseCodingHistoryPoint,
  SparseCodingClientOptions
> {
  protected readonly modelKeys = SPARSE_MODEL_KEYS

  constructor(options: SparseCodingClientOptions = {}) {
    super(options)
    this.encode = this.encode.bind(this)
    this.reconstruct = this.reconstruct.bind(this)
    this.denoise = this.denoise.bind(this)
    this.dictionary = this.dictionary.bind(this)
  }

  protected validate(options: SparseCodingClientOptions): void {
    validateSparseCodingModelOptions(pickDefined(options, SPARSE_MODEL_KEYS))
    validateSparseCodingTrainOptions(pickDefined(options, SPARSE_TRAIN_KEYS))
  }

  protected trainOptionsOf(options: SparseCodingClientOptions): SparseCodingTrainOptions {
    return pickDefined(options, SPARSE_TRAIN_KEYS)
  }

  protected createModel(
    lease: WorkerLease,
    id: string,
    options: SparseCodingClientOptions,
  ): Promise<ModelInfo> {
    return lease.api.createSparseCoding(id, pickDefined(options, SPARSE_MODEL_KEYS))
  }

  private images(images: DataInput, options: SparseEncodeOptions): ImageBatch {
    validateSparseEncodeOptions(options)
    return this.userImages(images)
  }

  /** Sparse codes (non-zeros only) of the patches of `images`; patches tile each image by default. */
  encode(images: DataInput, options: SparseEncodeOptions = {}): Promise<SparseCodes> {
    return this.call('encode', (id, lease) =>
      lease.api.encodeSparse(id, this.images(images, options), options),
    )
  }

  /** `images` rebuilt from the codes of all their overlapping patches. */
  reconstruct(images: DataInput, options: SparseEncodeOptions = {}): Promise<ImageBatch> {
    return this.call('reconstruct', (id, lease) =>
      lease.api.reconstruct(id, this.images(images, options), options),
    )
  }

  /** `images` with the noise the atoms cannot describe removed; raise `options.lambda` for more. */
  denoise(images: DataInput, options: SparseEncodeOptions = {}): Promise<ImageBatch> {
    return this.call('denoise', (id, lease) =>
      lease.api.denoise(id, this.images(images, options), options),
    )
  }

  /** The atoms as patch images, with how often each is used. */
  dictionary(): Promise<SparseDictionaryView> {
    return this.call('show the dictionary', (id, lease) => lease.api.dictionary(id))
  }
}
