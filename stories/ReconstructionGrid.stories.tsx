import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo } from 'react'
import { useAutoencoder } from '../src/react/useAutoencoder'
import { ReconstructionGrid } from '../src/components/ReconstructionGrid'
import type { AutoencoderKind } from '../src/core/autoencoder/autoencoderOptions'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { TrainingButtons } from './ModelControls'

interface GridArgs {
  kind: AutoencoderKind
  codeSize: number
  columns: number
  scale: number
  colorMap: 'grayscale' | 'inverted'
  /** Open on the shipped preset of the model the controls describe, when one ships; off: train live. */
  preset: boolean
}

/** The shipped preset of the plain 8-value and the linear 4-value autoencoders of the digits. */
function presetFor(args: GridArgs): string | undefined {
  if (args.kind === 'plain' && args.codeSize === 8) return 'digits'
  if (args.kind === 'linear' && args.codeSize === 4) return 'linear-digits'
  return undefined
}

function Grid(args: GridArgs) {
  const preset = args.preset ? presetFor(args) : undefined
  const ae = useAutoencoder({
    // Opens on the variant's shipped preset; Train from scratch trains one live.
    ...(preset ? { preset } : {}),
    data: 'digits',
    kind: args.kind,
    codeSize: args.codeSize,
    epochs: 30,
    autoTrain: true,
  })
  const images = useMemo(() => {
    const { images: all } = loadDigits()
    return { data: all.data.slice(1780 * 64, 1796 * 64), shape: [16, 8, 8, 1] as const }
  }, [])
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <TrainingButtons vae={ae} />
      <TrainingStatus model={ae} unit="images" />
      <ReconstructionGrid
        model={ae}
        images={images}
        columns={args.columns}
        scale={args.scale}
        colorMap={args.colorMap}
      />
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<GridArgs> = {
  title: 'Components/ReconstructionGrid',
  component: Grid,
  parameters: {
    docs: {
      description: {
        component:
          "Inputs above their reconstructions, redrawn live as an autoencoder trains in a worker on the digits. It opens on a shipped preset (`'digits'`, `'linear-digits'`); Train from scratch trains live. Lower `codeSize` or use `linear` to see what a small code keeps.",
      },
    },
  },
  argTypes: {
    kind: { control: 'inline-radio', options: ['plain', 'denoising', 'sparse', 'linear'] },
    codeSize: { control: { type: 'range', min: 1, max: 32, step: 1 } },
    columns: { control: { type: 'range', min: 1, max: 16, step: 1 } },
    scale: { control: { type: 'range', min: 2, max: 12, step: 1 } },
    colorMap: { control: 'inline-radio', options: ['grayscale', 'inverted'] },
    preset: { control: 'boolean' },
  },
  args: { kind: 'plain', codeSize: 8, columns: 8, scale: 6, colorMap: 'grayscale', preset: true },
}

export default meta

/** A plain autoencoder with an 8-value code on the digits, opening on its preset (`'digits'`). */
export const Digits: StoryObj<GridArgs> = {}

/** The linear autoencoder (PCA's subspace) with 4 values, opening on its preset (`'linear-digits'`). */
export const Linear: StoryObj<GridArgs> = { args: { kind: 'linear', codeSize: 4 } }
