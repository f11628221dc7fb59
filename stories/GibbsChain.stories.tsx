import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { GibbsChain } from '../src/components/GibbsChain'
import { SampleGrid } from '../src/components/SampleGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { useRBM } from '../src/react/useRBM'
import { DIGITS_ATTRIBUTION } from '../src/data/digits'
import { heldOutDigits } from './sparseStoryData'

interface ChainArgs {
  chains: number
  steps: number
  frames: number
  seed: number
  scale: number
  animate: boolean
  frameDuration: number
  colorMap: 'grayscale' | 'inverted'
}

/** Four digits the RBM never trains on (it sees the first 1,700), to start chains from. */
const START = heldOutDigits(1700, 4)

/** The shipped digits RBM (64 hidden units, trained on the first 1,700 digits), shown at once. */
function useDigitRBM() {
  return useRBM({
    preset: 'digits',
    data: { name: 'digits', limit: 1700 },
    layers: [64],
    epochs: 40,
    learningRate: 0.05,
    seed: 1,
    autoTrain: true,
  })
}

function LiveChain({ fromImages, ...args }: ChainArgs & { fromImages: boolean }) {
  const rbm = useDigitRBM()
  const [walk, setWalk] = useState(0)
  return (
    <div style={{ display: 'grid', gap: 12, justifyItems: 'start' }}>
      <TrainingStatus model={rbm} unit="images" />
      {fromImages ? (
        <div>
          <p style={{ fontSize: 12, margin: '0 0 4px' }}>
            The held-out digits the chains start from:
          </p>
          <SampleGrid images={START} rows={4} columns={1} scale={args.scale} />
        </div>
      ) : null}
      <GibbsChain
        model={rbm}
        {...args}
        seed={args.seed + walk}
        start={fromImages ? START : undefined}
      />
      <div className="lk-demo__toolbar">
        <button type="button" onClick={() => setWalk((w) => w + 1)}>
          New walk
        </button>
        <span style={{ fontSize: 12 }}>
          Each row is one chain; each column the chain after that many Gibbs steps.
        </span>
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<ChainArgs> = {
  title: 'Components/GibbsChain',
  component: GibbsChain,
  parameters: {
    docs: {
      description: {
        component:
          'Gibbs chains of a restricted Boltzmann machine, one per row, recorded every few steps: from noise (or from given images) the chain wanders towards what the model believes digits look like. Live: `useRBM` trains in its worker and the same seeded walk is redrawn as the model learns; the frames are revealed one by one (at once when the user prefers reduced motion).',
      },
    },
  },
  argTypes: {
    chains: { control: { type: 'range', min: 1, max: 10, step: 1 } },
    steps: { control: { type: 'number', min: 1 } },
    frames: { control: { type: 'range', min: 2, max: 21, step: 1 } },
    seed: { control: 'number' },
    scale: { control: { type: 'range', min: 1, max: 10, step: 1 } },
    animate: { control: 'boolean' },
    frameDuration: { control: { type: 'range', min: 0, max: 1000, step: 50 } },
    colorMap: { control: 'inline-radio', options: ['grayscale', 'inverted'] },
  },
  args: {
    chains: 4,
    steps: 100,
    frames: 11,
    seed: 0,
    scale: 5,
    animate: true,
    frameDuration: 150,
    colorMap: 'grayscale',
  },
}

export default meta
type Story = StoryObj<ChainArgs>

/** Chains from noise, live: an RBM of 64 hidden units trains on the digits as the story opens. */
export const FromNoise: Story = {
  render: (args) => <LiveChain {...args} fromImages={false} />,
}

/** Chains from four held-out digits: each wanders off its digit, to another the model knows. */
export const FromImages: Story = {
  render: (args) => <LiveChain {...args} fromImages />,
  args: { steps: 200, frames: 11 },
}
