/**
 * The disentanglement part of `npm run bench`: the mutual information gap (Chen et al. 2018) of a
 * VAE and a β-VAE (β = 4) trained on the 28×28 sprites, against the sprites' known factors (kind,
 * scale, rotation, x, y), mean over seeds with the spread.
 */
import { VAE } from '../src/core/vae/engine/vae'
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

interface Run {
  readonly beta: number
  readonly seed: number
  readonly mig: number
  readonly gaps: readonly number[]
  readonly seconds: number
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length
const fixed = (value: number, digits = 3) => value.toFixed(digits)

export async function runDisentanglementBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  const backend = await pickNodeBackend()
  const count = options.quick ? 500 : 4000
  const epochs = options.quick ? 3 : 60
  const seeds = options.quick ? [1] : [1, 2, 3]
  const train = generateSprites({ count, size: 28, seed: 1 })
  const test = generateSprites({ count: options.quick ? 200 : 2000, size: 28, seed: 99 })
  const labels = factorLabels(test.factors)
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
        runs.push({ beta, seed, mig: result.mig, gaps: result.factors.map((f) => f.gap), seconds })
      } finally {
        model.dispose()
      }
    }
  }
  const rows = [1, 4].map((beta) => {
    const own = runs.filter((run) => run.beta === beta)
    const migs = own.map((run) => run.mig)
    return {
      beta,
      mig: mean(migs),
      low: Math.min(...migs),
      high: Math.max(...migs),
      gaps: FACTORS.map((_, k) => mean(own.map((run) => run.gaps[k] as number))),
      seconds: mean(own.map((run) => run.seconds)),
    }
  })
  const markdown = [
    `## Disentanglement on the sprites: mutual information gap (${backend} in Node)`,
    '',
    `VAE 784-256-${LATENT} (Bernoulli decoder, Adam 0.001, batch 64, ${epochs} epochs) on ${count} 28×28 sprites (seed 1); MIG of the posterior means of ${test.images.shape[0]} other sprites (seed 99) against their factors: kind (4 values) and scale, rotation, x, y in ${FACTOR_BINS} equal bins each; latents in 20 equal bins (the paper's estimator). Mean over seeds ${seeds.join(', ')} with the range; per-factor gaps are means. InfoGAN's row is missing: InfoGAN is not built yet.`,
    '',
    `| model | MIG | range | ${FACTORS.join(' | ')} | seconds to train |`,
    `|---|---|---|${FACTORS.map(() => '---').join('|')}|---|`,
    ...rows.map(
      (row) =>
        `| ${row.beta === 1 ? 'VAE' : `β-VAE, β = ${row.beta}`} | ${fixed(row.mig)} | ${fixed(row.low)}–${fixed(row.high)} | ${row.gaps.map((g) => fixed(g)).join(' | ')} | ${fixed(row.seconds, 1)} |`,
    ),
  ]
  return { json: { backend, count, epochs, seeds, factorBins: FACTOR_BINS, runs, rows }, markdown }
}
