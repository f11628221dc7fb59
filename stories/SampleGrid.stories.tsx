import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { SampleGrid } from '../src/components/SampleGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { useVAE } from '../src/react/useVAE'
import { loadDigits, DIGITS_ATTRIBUTION } from '../src/data/digits'
import { generateSprites } from '../src/data/sprites'

const digits = loadDigits({ limit: 64 }).images
const sprites = generateSprites({ count: 32, size: 28, seed: 4 }).images

const meta: Meta<typeof SampleGrid> = {
  title: 'Components/SampleGrid',
  component: SampleGrid,
  argTypes: {
    rows: { control: { type: 'range', min: 1, max: 8, step: 1 } },
    columns: { control: { type: 'range', min: 1, max: 16, step: 1 } },
    scale: { control: { type: 'range', min: 1, max: 12, step: 1 } },
    gap: { control: { type: 'range', min: 0, max: 8, step: 1 } },
    seed: { control: 'number' },
    colorMap: { control: 'inline-radio', options: ['grayscale', 'inverted'] },
    pixelated: { control: 'boolean' },
    background: { control: 'color' },
    model: { table: { disable: true } },
    images: { table: { disable: true } },
  },
  args: { rows: 4, columns: 8, scale: 5, gap: 2, colorMap: 'grayscale', pixelated: true },
}

export default meta
type Story = StoryObj<typeof SampleGrid>

/** Real handwritten digits from the embedded data set, given as images. */
export const GivenDigits: Story = {
  args: { images: digits },
  render: (args) => (
    <div>
      <SampleGrid {...args} />
      <p className="lk-demo__credit">{DIGITS_ATTRIBUTION}</p>
    </div>
  ),
}

/** Procedural 28×28 sprites, ink on paper. */
export const GivenSprites: Story = {
  args: { images: sprites, scale: 2, colorMap: 'inverted', columns: 8, rows: 4 },
}

function LiveGrid(args: Story['args']) {
  // Opens on the shipped digits VAE (autoTrain trains a model only when there is none).
  const vae = useVAE({
    preset: 'digits',
    data: 'digits',
    epochs: 30,
    learningRate: 0.002,
    autoTrain: true,
  })
  const [selected, setSelected] = useState<number>()
  return (
    <div>
      <TrainingStatus model={vae} unit="images" />
      <p style={{ fontSize: 13 }}>
        {selected === undefined
          ? 'Click a sample to select it.'
          : `Selected sample ${selected + 1}`}
      </p>
      <SampleGrid {...args} model={vae} onSelect={setSelected} />
    </div>
  )
}

/** Samples from a VAE training in the worker: the same latents sharpen as it learns. Click or use arrows + Enter to select. */
export const LiveFromModel: Story = {
  render: (args) => <LiveGrid {...args} />,
}
