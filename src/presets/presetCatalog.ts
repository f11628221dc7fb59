/**
 * The pretrained models latentkit ships: trained on its embedded data by `npm run train-presets`
 * (scripts/presets), stored as model files beside the worker and fetched by the worker only when a
 * hook asks for one (`useVAE({ preset: 'digits' })`). This list is all the main thread knows of them.
 * No TF.js.
 */
import { InvalidOptionError } from '../core/errors'

/** One shipped pretrained model. */
export interface PresetInfo {
  /** Its family. */
  readonly kind: string
  /** Its name within the family (the hooks' `preset` option). */
  readonly name: string
  /** What it is, for docs and pickers. */
  readonly description: string
  /** Its file in `src/presets/files/` (and beside the built worker). */
  readonly file: string
}

/** Every shipped preset. */
export const PRESETS: readonly PresetInfo[] = [
  {
    kind: 'vae',
    name: 'digits',
    description: 'VAE on the 8×8 digits (64-128-8, latent 8)',
    file: 'vae-digits.lkmodel',
  },
  {
    kind: 'vae',
    name: 'sprites',
    description: 'VAE on the 28×28 sprites (784-128-10, latent 10)',
    file: 'vae-sprites.lkmodel',
  },
  {
    kind: 'gan',
    name: 'ring',
    description: 'dense GAN on the ring of eight Gaussians (2-D; 2 × 128 units each side, noise 8)',
    file: 'gan-ring.lkmodel',
  },
  {
    kind: 'gan',
    name: 'sprites',
    description: 'convolutional (DCGAN, 16 filters) GAN on the 28×28 sprites',
    file: 'gan-sprites.lkmodel',
  },
  {
    kind: 'gan',
    name: 'infogan-digits',
    description:
      'dense InfoGAN on the 8×8 digits (2 × 128 units each side, noise 32 with a ten-way and two continuous codes)',
    file: 'gan-infogan-digits.lkmodel',
  },
  {
    kind: 'sparse',
    name: 'digits',
    description: 'sparse-coding dictionary of the 8×8 digits (128 atoms, λ 0.5)',
    file: 'sparse-digits.lkmodel',
  },
  {
    kind: 'autoencoder',
    name: 'sprites-anomaly',
    description:
      'dense autoencoder (784-128-32) of normal 28×28 sprites, its anomaly threshold calibrated (99th percentile)',
    file: 'autoencoder-sprites-anomaly.lkmodel',
  },
  {
    kind: 'kmeans',
    name: 'digits',
    description:
      'k-means clustering learning on the 8×8 digits (50 centroids of contrast-normalised, whitened 4×4 patches, Lloyd)',
    file: 'kmeans-digits.lkmodel',
  },
  {
    kind: 'rbm',
    name: 'digits',
    description: 'RBM (64 hidden units, persistent CD) on the 8×8 digits',
    file: 'rbm-digits.lkmodel',
  },
  {
    kind: 'autoregressive',
    name: 'digits',
    description:
      'MADE (64-256-64, natural order) on the first 1,500 binarised 8×8 digits: exact held-out likelihood, samples drawn pixel by pixel',
    file: 'autoregressive-digits.lkmodel',
  },
  {
    kind: 'hashing',
    name: 'digits',
    description:
      'semantic hashing: learned 16-bit codes of the 8×8 digits (every fifth digit held out as a query)',
    file: 'hashing-digits.lkmodel',
  },
  {
    kind: 'contrastive',
    name: 'digits',
    description:
      'SimCLR-style contrastive encoder of the 8×8 digits (every augmentation on, temperature 0.2, 30 epochs)',
    file: 'contrastive-digits.lkmodel',
  },
  {
    kind: 'pretext',
    name: 'jigsaw-digits',
    description:
      'jigsaw pretext task on the 8×8 digits: which of the 24 orders shuffled the 2×2 tiles (dense encoder per tile, 60 epochs)',
    file: 'pretext-jigsaw-digits.lkmodel',
  },
  {
    kind: 'pretext',
    name: 'rotation-digits',
    description:
      'rotation pretext task on the 8×8 digits: which quarter turn the digit was given (dense encoder, 60 epochs)',
    file: 'pretext-rotation-digits.lkmodel',
  },
  {
    kind: 'dec',
    name: 'digits',
    description:
      'DEC on the 1,797 8×8 digits: 10 clusters in a 10-value embedding of a dense autoencoder 64-128-128-512-10 (smaller than the default), refined by KL(P‖Q)',
    file: 'dec-digits.lkmodel',
  },
  {
    kind: 'helmholtz',
    name: 'digits',
    description:
      'Helmholtz machine (64-128-8 stochastic binary units, wake-sleep) on the first 1,500 digits binarised at 0.5',
    file: 'helmholtz-digits.lkmodel',
  },
  {
    kind: 'vae',
    name: 'binarized-digits',
    description:
      'VAE (64-128-8, Bernoulli) on the first 1,500 digits binarised at 0.5: the Helmholtz machine preset’s sizes and data, for the wake-sleep comparison',
    file: 'vae-binarized-digits.lkmodel',
  },
  {
    kind: 'autoencoder',
    name: 'stacked-digits',
    description:
      'stacked autoencoder (64-128-64-16, each layer pretrained in turn, then fine-tuned) of the 8×8 digits',
    file: 'autoencoder-stacked-digits.lkmodel',
  },
  {
    kind: 'pretext',
    name: 'relative-position-digits',
    description:
      'relative-position pretext task on the 8×8 digits: which of its 8 neighbours a patch is around the centre one (60 epochs)',
    file: 'pretext-relative-position-digits.lkmodel',
  },
  {
    kind: 'autoencoder',
    name: 'sprites-anomaly-conv',
    description:
      'convolutional autoencoder (two 4×4 stride-2 convolutions, 16 and 32 channels, code 32) of normal 28×28 sprites, its anomaly threshold calibrated (99th percentile)',
    file: 'autoencoder-sprites-anomaly-conv.lkmodel',
  },
  {
    kind: 'autoencoder',
    name: 'sprites-anomaly-masked',
    description:
      'denoising dense autoencoder (784-128-32, 25 % of pixels masked) of normal 28×28 sprites, its anomaly threshold calibrated (99th percentile)',
    file: 'autoencoder-sprites-anomaly-masked.lkmodel',
  },
  {
    kind: 'vae',
    name: 'sprites-anomaly',
    description:
      'VAE (784-128-16, Bernoulli) of normal 28×28 sprites, its anomaly threshold calibrated (99th percentile)',
    file: 'vae-sprites-anomaly.lkmodel',
  },
  {
    kind: 'autoencoder',
    name: 'digits',
    description: 'plain dense autoencoder (64-128-8) of the 8×8 digits',
    file: 'autoencoder-digits.lkmodel',
  },
  {
    kind: 'autoencoder',
    name: 'linear-digits',
    description: "linear autoencoder (PCA's subspace, a 4-value code) of the 8×8 digits",
    file: 'autoencoder-linear-digits.lkmodel',
  },
  {
    kind: 'autoencoder',
    name: 'stacked-denoising-digits',
    description:
      'stacked denoising autoencoder (64-128-64-16, each layer pretrained in turn with 30 % of its inputs masked, then fine-tuned) of the 8×8 digits',
    file: 'autoencoder-stacked-denoising-digits.lkmodel',
  },
  {
    kind: 'autoregressive',
    name: 'random-order-digits',
    description:
      'MADE (64-256-64) with a random pixel order (seed 1) on the first 1,500 binarised 8×8 digits',
    file: 'autoregressive-random-order-digits.lkmodel',
  },
  {
    kind: 'contrastive',
    name: 'crop-only-digits',
    description:
      'SimCLR-style contrastive encoder of the 8×8 digits with random crops as the only augmentation (temperature 0.2, 30 epochs)',
    file: 'contrastive-crop-only-digits.lkmodel',
  },
  {
    kind: 'contrastive',
    name: 'conv-digits',
    description:
      'SimCLR-style contrastive encoder of the 8×8 digits with a convolutional encoder (every augmentation on, temperature 0.2, 30 epochs)',
    file: 'contrastive-conv-digits.lkmodel',
  },
  {
    kind: 'gan',
    name: 'digits',
    description: 'dense GAN on the 8×8 digits (2 × 256 units each side, noise 32, 200 epochs)',
    file: 'gan-digits.lkmodel',
  },
  {
    kind: 'gan',
    name: 'moons',
    description: 'dense GAN on the two moons (2-D; 2 × 128 units each side, noise 8)',
    file: 'gan-moons.lkmodel',
  },
  {
    kind: 'gan',
    name: 'spiral',
    description: 'dense GAN on the two-turn spiral (2-D; 2 × 128 units each side, noise 8)',
    file: 'gan-spiral.lkmodel',
  },
  {
    kind: 'kmeans',
    name: 'digits-k10',
    description: 'k-means of the whole 8×8 digits: 10 centroids, Lloyd',
    file: 'kmeans-digits-k10.lkmodel',
  },
  {
    kind: 'kmeans',
    name: 'digits-k10-minibatch',
    description:
      'mini-batch k-means of the whole 8×8 digits: 10 centroids, batches of 128, 20 passes',
    file: 'kmeans-digits-k10-minibatch.lkmodel',
  },
  {
    kind: 'kmeans',
    name: 'digits-k30',
    description: 'k-means of the whole 8×8 digits: 30 centroids (several per class), Lloyd',
    file: 'kmeans-digits-k30.lkmodel',
  },
  {
    kind: 'rbm',
    name: 'digits-cd',
    description: 'RBM (100 hidden units, plain CD-1) on the 8×8 digits',
    file: 'rbm-digits-cd.lkmodel',
  },
  {
    kind: 'rbm',
    name: 'digits-dbn',
    description:
      'deep belief network (100 then 32 hidden units, trained greedily) on the 8×8 digits',
    file: 'rbm-digits-dbn.lkmodel',
  },
  {
    kind: 'rbm',
    name: 'digits-gaussian',
    description:
      'RBM with Gaussian visible units (standardised pixels, 64 hidden units) on the 8×8 digits',
    file: 'rbm-digits-gaussian.lkmodel',
  },
  {
    kind: 'dec',
    name: 'idec-digits',
    description:
      'IDEC on the 1,797 8×8 digits: the DEC preset’s network (64-128-128-512-10, 10 clusters) refined with its reconstruction loss kept',
    file: 'dec-idec-digits.lkmodel',
  },
  {
    kind: 'gan',
    name: 'sprites-dense',
    description:
      'dense GAN on the 28×28 sprites (one hidden layer of 128 units each side, noise 32): what a dense GAN makes of images, noisy blobs where the convolutional one draws shapes',
    file: 'gan-sprites-dense.lkmodel',
  },
  {
    kind: 'gan',
    name: 'infogan-sprites',
    description:
      'convolutional InfoGAN on the 28×28 sprites (DCGAN, 16 filters, noise 32 with a four-way and four continuous codes): the four-way code picks where the sprite sits (one of four places), the continuous codes mostly its size; no code follows its shape',
    file: 'gan-infogan-sprites.lkmodel',
  },
  {
    kind: 'hashing',
    name: 'digits-8-bits',
    description:
      'semantic hashing: learned 8-bit codes of the 8×8 digits (256 codes, so many digits share one; every fifth digit held out as a query)',
    file: 'hashing-digits-8bits.lkmodel',
  },
  {
    kind: 'sparse',
    name: 'digits-small-patches',
    description:
      'sparse-coding dictionary of 5×5 patches of the 8×8 digits (64 atoms, λ 0.3): local stroke pieces rather than whole-digit parts',
    file: 'sparse-digits-small-patches.lkmodel',
  },
]

/** The presets of family `kind`. */
export function presetsOf(kind: string): readonly PresetInfo[] {
  return PRESETS.filter((preset) => preset.kind === kind)
}

/** The preset `name` of family `kind`, or `INVALID_OPTION` listing the family's presets. */
export function findPreset(kind: string, name: unknown): PresetInfo {
  const found = PRESETS.find((preset) => preset.kind === kind && preset.name === name)
  if (found) return found
  const names = presetsOf(kind).map((preset) => `'${preset.name}'`)
  throw new InvalidOptionError(
    names.length > 0
      ? `preset ${JSON.stringify(name)} is not one of the ${kind} presets; use ${names.join(', ')}, or leave preset out and train`
      : `the ${kind} family ships no presets; leave preset out and train`,
    { field: 'preset', known: names.join(', ') },
  )
}
