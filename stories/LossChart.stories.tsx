import type { Meta, StoryObj } from '@storybook/react-vite'
import { LossChart } from '../src/components/LossChart'
import { useVAE } from '../src/react/useVAE'

const meta: Meta<typeof LossChart> = {
  title: 'Components/LossChart',
  component: LossChart,
  argTypes: {
    width: { control: { type: 'range', min: 200, max: 900, step: 10 } },
    height: { control: { type: 'range', min: 120, max: 500, step: 10 } },
    logScale: { control: 'boolean' },
    maxPoints: { control: { type: 'range', min: 10, max: 1000, step: 10 } },
    title: { control: 'text' },
    unit: { control: 'text' },
    showSummary: { control: 'boolean' },
    history: { table: { disable: true } },
  },
  args: {
    width: 480,
    height: 220,
    logScale: false,
    maxPoints: 400,
    title: 'Training loss',
    unit: 'nats per image',
    showSummary: true,
  },
}

export default meta
type Story = StoryObj<typeof LossChart>

function LiveChart(args: Story['args']) {
  const vae = useVAE({ data: 'digits', epochs: 30, autoTrain: true })
  return <LossChart {...args} history={vae.history} />
}

/** Curves of a VAE training live in the worker on the digits. */
export const Live: Story = { render: (args) => <LiveChart {...args} /> }

/** A given history with one custom series and colours from props. */
export const GivenHistory: Story = {
  args: {
    history: Array.from({ length: 300 }, (_, i) => ({
      step: i + 1,
      loss: 45 * Math.exp(-i / 60) + 25 + Math.sin(i) * 0.6,
      kl: 3 * (1 - Math.exp(-i / 40)),
    })),
    series: [
      { key: 'loss', label: 'loss', color: '#7c3aed' },
      { key: 'kl', label: 'KL', color: '#f59e0b' },
    ],
  },
}

/** A history whose points name their `phase` (a stacked autoencoder's): each phase marked where it starts. */
export const WithPhases: Story = {
  args: {
    history: Array.from({ length: 240 }, (_, i) => {
      const layer = Math.floor(i / 50)
      const phase = layer < 3 ? `layer ${layer + 1}` : 'fine-tune'
      const start = layer < 3 ? layer * 50 : 150
      return {
        step: i + 1,
        phase,
        loss: (layer < 3 ? 12 / (layer + 1) : 3) * Math.exp(-(i - start) / 25) + 1 + layer * 0.1,
      }
    }),
    series: [{ key: 'loss', label: 'loss' }],
    logScale: true,
    showPhases: true,
  },
}
