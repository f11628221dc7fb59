/**
 * The API a latentkit worker exposes over Comlink: one host, many models, all on one TF.js backend.
 * Errors leave as plain {@link WireError} objects (Comlink keeps only name/message/stack of an Error).
 * Results leave as transferred typed arrays, never tensors.
 */
import * as Comlink from 'comlink'
import * as tf from '@tensorflow/tfjs-core'
import type { BackendInfo, BackendPreference } from '../src/core/backend'
import { initBackend } from '../src/core/engine/backendChoice'
import {
  toImageBatch,
  type DataInput,
  type ImageBatch,
  type LatentBatch,
} from '../src/core/dataset'
import { BusyError, InvalidInputError, toWireError } from '../src/core/errors'
import { GAN, type GANHistoryPoint, type View2D, type View2DOptions } from '../src/core/gan/engine/gan'
import type { GANModelOptions, GANTrainOptions } from '../src/core/gan/ganOptions'
import type { InterpolationMethod } from '../src/core/interpolate'
import type { TrainingUpdate, TrainResult } from '../src/core/training'
import { TrainingControl } from '../src/core/trainingControl'
import { VAE, type VAEHistoryPoint } from '../src/core/vae/engine/vae'
import type { VAEModelOptions, VAETrainOptions } from '../src/core/vae/vaeOptions'
import {
  SparseCoding,
  type SparseCodingHistoryPoint,
  type SparseDictionaryView,
} from '../src/core/sparse/engine/sparseCoding'
import type { SparseCodes } from '../src/core/sparse/sparseCodes'
import type {
  SparseCodingModelOptions,
  SparseCodingTrainOptions,
  SparseEncodeOptions,
} from '../src/core/sparse/sparseOptions'
import { isBuiltinDataset, loadBuiltinDataset, type BuiltinDataset } from '../src/data/builtin'
import type { ModelInfo } from './modelInfo'
import { Autoencoder, type AutoencoderHistoryPoint } from '../src/core/autoencoder/engine/autoencoder'
import type {
  AutoencoderModelOptions,
  AutoencoderTrainOptions,
} from '../src/core/autoencoder/autoencoderOptions'
import type {
  AnomalyScores,
  CalibrateOptions,
  ScoreOptions,
} from '../src/core/anomaly/anomalyScoring'

/** Data a client sends for training: a batch, or the name of a built-in data set. */
export type TrainingData = DataInput | BuiltinDataset

/** A history point of any model family. */
export type HistoryPoint =
  VAEHistoryPoint | GANHistoryPoint | SparseCodingHistoryPoint | AutoencoderHistoryPoint

/** How a call of `train` ended, with the model's state after it. */
export interface TrainSummary<Point = HistoryPoint> extends TrainResult<Point> {
  readonly model: ModelInfo
}

/** A training update with the model's facts after it. */
export interface ModelUpdate<Point> extends TrainingUpdate<Point> {
  readonly model: ModelInfo
}

/** Tensor counts of the worker's TF.js engine (for leak checks). */
export interface WorkerMemory {
  readonly numTensors: number
  readonly numBytes: number
}

type AnyModel =
  | { readonly kind: 'vae'; readonly model: VAE }
  | { readonly kind: 'gan'; readonly model: GAN }
  | { readonly kind: 'sparse'; readonly model: SparseCoding }
  | { readonly kind: 'autoencoder'; readonly model: Autoencoder }

const FAMILY_NAMES = {
  vae: 'VAE',
  gan: 'GAN',
  sparse: 'sparse coding model',
  autoencoder: 'autoencoder',
} as const

interface ModelEntry {
  readonly held: AnyModel
  data: ImageBatch | undefined
  control: TrainingControl | undefined
  training: Promise<unknown> | undefined
}

function transferImages(batch: ImageBatch): ImageBatch {
  return Comlink.transfer(batch, [batch.data.buffer])
}

async function guarded<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work()
  } catch (error) {
    // A plain object survives structured cloning with its code and details; an Error would not.
    throw toWireError(error)
  }
}

/** The object a worker exposes. Also usable in-process (tests, Node) without a worker. */
export class WorkerHost {
  private backend: Promise<BackendInfo> | undefined
  private readonly models = new Map<string, ModelEntry>()

  /** Starts the backend once (later calls return the first result). */
  init(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
    return guarded(() => {
      if (!this.backend) {
        const starting = initBackend(preference)
        // A failed start is forgotten, so the next call tries again.
        starting.catch(() => {
          if (this.backend === starting) this.backend = undefined
        })
        this.backend = starting
      }
      return this.backend
    })
  }

  private entry(id: string): ModelEntry {
    const entry = this.models.get(id)
    if (!entry) {
      throw new InvalidInputError(`no model with id ${id} in this worker; create it first`)
    }
    return entry
  }

  private info(entry: ModelEntry): ModelInfo {
    const { kind, model } = entry.held
    return {
      kind,
      trainedSteps: model.trainedSteps,
      trainedEpochs: model.trainedEpochs,
      imageShape: model.imageShape,
      latentDim:
        entry.held.kind === 'vae'
          ? entry.held.model.resolvedOptions?.latentDim
          : entry.held.kind === 'gan'
            ? entry.held.model.resolvedOptions?.noiseDim
            : entry.held.kind === 'sparse'
              ? entry.held.model.resolvedOptions?.atoms
              : entry.held.model.resolvedOptions?.codeSize,
      patchShape: entry.held.kind === 'sparse' ? entry.held.model.patchShape : undefined,
      threshold:
        entry.held.kind === 'vae' || entry.held.kind === 'autoencoder'
          ? entry.held.model.anomaly.threshold
          : undefined,
    }
  }

  private store(id: string, held: AnyModel): ModelInfo {
    const entry: ModelEntry = { held, data: undefined, control: undefined, training: undefined }
    this.models.set(id, entry)
    return this.info(entry)
  }

  private gan(id: string, action: string): GAN {
    const { held } = this.entry(id)
    if (held.kind !== 'gan') {
      throw new InvalidInputError(
        `${action} needs a GAN; model ${id} is a ${FAMILY_NAMES[held.kind]}`,
      )
    }
    return held.model
  }

  private vae(id: string, action: string): VAE {
    const { held } = this.entry(id)
    if (held.kind !== 'vae') {
      throw new InvalidInputError(
        `${action} needs a VAE; model ${id} is a ${FAMILY_NAMES[held.kind]}, which cannot`,
      )
    }
    return held.model
  }

  private sparse(id: string, action: string): SparseCoding {
    const { held } = this.entry(id)
    if (held.kind !== 'sparse') {
      throw new InvalidInputError(
        `${action} needs a sparse coding model; model ${id} is a ${FAMILY_NAMES[held.kind]}`,
      )
    }
    return held.model
  }

  /** A model that rebuilds its input: a VAE or an autoencoder (the ones that score anomalies). */
  private reconstructing(id: string, action: string): VAE | Autoencoder {
    const { held } = this.entry(id)
    if (held.kind !== 'vae' && held.kind !== 'autoencoder') {
      throw new InvalidInputError(
        `${action} needs a VAE or an autoencoder; model ${id} is a ${FAMILY_NAMES[held.kind]}`,
      )
    }
    return held.model
  }

  private generative(id: string, action: string): VAE | GAN {
    const { held } = this.entry(id)
    if (held.kind === 'sparse' || held.kind === 'autoencoder') {
      throw new InvalidInputError(
        `${action} needs a generative model (VAE or GAN); a ${FAMILY_NAMES[held.kind]} has no prior to ${action} from`,
      )
    }
    return held.model
  }

  /** Creates (or replaces) the VAE `id`. Validates the options first. */
  createVAE(id: string, options: VAEModelOptions): Promise<ModelInfo> {
    return guarded(async () => {
      const model = new VAE(options)
      await this.disposeModel(id)
      return this.store(id, { kind: 'vae', model })
    })
  }

  /** Creates (or replaces) the GAN `id`. Validates the options first. */
  createGAN(id: string, options: GANModelOptions): Promise<ModelInfo> {
    return guarded(async () => {
      const model = new GAN(options)
      await this.disposeModel(id)
      return this.store(id, { kind: 'gan', model })
    })
  }

  /** Creates (or replaces) the autoencoder `id`. Validates the options first. */
  createAutoencoder(id: string, options: AutoencoderModelOptions): Promise<ModelInfo> {
    return guarded(async () => {
      const model = new Autoencoder(options)
      await this.disposeModel(id)
      return this.store(id, { kind: 'autoencoder', model })
    })
  }

  /** Creates (or replaces) the sparse coding model `id`. Validates the options first. */
  createSparseCoding(id: string, options: SparseCodingModelOptions): Promise<ModelInfo> {
    return guarded(async () => {
      const model = new SparseCoding(options)
      await this.disposeModel(id)
      return this.store(id, { kind: 'sparse', model })
    })
  }

  /**
   * Trains model `id`. `data` replaces the cached data set when given; omit it to train again on the
   * data sent before. Progress goes to `onUpdate` (throttled to about 10 per second).
   */
  train(
    id: string,
    data: TrainingData | undefined,
    options: VAETrainOptions | GANTrainOptions | SparseCodingTrainOptions | AutoencoderTrainOptions,
    onUpdate?: (update: ModelUpdate<HistoryPoint>) => void,
  ): Promise<TrainSummary> {
    return guarded(async () => {
      const entry = this.entry(id)
      if (entry.training) {
        throw new BusyError(
          'this model is already training; stop() it or wait before training again',
        )
      }
      if (data !== undefined) {
        entry.data = isBuiltinDataset(data) ? loadBuiltinDataset(data) : toImageBatch(data)
      }
      if (!entry.data) {
        throw new InvalidInputError('no data to train on; pass data (or a built-in data set name)')
      }
      const control = new TrainingControl()
      entry.control = control
      // Updates travel on the callback's own channel; the result must not overtake the last one.
      let delivered: Promise<unknown> = Promise.resolve()
      const hooks = {
        control,
        ...(onUpdate
          ? {
              onUpdate: (update: TrainingUpdate<HistoryPoint>) => {
                delivered = Promise.resolve(onUpdate({ ...update, model: this.info(entry) })).catch(
                  () => {},
                )
              },
            }
          : {}),
      }
      const { held } = entry
      const run: Promise<TrainResult<HistoryPoint>> =
        held.kind === 'vae'
          ? held.model.fit(entry.data, options as VAETrainOptions, hooks)
          : held.kind === 'gan'
            ? held.model.fit(entry.data, options as GANTrainOptions, hooks)
            : held.kind === 'sparse'
              ? held.model.fit(entry.data, options as SparseCodingTrainOptions, hooks)
              : held.model.fit(entry.data, options as AutoencoderTrainOptions, hooks)
      entry.training = run
      try {
        const result = await run
        return { ...result, model: this.info(entry) }
      } finally {
        await Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, 1000))])
        entry.training = undefined
        entry.control = undefined
      }
    })
  }

  /** Pauses training of `id` at the next batch boundary. */
  pause(id: string): Promise<void> {
    return guarded(() => this.entry(id).control?.pause())
  }

  /** Resumes a paused training of `id`. */
  resume(id: string): Promise<void> {
    return guarded(() => this.entry(id).control?.resume())
  }

  /** Stops training of `id` at the next batch boundary, keeping the weights. */
  stop(id: string): Promise<void> {
    return guarded(async () => {
      const entry = this.entry(id)
      entry.control?.stop()
      await entry.training?.catch(() => undefined)
    })
  }

  /** Stops training and forgets the weights of `id`; keeps its options and data. */
  reset(id: string): Promise<ModelInfo> {
    return guarded(async () => {
      await this.stop(id)
      const entry = this.entry(id)
      entry.held.model.reset()
      return this.info(entry)
    })
  }

  /** Facts about model `id`. */
  modelInfo(id: string): Promise<ModelInfo> {
    return guarded(() => this.info(this.entry(id)))
  }

  /** `n` images decoded from prior draws. */
  sample(id: string, n: number, seed?: number): Promise<ImageBatch> {
    return guarded(async () =>
      transferImages(
        await this.generative(id, 'sample').sample(n, seed === undefined ? {} : { seed }),
      ),
    )
  }

  /** Posterior means of `images`. */
  encode(id: string, images: ImageBatch): Promise<LatentBatch> {
    return guarded(async () => {
      const latents = await this.reconstructing(id, 'encode').encode(
        toImageBatch(images, { name: 'images' }),
      )
      return Comlink.transfer(latents, [latents.data.buffer])
    })
  }

  /** Images decoded from latents (VAE), codes (autoencoder) or noise vectors (GAN). */
  decode(id: string, latents: LatentBatch | Float32Array): Promise<ImageBatch> {
    return guarded(async () => {
      const { held } = this.entry(id)
      if (held.kind === 'sparse') {
        throw new InvalidInputError(
          `decode needs a VAE, GAN or autoencoder; model ${id} is a sparse coding model — use reconstruct() or encode() with it`,
        )
      }
      const images =
        held.kind === 'gan' ? await held.model.generate(latents) : await held.model.decode(latents)
      return transferImages(images)
    })
  }

  /**
   * Images through the model and back: through the VAE's posterior means, or rebuilt from the sparse
   * codes of their overlapping patches (`options` apply to sparse coding only).
   */
  reconstruct(
    id: string,
    images: ImageBatch,
    options: SparseEncodeOptions = {},
  ): Promise<ImageBatch> {
    return guarded(async () => {
      const { held } = this.entry(id)
      const batch = toImageBatch(images, { name: 'images' })
      if (held.kind === 'sparse')
        return transferImages(await held.model.reconstruct(batch, options))
      return transferImages(await this.reconstructing(id, 'reconstruct').reconstruct(batch))
    })
  }

  /** Anomaly scores and error maps of `images` (VAE or autoencoder). */
  score(id: string, images: ImageBatch, options: ScoreOptions = {}): Promise<AnomalyScores> {
    return guarded(async () => {
      const scores = await this.reconstructing(id, 'anomaly scoring').anomaly.score(
        toImageBatch(images, { name: 'images' }),
        options,
      )
      return Comlink.transfer(scores, [scores.scores.buffer, scores.maps.data.buffer])
    })
  }

  /**
   * Sets the anomaly threshold of `id` to a percentile of the scores of `images` — by default the
   * training data sent before. Returns the model's facts with the new threshold.
   */
  calibrate(
    id: string,
    images: ImageBatch | undefined,
    options: CalibrateOptions = {},
  ): Promise<ModelInfo> {
    return guarded(async () => {
      const entry = this.entry(id)
      const data = images ? toImageBatch(images, { name: 'images' }) : entry.data
      if (!data) {
        throw new InvalidInputError('no data to calibrate on; train first or pass normal images')
      }
      await this.reconstructing(id, 'calibration').anomaly.calibrate(data, options)
      return this.info(entry)
    })
  }

  /** Sets the anomaly threshold of `id` by hand. */
  setThreshold(id: string, value: number): Promise<ModelInfo> {
    return guarded(() => {
      this.reconstructing(id, 'an anomaly threshold').anomaly.setThreshold(value)
      return this.info(this.entry(id))
    })
  }

  /** Sparse codes of the patches of `images` (non-zeros only). */
  encodeSparse(
    id: string,
    images: ImageBatch,
    options: SparseEncodeOptions = {},
  ): Promise<SparseCodes> {
    return guarded(async () => {
      const codes = await this.sparse(id, 'sparse encoding').encode(
        toImageBatch(images, { name: 'images' }),
        options,
      )
      return Comlink.transfer(codes, [
        codes.offsets.buffer,
        codes.indices.buffer,
        codes.values.buffer,
        codes.positions.buffer,
      ])
    })
  }

  /** `images` denoised by sparse coding of their overlapping patches. */
  denoise(id: string, images: ImageBatch, options: SparseEncodeOptions = {}): Promise<ImageBatch> {
    return guarded(async () =>
      transferImages(
        await this.sparse(id, 'denoise').denoise(toImageBatch(images, { name: 'images' }), options),
      ),
    )
  }

  /** The atoms of a sparse coding model as images, with their usage. */
  dictionary(id: string): Promise<SparseDictionaryView> {
    return guarded(() => {
      const view = this.sparse(id, 'the dictionary').dictionary()
      return Comlink.transfer(view, [view.atoms.data.buffer, view.usage.buffer])
    })
  }

  /** Decoded images along a path from latent `a` to latent `b`. */
  interpolate(
    id: string,
    a: Float32Array,
    b: Float32Array,
    steps: number,
    method: InterpolationMethod = 'linear',
  ): Promise<ImageBatch> {
    return guarded(async () =>
      transferImages(await this.generative(id, 'interpolate').interpolate(a, b, steps, { method })),
    )
  }

  /** Stops and frees model `id` (no error when it does not exist). */
  disposeModel(id: string): Promise<void> {
    return guarded(async () => {
      const entry = this.models.get(id)
      if (!entry) return
      entry.control?.stop()
      await entry.training?.catch(() => undefined)
      entry.held.model.dispose()
      this.models.delete(id)
    })
  }

  /** For a GAN on 2-D data: the discriminator over the plane and generated points. */
  view2d(id: string, options: View2DOptions = {}): Promise<View2D> {
    return guarded(async () => {
      const view = await this.gan(id, 'the 2-D view').view2d(options)
      return Comlink.transfer(view, [view.heatmap.buffer, view.generated.buffer])
    })
  }

  /** TF.js memory of this worker. */
  memory(): Promise<WorkerMemory> {
    return guarded(() => {
      const { numTensors, numBytes } = tf.memory()
      return { numTensors, numBytes }
    })
  }
}
