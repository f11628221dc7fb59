import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo, useState } from 'react'
import { useSparseCoding } from '../src/react/useSparseCoding'
import { SparseCodeView, type PatchPosition } from '../src/components/SparseCodeView'
import type { BackendPreference } from '../src/core/backend'
import { DIGITS_ATTRIBUTION } from '../src/data/digits'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { digitCollage } from './sparseStoryData'

interface ViewArgs {
  maxAtoms: number
  scale: number
  patchScale: number
  colorMap: 'grayscale' | 'inverted'
  lambda: number
  backend: BackendPreference
}

function View(args: ViewArgs) {
  // Opens on the shipped digits dictionary (128 atoms); a new lambda trains a fresh one live.
  const sc = useSparseCoding({
    preset: 'digits',
    data: 'digits',
    atoms: 96,
    lambda: args.lambda,
    epochs: 8,
    backend: args.backend,
    autoTrain: true,
  })
  const image = useMemo(() => digitCollage(4, 20), [])
  const [position, setPosition] = useState<PatchPosition>({ top: 8, left: 8 })
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <TrainingStatus model={sc} unit="patches" />
      <SparseCodeView
        model={sc}
        image={image}
        position={position}
        onPositionChange={setPosition}
        maxAtoms={args.maxAtoms}
        scale={args.scale}
        patchScale={args.patchScale}
        colorMap={args.colorMap}
      />
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<ViewArgs> = {
  title: 'Components/SparseCodeView',
  component: View,
  parameters: {
    docs: {
      description: {
        component:
          'How a sparse coding model explains one patch: click the image (or focus it and use the arrow keys) to move the patch; the view shows the patch, its reconstruction and the atoms its code uses, largest weight first. The model trains live on the digits in a worker.',
      },
    },
  },
  argTypes: {
    maxAtoms: { control: { type: 'range', min: 1, max: 16, step: 1 } },
    scale: { control: { type: 'range', min: 2, max: 12, step: 1 } },
    patchScale: { control: { type: 'range', min: 2, max: 12, step: 1 } },
    colorMap: { control: 'inline-radio', options: ['grayscale', 'inverted'] },
    lambda: { control: { type: 'range', min: 0.05, max: 2, step: 0.05 } },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
  },
  args: {
    maxAtoms: 8,
    scale: 8,
    patchScale: 6,
    colorMap: 'grayscale',
    lambda: 0.5,
    backend: 'auto',
  },
}

export default meta

/** A 32 × 32 collage of digits; the patch starts in its middle. */
export const Digits: StoryObj<ViewArgs> = {}
