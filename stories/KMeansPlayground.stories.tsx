import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { useKMeans, type UseKMeansOptions } from '../src/react/useKMeans'
import { ClusterGrid } from '../src/components/ClusterGrid'
import { FilterGrid } from '../src/components/FilterGrid'
import { SampleGrid } from '../src/components/SampleGrid'
import { LossChart } from '../src/components/LossChart'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { useLatestAsync } from '../src/components/useLatestAsync'
import { adjustedRandIndex } from '../src/core/kmeans/clusterAgreement'
import type { KMeansAlgorithm } from '../src/core/kmeans/kmeansOptions'
import type { BackendPreference } from '../src/core/backend'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { TrainingButtons } from './ModelControls'

interface PlaygroundArgs {
  k: number
  algorithm: KMeansAlgorithm
  seed: number
  epochs: number
  batchSize: number
  members: number
  sort: 'none' | 'size'
  backend: BackendPreference
  autoTrain: boolean
  /**
   * Open on the shipped preset of the story's model: whole digits with k 10 (Lloyd or mini-batch) or
   * 30, seed 1; clustering learning: `'digits'` (k 50, 4 × 4 patches, 30 epochs).
   */
  preset: boolean
}

/** The whole-digit presets by k and algorithm (seed 1): the playground's stories' models, trained. */
const PRESETS: Readonly<Record<string, string>> = {
  '10:lloyd': 'digits-k10',
  '10:minibatch': 'digits-k10-minibatch',
  '30:lloyd': 'digits-k30',
}

function Playground(args: PlaygroundArgs) {
  const digits = useMemo(() => loadDigits(), [])
  const preset = args.preset && args.seed === 1 ? PRESETS[`${args.k}:${args.algorithm}`] : undefined
  const options: UseKMeansOptions = {
    data: 'digits',
    k: args.k,
    algorithm: args.algorithm,
    seed: args.seed,
    epochs: args.epochs,
    batchSize: args.batchSize,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the shipped preset of this model; Train from scratch trains one live.
    ...(preset ? { preset } : {}),
  }
  const km = useKMeans(options)
  const [agreement, setAgreement] = useState<number | undefined>(undefined)

  // How far the clusters are from the digit classes they were never told about.
  const { status, assign, modelVersion } = km
  useEffect(() => {
    if (status !== 'ready') return
    let live = true
    void assign(digits.images).then(
      (result) => live && result && setAgreement(adjustedRandIndex(result.labels, digits.labels)),
    )
    return () => {
      live = false
    }
  }, [status, assign, digits, modelVersion])

  // A model loaded from a preset has not been sent any data, so the hook's `clusters` (the training
  // data's) stays empty until it trains: read its clusters of the digits instead.
  const trained = (km.model?.trainedSteps ?? 0) > 0
  const { readClustersAsync } = km
  const presetClusters = useLatestAsync(
    trained && !km.clusters ? `${modelVersion}:${args.members}` : undefined,
    () => readClustersAsync({ data: digits.images, members: args.members }),
  )
  const clusters = km.clusters ?? (trained ? presetClusters : undefined)
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={km} />
      <TrainingStatus model={km} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Centroids (k = {args.k})</h3>
          <SampleGrid
            images={clusters?.centroids}
            rows={Math.ceil(args.k / 10)}
            columns={Math.min(args.k, 10)}
            scale={5}
            label={`The ${args.k} centroids`}
          />
          <p style={{ fontSize: 12 }} data-testid="kmeans-summary">
            {clusters
              ? `inertia ${clusters.inertia.toFixed(1)} (sum of squared distances)` +
                (agreement === undefined
                  ? ''
                  : ` · adjusted Rand index vs digit classes ${agreement.toFixed(3)}`) +
                (km.algorithm === 'lloyd'
                  ? km.converged
                    ? ' · converged'
                    : ' · not converged yet'
                  : '')
              : 'Train to see the centroids.'}
          </p>
        </section>
        <section className="lk-demo__panel">
          <h3>Clusters: centroid, then members from nearest to farthest</h3>
          <ClusterGrid clusters={clusters} members={args.members} sort={args.sort} scale={3} />
        </section>
        <section className="lk-demo__panel">
          <LossChart history={km.history} width={420} height={180} />
        </section>
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

/**
 * Clustering learning (Coates, Lee & Ng 2011): k-means on contrast-normalised, ZCA-whitened 4 × 4
 * patches of the digits; the centroids are filters, drawn live as they learn, and the triangle
 * activations pooled over quadrants are probed with 10 labels per class.
 */
function ClusteringLearningDemo(args: PlaygroundArgs) {
  const digits = useMemo(() => loadDigits(), [])
  const km = useKMeans({
    data: 'digits',
    k: args.k,
    patchSize: 4,
    algorithm: args.algorithm,
    seed: args.seed,
    epochs: args.epochs,
    batchSize: args.batchSize,
    backend: args.backend,
    autoTrain: args.autoTrain,
    ...(args.preset ? { preset: 'digits' } : {}),
  })
  const [accuracy, setAccuracy] = useState<number | undefined>(undefined)
  const { status, probe, modelVersion } = km
  useEffect(() => {
    if (status !== 'ready') return
    let live = true
    void probe(digits.images, digits.labels, { labelsPerClass: 10 }).then(
      (result) => live && result && setAccuracy(result.accuracy),
    )
    return () => {
      live = false
    }
  }, [status, probe, digits, modelVersion])

  // The clusters of the digits' patches, named explicitly: a model loaded from the preset has not
  // been sent any data, so the hook's `clusters` (the training data's) stays empty until it trains.
  const trained = (km.model?.trainedSteps ?? 0) > 0
  const { readClustersAsync } = km
  const clusters = useLatestAsync(trained ? `${modelVersion}:${args.members}` : undefined, () =>
    readClustersAsync({ data: digits.images, members: args.members }),
  )
  const filters = useMemo(
    () =>
      clusters && {
        images: clusters.centroids,
        weights: Float32Array.from(clusters.sizes),
      },
    [clusters],
  )
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={km} />
      <TrainingStatus model={km} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Filters: {args.k} centroids of whitened 4 × 4 patches, whitening undone</h3>
          <FilterGrid
            filters={filters}
            sort="weight"
            noun="filter"
            weightName="patches in the cluster"
            columns={Math.min(args.k, 10)}
            scale={8}
          />
          <p style={{ fontSize: 12 }} data-testid="clustering-summary">
            {accuracy === undefined
              ? 'Train to probe the features.'
              : `Linear probe on the ${4 * args.k} pooled triangle features, 10 labels per digit: ${accuracy.toFixed(3)} held-out accuracy`}
          </p>
        </section>
        <section className="lk-demo__panel">
          <h3>Patch clusters: filter, then normalised member patches</h3>
          <ClusterGrid clusters={clusters} members={args.members} sort="size" scale={6} />
        </section>
        <section className="lk-demo__panel">
          <LossChart history={km.history} width={420} height={180} />
        </section>
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/k-means playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`useKMeans` clustering the 1,797 embedded UCI digits live in a Web Worker: k-means++ seeding, then full-batch Lloyd iterations until the centroids stop moving, or mini-batch k-means (Sculley 2010). The centroids are drawn as images, `ClusterGrid` shows each centroid beside members from the nearest to the farthest with the cluster size, and the chart follows the inertia per image. The adjusted Rand index compares the clusters with the digit classes, which k-means never sees. Each story opens on a shipped preset of its model (Train from scratch trains one live). Changing k, the algorithm or the seed starts fresh centroids.',
      },
    },
  },
  argTypes: {
    k: { control: { type: 'range', min: 1, max: 30, step: 1 } },
    algorithm: { control: 'inline-radio', options: ['lloyd', 'minibatch'] },
    seed: { control: 'number' },
    epochs: { control: { type: 'number', min: 1 } },
    batchSize: { control: { type: 'number', min: 1 } },
    members: { control: { type: 'range', min: 0, max: 8, step: 1 } },
    sort: { control: 'inline-radio', options: ['none', 'size'] },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    k: 10,
    algorithm: 'lloyd',
    seed: 1,
    epochs: 100,
    batchSize: 128,
    members: 8,
    sort: 'size',
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta

/**
 * Lloyd with k = 10 on the digits: converges in about 15 iterations. Opens on the shipped
 * `'digits-k10'` preset; Train from scratch trains one live.
 */
export const Digits: StoryObj<PlaygroundArgs> = {}

/**
 * Mini-batch k-means: batches of 128 digits, 20 passes; the inertia curve is noisier. Opens on the
 * shipped `'digits-k10-minibatch'` preset.
 */
export const MiniBatch: StoryObj<PlaygroundArgs> = {
  args: { algorithm: 'minibatch', epochs: 20 },
}

/**
 * Thirty clusters: several per digit class, split by writing style. Opens on the shipped
 * `'digits-k30'` preset.
 */
export const ManyClusters: StoryObj<PlaygroundArgs> = {
  args: { k: 30, members: 6 },
}

/**
 * Clustering learning: 50 filters learned by k-means on every contrast-normalised, ZCA-whitened
 * 4 × 4 patch of the digits (Coates, Lee & Ng 2011), drawn live with `FilterGrid` (largest cluster
 * first); the patch clusters beside them, and a 10-labels-per-class probe of the pooled features.
 * Opens on the shipped `'digits'` preset (this model, trained already); Train from scratch trains one
 * live, or turn `preset` off.
 */
export const ClusteringLearning: StoryObj<PlaygroundArgs> = {
  render: (args) => <ClusteringLearningDemo {...args} />,
  args: { k: 50, epochs: 30, members: 6 },
}
