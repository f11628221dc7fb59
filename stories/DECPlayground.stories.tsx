import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { useDEC, type UseDECOptions } from '../src/react/useDEC'
import { ClusterGrid } from '../src/components/ClusterGrid'
import { LatentScatter } from '../src/components/LatentScatter'
import { useProjection } from '../src/react/useProjection'
import type { ClusterSource } from '../src/components/clusterTiles'
import { LossChart } from '../src/components/LossChart'
import { TrainingStatus } from '../src/components/TrainingStatus'
import type { BackendPreference } from '../src/core/backend'
import type { ImageBatch } from '../src/core/dataset'
import {
  clusteringAccuracy,
  normalizedMutualInformation,
} from '../src/core/kmeans/clusterAgreement'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { TrainingButtons } from './ModelControls'

interface PlaygroundArgs {
  clusters: number
  architecture: 'dense' | 'conv'
  idec: boolean
  epochs: number
  refineSteps: number
  updateInterval: number
  learningRate: number
  seed: number
  backend: BackendPreference
  autoTrain: boolean
  /** Open on the shipped `'digits'` preset (trained, clusters shown at mount). */
  preset: boolean
}

const MEMBERS = 8

/** Each cluster's mean image and its first members, for `ClusterGrid`. */
function clusterView(images: ImageBatch, labels: Int32Array, k: number): ClusterSource {
  const size = 64
  const sums = new Float32Array(k * size)
  const sizes = new Int32Array(k)
  const members = new Float32Array(k * MEMBERS * size)
  const memberIndices = new Int32Array(k * MEMBERS).fill(-1)
  labels.forEach((cluster, i) => {
    const row = images.data.subarray(i * size, (i + 1) * size)
    for (let p = 0; p < size; p++)
      sums[cluster * size + p] = (sums[cluster * size + p] as number) + (row[p] as number)
    const slot = sizes[cluster] as number
    if (slot < MEMBERS) {
      members.set(row, (cluster * MEMBERS + slot) * size)
      memberIndices[cluster * MEMBERS + slot] = i
    }
    sizes[cluster] = slot + 1
  })
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < size; p++)
      sums[c * size + p] = (sums[c * size + p] as number) / Math.max(sizes[c] as number, 1)
  }
  return {
    centroids: { data: sums, shape: [k, 8, 8, 1] },
    sizes,
    members: { data: members, shape: [k * MEMBERS, 8, 8, 1] },
    membersPerCluster: MEMBERS,
    memberIndices,
  }
}

function Playground(args: PlaygroundArgs) {
  const digits = useMemo(() => loadDigits(), [])
  const options: UseDECOptions = {
    data: 'digits',
    clusters: args.clusters,
    architecture: args.architecture,
    idec: args.idec,
    seed: args.seed,
    epochs: args.epochs,
    refineSteps: args.refineSteps,
    updateInterval: args.updateInterval,
    learningRate: args.learningRate,
    // Evaluation only: the accuracy and NMI in the history.
    labels: digits.labels,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the shipped DEC model of the digits (a smaller network than the default, its options
    // recorded in the preset); "Train from scratch" trains one live with the options above.
    ...(args.preset ? { preset: 'digits' } : {}),
  }
  const dec = useDEC(options)
  const [view, setView] = useState<ClusterSource | undefined>(undefined)
  const [map, setMap] = useState<{ points: Float32Array; clusters: Int32Array } | undefined>()
  // The agreement of the clusters shown with the digit classes (evaluation only): a preset has no
  // training history to read it from.
  const [agreement, setAgreement] = useState<{ accuracy: number; nmi: number } | undefined>()
  const { project } = useProjection()

  // The clusters of every digit, redrawn as refinement moves them, and the embedding's map (PCA in
  // the worker) coloured by cluster.
  const { assign, encode, modelVersion } = dec
  const refining = dec.phase === 'refine'
  useEffect(() => {
    if (!refining) return
    let live = true
    void (async () => {
      const result = await assign(digits.images)
      if (!live || !result) return
      const k = dec.clusters ?? args.clusters
      setView(clusterView(digits.images, result.labels, k))
      setAgreement({
        accuracy: clusteringAccuracy(result.labels, digits.labels),
        nmi: normalizedMutualInformation(result.labels, digits.labels),
      })
      const codes = await encode(digits.images)
      const projection = live && codes ? await project(codes) : undefined
      if (live && projection) setMap({ points: projection.points, clusters: result.labels })
    })()
    return () => {
      live = false
    }
  }, [refining, assign, encode, project, digits, modelVersion, args.clusters, dec.clusters])

  const refine = dec.history.filter((point) => point.phase === 'refine')
  const last = refine[refine.length - 1]
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={dec} />
      <TrainingStatus model={dec} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Accuracy against the digit classes (never used for training)</h3>
          <LossChart
            history={refine}
            series={[
              { key: 'accuracy', label: 'accuracy' },
              { key: 'nmi', label: 'NMI' },
            ]}
            title="Clustering accuracy and NMI during refinement"
            width={420}
            height={180}
          />
          <p style={{ fontSize: 12 }} data-testid="dec-summary">
            {last?.accuracy !== undefined
              ? `accuracy ${last.accuracy.toFixed(3)} · NMI ${(last.nmi ?? 0).toFixed(3)} · ` +
                `${((last.changed ?? 0) * 100).toFixed(2)} % of assignments changed at the last update` +
                (dec.converged ? ' · converged' : '')
              : agreement && refining
                ? `accuracy ${agreement.accuracy.toFixed(3)} · NMI ${agreement.nmi.toFixed(3)} of the ${
                    dec.model?.trainedSteps ?? 0
                  }-step model shown (press Train from scratch to watch one learn)`
                : `Pretraining the autoencoder (${args.epochs} epochs), then k-means in the embedding.`}
          </p>
        </section>
        <section className="lk-demo__panel">
          <h3>Clusters: mean image, then members</h3>
          <ClusterGrid clusters={view} members={MEMBERS} sort="size" scale={3} />
        </section>
        <section className="lk-demo__panel">
          <h3>The embedding, projected (PCA), coloured by cluster</h3>
          {map ? (
            <LatentScatter
              points={map.points}
              labels={map.clusters}
              labelName={(cluster) => `cluster ${cluster}`}
              images={digits.images}
              width={420}
              height={300}
              thumbnailScale={8}
              data-testid="dec-scatter"
            />
          ) : (
            <p style={{ fontSize: 12 }}>The map appears when refinement starts.</p>
          )}
        </section>
        <section className="lk-demo__panel">
          <LossChart history={dec.history} width={420} height={180} />
        </section>
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/DEC playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          "`useDEC` (deep embedded clustering, Xie et al. 2016) on the 1,797 embedded UCI digits in a Web Worker: a dense (or, with `architecture` set to `conv`, convolutional) autoencoder is pretrained, k-means places 10 clusters in its 10-value embedding, then the encoder and the centres are refined by KL(P‖Q) — Student-t soft assignments Q against the sharpened target P, recomputed every `updateInterval` steps. It opens on the shipped `preset: 'digits'` (a 64-128-128-512-10 autoencoder, smaller than the default so it ships in 164 KB; clusters and map at mount); Train from scratch trains one live with the controls’ options. The labels are passed for evaluation only: the chart follows the accuracy (best one-to-one matching, Hungarian algorithm) and NMI as the clusters form. `idec` keeps the reconstruction loss (IDEC, Guo et al. 2017).",
      },
    },
  },
  argTypes: {
    clusters: { control: { type: 'range', min: 2, max: 20, step: 1 } },
    architecture: { control: 'select', options: ['dense', 'conv'] },
    idec: { control: 'boolean' },
    epochs: { control: { type: 'number', min: 1 } },
    refineSteps: { control: { type: 'number', min: 1 } },
    updateInterval: { control: { type: 'number', min: 1 } },
    learningRate: { control: { type: 'number', min: 0 } },
    seed: { control: 'number' },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    clusters: 10,
    architecture: 'dense',
    idec: false,
    epochs: 150,
    refineSteps: 1500,
    updateInterval: 140,
    learningRate: 0.0001,
    seed: 1,
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta

/**
 * Opens on the shipped DEC preset of the digits: its clusters and embedding map at mount. Train from
 * scratch to watch the accuracy rise from the autoencoder + k-means start as refinement sharpens
 * the clusters.
 */
export const Digits: StoryObj<PlaygroundArgs> = {}

/** IDEC, trained live: the reconstruction loss kept beside KL(P‖Q), so the embedding keeps the digits' structure. */
export const IDEC: StoryObj<PlaygroundArgs> = { args: { idec: true, preset: false } }
