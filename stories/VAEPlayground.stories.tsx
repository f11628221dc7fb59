import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo, useState } from 'react'
import { useVAE, type UseVAEOptions } from '../src/react/useVAE'
import { SampleGrid } from '../src/components/SampleGrid'
import { InterpolationSlider } from '../src/components/InterpolationSlider'
import { LossChart } from '../src/components/LossChart'
import { DIGITS_ATTRIBUTION } from '../src/data/digits'
import type { BackendPreference } from '../src/core/backend'
import type { VAELikelihood } from '../src/core/vae/vaeOptions'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { TrainingButtons } from './ModelControls'

interface PlaygroundArgs {
  dataset: 'digits' | 'sprites'
  latentDim: number
  hiddenUnits: number
  beta: number
  likelihood: VAELikelihood
  epochs: number
  batchSize: number
  learningRate: number
  fusedKernels: boolean
  seed: number
  backend: BackendPreference
  autoTrain: boolean
  method: 'linear' | 'slerp'
  preset: boolean
}

function Playground(args: PlaygroundArgs) {
  const [sampleSeed, setSampleSeed] = useState(0)
  const [selected, setSelected] = useState<number | undefined>(undefined)
  const data = useMemo(
    () =>
      args.dataset === 'sprites' ? ({ name: 'sprites', count: 1000, size: 28 } as const) : 'digits',
    [args.dataset],
  )
  const options: UseVAEOptions = {
    data,
    latentDim: args.latentDim,
    hiddenUnits: [args.hiddenUnits],
    beta: args.beta,
    likelihood: args.likelihood,
    epochs: args.epochs,
    batchSize: args.batchSize,
    learningRate: args.learningRate,
    fusedKernels: args.fusedKernels,
    seed: args.seed,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the shipped model of this data set; "Train from scratch" trains one live.
    ...(args.preset ? { preset: args.dataset } : {}),
  }
  const vae = useVAE(options)
  const scale = args.dataset === 'sprites' ? 2 : 5
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={vae} />
      <TrainingStatus model={vae} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Samples from the prior</h3>
          <SampleGrid
            model={vae}
            rows={6}
            columns={8}
            scale={scale}
            seed={sampleSeed}
            onSelect={setSelected}
          />
          <div className="lk-demo__toolbar" style={{ marginTop: 8 }}>
            <button type="button" onClick={() => setSampleSeed((s) => s + 1)}>
              New samples
            </button>
            <span style={{ fontSize: 12 }}>
              {selected === undefined
                ? 'Click a sample to select it'
                : `Selected sample ${selected + 1}`}
            </span>
          </div>
        </section>
        <section className="lk-demo__panel">
          <h3>Walk through latent space</h3>
          <InterpolationSlider
            model={vae}
            from={{ seed: sampleSeed * 2 + 1 }}
            to={{ seed: sampleSeed * 2 + 2 }}
            method={args.method}
            scale={args.dataset === 'sprites' ? 5 : 16}
            stripScale={scale}
          />
        </section>
        <section className="lk-demo__panel">
          <LossChart history={vae.history} width={420} />
        </section>
      </div>
      {args.dataset === 'digits' ? (
        <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
      ) : null}
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/VAE playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`useVAE` in a Web Worker on the embedded UCI digits (or procedural 28×28 sprites), with `SampleGrid`, `InterpolationSlider` and `LossChart` reading from the same model. It opens on the shipped preset of the data set (`preset`), trained already; press Train from scratch to watch one learn, or turn `preset` off. Changing an architecture control starts a fresh model.',
      },
    },
  },
  argTypes: {
    dataset: { control: 'inline-radio', options: ['digits', 'sprites'] },
    latentDim: { control: { type: 'range', min: 1, max: 32, step: 1 } },
    hiddenUnits: { control: { type: 'range', min: 16, max: 512, step: 16 } },
    beta: { control: { type: 'range', min: 0, max: 4, step: 0.1 } },
    likelihood: { control: 'inline-radio', options: ['bernoulli', 'gaussian'] },
    epochs: { control: { type: 'number', min: 1 } },
    batchSize: { control: { type: 'number', min: 1 } },
    learningRate: { control: { type: 'number', min: 0.00001, step: 0.0005 } },
    fusedKernels: { control: 'boolean' },
    seed: { control: 'number' },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    method: { control: 'inline-radio', options: ['linear', 'slerp'] },
    preset: { control: 'boolean' },
  },
  args: {
    dataset: 'digits',
    latentDim: 8,
    hiddenUnits: 128,
    beta: 1,
    likelihood: 'bernoulli',
    epochs: 40,
    batchSize: 64,
    learningRate: 0.002,
    fusedKernels: true,
    seed: 1,
    backend: 'auto',
    autoTrain: true,
    method: 'slerp',
    preset: true,
  },
}

export default meta

/** Opens on the digits preset, trained on the 1,797 UCI digits; Train from scratch trains one live. */
export const Digits: StoryObj<PlaygroundArgs> = {}

/** 28×28 procedural sprites (square, ellipse, triangle, heart) with known factors. */
export const Sprites: StoryObj<PlaygroundArgs> = {
  args: { dataset: 'sprites', hiddenUnits: 128, latentDim: 10, epochs: 30 },
}
