import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { LatentScatter } from '../src/components/LatentScatter'
import { TrainingStatus } from '../src/components/TrainingStatus'
import type { ProjectionMethod } from '../src/core/projection/projectionOptions'
import { createRandom } from '../src/core/random'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { useProjection } from '../src/react/useProjection'
import { useVAE } from '../src/react/useVAE'

interface SyntheticArgs {
  points: number
  clusters: number
  coloring: 'label' | 'none'
  spread: number
  pointSize: number
}

/** `count` points in `clusters` Gaussian blobs on a circle, with their blob as label. */
function blobs(count: number, clusters: number, spread: number) {
  const random = createRandom(7)
  const points = new Float32Array(2 * count)
  const labels = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const cluster = i % clusters
    const angle = (2 * Math.PI * cluster) / clusters
    labels[i] = cluster
    points[2 * i] = 6 * Math.cos(angle) + random.normal() * spread
    points[2 * i + 1] = 6 * Math.sin(angle) + random.normal() * spread
  }
  return { points, labels }
}

function Synthetic(args: SyntheticArgs) {
  const { points, labels } = useMemo(
    () => blobs(args.points, args.clusters, args.spread),
    [args.points, args.clusters, args.spread],
  )
  const [selected, setSelected] = useState(0)
  return (
    <div>
      <LatentScatter
        points={points}
        labels={args.coloring === 'label' ? labels : undefined}
        labelName={(label) => `blob ${label}`}
        pointSize={args.pointSize}
        width={640}
        height={440}
        onSelect={(indices) => setSelected(indices.length)}
      />
      <p data-testid="scatter-selected">{selected} points selected</p>
    </div>
  )
}

interface VAEMapArgs {
  method: ProjectionMethod
  nNeighbors: number
  minDist: number
}

const digits = loadDigits()

function VAELatentMap(args: VAEMapArgs) {
  // Opens on the shipped digits VAE: trained already, so the map appears within a second or two.
  const vae = useVAE({ preset: 'digits', data: 'digits' })
  const map = useProjection()
  const { encodeAsync, modelVersion } = vae
  const trained = (vae.model?.trainedSteps ?? 0) > 0
  const { project } = map
  useEffect(() => {
    if (!trained) return
    let live = true
    void encodeAsync(digits.images).then((codes) => {
      if (!live) return
      void project(codes, {
        method: args.method,
        ...(args.method === 'umap' ? { nNeighbors: args.nNeighbors, minDist: args.minDist } : {}),
      })
    })
    return () => {
      live = false
    }
  }, [trained, encodeAsync, project, modelVersion, args.method, args.nNeighbors, args.minDist])

  const progress = map.progress
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <TrainingStatus model={vae} unit="images" data-testid="model-status" />
      <p data-testid="projection-status" style={{ margin: 0, fontSize: 13 }}>
        {map.status === 'projecting'
          ? `Projecting with ${args.method.toUpperCase()}${
              progress === undefined
                ? '…'
                : progress.phase === 'neighbours'
                  ? `: neighbours of ${progress.rows} rows found`
                  : `: epoch ${progress.epoch} of ${progress.epochs}`
            }`
          : map.error
            ? `Projection failed: ${map.error.message}`
            : map.projection
              ? `${map.projection.method.toUpperCase()} map of ${map.projection.count} posterior means` +
                (map.projection.explainedVarianceRatio
                  ? ` (the two axes hold ${(
                      (map.projection.explainedVarianceRatio[0]! +
                        map.projection.explainedVarianceRatio[1]!) *
                      100
                    ).toFixed(0)} % of their variance)`
                  : '')
              : 'Loading the VAE…'}
      </p>
      {map.projection && (
        <LatentScatter
          points={map.projection.points}
          labels={digits.labels}
          labelName={(label) => `digit ${label}`}
          images={digits.images}
          width={640}
          height={440}
          thumbnailScale={8}
        />
      )}
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta = {
  title: 'Components/LatentScatter',
  parameters: {
    docs: {
      description: {
        component:
          '`LatentScatter` draws a 2-D map of codes on a canvas: pan by dragging, zoom with the wheel or the buttons, hover for the image, select with a brush or a lasso (the indices go to `onSelect`, the images to a `SampleGrid`). Focus the map and use the arrow keys to move between clusters. `useProjection` makes the map in the worker: PCA, or UMAP (loaded on first use, in time slices so the worker stays responsive) with its epochs as progress.',
      },
    },
  },
}

export default meta

/** 20,000 synthetic points in blobs: pan, zoom, hover and select stay smooth. */
export const TwentyThousandPoints: StoryObj<SyntheticArgs> = {
  render: (args) => <Synthetic {...args} />,
  argTypes: {
    points: { control: { type: 'range', min: 100, max: 50_000, step: 100 } },
    clusters: { control: { type: 'range', min: 1, max: 20, step: 1 } },
    coloring: { control: 'inline-radio', options: ['label', 'none'] },
    spread: { control: { type: 'range', min: 0.2, max: 4, step: 0.1 } },
    pointSize: { control: { type: 'range', min: 1, max: 8, step: 1 } },
  },
  args: { points: 20_000, clusters: 10, coloring: 'label', spread: 1.2, pointSize: 3 },
}

/** The latent map of the digits VAE (preset), coloured by digit: posterior means projected in the worker. */
export const VAEDigits: StoryObj<VAEMapArgs> = {
  name: 'Latent map of a VAE coloured by digit',
  render: (args) => <VAELatentMap {...args} />,
  argTypes: {
    method: { control: 'inline-radio', options: ['pca', 'umap'] },
    nNeighbors: { control: { type: 'range', min: 2, max: 100, step: 1 } },
    minDist: { control: { type: 'range', min: 0.01, max: 1, step: 0.01 } },
  },
  args: { method: 'pca', nNeighbors: 15, minDist: 0.1 },
}
