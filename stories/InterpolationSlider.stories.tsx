import type { Meta, StoryObj } from '@storybook/react-vite'
import {
  InterpolationSlider,
  type InterpolationSliderProps,
} from '../src/components/InterpolationSlider'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { useVAE } from '../src/react/useVAE'
import { loadDigits } from '../src/data/digits'

type Args = Omit<InterpolationSliderProps, 'model'> & { fromDigit: number; toDigit: number }

const { images, labels } = loadDigits()
function firstImageOf(digit: number) {
  const index = labels.indexOf(digit)
  return { data: images.data.slice(index * 64, (index + 1) * 64), shape: [1, 8, 8, 1] as const }
}

function TrainedSlider({ fromDigit, toDigit, ...args }: Args) {
  const vae = useVAE({
    preset: 'digits',
    data: 'digits',
    epochs: 40,
    learningRate: 0.002,
    autoTrain: true,
  })
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <TrainingStatus model={vae} unit="images" />
      <InterpolationSlider
        {...args}
        model={vae}
        from={{ image: firstImageOf(fromDigit) }}
        to={{ image: firstImageOf(toDigit) }}
      />
    </div>
  )
}

const meta: Meta<Args> = {
  title: 'Components/InterpolationSlider',
  component: InterpolationSlider as never,
  render: (args) => <TrainedSlider {...args} />,
  argTypes: {
    fromDigit: { control: { type: 'range', min: 0, max: 9, step: 1 } },
    toDigit: { control: { type: 'range', min: 0, max: 9, step: 1 } },
    method: { control: 'inline-radio', options: ['linear', 'slerp'] },
    steps: { control: { type: 'range', min: 0, max: 16, step: 1 } },
    scale: { control: { type: 'range', min: 4, max: 32, step: 1 } },
    stripScale: { control: { type: 'range', min: 1, max: 12, step: 1 } },
    colorMap: { control: 'inline-radio', options: ['grayscale', 'inverted'] },
    pixelated: { control: 'boolean' },
    label: { control: 'text' },
  },
  args: {
    fromDigit: 0,
    toDigit: 1,
    method: 'linear',
    steps: 8,
    scale: 16,
    stripScale: 5,
    colorMap: 'grayscale',
    pixelated: true,
    label: 'Interpolation position',
  },
}

export default meta

/** Endpoints are two real digits, encoded by the VAE as it trains. Drag or use the arrow keys. */
export const BetweenTwoDigits: StoryObj<Args> = {}

/** Spherical interpolation keeps intermediate latents at a typical norm. */
export const Spherical: StoryObj<Args> = { args: { method: 'slerp', fromDigit: 3, toDigit: 8 } }
