/**
 * How each shipped preset (`src/presets/presetCatalog.ts`) is made: its data (seeded), model and
 * training options (matching the story that opens on it), how its weights are stored, any step after
 * training, and the figure that says how good it is. `trainPreset` runs one; `npm run train-presets`
 * runs them all.
 */
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { MADE } from '../../src/core/autoregressive/engine/made'
import { DEC } from '../../src/core/dec/engine/dec'
import { SemanticHashing } from '../../src/core/hashing/engine/semanticHashing'
import { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import { Pretext } from '../../src/core/pretext/engine/pretext'
import type { ImageBatch } from '../../src/core/dataset'
import type { ModelSnapshot } from '../../src/core/family/modelSnapshot'
import type { QuantizationDtype } from '../../src/core/family/weightQuantization'
import { GAN } from '../../src/core/gan/engine/gan'
import { HelmholtzMachine } from '../../src/core/helmholtz/engine/helmholtz'
import { KMeans } from '../../src/core/kmeans/engine/kmeans'
import { RBM } from '../../src/core/rbm/engine/rbm'
import { SparseCoding } from '../../src/core/sparse/engine/sparseCoding'
import { VAE } from '../../src/core/vae/engine/vae'
import {
  allDigitsData,
  anomalyData,
  binarizedDigitsData,
  digitsData,
  hashingDigitsSplit,
  madeDigitsData,
  planeData,
  ringData,
  spritesData,
  type PresetData,
} from './presetData'
import {
  anomalyQuality,
  imageGANQuality,
  infoGANDigitsQuality,
  infoGANSpritesQuality,
  kmeansImageQuality,
  planeGANQuality,
  rbmProbeQuality,
  contrastiveQuality,
  decQuality,
  stackedQuality,
  likelihoodQuality,
  pretextQuality,
  hashingQuality,
  kmeansPatchQuality,
  madeQuality,
  rbmQuality,
  ringQuality,
  sparseQuality,
  vaeQuality,
  type QualityFigures,
} from './presetQuality'

/** What training a preset needs of an engine model. */
export interface PresetModel {
  fit(data: ImageBatch, options: object, hooks: object): Promise<unknown>
  snapshot(options?: { readonly training?: boolean }): Promise<ModelSnapshot>
  restore(snapshot: ModelSnapshot): void
  dispose(): void
  readonly trainedSteps: number
}

/** One preset's recipe. */
export interface PresetRecipe<M extends PresetModel = PresetModel> {
  /** Its file in the catalog (`src/presets/files/<file>`); its name on the command line is the stem. */
  readonly file: string
  /** A model of the family made with `options` (a snapshot's `modelOptions` when restoring). */
  readonly create: (options: object) => M
  /** The model options (seeded). */
  readonly modelOptions: object
  /** Rows to train on and rows to measure on. */
  readonly data: () => PresetData
  /** The training options of the one `fit` call (epochs, batch size, learning rates, …). */
  readonly train: object
  /**
   * TF.js weight quantisation of the network's arrays of ≥ 256 values (smaller ones stay float32):
   * `undefined` keeps float32.
   */
  readonly quantize: QuantizationDtype | undefined
  /** Run after training, and again on the model read back from the stored file (its state is kept). */
  readonly finish?: (model: M, data: PresetData) => Promise<unknown>
  /** The figures that say how good the model is, on `data.heldOut`. */
  readonly quality: (model: M, data: PresetData) => Promise<QualityFigures>
  /** Which way each figure is better. */
  readonly better: 'higher' | 'lower'
}

const recipe = <M extends PresetModel>(r: PresetRecipe<M>): PresetRecipe =>
  r as unknown as PresetRecipe

/** The anomaly story's calibration: the 99th percentile of the training images' scores. */
const ANOMALY_PERCENTILE = 99

/** What a recipe of a kind still says once the kind has said how a model is made and measured. */
type RecipeFields<M extends PresetModel> = Omit<PresetRecipe<M>, 'create' | 'quality' | 'better'>

/** Recipes of one kind: the same family, made the same way, measured by the same figures. */
const recipeKind =
  <M extends PresetModel>(
    create: (options: object) => M,
    quality: PresetRecipe<M>['quality'],
    better: PresetRecipe<M>['better'],
  ) =>
  (fields: RecipeFields<M>): PresetRecipe =>
    recipe({ ...fields, create, quality, better })

const vaeRecipe = recipeKind(
  (options) => new VAE(options),
  (model, data) => vaeQuality(model, data.heldOut),
  'lower',
)
const imageGANRecipe = recipeKind(
  (options) => new GAN(options),
  (model, data) => imageGANQuality(model, data.heldOut),
  'higher',
)
const planeGANRecipe = recipeKind(
  (options) => new GAN(options),
  (model, data) => planeGANQuality(model, data.heldOut),
  'higher',
)
const kmeansImageRecipe = recipeKind(
  (options) => new KMeans(options),
  (model) => kmeansImageQuality(model),
  'higher',
)
const rbmRecipe = recipeKind(
  (options) => new RBM(options),
  (model, data) => rbmQuality(model, data.heldOut),
  'higher',
)
/** Autoencoders judged by a linear probe on their codes and the reconstructions' PSNR. */
const autoencoderProbeRecipe = recipeKind(
  (options) => new Autoencoder(options),
  (model, data) => stackedQuality(model, data.heldOut),
  'higher',
)
const madeRecipe = recipeKind(
  (options) => new MADE(options),
  (model, data) => madeQuality(model, data.heldOut),
  'higher',
)
const contrastiveRecipe = recipeKind(
  (options) => new Contrastive(options),
  (model) => contrastiveQuality(model),
  'higher',
)
const pretextRecipe = recipeKind(
  (options) => new Pretext(options),
  (model, data) => pretextQuality(model, data.heldOut),
  'higher',
)
const decRecipe = recipeKind(
  (options) => new DEC(options),
  (model) => decQuality(model),
  'higher',
)
/** Semantic hashing judged by the story's retrieval of held-out digits (precision@10, …). */
const hashingRecipe = recipeKind(
  (options) => new SemanticHashing(options),
  (model) => hashingQuality(model),
  'higher',
)
/** Sparse-coding dictionaries judged by their held-out reconstruction error. */
const sparseRecipe = recipeKind(
  (options) => new SparseCoding(options),
  (model, data) => sparseQuality(model, data.heldOut),
  'lower',
)

/**
 * The semantic-hashing story's learned codes of `bits` bits: noise before the sigmoid (σ 4), input
 * noise 0.3.
 */
const learnedHashing = (bits: number): object => ({
  method: 'learned',
  bits,
  binarization: 'noise',
  noise: 4,
  inputNoise: 0.3,
  seed: 1,
})

/**
 * The sparse-coding story's dictionaries: `atoms` atoms of `patchSize`², weight `lambda`,
 * contrast-normalised.
 */
const contrastDictionary = (atoms: number, lambda: number, patchSize: number): object => ({
  atoms,
  lambda,
  patchSize,
  nonNegative: false,
  normalization: 'contrast',
  whiten: false,
  seed: 1,
})

/** The anomaly playgrounds' models (autoencoders or a VAE): trained on the normal sprites, calibrated. */
const anomalyRecipe = <M extends (Autoencoder | VAE) & PresetModel>(
  fields: Omit<RecipeFields<M>, 'data' | 'finish'> & Pick<PresetRecipe<M>, 'create'>,
): PresetRecipe =>
  recipe({
    ...fields,
    data: anomalyData,
    finish: (model, data) =>
      model.anomaly.calibrate(data.train, { percentile: ANOMALY_PERCENTILE }),
    quality: (model) => anomalyQuality(model, anomalyData().benchmark),
    better: 'higher',
  })

/** The GAN playground's plane network: noise 8, 2 × 128 dense layers each side, seed 1. */
const planeGAN = (): object => ({
  noiseDim: 8,
  generatorUnits: [128, 128],
  discriminatorUnits: [128, 128],
  seed: 1,
})

/** How the plane GANs train: batch 256, both Adam rates 1e-3, no label smoothing, `epochs` epochs. */
const planeGANTraining = (epochs: number): object => ({
  epochs,
  batchSize: 256,
  generatorLearningRate: 0.001,
  discriminatorLearningRate: 0.001,
  labelSmoothing: 0,
  discriminatorSteps: 1,
})

/** The contrastive family's augmentations, in the order its options list them. */
const AUGMENTATIONS = [
  'crop',
  'shift',
  'rotation',
  'scale',
  'noise',
  'cutout',
  'brightness',
  'contrast',
] as const

/** Every augmentation switched: on for those in `on`, off for the others. */
const augmentations = (on: readonly (typeof AUGMENTATIONS)[number][]): object =>
  Object.fromEntries(AUGMENTATIONS.map((name) => [name, on.includes(name)]))

/** The stacked story's network: 64-128-64-16 and its mirror, layers pretrained as `stacked` says. */
const stackedNetwork = (stacked: object): object => ({
  kind: 'plain',
  architecture: 'dense',
  hiddenUnits: [128, 64],
  codeSize: 16,
  stacked,
  seed: 1,
})

/** The stacked story's schedule: 10 epochs per pretrained layer (3), then 60 fine-tuned; batch 32. */
const STACKED_TRAINING = { epochs: 3 * 10 + 60, batchSize: 32, learningRate: 0.003 }

/** The DEC story's schedule: 150 pretraining epochs, ≤ 1,500 refinement steps (target every 140). */
const DEC_TRAINING = { epochs: 150, refineSteps: 1500, updateInterval: 140, learningRate: 0.0001 }

/** Every preset's recipe, one per catalog entry, cheapest first. */
export const RECIPES: readonly PresetRecipe[] = [
  vaeRecipe({
    // The VAE story's digits model (8×8, 64-128-8), 200 epochs: held-out −ELBO 24.2 vs 24.6 at the story's 40.
    file: 'vae-digits.lkmodel',
    modelOptions: { latentDim: 8, hiddenUnits: [128], beta: 1, likelihood: 'bernoulli', seed: 1 },
    data: digitsData,
    train: { epochs: 200, batchSize: 64, learningRate: 0.002 },
    quantize: 'float16',
  }),
  vaeRecipe({
    // One hidden layer of 128, not the story's 256: 256 does not fit 200 KB even as uint8 (347 KB gzip).
    // 4,000 sprites × 120 epochs more than make up for it (held-out −ELBO 54 vs 69 for 256 × 30 epochs).
    file: 'vae-sprites.lkmodel',
    modelOptions: { latentDim: 10, hiddenUnits: [128], beta: 1, likelihood: 'bernoulli', seed: 1 },
    data: () => spritesData(4000),
    train: { epochs: 120, batchSize: 64, learningRate: 0.002 },
    quantize: 'uint8',
  }),
  recipe({
    // The GAN story's ring model: noise 8, 2×128 dense layers each side, batch 256, both Adam rates 1e-3.
    file: 'gan-ring.lkmodel',
    create: (options) => new GAN(options),
    modelOptions: planeGAN(),
    data: ringData,
    train: planeGANTraining(256),
    quantize: 'float16',
    quality: (model) => ringQuality(model),
    better: 'higher',
  }),
  sparseRecipe({
    // The sparse-coding story's dictionary: 128 atoms of 8×8, λ 0.5, contrast-normalised.
    file: 'sparse-digits.lkmodel',
    modelOptions: contrastDictionary(128, 0.5, 8),
    data: digitsData,
    train: { epochs: 20, batchSize: 256 },
    quantize: 'float16',
  }),
  recipe({
    // The k-means story's clustering-learning model: 50 centroids of contrast-normalised, whitened
    // 4×4 patches, Lloyd, seed 1, 30 epochs (batch 128), on all 1,797 digits as the story uses.
    file: 'kmeans-digits.lkmodel',
    create: (options) => new KMeans(options),
    modelOptions: { k: 50, patchSize: 4, algorithm: 'lloyd', seed: 1 },
    data: allDigitsData,
    train: { epochs: 30, batchSize: 128 },
    quantize: undefined,
    quality: (model, data) => kmeansPatchQuality(model, data.heldOut),
    better: 'lower',
  }),
  rbmRecipe({
    // The RBM story's default: 64 hidden units, persistent CD-1, rate 0.05, momentum 0.5, batch 10.
    file: 'rbm-digits.lkmodel',
    modelOptions: { layers: [64], visible: 'bernoulli', seed: 1 },
    data: digitsData,
    train: {
      epochs: 50,
      batchSize: 10,
      learningRate: 0.05,
      momentum: 0.5,
      sampler: 'pcd',
      gibbsSteps: 1,
    },
    quantize: 'float16',
  }),
  anomalyRecipe({
    // The anomaly story's plain dense autoencoder with 128 hidden units (the story's 256 is 418 KB as
    // uint8), trained 4× longer to match its image AUROC; threshold calibrated as the story does.
    file: 'autoencoder-sprites-anomaly.lkmodel',
    create: (options) => new Autoencoder(options),
    modelOptions: {
      kind: 'plain',
      architecture: 'dense',
      hiddenUnits: [128],
      codeSize: 32,
      seed: 1,
    },
    train: { epochs: 160, batchSize: 64, learningRate: 0.001 },
    quantize: 'uint8',
  }),
  imageGANRecipe({
    // The GANImages story's sprites model: DCGAN, 16 filters, noise 32, Adam 4e-4 / 1e-4, batch 64,
    // on the story's 2,000 sprites.
    file: 'gan-sprites.lkmodel',
    modelOptions: { architecture: 'conv', filters: 16, noiseDim: 32, seed: 1 },
    data: () => spritesData(2000),
    train: {
      epochs: 40,
      batchSize: 64,
      generatorLearningRate: 0.0004,
      discriminatorLearningRate: 0.0001,
      labelSmoothing: 0,
      discriminatorSteps: 1,
    },
    quantize: 'float16',
  }),
  recipe({
    // The LatentTraversal story's InfoGAN: dense 2 × 128 each side, noise 32 of which a ten-way and two
    // continuous codes take 12, λ 1, Adam 1e-3 / 5e-4, batch 64, 100 epochs on all 1,797 digits.
    file: 'gan-infogan-digits.lkmodel',
    create: (options) => new GAN(options),
    modelOptions: {
      noiseDim: 32,
      generatorUnits: [128, 128],
      seed: 1,
      info: { categorical: [10], continuous: 2, weight: 1 },
    },
    data: allDigitsData,
    train: {
      epochs: 100,
      batchSize: 64,
      generatorLearningRate: 0.001,
      discriminatorLearningRate: 0.0005,
      // TF.js operations, as the shipped file was trained before InfoGAN had fused kernels (theirs
      // round differently): the recipe still rebuilds it byte for byte.
      fusedKernels: false,
    },
    quantize: 'float16',
    quality: (model, data) => infoGANDigitsQuality(model, data.heldOut),
    better: 'higher',
  }),
  madeRecipe({
    // The autoregressive story's model: MADE 64-256-64, natural order, threshold 0.5, Adam 0.003,
    // batch 32, 50 epochs (the bench's best held-out figure), on the story's first 1,500 digits.
    // uint8 weights keep the held-out likelihood (−18.03 vs −18.05 nats as float32) at 23 KB gzip.
    file: 'autoregressive-digits.lkmodel',
    modelOptions: { hiddenUnits: [256], ordering: 'natural', binarize: 'threshold', seed: 1 },
    data: madeDigitsData,
    train: { epochs: 50, batchSize: 32, learningRate: 0.003 },
    quantize: 'uint8',
  }),
  hashingRecipe({
    // The semantic-hashing story's model: learned 16-bit codes (noise before the sigmoid, σ 4; input
    // noise 0.3), 60 epochs, on the story's training digits (every fifth held out as a query).
    file: 'hashing-digits.lkmodel',
    modelOptions: learnedHashing(16),
    data: hashingDigitsSplit,
    train: { epochs: 60 },
    quantize: 'uint8',
  }),
  contrastiveRecipe({
    // The contrastive story's model: temperature 0.2, every augmentation on, batch 256, Adam 0.003,
    // 30 epochs, on all 1,797 digits (as the story trains; the probe reads labels only).
    file: 'contrastive-digits.lkmodel',
    modelOptions: {
      temperature: 0.2,
      augment: augmentations(AUGMENTATIONS),
      seed: 1,
    },
    data: allDigitsData,
    train: { epochs: 30, batchSize: 256, learningRate: 0.003 },
    quantize: 'uint8',
  }),
  pretextRecipe({
    // The jigsaw story's model: 2×2 tiles of the 8×8 digits, all 24 permutations, dense [256] → 64
    // per tile, head [128]; 60 epochs on the first 1,700 digits (the rest held out for its figures).
    file: 'pretext-jigsaw-digits.lkmodel',
    modelOptions: { task: 'jigsaw', grid: 2, seed: 1 },
    data: digitsData,
    train: { epochs: 60, batchSize: 128, learningRate: 0.003 },
    quantize: 'uint8',
  }),
  pretextRecipe({
    // The story's rotation view: quarter turns of the 8×8 digits, same encoder and head, 60 epochs.
    file: 'pretext-rotation-digits.lkmodel',
    modelOptions: { task: 'rotation', seed: 1 },
    data: digitsData,
    train: { epochs: 60, batchSize: 128, learningRate: 0.003 },
    quantize: 'uint8',
  }),
  decRecipe({
    // The DEC story's model on all 1,797 digits (labels for evaluation only), with a smaller dense
    // autoencoder than the default [500, 500, 2000] (2.6M weights, far over 200 KB): [128, 128, 512],
    // 200K weights, clusters as well as uint8 as float32 (accuracy 0.8325 both; [128, 128, 256] gave
    // 0.802, [192, 192, 384] 0.823 at 214 KB). 150 pretraining epochs, then up to 1,500 refinement
    // steps (target every 140), as the story trains.
    file: 'dec-digits.lkmodel',
    modelOptions: { clusters: 10, hiddenUnits: [128, 128, 512], seed: 1 },
    data: allDigitsData,
    train: DEC_TRAINING,
    quantize: 'uint8',
  }),
  recipe({
    // The wake-sleep story's Helmholtz machine: 64-128-8 stochastic binary units (the VAE's sizes),
    // rate 0.2, batch 32, on the first 1,500 digits binarised at 0.5; 100 epochs, as its VAE beside.
    // uint8 keeps the held-out bounds (−18.69 K = 100, −20.69 ELBO, as float32) at 17 KB gzip.
    file: 'helmholtz-digits.lkmodel',
    create: (options) => new HelmholtzMachine(options),
    modelOptions: { layers: [128, 8], seed: 1 },
    data: binarizedDigitsData,
    train: { epochs: 100, batchSize: 32, learningRate: 0.2 },
    quantize: 'uint8',
    quality: (model, data) => likelihoodQuality(model, data.heldOut),
    better: 'higher',
  }),
  recipe({
    // The wake-sleep story's VAE: 64-128-8 (the Helmholtz machine's sizes), Bernoulli, Adam 0.003,
    // batch 32, on the same 1,500 binarised digits for the same 100 epochs. uint8 keeps the held-out
    // bounds (−17.38 K = 100 as float32; ELBO −18.59 against −18.60) at 19 KB gzip.
    file: 'vae-binarized-digits.lkmodel',
    create: (options) => new VAE(options),
    modelOptions: { latentDim: 8, hiddenUnits: [128], beta: 1, likelihood: 'bernoulli', seed: 1 },
    data: binarizedDigitsData,
    train: { epochs: 100, batchSize: 32, learningRate: 0.003 },
    quantize: 'uint8',
    quality: (model, data) => likelihoodQuality(model, data.heldOut),
    better: 'higher',
  }),
  autoencoderProbeRecipe({
    // The stacked-autoencoder story's network: 64-128-64-16 and its mirror, each layer pretrained
    // 10 epochs in turn (no corruption), then 60 epochs fine-tuned; batch 32, Adam 0.003, on the
    // first 1,700 digits. float16: uint8 loses a little of the reconstruction (PSNR 21.34 against 21.41 dB).
    file: 'autoencoder-stacked-digits.lkmodel',
    modelOptions: stackedNetwork({ pretrainEpochs: 10 }),
    data: digitsData,
    train: STACKED_TRAINING,
    quantize: 'float16',
  }),
  pretextRecipe({
    // The story's relative-position view: where one of the 8 neighbours of the centre patch sits,
    // the pretext family's default encoder and head; 200 epochs (60 reach 0.48 held-out task accuracy).
    file: 'pretext-relative-position-digits.lkmodel',
    modelOptions: { task: 'relativePosition', seed: 1 },
    data: digitsData,
    train: { epochs: 200, batchSize: 128, learningRate: 0.003 },
    quantize: 'uint8',
  }),
  anomalyRecipe({
    // The anomaly story's Convolutional view: two 4×4 stride-2 convolutions (16, 32 channels), code
    // 32, 40 epochs (the story's 20, twice) on the 2,000 normal sprites; threshold calibrated as the
    // story does. uint8 keeps the AUROCs (image 0.960, pixel 0.932; float32 0.960, 0.932) at 100 KB
    // gzip (float16: 215 KB).
    file: 'autoencoder-sprites-anomaly-conv.lkmodel',
    create: (options) => new Autoencoder(options),
    modelOptions: { kind: 'plain', architecture: 'conv', codeSize: 32, seed: 1 },
    train: { epochs: 40, batchSize: 64, learningRate: 0.001 },
    quantize: 'uint8',
  }),
  anomalyRecipe({
    // The anomaly story's MaskedDenoising view: a denoising dense autoencoder that fills in masked
    // pixels (25 %), 128 hidden units as the plain preset (the story's 256 does not fit 200 KB),
    // trained 4× the story's 40 epochs to match its AUROCs (160: image 0.962, pixel 0.938; 80: 0.955,
    // 0.937; the story's 256 × 40 epochs: 0.957, 0.938); threshold calibrated as the story does.
    // uint8 keeps them (0.962, 0.938) at 162 KB gzip (float16: 381 KB).
    file: 'autoencoder-sprites-anomaly-masked.lkmodel',
    create: (options) => new Autoencoder(options),
    modelOptions: {
      kind: 'denoising',
      architecture: 'dense',
      corruption: 'mask',
      hiddenUnits: [128],
      codeSize: 32,
      seed: 1,
    },
    train: { epochs: 160, batchSize: 64, learningRate: 0.001 },
    quantize: 'uint8',
  }),
  anomalyRecipe({
    // The AnomalyHeatmap story's VAE: latent 16, one hidden layer of 128 (the story's 256 does not
    // fit 200 KB), Bernoulli, 80 epochs on the 2,000 normal sprites; threshold calibrated as the story
    // does. uint8 keeps the AUROCs (image 0.956, pixel 0.942; float32 0.956, 0.942) at 168 KB gzip
    // (float16: 373 KB).
    file: 'vae-sprites-anomaly.lkmodel',
    create: (options) => new VAE(options),
    modelOptions: { latentDim: 16, hiddenUnits: [128], beta: 1, likelihood: 'bernoulli', seed: 1 },
    train: { epochs: 80, batchSize: 64, learningRate: 0.002 },
    quantize: 'uint8',
  }),
  autoencoderProbeRecipe({
    // The ReconstructionGrid story's Digits view: a plain dense autoencoder 64-128-8, 100 epochs on
    // the first 1,700 digits (the story's 16 shown are among the 97 held out). float16 keeps the
    // figures of float32 (probe 0.872, held-out PSNR 18.68 dB) at 35 KB gzip; uint8 (17 KB) loses a
    // little (0.869, 18.62 dB).
    file: 'autoencoder-digits.lkmodel',
    modelOptions: {
      kind: 'plain',
      architecture: 'dense',
      hiddenUnits: [128],
      codeSize: 8,
      seed: 1,
    },
    data: digitsData,
    train: { epochs: 100, batchSize: 32, learningRate: 0.003 },
    quantize: 'float16',
  }),
  autoencoderProbeRecipe({
    // The ReconstructionGrid story's Linear view: the linear autoencoder (PCA's subspace) with a
    // 4-value code, 100 epochs on the first 1,700 digits. float16 keeps float32's figures (probe
    // 0.758, held-out PSNR 14.09 dB) at 1.8 KB gzip; uint8 gives 14.08 dB.
    file: 'autoencoder-linear-digits.lkmodel',
    modelOptions: { kind: 'linear', architecture: 'dense', codeSize: 4, seed: 1 },
    data: digitsData,
    train: { epochs: 100, batchSize: 32, learningRate: 0.003 },
    quantize: 'float16',
  }),
  autoencoderProbeRecipe({
    // The stacked story's Denoising view: the stacked preset's network and schedule, each layer
    // pretrained with 30 % of its inputs masked. float16 keeps float32's figures (probe 0.877,
    // held-out PSNR 21.27 dB) at 66 KB gzip; uint8 loses a little (21.23 dB).
    file: 'autoencoder-stacked-denoising-digits.lkmodel',
    modelOptions: stackedNetwork({ pretrainEpochs: 10, noise: 0.3, corruption: 'mask' }),
    data: digitsData,
    train: STACKED_TRAINING,
    quantize: 'float16',
  }),
  madeRecipe({
    // The autoregressive story's RandomOrdering view: the digits MADE's sizes and training with a
    // random pixel order (seed 1). uint8 keeps the held-out likelihood (−17.57 nats, as float32) at
    // 24 KB gzip.
    file: 'autoregressive-random-order-digits.lkmodel',
    modelOptions: { hiddenUnits: [256], ordering: 'random', binarize: 'threshold', seed: 1 },
    data: madeDigitsData,
    train: { epochs: 50, batchSize: 32, learningRate: 0.003 },
    quantize: 'uint8',
  }),
  contrastiveRecipe({
    // The contrastive story's CropOnly view: the options it passes (temperature 0.2, crop only,
    // batch 256, Adam 0.003, 30 epochs), on all 1,797 digits as it trains. uint8 keeps the probe
    // accuracy (0.889 with 10 labels per class, as float32) at 107 KB gzip (float16: 222 KB).
    file: 'contrastive-crop-only-digits.lkmodel',
    modelOptions: {
      architecture: 'dense',
      temperature: 0.2,
      augment: augmentations(['crop']),
      seed: 1,
    },
    data: allDigitsData,
    train: { epochs: 30, batchSize: 256, learningRate: 0.003 },
    quantize: 'uint8',
  }),
  contrastiveRecipe({
    // The contrastive story's Convolutional view: the conv encoder with the options it passes
    // (temperature 0.2, every augmentation on, batch 256, Adam 0.003, 30 epochs), on all 1,797 digits.
    // uint8: probe accuracy 0.894 with 10 labels per class (float32 0.891) at 80 KB gzip.
    file: 'contrastive-conv-digits.lkmodel',
    modelOptions: {
      architecture: 'conv',
      temperature: 0.2,
      augment: augmentations(AUGMENTATIONS),
      seed: 1,
    },
    data: allDigitsData,
    train: { epochs: 30, batchSize: 256, learningRate: 0.003 },
    quantize: 'uint8',
  }),
  imageGANRecipe({
    // The GANImages story's digits model: dense, noise 32, 2 × 256 units each side (the default),
    // Adam 2e-4 / 2e-4, label smoothing 0.1, batch 64, 200 epochs on all 1,797 digits. uint8: float16
    // is 310 KB gzip; uint8 (154 KB) keeps precision / recall against the held-out digits (0.371 /
    // 0.381 against 0.361 / 0.381 as float32).
    file: 'gan-digits.lkmodel',
    modelOptions: { architecture: 'dense', filters: 16, noiseDim: 32, seed: 1 },
    data: allDigitsData,
    train: {
      epochs: 200,
      batchSize: 64,
      generatorLearningRate: 0.0002,
      discriminatorLearningRate: 0.0002,
      labelSmoothing: 0.1,
      discriminatorSteps: 1,
    },
    quantize: 'uint8',
  }),
  planeGANRecipe({
    // The GAN playground's moons model: the ring preset's network (noise 8, 2 × 128 dense each side),
    // batch 256, both Adam rates 1e-3, 200 epochs on the story's 4,096 points. float16 keeps
    // precision / recall (0.943 / 0.867 against 0.943 / 0.868 as float32); uint8 loses recall (0.858).
    file: 'gan-moons.lkmodel',
    modelOptions: planeGAN(),
    data: () => planeData('moons'),
    train: planeGANTraining(200),
    quantize: 'float16',
  }),
  planeGANRecipe({
    // The GAN playground's spiral model: the same network and training as the moons one. float16:
    // precision / recall 0.893 / 0.932 (0.892 / 0.931 as float32, 0.891 / 0.931 as uint8).
    file: 'gan-spiral.lkmodel',
    modelOptions: planeGAN(),
    data: () => planeData('spiral'),
    train: planeGANTraining(200),
    quantize: 'float16',
  }),
  kmeansImageRecipe({
    // The k-means playground's default: 10 centroids of whole digits, Lloyd, seed 1, up to 100
    // iterations, on all 1,797 digits as the story clusters them. Adjusted Rand index against the
    // digit classes 0.564 (inertia 2.61 per digit); float32, 2.4 KB gzip.
    file: 'kmeans-digits-k10.lkmodel',
    modelOptions: { k: 10, algorithm: 'lloyd', seed: 1 },
    data: allDigitsData,
    train: { epochs: 100, batchSize: 128 },
    quantize: undefined,
  }),
  kmeansImageRecipe({
    // The k-means playground's mini-batch story: 10 centroids, mini-batch k-means, batches of 128,
    // 20 passes over all 1,797 digits. Adjusted Rand index 0.627 (inertia 2.69 per digit); float32.
    file: 'kmeans-digits-k10-minibatch.lkmodel',
    modelOptions: { k: 10, algorithm: 'minibatch', seed: 1 },
    data: allDigitsData,
    train: { epochs: 20, batchSize: 128 },
    quantize: undefined,
  }),
  kmeansImageRecipe({
    // The k-means playground's thirty clusters: Lloyd, seed 1, up to 100 iterations, all digits.
    // Adjusted Rand index 0.440 (thirty clusters against ten classes; inertia 1.88 per digit); float32.
    file: 'kmeans-digits-k30.lkmodel',
    modelOptions: { k: 30, algorithm: 'lloyd', seed: 1 },
    data: allDigitsData,
    train: { epochs: 100, batchSize: 128 },
    quantize: undefined,
  }),
  rbmRecipe({
    // The RBM playground's CD story: 100 hidden units, plain CD-1, rate 0.05, momentum 0.5,
    // batch 10, 50 epochs on the first 1,700 digits. float16 keeps the held-out AIS log-likelihood
    // (−24.34 against −24.33 nats as float32; uint8 −24.35).
    file: 'rbm-digits-cd.lkmodel',
    modelOptions: { layers: [100], visible: 'bernoulli', seed: 1 },
    data: digitsData,
    train: {
      epochs: 50,
      batchSize: 10,
      learningRate: 0.05,
      momentum: 0.5,
      sampler: 'cd',
      gibbsSteps: 1,
    },
    quantize: 'float16',
  }),
  recipe({
    // The RBM playground's deep belief network: 100 then 32 hidden units, greedy, persistent CD-1,
    // rate 0.05, momentum 0.5, batch 10, 15 epochs a layer on the first 1,700 digits. AIS does not
    // give a DBN's likelihood: its figure is the linear probe of its top features (0.805 as float32
    // and float16).
    file: 'rbm-digits-dbn.lkmodel',
    create: (options) => new RBM(options),
    modelOptions: { layers: [100, 32], visible: 'bernoulli', seed: 1 },
    data: digitsData,
    train: {
      epochs: 15,
      batchSize: 10,
      learningRate: 0.05,
      momentum: 0.5,
      sampler: 'pcd',
      gibbsSteps: 1,
    },
    quantize: 'float16',
    quality: (model) => rbmProbeQuality(model),
    better: 'higher',
  }),
  rbmRecipe({
    // The RBM playground's Gaussian story: 64 hidden units over standardised pixels, persistent
    // CD-1, rate 0.01, no momentum, batch 10, 50 epochs on the first 1,700 digits. Held-out AIS
    // log-likelihood −78.16 nats (standardised units) as float32 and float16.
    file: 'rbm-digits-gaussian.lkmodel',
    modelOptions: { layers: [64], visible: 'gaussian', seed: 1 },
    data: digitsData,
    train: {
      epochs: 50,
      batchSize: 10,
      learningRate: 0.01,
      momentum: 0,
      sampler: 'pcd',
      gibbsSteps: 1,
    },
    quantize: 'float16',
  }),
  decRecipe({
    // The DEC playground's IDEC story: the DEC preset's network ([128, 128, 512], 10 clusters) with
    // the reconstruction loss kept (weight 10), the same 150 pretraining epochs and up to 1,500
    // refinement steps (target every 140), on all 1,797 digits. uint8 (163 KB gzip) clusters as
    // float32 does: accuracy 0.829, NMI 0.809 (the DEC preset: 0.8325).
    file: 'dec-idec-digits.lkmodel',
    modelOptions: { clusters: 10, hiddenUnits: [128, 128, 512], idec: true, seed: 1 },
    data: allDigitsData,
    train: DEC_TRAINING,
    quantize: 'uint8',
  }),
  imageGANRecipe({
    // The GANImages story's dense sprites model: one hidden layer of 128 units each side (the
    // default 2 × 256 is 541K weights, 498 KB gzip even as uint8), noise 32, Adam 2e-4 / 2e-4, label
    // smoothing 0.1, batch 64, the story's 50 epochs on its 2,000 sprites. It fails as the story
    // says a dense GAN fails on images: noisy centred blobs, recall 0 against the held-out sprites.
    file: 'gan-sprites-dense.lkmodel',
    modelOptions: {
      architecture: 'dense',
      filters: 16,
      noiseDim: 32,
      generatorUnits: [128],
      discriminatorUnits: [128],
      seed: 1,
    },
    data: () => spritesData(2000),
    train: {
      epochs: 50,
      batchSize: 64,
      generatorLearningRate: 0.0002,
      discriminatorLearningRate: 0.0002,
      labelSmoothing: 0.1,
      discriminatorSteps: 1,
    },
    quantize: 'uint8',
  }),
  recipe({
    // The LatentTraversal story's sprites InfoGAN: conv (DCGAN, 16 filters), noise 32 of which a
    // four-way and four continuous codes take 8, λ 1, Adam 4e-4 / 1e-4 (the sprites GAN preset's),
    // batch 32, 60 epochs (3,780 steps) on the story's 2,000 sprites: the best of the configurations
    // the README lists. float16 keeps float32's figures exactly (precision / recall 0.822 / 0.434;
    // Q's code against the held-out sprites' quadrant 0.714, shape 0.308, size 0.282, chance 0.25)
    // at 151.7 KB gzip; uint8 (63.7 KB) moves them (0.830 / 0.446; 0.306 shape, 0.280 size).
    file: 'gan-infogan-sprites.lkmodel',
    create: (options) => new GAN(options),
    modelOptions: {
      architecture: 'conv',
      filters: 16,
      noiseDim: 32,
      seed: 1,
      info: { categorical: [4], continuous: 4, weight: 1 },
    },
    data: () => spritesData(2000),
    train: {
      epochs: 60,
      batchSize: 32,
      generatorLearningRate: 0.0004,
      discriminatorLearningRate: 0.0001,
      labelSmoothing: 0,
      discriminatorSteps: 1,
      // As gan-infogan-digits: TF.js operations, so the recipe rebuilds the shipped file exactly.
      fusedKernels: false,
    },
    quantize: 'float16',
    quality: (model, data) => infoGANSpritesQuality(model, data.heldOut),
    better: 'higher',
  }),
  hashingRecipe({
    // The semantic-hashing story's EightBits model: the 16-bit preset's recipe with 8 bits (noise
    // before the sigmoid, σ 4; input noise 0.3), 60 epochs, on the story's training digits.
    // Held-out precision@10 0.768 as uint8 (84.9 KB gzip), 0.767 as float32 (366.5 KB).
    file: 'hashing-digits-8bits.lkmodel',
    modelOptions: learnedHashing(8),
    data: hashingDigitsSplit,
    train: { epochs: 60 },
    quantize: 'uint8',
  }),
  sparseRecipe({
    // The sparse-coding story's SmallPatches dictionary: 64 atoms of 5×5, λ 0.3, contrast-normalised.
    // float16 keeps float32's held-out figures (MSE 0.005343, PSNR 22.72 dB) at 14.4 KB gzip.
    file: 'sparse-digits-small-patches.lkmodel',
    modelOptions: contrastDictionary(64, 0.3, 5),
    data: digitsData,
    train: { epochs: 20, batchSize: 256 },
    quantize: 'float16',
  }),
]

/** A recipe's name on the command line: its file's stem (`vae-digits`). */
export const recipeName = (r: PresetRecipe): string => r.file.replace(/\.lkmodel$/, '')
