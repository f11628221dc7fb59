/**
 * The shipped presets (src/presets/files, made by `npm run train-presets`): every catalog entry's
 * file is there, weighs at most 200 KB gzipped, reads as a model of its family, restores into its
 * engine model and computes finite outputs without leaking tensors; and the files are reproducible:
 * the digits VAE's and the RBM's recipes trained again give the committed bytes.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import type { ImageBatch } from '../../src/core/dataset'
import { readModelFile } from '../../src/core/family/modelFile'
import type { ModelSnapshot } from '../../src/core/family/modelSnapshot'
import { DEC } from '../../src/core/dec/engine/dec'
import { GAN } from '../../src/core/gan/engine/gan'
import { HelmholtzMachine } from '../../src/core/helmholtz/engine/helmholtz'
import { KMeans } from '../../src/core/kmeans/engine/kmeans'
import { RBM } from '../../src/core/rbm/engine/rbm'
import { MADE } from '../../src/core/autoregressive/engine/made'
import { SemanticHashing } from '../../src/core/hashing/engine/semanticHashing'
import { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import { Pretext } from '../../src/core/pretext/engine/pretext'
import { loadDigits } from '../../src/data/digits'
import { adjustedRandIndex, clusteringAccuracy } from '../../src/core/kmeans/clusterAgreement'
import { SparseCoding } from '../../src/core/sparse/engine/sparseCoding'
import { VAE } from '../../src/core/vae/engine/vae'
import { PRESETS, type PresetInfo } from '../../src/presets/presetCatalog'
import { digitsData } from '../../scripts/presets/presetData'
import { RECIPES } from '../../scripts/presets/recipes'
import { trainPreset } from '../../scripts/presets/trainPreset'
import { switchBackend } from './setupBackend'

const FILES = join('src', 'presets', 'files')
const GZIP_LIMIT = 200 * 1024

const fileBytes = (preset: PresetInfo): Uint8Array<ArrayBuffer> =>
  new Uint8Array(readFileSync(join(FILES, preset.file)))

const allFinite = (values: ArrayLike<number>): boolean =>
  Array.from(values).every((value) => Number.isFinite(value))

/** Two images of `shape` with values spread over [0, 1]. */
function probe(shape: readonly [number, number, number]): ImageBatch {
  const size = shape[0] * shape[1] * shape[2]
  const data = Float32Array.from({ length: 2 * size }, (_, i) => ((i * 7) % 11) / 10)
  return { data, shape: [2, ...shape] }
}

/** What each family's story draws from a preset, all of it finite. */
const OUTPUTS: Record<string, (snapshot: ModelSnapshot) => Promise<ArrayLike<number>[]>> = {
  async kmeans(snapshot) {
    const model = new KMeans(snapshot.modelOptions)
    model.restore(snapshot)
    if ((snapshot.modelOptions as { patchSize?: number }).patchSize === undefined) {
      // A whole-digit model (the playground's stories): its clusters of the digits follow the
      // classes it never saw (adjusted Rand index above 0.35; the recipes measure 0.44–0.63).
      const { images, labels } = loadDigits()
      const { labels: clusters, distances } = await model.assign(images)
      expect(adjustedRandIndex(clusters, labels)).toBeGreaterThan(0.35)
      const out = [model.centroidImages().data, distances]
      model.dispose()
      return out
    }
    const out = [
      model.centroidImages().data,
      (await model.features(probe(snapshot.imageShape))).data,
    ]
    model.dispose()
    return out
  },
  async vae(snapshot) {
    const model = new VAE(snapshot.modelOptions)
    model.restore(snapshot)
    const out = [
      (await model.sample(4, { seed: 1 })).data,
      (await model.reconstruct(probe(snapshot.imageShape))).data,
    ]
    model.dispose()
    return out
  },
  async gan(snapshot) {
    const model = new GAN(snapshot.modelOptions)
    model.restore(snapshot)
    const samples = await model.sample(4, { seed: 1 })
    const out: ArrayLike<number>[] = [samples.data]
    // An InfoGAN preset: Q reads codes back, and generating from codes works.
    if (model.resolvedOptions?.info) {
      out.push((await model.inferCodes(samples)).probabilities)
      out.push((await model.generateWithCodes([{ categorical: [1] }], { seed: 1 })).data)
    }
    model.dispose()
    return out
  },
  async sparse(snapshot) {
    const model = new SparseCoding(snapshot.modelOptions)
    model.restore(snapshot)
    const { atoms, usage } = model.dictionary()
    // The story sorts atoms by usage: the preset keeps it.
    expect(usage.some((u) => u > 0)).toBe(true)
    const out = [atoms.data, (await model.reconstruct(probe(snapshot.imageShape))).data]
    model.dispose()
    return out
  },
  async autoencoder(snapshot) {
    const model = new Autoencoder(snapshot.modelOptions)
    model.restore(snapshot)
    if (snapshot.imageShape[0] === 8) {
      // The digits stories' view (stacked, ReconstructionGrid): held-out digits reconstructed
      // closely (pixels in [0, 1]); the 4-value linear code keeps less.
      const linear = (snapshot.modelOptions as { kind?: string }).kind === 'linear'
      const digits = loadDigits().images
      const heldOut = { data: digits.data.slice(-16 * 64), shape: [16, 8, 8, 1] as const }
      const { meanSquaredError } = await model.evaluate(heldOut)
      expect(meanSquaredError).toBeLessThan(linear ? 0.05 : 0.02)
      const out = [(await model.reconstruct(heldOut)).data, (await model.encode(heldOut)).data]
      model.dispose()
      return out
    }
    const scores = await model.anomaly.score(probe(snapshot.imageShape))
    // The story shows the calibrated threshold at once: the preset must carry it.
    expect(scores.threshold).toBeGreaterThan(0)
    const out = [scores.scores, scores.maps.data, [scores.threshold ?? NaN]]
    model.dispose()
    return out
  },
  async autoregressive(snapshot) {
    const model = new MADE(snapshot.modelOptions)
    model.restore(snapshot)
    const { logLikelihoods } = await model.logLikelihood(loadDigits({ limit: 8 }).images)
    // Trained: digits score far above independent fair coins (64 · log ½ ≈ −44 nats per digit).
    for (const value of logLikelihoods) expect(value).toBeGreaterThan(-40)
    const out = [logLikelihoods, (await model.sample(2, { seed: 1 })).data]
    model.dispose()
    return out
  },
  async contrastive(snapshot) {
    const model = new Contrastive(snapshot.modelOptions)
    model.restore(snapshot)
    const features = await model.encode(probe(snapshot.imageShape))
    const pairs = model.augmentPairs(loadDigits({ limit: 4 }).images, 2, 1)
    const out = [features.data, pairs.first.data, pairs.second.data]
    model.dispose()
    return out
  },
  async pretext(snapshot) {
    const model = new Pretext(snapshot.modelOptions)
    model.restore(snapshot)
    const features = await model.encode(probe(snapshot.imageShape))
    // The story's view: examples of the digits and the model's guesses, most of them right.
    const examples = model.makeTask(loadDigits({ limit: 200 }).images, 200, 1)
    const prediction = await model.predict(examples.inputs)
    const right = prediction.classes.filter((c, i) => c === examples.targets[i]).length
    // Relative position tells 8 neighbours apart (chance 0.125; its recipe measures 0.54 held out).
    const task = (snapshot.modelOptions as { task?: string }).task
    expect(right / 200).toBeGreaterThan(task === 'relativePosition' ? 0.4 : 0.6)
    const out = [features.data, examples.inputs.data, prediction.probabilities]
    model.dispose()
    return out
  },
  async hashing(snapshot) {
    const model = new SemanticHashing(snapshot.modelOptions)
    model.restore(snapshot)
    const { codes, bits } = await model.hash(loadDigits({ limit: 8 }).images)
    // The story's 16-bit model or its EightBits one: the file's codes have the bits it records.
    expect(bits).toBe((snapshot.modelOptions as { bits?: number }).bits)
    expect([8, 16]).toContain(bits)
    // Trained codes differ between digits: not all eight the same word.
    expect(new Set(codes).size).toBeGreaterThan(1)
    const out = [Float32Array.from(codes)]
    model.dispose()
    return out
  },
  async dec(snapshot) {
    const model = new DEC(snapshot.modelOptions)
    model.restore(snapshot)
    // The story's view at mount: the digits in clusters that match the classes well (labels are
    // evaluation only), and the embedding the map projects.
    expect(model.phase).toBe('refine')
    const { images, labels } = loadDigits()
    const assignment = await model.assign(images)
    expect(clusteringAccuracy(assignment.labels, labels)).toBeGreaterThan(0.8)
    const out = [assignment.confidence, (await model.encode(images)).data]
    model.dispose()
    return out
  },
  async helmholtz(snapshot) {
    const model = new HelmholtzMachine(snapshot.modelOptions)
    model.restore(snapshot)
    // Trained: held-out digits score far above independent fair coins (64 · log ½ ≈ −44 nats).
    const digits = loadDigits().images
    const heldOut = { data: digits.data.slice(-32 * 64), shape: [32, 8, 8, 1] as const }
    const { meanLogLikelihood, logLikelihoods } = await model.logLikelihood(heldOut, {
      samples: 10,
      seed: 1,
    })
    expect(meanLogLikelihood).toBeGreaterThan(-35)
    const out = [logLikelihoods, (await model.sample(4, { seed: 1 })).data]
    model.dispose()
    return out
  },
  async rbm(snapshot) {
    const model = new RBM(snapshot.modelOptions)
    model.restore(snapshot)
    const out = [
      (await model.transform(probe(snapshot.imageShape))).data,
      (await model.sample(2, { steps: 10, seed: 1 })).data,
    ]
    model.dispose()
    return out
  },
}

beforeAll(() => switchBackend('wasm'))

describe('every shipped preset', () => {
  test.each(PRESETS.map((preset) => [preset.file, preset] as const))(
    '%s: present, ≤ 200 KB gzipped, restores and computes finite outputs, no leak',
    async (_, preset) => {
      const bytes = fileBytes(preset)
      expect(gzipSync(bytes, { level: 9 }).length).toBeLessThanOrEqual(GZIP_LIMIT)
      const snapshot = readModelFile(bytes.buffer, { kind: preset.kind })
      expect(snapshot.kind).toBe(preset.kind)
      expect(snapshot.trainedSteps).toBeGreaterThan(0)
      // Weights only: a preset carries no optimiser moments or random-stream positions.
      expect(snapshot.training).toBeUndefined()
      const outputs = OUTPUTS[preset.kind]
      if (!outputs) throw new Error(`no output check for the ${preset.kind} family`)
      const before = tf.memory().numTensors
      for (const values of await outputs(snapshot)) {
        expect(values.length).toBeGreaterThan(0)
        expect(allFinite(values)).toBe(true)
      }
      expect(tf.memory().numTensors).toBe(before)
    },
  )

  test('every preset has a recipe and every recipe a catalog entry', () => {
    expect(RECIPES.map((r) => r.file).sort()).toEqual(PRESETS.map((p) => p.file).sort())
  })
})

describe('reproducible', () => {
  // The VAE and the RBM train on the fused kernels: their plain-SIMD build is what makes them reproducible.
  test.each(['vae-digits', 'rbm-digits'])(
    '%s trained again by `npm run train-presets` (plain SIMD) gives the committed bytes',
    (name) => {
      const preset = PRESETS.find((p) => p.file === `${name}.lkmodel`) as PresetInfo
      const out = mkdtempSync(join(tmpdir(), 'latentkit-presets-'))
      try {
        // A Node without --experimental-wasm-relaxed-simd, as the script is meant to run.
        const run = spawnSync(
          process.execPath,
          ['scripts/train-presets.mjs', '--only', name, '--out', out],
          { encoding: 'utf8' },
        )
        expect(run.status, run.stderr).toBe(0)
        expect(run.stdout).toContain('fused kernels simd')
        const again = new Uint8Array(readFileSync(join(out, preset.file)))
        expect(Buffer.compare(again, fileBytes(preset))).toBe(0)
      } finally {
        rmSync(out, { recursive: true, force: true })
      }
    },
  )

  test('in this process (relaxed SIMD on), training the RBM preset returns to the tensor baseline and gives a model of the committed size', async () => {
    // The node test project runs with --experimental-wasm-relaxed-simd (vitest.config.ts), so the
    // fused kernels take their relaxed build here: fused multiply-adds round once where plain SIMD
    // rounds twice, and over thousands of steps those last bits grow (and flip a few samples), so
    // the bytes are checked in a Node without the flag (above).
    const rbm = PRESETS.find((p) => p.file === 'rbm-digits.lkmodel') as PresetInfo
    const rbmRecipe = RECIPES.find((r) => r.file === rbm.file)
    if (!rbmRecipe) throw new Error('no recipe for the digits RBM')
    const before = tf.memory().numTensors
    const trained = await trainPreset(rbmRecipe, digitsData())
    expect(tf.memory().numTensors).toBe(before)
    expect(trained.bytes.byteLength).toBe(fileBytes(rbm).byteLength)
  })
})
