import type { Meta, StoryObj } from '@storybook/react-vite'
import { ScreeChart } from '../src/components/ScreeChart'
import { usePCA } from '../src/react/usePCA'

const meta: Meta<typeof ScreeChart> = {
  title: 'Components/ScreeChart',
  component: ScreeChart,
  argTypes: {
    width: { control: { type: 'range', min: 200, max: 900, step: 10 } },
    height: { control: { type: 'range', min: 120, max: 500, step: 10 } },
    cumulative: { control: 'boolean' },
    highlight: { control: { type: 'range', min: 0, max: 64, step: 1 } },
    title: { control: 'text' },
    showSummary: { control: 'boolean' },
    source: { table: { disable: true } },
  },
  args: {
    width: 480,
    height: 200,
    cumulative: true,
    title: 'Explained variance',
    showSummary: true,
  },
}

export default meta
type Story = StoryObj<typeof ScreeChart>

function LiveScree(args: Story['args']) {
  const pca = usePCA({ data: 'digits', nComponents: 32, autoTrain: true })
  return <ScreeChart {...args} source={pca.components} />
}

/** The 32 leading components of the digits, fitted live in the worker. */
export const Live: Story = { render: (args) => <LiveScree {...args} /> }

/** Given ratios (a spectrum that decays geometrically), the first 5 highlighted. */
export const Given: Story = {
  args: {
    highlight: 5,
    source: {
      explainedVarianceRatio: Float32Array.from({ length: 20 }, (_, i) => 0.25 * 0.75 ** i),
    },
  },
}

/** Before a fit: empty axes, and a summary that says so. */
export const Empty: Story = { args: { source: undefined } }
