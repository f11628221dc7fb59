/**
 * The few-labels report on the 28×28 sprites, part `report-sprites` of `npm run bench`: the digits'
 * protocol (reportBench.ts's runFewLabelsReport) with the sprites' shape kind as the label, a
 * stratified subset of generated sprites, and every encoder family of the digits' report configured
 * for 28×28 images: convolutional where the family has a convolutional variant, patches, tiles and
 * augmentations sized for the larger side.
 */
import type { LatentBatch } from '../src/core/dataset'
import { Autoencoder } from '../src/core/autoencoder/engine/autoencoder'
import { Contrastive } from '../src/core/contrastive/engine/contrastive'
import type { ContrastiveModelOptions } from '../src/core/contrastive/contrastiveOptions'
import { KMeans } from '../src/core/kmeans/engine/kmeans'
import { PCA } from '../src/core/pca/engine/pca'
import type { PretextModelOptions } from '../src/core/pretext/pretextOptions'
import { Pretext } from '../src/core/pretext/engine/pretext'
import { RBM } from '../src/core/rbm/engine/rbm'
import { VAE } from '../src/core/vae/engine/vae'
import { generateSpritesByKind, SPRITE_KINDS } from '../src/data/sprites'
import {
  RAW_PIXELS,
  meanOf,
  runFewLabelsReport,
  type BenchEncoder,
  type ReportDataSet,
} from './reportBench'

/** Side of the sprites. */
const SIDE = 28

/** Sprites per kind: a full run, and a quick one (50 labels per class need ≥ 63 per kind). */
export const SPRITES_PER_KIND = { full: 150, quick: 64 } as const

/**
 * Contrastive views of a sprite: the kind survives any position, size and rotation, so the views
 * differ in exactly those (a crop of 20–28 pixels resized back, shifts of up to 3 pixels, rotations
 * of up to 180°, zoom 0.8–1.2), with a little noise and a small cutout.
 */
export const SPRITES_CONTRASTIVE: ContrastiveModelOptions = {
  temperature: 0.2,
  augment: {
    crop: { minSize: 20 },
    shift: { pixels: 3 },
    rotation: { degrees: 180 },
    scale: { min: 0.8, max: 1.2 },
    noise: true,
    cutout: { size: 6, probability: 0.5 },
  },
  seed: 1,
}

/**
 * The pretext tasks on 28×28 sprites. Rotation: the convolutional encoder on the whole image.
 * Jigsaw: a 2×2 grid (the only one of 2 and 3 that divides 28) of 14-pixel tiles, so a dense
 * encoder (convolutions need sides that are multiples of 4). Relative position: 8-pixel patches
 * 2 apart (3 · 8 + 2 · 2 = 28 fills the side), the convolutional encoder.
 */
export const SPRITES_PRETEXT: readonly { name: string; options: PretextModelOptions }[] = [
  {
    name: 'rotation (4 classes, convolutional)',
    options: { task: 'rotation', architecture: 'convolutional' },
  },
  { name: 'jigsaw 2×2 (24 permutations, dense)', options: { task: 'jigsaw', grid: 2 } },
  {
    name: 'relative position (8-pixel patches, gap 2, convolutional)',
    options: { task: 'relativePosition', patchSize: 8, gap: 2, architecture: 'convolutional' },
  },
]

/** `n epochs`, or `1 epoch`. */
const epochsText = (n: number): string => `${n} epoch${n === 1 ? '' : 's'}`

/** Learns with `model`, returns its features of `all`, and frees it. */
async function learned<M extends { dispose(): void }>(
  model: M,
  fit: (model: M) => Promise<unknown>,
  encode: (model: M) => Promise<LatentBatch>,
): Promise<LatentBatch> {
  try {
    await fit(model)
    return await encode(model)
  } finally {
    model.dispose()
  }
}

/** The sprites' encoders, with training lengths for a full or a quick run. */
export function spritesEncoders(quick: boolean): BenchEncoder[] {
  // Lengths that keep the whole part near 3 minutes on a loaded 2-core machine.
  const autoencoderEpochs = quick ? 1 : 6
  const vaeEpochs = quick ? 1 : 15
  const stackedEpochs = quick ? 1 : 3
  const rbmEpochs = quick ? 1 : 3
  const clusteringEpochs = quick ? 1 : 5
  const contrastiveEpochs = quick ? 1 : 8
  const pretextEpochs = quick ? 1 : 8
  return [
    RAW_PIXELS,
    {
      name: 'PCA, 32 components',
      learn: (unlabelled, all) =>
        learned(
          new PCA({ nComponents: 32 }),
          (m) => m.fit(unlabelled),
          (m) => m.transform(all),
        ),
    },
    {
      name: `plain autoencoder code, convolutional, 32 values (${epochsText(autoencoderEpochs)})`,
      learn: (unlabelled, all) =>
        learned(
          new Autoencoder({ architecture: 'conv', codeSize: 32, seed: 1 }),
          (m) => m.fit(unlabelled, { epochs: autoencoderEpochs, batchSize: 64 }),
          (m) => m.encode(all),
        ),
    },
    {
      name: `stacked autoencoder 256-64-16 code, dense (${epochsText(stackedEpochs)} per layer, then ${stackedEpochs * 2} fine-tuning)`,
      learn: (unlabelled, all) =>
        learned(
          new Autoencoder({
            hiddenUnits: [256, 64],
            codeSize: 16,
            stacked: { pretrainEpochs: stackedEpochs },
            seed: 1,
          }),
          (m) =>
            m.fit(unlabelled, { epochs: 5 * stackedEpochs, batchSize: 64, learningRate: 0.003 }),
          (m) => m.encode(all),
        ),
    },
    {
      name: `VAE posterior mean, 784-256-10, dense (${epochsText(vaeEpochs)})`,
      learn: (unlabelled, all) =>
        learned(
          new VAE({ latentDim: 10, hiddenUnits: [256], seed: 1 }),
          (m) => m.fit(unlabelled, { epochs: vaeEpochs, batchSize: 64, learningRate: 0.001 }),
          (m) => m.encode(all),
        ),
    },
    {
      name: `RBM hidden probabilities, 100 units (PCD-1, ${epochsText(rbmEpochs)})`,
      learn: (unlabelled, all) =>
        learned(
          new RBM({ layers: [100], seed: 1 }),
          (m) =>
            m.fit(unlabelled, {
              epochs: rbmEpochs,
              batchSize: 10,
              learningRate: 0.05,
              sampler: 'pcd',
              validationSplit: 0,
            }),
          (m) => m.transform(all),
        ),
    },
    {
      name: `clustering learning, k-means 64 × 6×6 patches, stride 2 (${epochsText(clusteringEpochs)})`,
      learn: (unlabelled, all) =>
        learned(
          new KMeans({ k: 64, patchSize: 6, seed: 1 }),
          (m) => m.fit(unlabelled, { epochs: clusteringEpochs, patchesPerImage: 64 }),
          (m) => m.features(all, { stride: 2 }),
        ),
    },
    {
      name: `contrastive encoder, dense (${epochsText(contrastiveEpochs)})`,
      learn: (unlabelled, all) =>
        learned(
          new Contrastive(SPRITES_CONTRASTIVE),
          (m) =>
            m.fit(unlabelled, { epochs: contrastiveEpochs, batchSize: 256, learningRate: 0.003 }),
          (m) => m.encode(all),
        ),
    },
    ...SPRITES_PRETEXT.map((task): BenchEncoder => ({
      name: `pretext task: ${task.name} (${epochsText(pretextEpochs)})`,
      learn: (unlabelled, all) =>
        learned(
          new Pretext({ ...task.options, seed: 1 }),
          (m) => m.fit(unlabelled, { epochs: pretextEpochs, batchSize: 128, learningRate: 0.003 }),
          (m) => m.encode(all),
        ),
    })),
  ]
}

/** The sprites' data set for the report: `perKind` sprites of each kind, the kind as the label. */
export function spritesReportSet(options: {
  quick: boolean
  perKind?: number
  encoders?: readonly BenchEncoder[]
}): ReportDataSet {
  const perKind =
    options.perKind ?? (options.quick ? SPRITES_PER_KIND.quick : SPRITES_PER_KIND.full)
  const { images, labels } = generateSpritesByKind(perKind, { size: SIDE, seed: 1 })
  return {
    heading: '## Few-labels report on the sprites (label: shape kind)',
    noun: 'sprites',
    images,
    labels,
    encoders: options.encoders ?? spritesEncoders(options.quick),
    about: `The data: ${perKind} generated 28×28 sprites of each of the ${SPRITE_KINDS.length} kinds (${SPRITE_KINDS.join(', ')}; the first of each kind with seed 1), each at a random scale, rotation and position, which the label ignores; chance is 0.25.${options.quick ? ' Quick run: the smallest subset the 50-labels column allows, one epoch per encoder, probes of at most 100 steps and no scikit-learn row; figures far from converged.' : ''}`,
    sklearn: !options.quick,
    conclusion: (rows) => {
      const learned = rows.filter((row) => !row.encoder.startsWith('raw pixels'))
      const best = (column: 10 | 'all') =>
        learned
          .map((row) => ({ encoder: row.encoder, mean: meanOf([row], row.encoder, column) }))
          .sort((a, b) => b.mean - a.mean)[0]
      const raw = { ten: meanOf(rows, 'raw pixels', 10), all: meanOf(rows, 'raw pixels', 'all') }
      const bestTen = best(10)
      const bestAll = best('all')
      const beat = learned.filter((row) => meanOf([row], row.encoder, 10) > raw.ten).length
      const hard = (bestAll?.mean ?? 0) < 0.8
      // The ± is over draws; the one held-out set adds its own binomial noise.
      const held = SPRITE_KINDS.length * Math.max(1, Math.round(0.2 * perKind))
      const heldNoise = Math.sqrt((raw.all * (1 - raw.all)) / held)
      return {
        json: {
          tenLabels: { rawPixels: raw.ten, best: bestTen, beatRawPixels: beat },
          allLabels: { rawPixels: raw.all, best: bestAll },
          heldOutStandardError: heldNoise,
        },
        lines: [
          `With 10 labels per kind, raw pixels reach ${raw.ten.toFixed(3)} and ${beat} of the ${learned.length} learned encoders do better, the best ${bestTen?.encoder ?? '–'} at ${bestTen?.mean.toFixed(3) ?? '–'}; with all labels, raw pixels reach ${raw.all.toFixed(3)} and the best is ${bestAll?.encoder ?? '–'} at ${bestAll?.mean.toFixed(3) ?? '–'} (chance 0.25). On ${held} held-out sprites an accuracy near pixels' carries a binomial standard error of about ${heldNoise.toFixed(3)}, which the ± over draws leaves out: differences smaller than twice that are within its noise.${hard ? " Every row stays far from the digits' figures: the kind is a small part of what varies in a sprite (its position, size and rotation move most of its pixels), and these short label-free runs do not make it linearly separable." : ''} The rotation pretext task has nothing to learn on these sprites: every rotation of a sprite is as likely as the sprite itself.`,
        ],
      }
    },
  }
}

/** Runs the part; `quick` takes a small subset, trains briefly and draws twice per column. */
export async function runSpritesReportBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  return runFewLabelsReport(spritesReportSet(options), {
    draws: options.quick ? 2 : 5,
    ...(options.quick && { maxIterations: 100 }),
  })
}
