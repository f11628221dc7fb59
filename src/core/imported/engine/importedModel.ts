/**
 * A model trained elsewhere, run in the worker: a TF.js LayersModel as the decoder (a GAN's
 * generator) and optionally another as the encoder, behind the same methods as latentkit's own
 * VAE, GAN and autoencoder, so the shared actions and every component work on it unchanged.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { LayersModel } from '@tensorflow/tfjs-layers'
import { AnomalyScorer } from '../../anomaly/anomalyScoring'
import {
  assertImageShape,
  imageSize,
  toLatentBatch,
  type ImageBatch,
  type ImageShape,
  type LatentBatch,
} from '../../dataset'
import type { AnomalyModel, LatentCoder, LatentDecoder } from '../../engine/commonEngineActions'
import type { EngineModel } from '../../engine/familyEngine'
import { InvalidInputError, InvalidOptionError, ShapeMismatchError } from '../../errors'
import type { HistoryPoint } from '../../family/familySpec'
import {
  MODEL_SNAPSHOT_FORMAT,
  MODEL_SNAPSHOT_VERSION,
  checkSnapshot,
  checkSnapshotOptions,
  type ModelSnapshot,
} from '../../family/modelSnapshot'
import { interpolationPath, type InterpolationMethod } from '../../interpolate'
import { checkCount } from '../../memoryModel'
import { createRandom } from '../../random'
import type { TrainResult } from '../../training'
import {
  resolveImportedOptions,
  type ImportedModelOptions,
  type ImportedRole,
  type ImportedTrainOptions,
  type ResolvedImportedOptions,
} from '../importedOptions'
import { planImport, type ImportPlan } from '../importedShapes'
import { loadLayers, shapesOf } from './loadLayers'

/** Rows per `predict` batch. */
const PREDICT_BATCH = 256
/** Most values (latents and pixels) one call of `sample`, `decode` or `interpolate` makes. */
const MAX_VALUES_PER_CALL = 2 ** 26

/** A TF.js LayersModel (and optional encoder) playing a VAE, GAN or autoencoder. */
export class ImportedModel
  implements
    EngineModel<ImportedTrainOptions, HistoryPoint>,
    LatentDecoder,
    LatentCoder,
    AnomalyModel
{
  /** An imported model arrives trained: it counts as one step (latentkit did not train it). */
  readonly trainedSteps = 1
  /** …and as one epoch. */
  readonly trainedEpochs = 1
  /** Anomaly scores by reconstruction error (squared), once it has an encoder. */
  readonly anomaly: AnomalyScorer
  private disposed = false

  private constructor(
    private readonly source: ImportedModelOptions,
    private readonly options: ResolvedImportedOptions,
    private readonly decoder: LayersModel,
    private readonly encoder: LayersModel | undefined,
    private readonly plan: ImportPlan,
  ) {
    this.anomaly = new AnomalyScorer((images) => this.rebuild(images, 'anomaly scoring'))
  }

  /**
   * Loads the decoder (and encoder) named by `options` and checks their shapes: `INVALID_OPTION`,
   * `SHAPE_MISMATCH`, `STORAGE_FAILED` or `INVALID_MODEL_FILE`, holding no tensor after a failure.
   */
  static async load(options: ImportedModelOptions): Promise<ImportedModel> {
    const resolved = resolveImportedOptions(options)
    const decoder = await loadLayers(resolved.decoder, 'decoder')
    let encoder: LayersModel | undefined
    try {
      if (resolved.encoder !== undefined) encoder = await loadLayers(resolved.encoder, 'encoder')
      const plan = planImport(
        resolved.role,
        resolved.imageShape,
        shapesOf(decoder),
        encoder && shapesOf(encoder),
      )
      return new ImportedModel(options, resolved, decoder, encoder, plan)
    } catch (error) {
      decoder.dispose()
      encoder?.dispose()
      throw error
    }
  }

  /** The role it plays. */
  get role(): ImportedRole {
    return this.options.role
  }

  /** True when it has an encoder. */
  get hasEncoder(): boolean {
    return this.encoder !== undefined
  }

  /** Size of one latent vector (the decoder's input). */
  get latentDim(): number {
    return this.plan.latentDim
  }

  /** Shape of one image (the decoder's output). */
  get imageShape(): ImageShape {
    return this.plan.imageShape
  }

  /** Refused: fine-tuning an imported model is not supported (`INVALID_INPUT`). */
  fit(): Promise<TrainResult<HistoryPoint>> {
    return Promise.reject(
      new InvalidInputError(
        'an imported model cannot be trained here (fine-tuning is not supported); train it where it came from and import it again, or train a useVAE / useGAN / useAutoencoder model',
        { family: 'imported', action: 'train' },
      ),
    )
  }

  /** Forgets the anomaly threshold; the imported weights stay (there is nothing to go back to). */
  reset(): void {
    this.anomaly.clear()
  }

  /** Frees both networks' weights. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.decoder.dispose()
    this.encoder?.dispose()
  }

  /**
   * A weightless snapshot: the import options (the URLs the weights are loaded from), the image
   * shape and the anomaly state. Restoring it — after a worker crash, or `load()` of a file `save()`
   * wrote — imports the networks again from those URLs; the weights themselves stay where they are.
   */
  snapshot(): Promise<ModelSnapshot> {
    return Promise.resolve({
      format: MODEL_SNAPSHOT_FORMAT,
      version: MODEL_SNAPSHOT_VERSION,
      kind: 'imported',
      modelOptions: { ...this.source },
      imageShape: [...this.plan.imageShape],
      trainedSteps: this.trainedSteps,
      trainedEpochs: this.trainedEpochs,
      network: { latentDim: this.plan.latentDim, imported: true },
      state: this.anomaly.saveState(),
      weightSpecs: [],
      weightData: new ArrayBuffer(0),
    })
  }

  /** Puts a snapshot's anomaly state in place (`INVALID_INPUT` for one of other options). */
  restore(snapshot: ModelSnapshot): void {
    checkSnapshot(snapshot, 'imported')
    checkSnapshotOptions(snapshot, this.source)
    this.anomaly.loadState(snapshot.state)()
  }

  /** Images decoded from latent vectors, `[n, latentDim]`. */
  async decode(latents: LatentBatch | Float32Array): Promise<ImageBatch> {
    const batch = toLatentBatch(latents, this.plan.latentDim, 'latent')
    this.checkSize(batch.shape[0], 'latent count', 'decode in several calls')
    return this.decodeRows(batch.data, batch.shape[0])
  }

  /** `n` images decoded from standard-normal latents drawn with `options.seed`. */
  async sample(n: number, options: { readonly seed?: number } = {}): Promise<ImageBatch> {
    if (this.options.role === 'autoencoder') {
      throw new InvalidInputError(
        "an imported autoencoder has no prior to sample from; decode codes with decode(latents), or import the model with role 'vae' or 'gan'",
        { action: 'sample', role: 'autoencoder' },
      )
    }
    checkCount(n, 'sample count')
    this.checkSize(n, 'sample count', 'draw in several calls')
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31)
    return this.decodeRows(createRandom(seed).normals(n * this.plan.latentDim), n)
  }

  /** `steps` images on the path from latent `a` to latent `b`, endpoints included. */
  async interpolate(
    a: Float32Array,
    b: Float32Array,
    steps: number,
    options: { readonly method?: InterpolationMethod } = {},
  ): Promise<ImageBatch> {
    const size = this.plan.latentDim
    if (a.length !== size || b.length !== size) {
      throw new ShapeMismatchError(
        `interpolate takes one latent vector per endpoint (${size} values); got ${a.length} and ${b.length}`,
        { expected: size },
      )
    }
    checkCount(steps, 'steps', 2, 'Both endpoints are included')
    this.checkSize(steps, 'interpolation steps', 'interpolate in several calls')
    return this.decodeRows(interpolationPath(a, b, steps, options.method ?? 'linear'), steps)
  }

  /** Latent means of `images` (`INVALID_INPUT` without an encoder). */
  async encode(images: ImageBatch): Promise<LatentBatch> {
    const encoder = this.requireEncoder('encode')
    assertImageShape(images, this.plan.imageShape, 'images')
    const n = images.shape[0]
    const data = await this.read(() => this.encodeTensor(encoder, images))
    return { data, shape: [n, this.plan.latentDim] }
  }

  /** `images` through the encoder (its mean) and the decoder (`INVALID_INPUT` without an encoder). */
  reconstruct(images: ImageBatch): Promise<ImageBatch> {
    return this.rebuild(images, 'reconstruct')
  }

  private async rebuild(images: ImageBatch, action: string): Promise<ImageBatch> {
    const encoder = this.requireEncoder(action)
    assertImageShape(images, this.plan.imageShape, 'images')
    const [h, w, c] = this.plan.imageShape
    const n = images.shape[0]
    const data = await this.read(() => this.decodeTensor(this.encodeTensor(encoder, images)))
    return { data, shape: [n, h, w, c] }
  }

  private async decodeRows(latents: Float32Array, n: number): Promise<ImageBatch> {
    const [h, w, c] = this.plan.imageShape
    const data = await this.read(() =>
      this.decodeTensor(tf.tensor2d(latents, [n, this.plan.latentDim])),
    )
    return { data, shape: [n, h, w, c] }
  }

  /** Runs `make` in `tf.tidy`, reads its values into an array of our own, frees the tensor. */
  private async read(make: () => tf.Tensor): Promise<Float32Array> {
    const tensor = tf.tidy(make)
    try {
      return Float32Array.from((await tensor.data()) as Float32Array)
    } finally {
      tensor.dispose()
    }
  }

  /** Decoder pass (inside `tf.tidy`): latent rows in, flat image rows in [0, 1] out. */
  private decodeTensor(latents: tf.Tensor): tf.Tensor2D {
    const n = latents.shape[0] as number
    const out = this.decoder.predict(latents, { batchSize: PREDICT_BATCH }) as tf.Tensor
    const [low, high] = this.options.pixelRange
    const rows = tf.reshape(out, [n, imageSize(this.plan.imageShape)]) as tf.Tensor2D
    return low === 0 && high === 1 ? rows : tf.div(tf.sub(rows, low), high - low)
  }

  /** Encoder pass (inside `tf.tidy`): images in [0, 1] in, latent means out. */
  private encodeTensor(encoder: LayersModel, images: ImageBatch): tf.Tensor2D {
    const n = images.shape[0]
    const plan = this.plan.encoder as NonNullable<ImportPlan['encoder']>
    const [low, high] = this.options.pixelRange
    const pixels = tf.tensor(images.data, [n, ...(plan.input.slice(1) as number[])])
    const input = low === 0 && high === 1 ? pixels : tf.add(tf.mul(pixels, high - low), low)
    const outputs = encoder.predict(input, { batchSize: PREDICT_BATCH })
    const first = (Array.isArray(outputs) ? outputs[0] : outputs) as tf.Tensor2D
    return plan.mean === 'first-half' ? tf.slice(first, [0, 0], [n, this.plan.latentDim]) : first
  }

  private requireEncoder(action: string): LayersModel {
    if (!this.encoder) {
      throw new InvalidInputError(
        `${action} needs an encoder, and this imported ${this.options.role} has none; pass encoder: '…/encoder/model.json' to useImportedModel`,
        { action, role: this.options.role },
      )
    }
    return this.encoder
  }

  private checkSize(rows: number, what: string, advice: string): void {
    const perRow = this.plan.latentDim + imageSize(this.plan.imageShape)
    const limit = Math.max(1, Math.floor(MAX_VALUES_PER_CALL / perRow))
    if (rows > limit) {
      throw new InvalidOptionError(
        `${what} ${rows} is more than one call makes for this model (at most ${limit}); ${advice}`,
        { option: what, limit },
      )
    }
  }
}
