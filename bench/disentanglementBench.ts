/**
 * The disentanglement part of `npm run bench`: the mutual information gap (Chen et al. 2018) of a
 * VAE, a β-VAE (β = 4) and an InfoGAN trained on the 28×28 sprites, against the sprites' known
 * factors (kind, scale, rotation, x, y), mean over seeds with the spread; and InfoGAN's categorical
 * code against the shape kind as accuracy after Hungarian matching.
 */
import { VAE } from '../src/core/vae/engine/vae'
import { GAN } from '../src/core/gan/engine/gan'
import { clusteringAccuracy } from '../src/core/kmeans/clusterAgreement'
import { mutualInformationGap } from '../src/core/disentanglement'
import { generateSprites, SPRITE_KINDS, type SpriteFactors } from '../src/data/sprites'
import { pickNodeBackend } from './sklearnScript'

/** Bins of each continuous factor (the paper's dSprites has 6 scales, 40 rotations, 32 positions). */
const FACTOR_BINS = 10
const FACTORS = ['kind', 'scale', 'rotation', 'x', 'y'] as const
const LATENT = 10

/** Each factor as discrete labels: the kind's index, the others in equal-width bins of their range. */
function factorLabels(factors: readonly SpriteFactors[]): Int32Array[] {
  const bin = (value: number, low: number, high: number) =>
    Math.min(FACTOR_BINS - 1, Math.floor(((value - low) / (high - low)) * FACTOR_BINS))
  return [
    Int32Array.from(factors, (f) => SPRITE_KINDS.indexOf(f.kind)),
    Int32Array.from(factors, (f) => bin(f.scale, 0.5, 1)),
    Int32Array.from(factors, (f) => bin(f.rotation, 0, 2 * Math.PI)),
    Int32Array.from(factors, (f) => bin(f.x, 0, 1)),
    Int32Array.from(factors, (f) => bin(f.y, 0, 1)),
  ]
}

export interface Run {
  /** `'vae'` (with its β) or `'infogan'`. */
  readonly model: 'vae' | 'infogan'
  readonly beta: number
  readonly seed: number
  readonly mig: number
  readonly gaps: readonly number[]
  readonly seconds: number
  /** InfoGAN: its categorical code against the kind, accuracy after matching. */
  readonly kindAccuracy?: number
}

/** InfoGAN's codes: one four-way code (as many as the kinds) and four continuous ones. */
const INFO = { categorical: [SPRITE_KINDS.length], continuous: 4, weight: 1 }
const INFO_DIMS = 1 + INFO.continuous

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length
const fixed = (value: number, digits = 3) => value.toFixed(digits)

/** The sprites and settings of a run of the part. */
function setup(quick: boolean) {
  const count = quick ? 500 : 4000
  const test = generateSprites({ count: quick ? 200 : 2000, size: 28, seed: 99 })
  return {
    count,
    epochs: quick ? 3 : 60,
    seeds: quick ? [1] : [1, 2, 3],
    ganCount: quick ? 300 : 2000,
    ganEpochs: quick ? 2 : 12,
    test,
    labels: factorLabels(test.factors),
  }
}

/** The VAE and the β-VAE at every seed. */
async function vaeRuns(quick: boolean): Promise<Run[]> {
  const { count, epochs, seeds, test, labels } = setup(quick)
  const train = generateSprites({ count, size: 28, seed: 1 })
  const runs: Run[] = []
  for (const beta of [1, 4]) {
    for (const seed of seeds) {
      const model = new VAE({ latentDim: LATENT, hiddenUnits: [256], beta, seed })
      try {
        const started = performance.now()
        await model.fit(train.images, { epochs, batchSize: 64, learningRate: 0.001 })
        const seconds = (performance.now() - started) / 1000
        const codes = await model.encode(test.images)
        const result = mutualInformationGap(codes.data, LATENT, labels)
        runs.push({
          model: 'vae',
          beta,
          seed,
          mig: result.mig,
          gaps: result.factors.map((f) => f.gap),
          seconds,
        })
      } finally {
        model.dispose()
      }
    }
  }
  return runs
}

/** InfoGAN at every seed. */
async function infoganRuns(quick: boolean): Promise<Run[]> {
  const { seeds, ganCount, ganEpochs, test, labels } = setup(quick)
  const ganTrain = generateSprites({ count: ganCount, size: 28, seed: 1 })
  const kinds = labels[0] as Int32Array
  const runs: Run[] = []
  for (const seed of seeds) {
    const model = new GAN({ architecture: 'conv', filters: 16, noiseDim: 32, seed, info: INFO })
    try {
      const started = performance.now()
      await model.fit(ganTrain.images, { epochs: ganEpochs, batchSize: 64 })
      const seconds = (performance.now() - started) / 1000
      const codes = await model.inferCodes(test.images)
      // Q's reading as the representation: the most probable category, then the continuous means.
      const n = codes.count
      const latents = new Float32Array(n * INFO_DIMS)
      for (let i = 0; i < n; i++) {
        latents[i * INFO_DIMS] = codes.categorical[i] as number
        latents.set(
          codes.continuous.subarray(i * INFO.continuous, (i + 1) * INFO.continuous),
          i * INFO_DIMS + 1,
        )
      }
      const result = mutualInformationGap(latents, INFO_DIMS, labels)
      runs.push({
        model: 'infogan',
        beta: 0,
        seed,
        mig: result.mig,
        gaps: result.factors.map((f) => f.gap),
        seconds,
        kindAccuracy: clusteringAccuracy(codes.categorical, kinds),
      })
    } finally {
      model.dispose()
    }
  }
  return runs
}

/**
 * The part's pieces, each runnable in a Node process of its own (scripts/bench.mjs runs them side by
 * side with other model-quality parts); {@link disentanglementReport} puts their runs together.
 */
export const DISENTANGLEMENT_PIECES = { vae: vaeRuns, infogan: infoganRuns }

/** Runs the disentanglement part's pieces one after the other, in this process. */
export async function runDisentanglementBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  await pickNodeBackend()
  return disentanglementReport(options.quick, {
    vae: await vaeRuns(options.quick),
    infogan: await infoganRuns(options.quick),
  })
}

/** The part's figures and section of bench/report.md from its pieces' runs. */
export async function disentanglementReport(
  quick: boolean,
  pieces: { readonly vae: readonly Run[]; readonly infogan: readonly Run[] },
): Promise<{ json: object; markdown: string[] }> {
  const backend = await pickNodeBackend()
  const { count, epochs, seeds, ganCount, ganEpochs, test } = setup(quick)
  const runs = [...pieces.vae, ...pieces.infogan]
  const groups = [
    { name: 'VAE', own: runs.filter((run) => run.model === 'vae' && run.beta === 1) },
    { name: 'β-VAE, β = 4', own: runs.filter((run) => run.model === 'vae' && run.beta === 4) },
    { name: 'InfoGAN', own: runs.filter((run) => run.model === 'infogan') },
  ]
  const rows = groups.map(({ name, own }) => {
    const migs = own.map((run) => run.mig)
    const accuracies = own.flatMap((run) =>
      run.kindAccuracy === undefined ? [] : [run.kindAccuracy],
    )
    return {
      name,
      mig: mean(migs),
      low: Math.min(...migs),
      high: Math.max(...migs),
      gaps: FACTORS.map((_, k) => mean(own.map((run) => run.gaps[k] as number))),
      seconds: mean(own.map((run) => run.seconds)),
      ...(accuracies.length > 0
        ? {
            kindAccuracy: mean(accuracies),
            kindLow: Math.min(...accuracies),
            kindHigh: Math.max(...accuracies),
          }
        : {}),
    }
  })
  const infogan = rows[2]
  const markdown = [
    `## Disentanglement on the sprites: mutual information gap (${backend} in Node)`,
    '',
    `VAE 784-256-${LATENT} (Bernoulli decoder, Adam 0.001, batch 64, ${epochs} epochs) on ${count} 28×28 sprites (seed 1); MIG of the posterior means of ${test.images.shape[0]} other sprites (seed 99) against their factors: kind (4 values) and scale, rotation, x, y in ${FACTOR_BINS} equal bins each; latents in 20 equal bins (the paper's estimator). InfoGAN: DCGAN-style (16 filters, noise 32 of which the codes take 8: a ${SPRITE_KINDS.length}-way code and ${INFO.continuous} continuous ones, λ = ${INFO.weight}), ${ganEpochs} epochs (batch 64, the conv defaults' Adam rates) on ${ganCount} sprites (seed 1); its representation is Q's reading of the same held-out sprites (most probable category, then the continuous means). Mean over seeds ${seeds.join(', ')} with the range; per-factor gaps are means.`,
    '',
    `| model | MIG | range | ${FACTORS.join(' | ')} | seconds to train |`,
    `|---|---|---|${FACTORS.map(() => '---').join('|')}|---|`,
    ...rows.map(
      (row) =>
        `| ${row.name} | ${fixed(row.mig)} | ${fixed(row.low)}–${fixed(row.high)} | ${row.gaps.map((g) => fixed(g)).join(' | ')} | ${fixed(row.seconds, 1)} |`,
    ),
    '',
    `InfoGAN's categorical code against the shape kind, accuracy after Hungarian matching of its ${SPRITE_KINDS.length} values to the ${SPRITE_KINDS.length} kinds (chance ≈ ${fixed(1 / SPRITE_KINDS.length, 2)}): ${fixed(infogan?.kindAccuracy ?? NaN)} (range ${fixed(infogan?.kindLow ?? NaN)}–${fixed(infogan?.kindHigh ?? NaN)}).`,
  ]
  return {
    json: {
      backend,
      count,
      epochs,
      ganCount,
      ganEpochs,
      info: INFO,
      seeds,
      factorBins: FACTOR_BINS,
      runs,
      rows,
    },
    markdown,
  }
}
