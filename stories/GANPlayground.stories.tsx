import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo } from 'react'
import { useGAN, type UseGANResult } from '../src/react/useGAN'
import { GANPlane } from '../src/components/GANPlane'
import { LossChart } from '../src/components/LossChart'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { toy2d, type Toy2DName } from '../src/data/toy2d'
import type { BackendPreference } from '../src/core/backend'
import { TrainingButtons } from './ModelControls'

const GAN_SERIES = [
  { key: 'generatorLoss', label: 'generator' },
  { key: 'discriminatorLoss', label: 'discriminator' },
] as const

function GANStatus({ gan }: { gan: UseGANResult }) {
  const last = gan.history[gan.history.length - 1]
  return (
    <div style={{ display: 'grid', gap: 6 }}>
      <TrainingButtons vae={gan} />
      <TrainingStatus model={gan} unit="points" data-testid="model-status" />
      <p style={{ margin: 0, fontSize: 12 }}>
        {last ? `D(x) ${last.realScore.toFixed(2)} · D(G(z)) ${last.fakeScore.toFixed(2)} · ` : ''}
        Health: diversity{' '}
        {gan.health.diversity === undefined ? '–' : gan.health.diversity.toFixed(2)}
        {gan.health.collapsing ? ' · ⚠ samples are collapsing' : ''}
        {gan.health.discriminatorWinning ? ' · ⚠ the discriminator is winning outright' : ''}
      </p>
    </div>
  )
}

interface PlaneArgs {
  dataset: Toy2DName
  generatorLearningRate: number
  discriminatorLearningRate: number
  discriminatorSteps: number
  labelSmoothing: number
  fusedKernels: boolean
  batchSize: number
  epochs: number
  noiseDim: number
  hiddenUnits: number
  seed: number
  backend: BackendPreference
  showHeatmap: boolean
  preset: boolean
}

function PlanePlayground(args: PlaneArgs) {
  const data = useMemo(() => toy2d(args.dataset, { count: 4096, seed: 1 }), [args.dataset])
  const units = useMemo(() => [args.hiddenUnits, args.hiddenUnits], [args.hiddenUnits])
  const gan = useGAN({
    data,
    generatorLearningRate: args.generatorLearningRate,
    discriminatorLearningRate: args.discriminatorLearningRate,
    discriminatorSteps: args.discriminatorSteps,
    labelSmoothing: args.labelSmoothing,
    fusedKernels: args.fusedKernels,
    batchSize: args.batchSize,
    epochs: args.epochs,
    noiseDim: args.noiseDim,
    generatorUnits: units,
    discriminatorUnits: units,
    seed: args.seed,
    backend: args.backend,
    autoTrain: true,
    // Each data set opens on its shipped preset (`'ring'`, `'moons'`, `'spiral'`: this network,
    // trained already); Train from scratch trains one live.
    ...(args.preset ? { preset: args.dataset } : {}),
  })
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <GANStatus gan={gan} />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <GANPlane model={gan} data={data} showHeatmap={args.showHeatmap} />
        </section>
        <section className="lk-demo__panel">
          <LossChart
            history={gan.history}
            series={GAN_SERIES}
            title="Losses"
            unit="nats"
            width={420}
          />
        </section>
      </div>
    </div>
  )
}

const meta: Meta<PlaneArgs> = {
  title: 'Playgrounds/GAN on 2-D data',
  component: PlanePlayground,
  parameters: {
    docs: {
      description: {
        component:
          '`useGAN` training live in a Web Worker on a 2-D data set. Black: real points; green: generated points; background: the discriminator’s D(x) over the plane (purple: “fake”, orange: “real”), evaluated in the worker.',
      },
    },
  },
  argTypes: {
    dataset: { control: 'inline-radio', options: ['ring', 'moons', 'spiral'] },
    generatorLearningRate: { control: { type: 'number', min: 0.00001, step: 0.0001 } },
    discriminatorLearningRate: { control: { type: 'number', min: 0.00001, step: 0.0001 } },
    discriminatorSteps: { control: { type: 'range', min: 1, max: 5, step: 1 } },
    labelSmoothing: { control: { type: 'range', min: 0, max: 0.3, step: 0.05 } },
    fusedKernels: { control: 'boolean' },
    batchSize: { control: { type: 'number', min: 8 } },
    epochs: { control: { type: 'number', min: 1 } },
    noiseDim: { control: { type: 'range', min: 1, max: 64, step: 1 } },
    hiddenUnits: { control: { type: 'range', min: 16, max: 256, step: 16 } },
    seed: { control: 'number' },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    showHeatmap: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    dataset: 'ring',
    generatorLearningRate: 0.001,
    discriminatorLearningRate: 0.001,
    discriminatorSteps: 1,
    labelSmoothing: 0,
    fusedKernels: true,
    batchSize: 256,
    epochs: 200,
    noiseDim: 8,
    hiddenUnits: 128,
    seed: 1,
    backend: 'auto',
    showHeatmap: true,
    preset: true,
  },
}

export default meta

/** The ring of 8 Gaussians (σ = 0.02, radius 1): the classic test of mode collapse. */
export const Ring: StoryObj<PlaneArgs> = {}

/** Two moons, opening on the shipped `'moons'` preset. */
export const Moons: StoryObj<PlaneArgs> = { args: { dataset: 'moons' } }

/** A two-turn spiral, opening on the shipped `'spiral'` preset. */
export const Spiral: StoryObj<PlaneArgs> = { args: { dataset: 'spiral' } }
