/**
 * The density half of the RBM part of `npm run bench`: the held-out log-likelihood of a trained RBM
 * of the digits by annealed importance sampling, beside the negative ELBO of a VAE trained on the same
 * training rows and evaluated on the same test rows — both in nats per image.
 */
import type { ImageBatch } from '../src/core/dataset'
import type { RBM } from '../src/core/rbm/engine/rbm'
import { VAE } from '../src/core/vae/engine/vae'
import { trainToCheckpoints } from './benchHelpers'

/** The RBM's AIS estimate. */
export interface AISResult {
  readonly runs: number
  readonly steps: number
  readonly seconds: number
  /** Mean log-likelihood of the test rows (nats per image). */
  readonly testLogLikelihood: number
  /** Mean log-likelihood of the training rows with the same log Z. */
  readonly trainLogLikelihood: number
  readonly logZ: number
  readonly logZStandardError: number
  /** The test log-likelihood at `log(Ẑ ∓ 3σ̂)`: [from the upper log Z, from the lower]. */
  readonly testRange: readonly [number, number]
}

/** The VAE's negative ELBO after some epochs. */
export interface ELBOPoint {
  readonly epochs: number
  /** Training seconds so far. */
  readonly seconds: number
  /** Negative ELBO per image (nats): test rows, and training rows. */
  readonly test: number
  readonly train: number
  readonly reconstruction: number
  readonly kl: number
  /** The importance-weighted bound on the test rows at the last checkpoint, by samples per image. */
  readonly iwae?: readonly IWAEPoint[]
}

/** The VAE's importance-weighted bound with `samples` draws per image. */
export interface IWAEPoint {
  readonly samples: number
  /** Mean bound on the test rows (nats per image) and its standard error over the rows. */
  readonly test: number
  readonly standardError: number
  readonly seconds: number
}

/** Samples per image of the importance-weighted bounds (1 is the ELBO). */
export const IWAE_SAMPLES = [1, 50, 500] as const

/** The VAE compared: the library's defaults for 8×8 images, stated in the report. */
export const VAE_CONFIG = { latentDim: 8, hiddenUnits: [128], batchSize: 64, learningRate: 1e-3 }

const mean = (values: ArrayLike<number>): number => {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i] as number
  return sum / values.length
}

/** log-likelihood of `test` by AIS (`runs` × `steps`), and of `train` with the same log Z. */
export async function aisLogLikelihood(
  model: RBM,
  train: ImageBatch,
  test: ImageBatch,
  runs: number,
  steps: number,
): Promise<AISResult> {
  const started = performance.now()
  const estimate = await model.logLikelihood(test, { runs, steps, seed: 1 })
  const seconds = (performance.now() - started) / 1000
  const testEnergy = estimate.meanLogLikelihood + estimate.logZ
  const trainEnergy = -mean(await model.freeEnergy(train))
  return {
    runs,
    steps,
    seconds,
    testLogLikelihood: estimate.meanLogLikelihood,
    trainLogLikelihood: trainEnergy - estimate.logZ,
    logZ: estimate.logZ,
    logZStandardError: estimate.logZStandardError,
    testRange: [testEnergy - estimate.logZRange[1], testEnergy - estimate.logZRange[0]],
  }
}

/** A VAE (defaults for the digits, seed 1) trained on `train`, evaluated at each checkpoint. */
export async function vaeELBO(
  train: ImageBatch,
  test: ImageBatch,
  checkpoints: readonly number[],
): Promise<ELBOPoint[]> {
  const model = new VAE({
    latentDim: VAE_CONFIG.latentDim,
    hiddenUnits: VAE_CONFIG.hiddenUnits,
    seed: 1,
  })
  try {
    return await trainToCheckpoints(
      (epochs) =>
        model.fit(train, {
          epochs,
          batchSize: VAE_CONFIG.batchSize,
          learningRate: VAE_CONFIG.learningRate,
        }),
      checkpoints,
      async ({ epochs, seconds, last }) => {
        const onTest = await model.evaluate(test, 0)
        const onTrain = await model.evaluate(train, 0)
        const iwae: IWAEPoint[] = []
        if (last) {
          for (const samples of IWAE_SAMPLES) {
            const started = performance.now()
            const bound = await model.logLikelihood(test, { samples, seed: 1 })
            iwae.push({
              samples,
              test: bound.meanLogLikelihood,
              standardError: bound.standardError,
              seconds: (performance.now() - started) / 1000,
            })
          }
        }
        return {
          epochs,
          seconds,
          test: onTest.loss,
          train: onTrain.loss,
          reconstruction: onTest.reconstruction,
          kl: onTest.kl,
          ...(iwae.length > 0 ? { iwae } : {}),
        }
      },
    )
  } finally {
    model.dispose()
  }
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits)

/** The markdown of the density comparison. */
export function densityMarkdown(
  ais: AISResult,
  elbo: readonly ELBOPoint[],
  testRows: number,
): string[] {
  return [
    `### Held-out log-likelihood: RBM (AIS) beside a VAE (negative ELBO), ${testRows} test digits`,
    '',
    `RBM: the seed-0 RBM above; log Z by annealed importance sampling, ${ais.runs} runs × ${ais.steps} ` +
      `intermediate distributions from a base-rate model, ${fixed(ais.seconds, 1)} s. VAE: latentkit's ` +
      `defaults for 8×8 images (latent ${VAE_CONFIG.latentDim}, hidden ${VAE_CONFIG.hiddenUnits.join('-')}, ` +
      `Bernoulli likelihood, Adam ${VAE_CONFIG.learningRate}, batch ${VAE_CONFIG.batchSize}, seed 1) ` +
      'trained on the same training rows; its loss is the negative ELBO (one noise draw per image), ' +
      'a bound: its log-likelihood is higher by the unknown gap. Both models read grey values as ' +
      'Bernoulli probabilities, so neither figure is a normalised density over [0, 1]; they are ' +
      'comparable with each other, not with figures for binarised digits.',
    '',
    '| model | trained for | test log-likelihood (nats / image) | training rows | spread |',
    '|---|---|---|---|---|',
    `| RBM, 100 hidden (AIS) | 10 epochs | ${fixed(ais.testLogLikelihood)} | ${fixed(ais.trainLogLikelihood)} | ` +
      `log Z ${fixed(ais.logZ)} ± ${fixed(ais.logZStandardError, 3)} (s.e.); log(Ẑ ∓ 3σ̂) gives ` +
      `[${fixed(ais.testRange[0])}, ${fixed(ais.testRange[1])}] |`,
    ...elbo.map(
      (p) =>
        `| VAE, ELBO (a lower bound) | ${p.epochs} epochs, ${fixed(p.seconds, 1)} s | ≥ ${fixed(-p.test)} | ≥ ${fixed(-p.train)} | ` +
        `reconstruction ${fixed(p.reconstruction)} + KL ${fixed(p.kl)} |`,
    ),
    ...elbo.flatMap((p) =>
      (p.iwae ?? []).map(
        (bound) =>
          `| VAE, ${bound.samples === 1 ? 'ELBO sampled (IWAE k = 1)' : `IWAE k = ${bound.samples}`} | ${p.epochs} epochs | ≥ ${fixed(bound.test)} | | ` +
          `± ${fixed(bound.standardError)} (s.e. over the test rows), ${fixed(bound.seconds, 1)} s |`,
      ),
    ),
    '',
    'IWAE: `logLikelihood(images, { samples: k })`, the importance-weighted bound (Burda et al. ' +
      '2016) with k draws from the encoder per image; k = 1 is the ELBO with the KL sampled ' +
      'instead of in closed form. Every IWAE row is a lower bound on the same log p(x); a larger k ' +
      'can only tighten it (in expectation).',
    '',
  ]
}
