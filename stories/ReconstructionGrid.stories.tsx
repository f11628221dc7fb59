import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo } from 'react'
import { useAutoencoder } from '../src/react/useAutoencoder'
import { ReconstructionGrid } from '../src/components/ReconstructionGrid'
import type { AutoencoderKind } from '../src/core/autoencoder/autoencoderOptions'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { TrainingStatus } from '../src/components/TrainingStatus'

interface GridArgs {
  kind: AutoencoderKind
  codeSize: number
  columns: number
  scale: number
  colorMap: 'grayscale' | 'inverted'
}

function Grid(args: GridArgs) {
  const ae = useAutoencoder({
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
          'Inputs above their reconstructions, redrawn live as an autoencoder trains in a worker on the digits. Lower `codeSize` or use `linear` to see what a small code keeps.',
      },
    },
  },
  argTypes: {
    kind: { control: 'inline-radio', options: ['plain', 'denoising', 'sparse', 'linear'] },
    codeSize: { control: { type: 'range', min: 1, max: 32, step: 1 } },
    columns: { control: { type: 'range', min: 1, max: 16, step: 1 } },
    scale: { control: { type: 'range', min: 2, max: 12, step: 1 } },
    colorMap: { control: 'inline-radio', options: ['grayscale', 'inverted'] },
  },
  args: { kind: 'plain', codeSize: 8, columns: 8, scale: 6, colorMap: 'grayscale' },
}

export default meta

/** A plain autoencoder with an 8-value code on the digits. */
export const Digits: StoryObj<GridArgs> = {}

/** The linear autoencoder (PCA's subspace) with 4 values. */
export const Linear: StoryObj<GridArgs> = { args: { kind: 'linear', codeSize: 4 } }
