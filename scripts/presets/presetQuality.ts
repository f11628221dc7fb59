/**
 * How good a preset is, on rows it never trained on, by the figure each family's story or bench
 * reads: a VAE's held-out loss (−ELBO), a GAN's ring coverage or sprite precision/recall, a
 * dictionary's reconstruction error, an autoencoder's anomaly AUROC, an RBM's AIS log-likelihood.
 * Every figure is seeded, so the float32 model and the one read back from the stored file are
 * measured on the same noise.
 */
import type { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import type { MADE } from '../../src/core/autoregressive/engine/made'
import type { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import type { DEC } from '../../src/core/dec/engine/dec'
import type { HelmholtzMachine } from '../../src/core/helmholtz/engine/helmholtz'
import type { Pretext } from '../../src/core/pretext/engine/pretext'
import { fitLinearProbe } from '../../src/core/probe/engine/linearProbe'
import { resolveProbeOptions } from '../../src/core/probe/probeOptions'
import { loadDigits } from '../../src/data/digits'
import {
  adjustedRandIndex,
  clusteringAccuracy,
  normalizedMutualInformation,
} from '../../src/core/kmeans/clusterAgreement'
import type { SemanticHashing } from '../../src/core/hashing/engine/semanticHashing'
import { hashPrecisionAtK } from '../../src/core/hashing/hashPrecision'
import { hashingDigitsSplit } from './presetData'
import { rocAuc } from '../../src/core/anomaly/anomalyScoring'
import type { ImageBatch, LatentBatch } from '../../src/core/dataset'
import type { GAN } from '../../src/core/gan/engine/gan'
import type { KMeans } from '../../src/core/kmeans/engine/kmeans'
import { modeCoverage, precisionRecall } from '../../src/core/gan/ganMetrics'
import type { RBM } from '../../src/core/rbm/engine/rbm'
import type { SparseCoding } from '../../src/core/sparse/engine/sparseCoding'
import type { VAE } from '../../src/core/vae/engine/vae'
import type { AnomalyBenchmark } from '../../src/data/anomalies'
import { ringCentres } from '../../src/data/toy2d'
import { SPRITE_KINDS, generateSprites } from '../../src/data/sprites'
import { HELD_OUT_SPRITES_SEED } from './presetData'

/** Named figures of one model; each recipe says which way is better. */
export type QualityFigures = Readonly<Record<string, number>>

/** Mean held-out loss per image (−ELBO, nats; lower is better), noise seed 0. */
export async function vaeQuality(model: VAE, heldOut: ImageBatch): Promise<QualityFigures> {
  const { loss } = await model.evaluate(heldOut, 0)
  return { '−ELBO': loss }
}

/**
 * Share of 2,000 samples (seed 5) within 3σ of a ring mode (%) and modes covered, as the bench's
 * ring table reports them.
 */
export async function ringQuality(model: GAN): Promise<QualityFigures> {
  const samples = await model.sample(2000, { seed: 5 })
  const coverage = modeCoverage(samples.data, ringCentres(8, 1), 0.02)
  return { 'high-quality %': 100 * coverage.highQualityShare, modes: coverage.modesCovered }
}

/**
 * Precision and recall (k = 3, pixel space) of as many samples (seed 1) as held-out images, as the
 * bench's sprites table reports them.
 */
/**
 * An InfoGAN preset on the digits: precision and recall of its samples against the held-out digits,
 * and its categorical code read by Q against the digit labels of all digits, accuracy after
 * Hungarian matching (higher is better).
 */
export async function infoGANDigitsQuality(
  model: GAN,
  heldOut: ImageBatch,
): Promise<QualityFigures> {
  const { images, labels } = loadDigits()
  const codes = await model.inferCodes(images)
  return {
    ...(await imageGANQuality(model, heldOut)),
    'code accuracy (matched)': clusteringAccuracy(codes.categorical, labels),
  }
}

/** Size bins of the sprites' scale factor (uniform on [0.5, 1)): four equal widths, one per code value. */
const SPRITE_SIZE_BINS = 4

/**
 * An InfoGAN preset on the sprites: precision and recall of its samples against the 500 held-out
 * sprites, and Q's categorical reading of those sprites against their shape (four kinds), their
 * size (the scale factor in four equal bins) and the quadrant they sit in (x and y factors each
 * below or above the middle), accuracy after Hungarian matching (chance 0.25 for a four-way code).
 */
export async function infoGANSpritesQuality(
  model: GAN,
  heldOut: ImageBatch,
): Promise<QualityFigures> {
  const { factors } = generateSprites({
    count: heldOut.shape[0],
    size: 28,
    seed: HELD_OUT_SPRITES_SEED,
  })
  const codes = await model.inferCodes(heldOut)
  const shapes = factors.map((f) => SPRITE_KINDS.indexOf(f.kind))
  const sizes = factors.map((f) =>
    Math.min(SPRITE_SIZE_BINS - 1, Math.floor((f.scale - 0.5) * 2 * SPRITE_SIZE_BINS)),
  )
  return {
    ...(await imageGANQuality(model, heldOut)),
    'code↔shape (matched)': clusteringAccuracy(codes.categorical, shapes),
    'code↔size (matched)': clusteringAccuracy(codes.categorical, sizes),
    'code↔quadrant (matched)': clusteringAccuracy(
      codes.categorical,
      factors.map((f) => (f.x < 0.5 ? 0 : 1) + (f.y < 0.5 ? 0 : 2)),
    ),
  }
}

export async function imageGANQuality(model: GAN, heldOut: ImageBatch): Promise<QualityFigures> {
  const [n, height, width, channels] = heldOut.shape
  const samples = await model.sample(n, { seed: 1 })
  const { precision, recall } = precisionRecall(
    heldOut.data,
    samples.data,
    height * width * channels,
  )
  return { precision, recall }
}

/** Held-out digits' reconstruction (tiled patches, the model's λ): mean squared error and PSNR (dB). */
export async function sparseQuality(
  model: SparseCoding,
  heldOut: ImageBatch,
): Promise<QualityFigures> {
  const { meanSquaredError, psnr, nonZeroFraction } = await model.evaluate(heldOut)
  return { MSE: meanSquaredError, 'PSNR dB': psnr, 'non-zero %': 100 * nonZeroFraction }
}

/**
 * Image and pixel AUROC on the benchmark's test images, and the calibrated threshold the model
 * (an autoencoder or a VAE) carries.
 */
export async function anomalyQuality(
  model: Autoencoder | VAE,
  benchmark: AnomalyBenchmark,
): Promise<QualityFigures> {
  const { scores, maps, threshold } = await model.anomaly.score(benchmark.test)
  return {
    'image AUROC': rocAuc(scores, benchmark.labels),
    'pixel AUROC': rocAuc(maps.data, benchmark.masks.data),
    threshold: threshold ?? NaN,
  }
}

/** The RBM story's held-out log-likelihood: AIS, 100 runs × 1,000 distributions, seed 1 (nats per digit). */
export async function rbmQuality(model: RBM, heldOut: ImageBatch): Promise<QualityFigures> {
  const { meanLogLikelihood } = await model.logLikelihood(heldOut, {
    runs: 100,
    steps: 1000,
    seed: 1,
  })
  return { 'log-likelihood': meanLogLikelihood }
}

/**
 * A patch k-means model's mean squared distance of the images' patches (every position) to their
 * nearest centroid, in normalised, whitened space (lower is better).
 */
export async function kmeansPatchQuality(
  model: KMeans,
  images: ImageBatch,
): Promise<QualityFigures> {
  const clusters = await model.clusters(images, { members: 1 })
  let patches = 0
  for (const size of clusters.sizes) patches += size
  return { 'inertia per patch': clusters.inertia / patches }
}

/** An autoregressive model's exact held-out log-likelihood, nats per image (higher is better). */
export async function madeQuality(model: MADE, heldOut: ImageBatch): Promise<QualityFigures> {
  const { meanLogLikelihood } = await model.logLikelihood(heldOut)
  return { 'log-likelihood': meanLogLikelihood }
}

/** Precision@10 by label of the held-out digits' codes searched among the training digits' codes. */
export async function hashingQuality(model: SemanticHashing): Promise<QualityFigures> {
  const split = hashingDigitsSplit()
  const indexed = await model.hash(split.train)
  const queries = await model.hash(split.heldOut)
  const precision = hashPrecisionAtK(
    indexed.codes,
    split.trainLabels,
    queries.codes,
    split.heldOutLabels,
    indexed.bits,
    10,
  )
  return { 'precision@10': precision }
}

/**
 * The stories' linear probe: the accuracy of a classifier of `features` of all 1,797 digits given
 * 10 labels per class (the probe's default split and seed).
 */
async function digitsProbeAccuracy(
  features: (images: ImageBatch) => Promise<LatentBatch>,
): Promise<number> {
  const { images, labels } = loadDigits()
  const probe = await fitLinearProbe(
    await features(images),
    Int32Array.from(labels),
    resolveProbeOptions({ labelsPerClass: 10 }),
  )
  return probe.accuracy
}

/**
 * Linear-probe accuracy of the encoder's features on the digits with 10 labels per class (the
 * story's probe: its default split and seed), higher is better.
 */
export async function contrastiveQuality(model: Contrastive): Promise<QualityFigures> {
  const accuracy = await digitsProbeAccuracy((images) => model.encode(images))
  return { 'probe accuracy (10 labels per class)': accuracy }
}

/**
 * A pretext preset's figures: the task's accuracy on one example of each held-out image (seeded),
 * and the linear probe on the encoder's features with 10 labels per class (all digits, seed 0).
 */
export async function pretextQuality(model: Pretext, heldOut: ImageBatch): Promise<QualityFigures> {
  const examples = model.makeTask(heldOut, heldOut.shape[0], 7)
  const { classes } = await model.predict(examples.inputs)
  const right = classes.filter((c, i) => c === examples.targets[i]).length
  const accuracy = await digitsProbeAccuracy((images) => model.encode(images))
  return {
    'held-out task accuracy': right / classes.length,
    'probe accuracy (10 labels per class)': accuracy,
  }
}

/**
 * A DEC preset's clusters of all 1,797 digits (as the story clusters them) against the digit classes,
 * never used for training: accuracy after Hungarian matching and NMI (higher is better).
 */
export async function decQuality(model: DEC): Promise<QualityFigures> {
  const { images, labels } = loadDigits()
  const { labels: clusters } = await model.assign(images)
  return {
    'cluster accuracy (matched)': clusteringAccuracy(clusters, labels),
    NMI: normalizedMutualInformation(clusters, labels),
  }
}

/**
 * The wake-sleep story's held-out figures of a Helmholtz machine or a VAE: the importance-weighted
 * bound with K = 100 draws of its recognition model (the VAE's encoder) and the one-sample ELBO,
 * seed 1, nats per binarised digit (higher is better).
 */
export async function likelihoodQuality(
  model: HelmholtzMachine | VAE,
  heldOut: ImageBatch,
): Promise<QualityFigures> {
  const { meanLogLikelihood, meanELBO } = await model.logLikelihood(heldOut, {
    samples: 100,
    seed: 1,
  })
  return { 'log-likelihood (K = 100)': meanLogLikelihood, ELBO: meanELBO }
}

/**
 * A deep autoencoder's linear probe on its codes of all digits with 10 labels per class (the
 * story's probe) and its held-out reconstruction's PSNR (dB, pixels in [0, 1]); higher is better.
 */
export async function stackedQuality(
  model: Autoencoder,
  heldOut: ImageBatch,
): Promise<QualityFigures> {
  const { meanSquaredError } = await model.evaluate(heldOut)
  const accuracy = await digitsProbeAccuracy((images) => model.encode(images))
  return {
    'probe accuracy (10 labels per class)': accuracy,
    'held-out PSNR dB': 10 * Math.log10(1 / meanSquaredError),
  }
}

/**
 * A GAN on a 2-D set other than the ring (no modes to count): precision and recall (k = 3) of as
 * many samples (seed 1) as held-out points, against those points (higher is better).
 */
export async function planeGANQuality(model: GAN, heldOut: ImageBatch): Promise<QualityFigures> {
  const samples = await model.sample(heldOut.shape[0], { seed: 1 })
  const { precision, recall } = precisionRecall(heldOut.data, samples.data, 2)
  return { precision, recall }
}

/**
 * A whole-image k-means model of the digits, as the k-means playground reads it: the adjusted Rand
 * index of its clusters of all 1,797 digits against the digit classes, never used for training
 * (higher is better).
 */
export async function kmeansImageQuality(model: KMeans): Promise<QualityFigures> {
  const { images, labels } = loadDigits()
  const { labels: clusters } = await model.assign(images)
  return { 'adjusted Rand index': adjustedRandIndex(clusters, labels) }
}

/**
 * An RBM or deep belief network's features of all digits (the top layer's hidden probabilities),
 * read by the story's linear probe with 10 labels per class (higher is better); for a deep belief
 * network, which has no AIS estimate.
 */
export async function rbmProbeQuality(model: RBM): Promise<QualityFigures> {
  const accuracy = await digitsProbeAccuracy((images) => model.transform(images))
  return { 'probe accuracy (10 labels per class)': accuracy }
}
