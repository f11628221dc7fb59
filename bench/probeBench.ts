/**
 * Linear-probe part of `npm run bench` (Node, WASM): how useful each representation of the digits is
 * with 1, 10 and all labels per class — raw pixels and the codes of the models that encode — and
 * scikit-learn's LogisticRegression on the very same features and splits, when python3 has it.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import type { LatentBatch } from '../src/core/dataset'
import { Autoencoder } from '../src/core/autoencoder/engine/autoencoder'
import { VAE } from '../src/core/vae/engine/vae'
import { PCA } from '../src/core/pca/engine/pca'
import { SparseCoding } from '../src/core/sparse/engine/sparseCoding'
import { KMeans } from '../src/core/kmeans/engine/kmeans'
import { RBM } from '../src/core/rbm/engine/rbm'
import { pooledCodeFeatures } from '../src/core/sparse/codeFeatures'
import { fitLinearProbe } from '../src/core/probe/engine/linearProbe'
import { resolveProbeOptions, splitForProbe } from '../src/core/probe/probeOptions'
import { loadDigits } from '../src/data/digits'
import { runSklearnScript } from './sklearnScript'

/** Labels per class of the table's columns (undefined: all). */
const LABELS_PER_CLASS = [1, 10, undefined] as const

/** One representation of the digits, made in the bench. */
export interface ProbeFeatures {
  readonly name: string
  /** What it took to learn (seconds; 0 for raw pixels). */
  readonly learnSeconds: number
  readonly features: LatentBatch
}

export interface ProbeRow {
  readonly name: string
  readonly size: number
  readonly learnSeconds: number
  /** latentkit's probe, per column of {@link LABELS_PER_CLASS}. */
  readonly accuracy: readonly number[]
  /** scikit-learn on the same features and splits, when here. */
  readonly sklearn: readonly number[] | undefined
}

async function timedFeatures(
  name: string,
  learn: () => Promise<LatentBatch>,
): Promise<ProbeFeatures> {
  const started = performance.now()
  const features = await learn()
  return { name, learnSeconds: (performance.now() - started) / 1000, features }
}

/**
 * The representations of the table: raw pixels, PCA, the autoencoder's code, the VAE's mean, sparse
 * codes, clustering-learning features (k-means filters, triangle activations pooled over quadrants),
 * an RBM's hidden probabilities (scikit-learn's BernoulliRBM example settings).
 */
export async function digitRepresentations(quick: boolean): Promise<ProbeFeatures[]> {
  const { images } = loadDigits()
  const epochs = quick ? 5 : 40
  const sparseEpochs = quick ? 1 : 5
  const raw: ProbeFeatures = {
    name: 'raw pixels',
    learnSeconds: 0,
    features: { data: images.data, shape: [images.shape[0], 64] },
  }
  const autoencoder = await timedFeatures(`plain autoencoder code (${epochs} epochs)`, async () => {
    const model = new Autoencoder({ seed: 1 })
    await model.fit(images, { epochs })
    const codes = await model.encode(images)
    model.dispose()
    return codes
  })
  const vae = await timedFeatures(`VAE posterior mean (${epochs} epochs)`, async () => {
    const model = new VAE({ seed: 1 })
    await model.fit(images, { epochs })
    const means = await model.encode(images)
    model.dispose()
    return means
  })
  const sparse = await timedFeatures(
    `sparse coding, pooled codes (${sparseEpochs} epochs)`,
    async () => {
      const model = new SparseCoding({ seed: 1 })
      await model.fit(images, { epochs: sparseEpochs })
      const codes = await model.encode(images)
      const patchSize = model.resolvedOptions?.patchSize ?? 8
      model.dispose()
      return pooledCodeFeatures(codes, images.shape[0], 8, 8, patchSize)
    },
  )
  const clusteringEpochs = quick ? 10 : 50
  const clustering = await timedFeatures(
    `clustering learning (${clusteringEpochs} epochs)`,
    async () => {
      const model = new KMeans({ k: 100, patchSize: 4, seed: 1 })
      await model.fit(images, { epochs: clusteringEpochs })
      const features = await model.features(images)
      model.dispose()
      return features
    },
  )
  const pca = await timedFeatures('PCA, 32 components', async () => {
    const model = new PCA({ nComponents: 32 })
    await model.fit(images)
    const codes = await model.transform(images)
    model.dispose()
    return codes
  })
  const rbm = await timedFeatures(
    'RBM features, 100 hidden units (PCD-1, lr 0.06, batch 10, 10 epochs)',
    async () => {
      const model = new RBM({ layers: [100], seed: 1 })
      await model.fit(images, {
        epochs: 10,
        batchSize: 10,
        learningRate: 0.06,
        sampler: 'pcd',
        validationSplit: 0,
      })
      const features = await model.transform(images)
      model.dispose()
      return features
    },
  )
  return [raw, pca, autoencoder, vae, sparse, clustering, rbm]
}

/** scikit-learn's accuracies on the same features and splits, or why there are none. */
export function sklearnAccuracies(
  jobs: readonly { features: LatentBatch; train: Int32Array; test: Int32Array }[],
  labels: Int32Array,
): { version: string; accuracies: number[] } | string {
  return runSklearnScript('sklearn_probe.py', 'latentkit-probe-', (folder) => [
    writeProbeJobs(folder, jobs, labels),
  ])
}

/** Writes the features, labels and splits of `jobs` into `folder`; returns the manifest's path. */
function writeProbeJobs(
  folder: string,
  jobs: readonly { features: LatentBatch; train: Int32Array; test: Int32Array }[],
  labels: Int32Array,
): string {
  const bytes = (array: Float32Array | Int32Array): Uint8Array =>
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
  writeFileSync(join(folder, 'labels.i32'), bytes(labels))
  const manifest = jobs.map((job, i) => {
    const file = (suffix: string) => join(folder, `${i}.${suffix}`)
    writeFileSync(file('f32'), bytes(job.features.data))
    writeFileSync(file('train.i32'), bytes(job.train))
    writeFileSync(file('test.i32'), bytes(job.test))
    return {
      features: file('f32'),
      rows: job.features.shape[0],
      size: job.features.shape[1],
      labels: join(folder, 'labels.i32'),
      train: file('train.i32'),
      test: file('test.i32'),
    }
  })
  const manifestFile = join(folder, 'manifest.json')
  writeFileSync(manifestFile, JSON.stringify(manifest))
  return manifestFile
}

/** Probes every representation at every column; scikit-learn beside it. */
export async function runProbeBench(
  quick: boolean,
  extra: readonly ProbeFeatures[] = [],
): Promise<{ rows: ProbeRow[]; sklearnVersion: string | undefined; markdown: string[] }> {
  await tf.setBackend('wasm')
  await tf.ready()
  const labels = Int32Array.from(loadDigits().labels)
  const representations = [...(await digitRepresentations(quick)), ...extra]
  const jobs: { features: LatentBatch; train: Int32Array; test: Int32Array }[] = []
  const ours: number[][] = []
  for (const { features } of representations) {
    const row: number[] = []
    for (const labelsPerClass of LABELS_PER_CLASS) {
      const options = labelsPerClass === undefined ? {} : { labelsPerClass }
      const split = splitForProbe(labels, resolveProbeOptions(options))
      jobs.push({ features, train: split.train, test: split.test })
      row.push((await fitLinearProbe(features, labels, options)).accuracy)
    }
    ours.push(row)
  }
  const reply = sklearnAccuracies(jobs, labels)
  const sklearn = typeof reply === 'string' ? undefined : reply
  const columns = LABELS_PER_CLASS.length
  const rows: ProbeRow[] = representations.map((r, i) => ({
    name: r.name,
    size: r.features.shape[1],
    learnSeconds: r.learnSeconds,
    accuracy: ours[i] as number[],
    sklearn: sklearn?.accuracies.slice(i * columns, (i + 1) * columns),
  }))
  const markdown = probeMarkdown(
    rows,
    typeof reply === 'string' ? reply : undefined,
    sklearn?.version,
  )
  return { rows, sklearnVersion: sklearn?.version, markdown }
}

function probeMarkdown(
  rows: readonly ProbeRow[],
  sklearnAbsent: string | undefined,
  sklearnVersion: string | undefined,
): string[] {
  const cell = (ours: number, theirs: number | undefined) =>
    theirs === undefined ? ours.toFixed(3) : `${ours.toFixed(3)} (${theirs.toFixed(3)})`
  return [
    '## Linear probe: held-out accuracy on the digits with 1, 10 and all labels per class (WASM in Node)',
    '',
    `Stratified split, 20 % of each class held out (seed 0); logistic regression on standardised features (C = 1). ${
      sklearnVersion
        ? `In brackets: scikit-learn ${sklearnVersion} \`LogisticRegression(C=1)\` (lbfgs) on the very same features and splits.`
        : `scikit-learn ${sklearnAbsent ?? 'not here'}; its column is skipped.`
    }`,
    '',
    '| features | size | learned in (s) | 1 label per class | 10 labels per class | all labels (about 143 per class) |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.size} | ${r.learnSeconds.toFixed(1)} | ${r.accuracy
          .map((a, i) => cell(a, r.sklearn?.[i]))
          .join(' | ')} |`,
    ),
    '',
  ]
}
