/**
 * Autoregressive part of `npm run bench` (Node): MADE on the binarised digits (≥ 0.5 → 1) — exact
 * held-out nats per image beside independent pixels and a VAE's negative ELBO on the same binarised
 * rows (the RBM part's seeded split: 1,440 training, 357 held-out digits), and the Helmholtz
 * machine's importance-sampled estimate (wake-sleep, the VAE's layer sizes) — with MADE's training
 * throughput and its sampling time per image (sequential: one pass per pixel).
 */
import type { ImageBatch } from '../src/core/dataset'
import { MADE } from '../src/core/autoregressive/engine/made'
import type { AutoregressiveModelOptions } from '../src/core/autoregressive/autoregressiveOptions'
import { loadDigits } from '../src/data/digits'
import { generateSprites } from '../src/data/sprites'
import { digitsSplit, fitDigitsRBM } from './rbmBench'
import { aisLogLikelihood, vaeELBO, VAE_CONFIG, type ELBOPoint } from './rbmDensity'
import { helmholtzBounds, HELMHOLTZ_CONFIG, type HelmholtzPoint } from './helmholtzDensity'
import { pickNodeBackend } from './sklearnScript'
import { trainToCheckpoints } from './benchHelpers'

const SIZE = 64
const TRAIN = { batchSize: 32, learningRate: 0.003 }

/** `rows` of `images`, binarised at 0.5. */
function binarised(images: ImageBatch, rows: Int32Array): ImageBatch {
  const data = new Float32Array(rows.length * SIZE)
  rows.forEach((row, i) => {
    for (let p = 0; p < SIZE; p++) {
      data[i * SIZE + p] = (images.data[row * SIZE + p] as number) >= 0.5 ? 1 : 0
    }
  })
  return { data, shape: [rows.length, 8, 8, 1] }
}

/** Held-out nats per image of independent Bernoulli pixels fitted on `train` (add-one smoothing). */
export function independentPixelsNats(train: ImageBatch, test: ImageBatch): number {
  const size = train.data.length / train.shape[0]
  const on = new Float64Array(size)
  const n = train.shape[0]
  for (let i = 0; i < train.data.length; i++)
    on[i % size] = (on[i % size] as number) + (train.data[i] as number)
  let total = 0
  for (let i = 0; i < test.data.length; i++) {
    const q = ((on[i % size] as number) + 1) / (n + 2)
    total -= Math.log((test.data[i] as number) === 1 ? q : 1 - q)
  }
  return total / test.shape[0]
}

/** `batch` binarised at 0.5. */
const threshold = (batch: ImageBatch): ImageBatch => ({
  data: batch.data.map((v) => (v >= 0.5 ? 1 : 0)),
  shape: batch.shape,
})

/** MADE on binarised 28×28 sprites (2,000 training, 500 held-out, other seeds) beside independent pixels. */
async function spritesRun(quick: boolean) {
  const train = threshold(generateSprites({ count: quick ? 500 : 2000, seed: 1 }).images)
  const test = threshold(generateSprites({ count: quick ? 100 : 500, seed: 2 }).images)
  const epochs = quick ? 2 : 20
  const hiddenUnits = [512]
  const { run, model } = await madeRun(
    `MADE 784-512-784, natural order`,
    { hiddenUnits },
    1,
    train,
    test,
    [epochs],
  )
  const started = performance.now()
  await model.sample(1, { seed: 1 })
  const oneImageMs = performance.now() - started
  model.dispose()
  return {
    trainRows: train.shape[0],
    testRows: test.shape[0],
    run,
    independentPixels: independentPixelsNats(train, test),
    oneImageMs,
  }
}

/** One MADE run: held-out and training nats at each checkpoint. */
interface MADERun {
  readonly name: string
  readonly options: AutoregressiveModelOptions
  readonly seed: number
  readonly points: readonly {
    readonly epochs: number
    readonly test: number
    readonly train: number
    readonly seconds: number
  }[]
  /** Training images per second over the run (TF.js operations). */
  readonly samplesPerSecond: number
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / values.length
const spread = (values: readonly number[]): number =>
  values.length < 2 ? 0 : Math.max(...values) - Math.min(...values)

async function madeRun(
  name: string,
  options: AutoregressiveModelOptions,
  seed: number,
  train: ImageBatch,
  test: ImageBatch,
  checkpoints: readonly number[],
): Promise<{ run: MADERun; model: MADE }> {
  const model = new MADE({ ...options, seed })
  const points = await trainToCheckpoints(
    (epochs) => model.fit(train, { ...TRAIN, epochs }),
    checkpoints,
    async ({ epochs, seconds }) => {
      const onTest = await model.logLikelihood(test)
      const onTrain = await model.logLikelihood(train)
      return {
        epochs,
        test: -onTest.meanLogLikelihood,
        train: -onTrain.meanLogLikelihood,
        seconds,
      }
    },
  )
  const last = points.at(-1)!
  const samplesPerSecond = (train.shape[0] * last.epochs) / last.seconds
  return { run: { name, options, seed, points, samplesPerSecond }, model }
}

/** Milliseconds per image of `sample(n)`, median of `repeats` calls. */
async function samplingMs(model: MADE, n: number, repeats: number): Promise<number> {
  const times: number[] = []
  for (let r = 0; r < repeats; r++) {
    const started = performance.now()
    await model.sample(n, { seed: r + 1 })
    times.push((performance.now() - started) / n)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] as number
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits)

/** MADE's configurations: one in a quick run, four in a full one. */
function madeConfigs(quick: boolean): readonly (readonly [string, AutoregressiveModelOptions])[] {
  return [
    ['MADE 64-256-64, natural order', { hiddenUnits: [256] }],
    ...(quick
      ? []
      : ([
          ['MADE 64-256-64, random order', { hiddenUnits: [256], ordering: 'random' }],
          ['MADE 64-256-256-64, natural order', { hiddenUnits: [256, 256] }],
          ['no hidden layer (FVSBN), natural order', { hiddenUnits: [] }],
        ] as const)),
  ]
}

/** The binarised digits of the RBM part's split. */
function digitsData() {
  const { images } = loadDigits()
  const split = digitsSplit(images.shape[0])
  return { split, train: binarised(images, split.train), test: binarised(images, split.test) }
}

/** MADE at every configuration and seed, and its sampling time (the first configuration). */
async function madePiece(quick: boolean) {
  const { train, test } = digitsData()
  const checkpoints = quick ? [5] : [10, 25, 50]
  const seeds = quick ? [1] : [1, 2, 3]
  // Warm-up: the first fit pays for the backend's first kernels.
  {
    const warm = new MADE({ hiddenUnits: [256] })
    await warm.fit(train, { ...TRAIN, epochs: 1 })
    warm.dispose()
  }
  const runs: MADERun[] = []
  let sampling: { one: number; batch: number; batchSize: number } | undefined
  for (const [name, config] of madeConfigs(quick)) {
    for (const seed of seeds) {
      const { run, model } = await madeRun(name, config, seed, train, test, checkpoints)
      runs.push(run)
      if (!sampling) {
        const batchSize = 100
        sampling = {
          one: await samplingMs(model, 1, quick ? 3 : 9),
          batch: await samplingMs(model, batchSize, quick ? 1 : 3),
          batchSize,
        }
      }
      model.dispose()
    }
  }
  return { seeds, runs, sampling: sampling! }
}

/** The other models' bounds and estimates on the same rows: the VAE, the Helmholtz machine, the RBM. */
async function densityPiece(quick: boolean) {
  const { train, test } = digitsData()
  const vaeCheckpoints = quick ? [20] : [50, 200]
  const vae: ELBOPoint[] = await vaeELBO(train, test, vaeCheckpoints)
  // The Helmholtz machine with the VAE's layer sizes, trained by wake-sleep for as many epochs.
  const helmholtz: HelmholtzPoint[] = await helmholtzBounds(train, test, vaeCheckpoints)
  // The RBM part's RBM (100 hidden, PCD-1, scikit-learn's settings, seed 0) on the same binarised rows.
  const rbm = await fitDigitsRBM(train, 0)
  const aisSize = quick ? { runs: 20, steps: 500 } : { runs: 100, steps: 10000 }
  const ais = await aisLogLikelihood(rbm.model, train, test, aisSize.runs, aisSize.steps)
  rbm.model.dispose()
  return { vae, helmholtz, ais, rbmSeconds: rbm.seconds }
}

/**
 * The part's pieces, each runnable in a Node process of its own (scripts/bench.mjs runs them side by
 * side with other model-quality parts); {@link autoregressiveReport} puts their values together.
 */
export const AUTOREGRESSIVE_PIECES = {
  made: madePiece,
  density: densityPiece,
  sprites: spritesRun,
}

/** What each piece of {@link AUTOREGRESSIVE_PIECES} resolved with. */
export interface AutoregressivePieces {
  readonly made: Awaited<ReturnType<typeof madePiece>>
  readonly density: Awaited<ReturnType<typeof densityPiece>>
  readonly sprites: Awaited<ReturnType<typeof spritesRun>>
}

/** Runs the autoregressive part's pieces one after the other, in this process. */
export async function runAutoregressiveBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  const { quick } = options
  await pickNodeBackend()
  return autoregressiveReport(quick, {
    made: await madePiece(quick),
    density: await densityPiece(quick),
    sprites: await spritesRun(quick),
  })
}

/** The part's figures and section of bench/report.md from its pieces' values. */
export async function autoregressiveReport(
  quick: boolean,
  pieces: AutoregressivePieces,
): Promise<{ json: object; markdown: string[] }> {
  const backend = await pickNodeBackend()
  const { split, train, test } = digitsData()
  const independent = independentPixelsNats(train, test)
  const configs = madeConfigs(quick)
  const { seeds, runs, sampling } = pieces.made
  const { vae, helmholtz, ais, rbmSeconds } = pieces.density
  const { sprites } = pieces
  const spritesLast = sprites.run.points.at(-1)!
  const last = (run: MADERun) => run.points.at(-1)!
  const byConfig = configs.map(([name]) => {
    const own = runs.filter((r) => r.name === name)
    const tests = own.map((r) => last(r).test)
    return {
      name,
      test: mean(tests),
      testSpread: spread(tests),
      train: mean(own.map((r) => last(r).train)),
      samplesPerSecond: mean(own.map((r) => r.samplesPerSecond)),
      epochs: last(own[0]!).epochs,
    }
  })
  const madeMain = runs.filter((r) => r.name === configs[0]![0])
  const s = sampling
  const markdown = [
    `## Autoregressive model (MADE) on the binarised digits (${split.train.length} training, ${split.test.length} held-out; ≥ 0.5 → 1; ${backend} in Node)`,
    '',
    `Exact held-out negative log-likelihood in nats per image (lower is better), mean over seeds ${seeds.join(', ')} with the spread (max − min); Adam, batch ${TRAIN.batchSize}, learning rate ${TRAIN.learningRate}. The VAE (${VAE_CONFIG.hiddenUnits.join('-')} hidden, ${VAE_CONFIG.latentDim} latents, Bernoulli decoder, seed 1) trained on the same binarised rows: its negative ELBO and negative IWAE bounds (k samples per image, same held-out rows) are upper bounds on its NLL, tighter as k grows. The Helmholtz machine (${HELMHOLTZ_CONFIG.layers.join('-')} stochastic binary units, wake-sleep, batch ${HELMHOLTZ_CONFIG.batchSize}, learning rate ${HELMHOLTZ_CONFIG.learningRate}, seed 1) trained on the same rows: its importance-sampled estimates with K samples from the recognition network (K = 1: its negative ELBO) are upper bounds on its NLL in expectation, likewise. The RBM's figure is an estimate (AIS), not a bound: its range comes from log Z ± 3 standard errors.`,
    '',
    '| model | epochs | held-out nats | spread | training nats | training images/s |',
    '|---|---:|---:|---:|---:|---:|',
    ...byConfig.map(
      (c) =>
        `| ${c.name} | ${c.epochs} | ${fixed(c.test)} | ${fixed(c.testSpread)} | ${fixed(c.train)} | ${fixed(c.samplesPerSecond, 0)} |`,
    ),
    `| independent pixels (add-one smoothing) | — | ${fixed(independent)} | — | — | — |`,
    ...vae.map(
      (p) =>
        `| VAE, negative ELBO (bound) | ${p.epochs} | ${fixed(p.test)} | — | ${fixed(p.train)} | ${fixed((train.shape[0] * p.epochs) / p.seconds, 0)} |`,
    ),
    ...vae.flatMap((p) =>
      (p.iwae ?? []).map(
        (bound) =>
          `| VAE, negative IWAE bound, k = ${bound.samples} | ${p.epochs} | ${fixed(-bound.test)} | ± ${fixed(bound.standardError)} s.e. | — | — |`,
      ),
    ),
    ...helmholtz.map(
      (p) =>
        `| Helmholtz machine (wake-sleep), negative ELBO (bound) | ${p.epochs} | ${fixed(p.test)} | — | ${fixed(p.train)} | ${fixed((train.shape[0] * p.epochs) / p.seconds, 0)} |`,
    ),
    ...helmholtz.flatMap((p) =>
      (p.bounds ?? []).map(
        (bound) =>
          `| Helmholtz machine (wake-sleep), negative importance-sampled bound, K = ${bound.samples} | ${p.epochs} | ${fixed(-bound.test)} | ± ${fixed(bound.standardError)} s.e. | — | — |`,
      ),
    ),
    `| RBM, 100 hidden, PCD-1 (AIS estimate, ${ais.runs} runs × ${ais.steps}) | 10 | ${fixed(-ais.testLogLikelihood)} | [${fixed(-ais.testRange[1])}, ${fixed(-ais.testRange[0])}] from log Z ± 3σ̂ | ${fixed(-ais.trainLogLikelihood)} | — |`,
    '',
    `Held-out nats of ${configs[0]![0]} by epoch (seed ${seeds[0]}): ${madeMain[0]!.points.map((p) => `${p.epochs}: ${fixed(p.test)}`).join(', ')}.`,
    '',
    `Sampling is sequential, one step per pixel (64 per digit; the first layer updated one pixel at a time): ${fixed(s.one, 1)} ms for one image alone, ${fixed(s.batch, 2)} ms per image in batches of ${s.batchSize} (median; ${configs[0]![0]}).`,
    '',
    `Binarised 28×28 sprites (${sprites.trainRows} training, ${sprites.testRows} held-out, generated with other seeds; seed 1): ${sprites.run.name}, ${spritesLast.epochs} epochs, ${fixed(spritesLast.test)} held-out nats per image (training ${fixed(spritesLast.train)}) against ${fixed(sprites.independentPixels)} for independent pixels; ${fixed(sprites.run.samplesPerSecond, 0)} training images/s; one image drawn in ${fixed(sprites.oneImageMs, 0)} ms (784 steps).`,
  ]
  return {
    json: {
      backend,
      trainRows: split.train.length,
      testRows: split.test.length,
      train: TRAIN,
      seeds,
      independentPixels: independent,
      made: byConfig,
      runs,
      vae,
      helmholtz: { config: HELMHOLTZ_CONFIG, points: helmholtz },
      rbm: { ...ais, trainingSeconds: rbmSeconds },
      sprites,
      sampling: {
        msPerImageAlone: s.one,
        msPerImageInBatch: s.batch,
        batchSize: s.batchSize,
      },
    },
    markdown,
  }
}
