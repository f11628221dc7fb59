import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { usePCA, type UsePCAOptions } from '../src/react/usePCA'
import { FilterGrid } from '../src/components/FilterGrid'
import { SampleGrid } from '../src/components/SampleGrid'
import { ScreeChart } from '../src/components/ScreeChart'
import { LossChart } from '../src/components/LossChart'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { DIGITS_ATTRIBUTION } from '../src/data/digits'
import type { ImageBatch } from '../src/core/dataset'
import type { BackendPreference } from '../src/core/backend'
import type { PCASolver } from '../src/core/pca/pcaOptions'
import { TrainingButtons } from './ModelControls'
import { batchOf, heldOutDigits, psnr } from './sparseStoryData'

interface PlaygroundArgs {
  nComponents: number
  whiten: boolean
  solver: PCASolver
  batchSize: number
  backend: BackendPreference
  autoTrain: boolean
  /** Components the reconstruction starts with (the slider in the story changes it). */
  startComponents: number
}

/** Digits 1,700 onwards are held out: the PCA is fitted on the first 1,700. */
const HELD_OUT = 1700
const TRAINING_DIGITS = { name: 'digits', limit: HELD_OUT } as const
const TOTAL_VARIANCE = [{ key: 'totalVariance', label: 'total variance' }]

function Playground(args: PlaygroundArgs) {
  const heldOut = useMemo(() => heldOutDigits(HELD_OUT, 12), [])
  const options: UsePCAOptions = {
    data: TRAINING_DIGITS,
    nComponents: args.nComponents,
    whiten: args.whiten,
    solver: args.solver,
    batchSize: args.batchSize,
    backend: args.backend,
    autoTrain: args.autoTrain,
  }
  const pca = usePCA(options)
  const kept = pca.components?.explainedVarianceRatio.length ?? args.nComponents
  const [chosen, setChosen] = useState(args.startComponents)
  const k = Math.min(Math.max(1, chosen), kept)
  const [rebuilt, setRebuilt] = useState<{ k: number; images: ImageBatch } | undefined>()

  const { status, modelVersion, reconstruct } = pca
  useEffect(() => {
    if (status !== 'ready') return
    let live = true
    void reconstruct(heldOut, { components: k }).then(
      (images) => live && images && setRebuilt({ k, images }),
    )
    return () => {
      live = false
    }
  }, [status, modelVersion, reconstruct, heldOut, k])

  const ratios = pca.components?.explainedVarianceRatio
  const explained = ratios ? ratios.subarray(0, k).reduce((sum, r) => sum + r, 0) : undefined

  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={pca} />
      <TrainingStatus model={pca} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Principal components ({kept})</h3>
          <FilterGrid
            filters={
              pca.components
                ? {
                    images: pca.components.components,
                    weights: pca.components.explainedVarianceRatio,
                  }
                : undefined
            }
            noun="component"
            weightName="explained variance"
            formatWeight={(ratio) => `${(100 * ratio).toFixed(1)} %`}
            columns={16}
            scale={4}
            label={`${kept} principal components, largest variance first`}
          />
          <p style={{ fontSize: 12 }}>
            Red is negative, blue positive. The first components are broad strokes shared by many
            digits; later ones add finer detail.
          </p>
          <h3>Mean digit</h3>
          <SampleGrid images={pca.components?.mean} rows={1} columns={1} scale={6} />
        </section>
        <section className="lk-demo__panel">
          <ScreeChart source={pca.components} highlight={k} width={420} height={180} />
          <LossChart
            history={pca.history}
            series={TOTAL_VARIANCE}
            width={420}
            height={120}
            title="Total variance of the digits streamed in so far"
          />
        </section>
        <section className="lk-demo__panel">
          <h3>Reconstruction with {k} components</h3>
          <label style={{ fontSize: 13, display: 'block' }}>
            Components:{' '}
            <input
              type="range"
              min={1}
              max={kept}
              value={k}
              onChange={(event) => setChosen(Number(event.target.value))}
              aria-label="Components used by the reconstruction"
            />{' '}
            {k}
          </label>
          <SampleGrid
            images={rebuilt ? batchOf(heldOut, rebuilt.images) : heldOut}
            rows={rebuilt ? 2 : 1}
            columns={heldOut.shape[0]}
            scale={4}
            label={`Held-out digits above their reconstruction from ${k} components`}
          />
          <p style={{ fontSize: 12 }} data-testid="reconstruction-summary">
            {rebuilt && explained !== undefined
              ? `${k} of ${kept} components explain ${(100 * explained).toFixed(1)} % of the variance · held-out PSNR ${psnr(heldOut, rebuilt.images).toFixed(1)} dB`
              : 'Fitting…'}
          </p>
        </section>
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/PCA playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`usePCA` fitting an exact principal component analysis live in a Web Worker on the embedded UCI digits: one streamed pass accumulates the covariance (watch the total variance settle), then its eigendecomposition. `FilterGrid` shows the components on a diverging scale, `ScreeChart` the variance each explains, and the slider rebuilds held-out digits from the first k components. Changing a model control fits a fresh PCA.',
      },
    },
  },
  argTypes: {
    nComponents: { control: { type: 'range', min: 1, max: 64, step: 1 } },
    whiten: { control: 'boolean' },
    solver: { control: 'inline-radio', options: ['auto', 'full', 'randomized'] },
    batchSize: { control: { type: 'number', min: 1 } },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    startComponents: { control: { type: 'range', min: 1, max: 64, step: 1 } },
  },
  args: {
    nComponents: 64,
    whiten: false,
    solver: 'auto',
    batchSize: 100,
    backend: 'auto',
    autoTrain: true,
    startComponents: 8,
  },
}

export default meta

/** Fits all 64 components of 1,700 digits as soon as it opens; the slider starts at 8 components. */
export const Digits: StoryObj<PlaygroundArgs> = {}

/** Only 16 components, by the randomized solver: the leading ones match the exact fit. */
export const Randomized: StoryObj<PlaygroundArgs> = {
  args: { nComponents: 16, solver: 'randomized', startComponents: 4 },
}
