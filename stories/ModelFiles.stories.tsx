import type { Meta, StoryObj } from '@storybook/react-vite'
import { ModelFiles } from '../src/components/ModelFiles'
import { SampleGrid } from '../src/components/SampleGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { useVAE } from '../src/react/useVAE'
import { TrainingButtons } from './ModelControls'

interface Args {
  defaultName: string
  label: string
  epochs: number
  /** Open on the shipped digits VAE (latent 8, the model trained here); off trains one at mount. */
  preset: boolean
}

function KeepAVAE({ defaultName, label, epochs, preset }: Args) {
  const vae = useVAE({
    data: 'digits',
    epochs,
    latentDim: 8,
    ...(preset ? { preset: 'digits' } : {}),
    autoTrain: true,
  })
  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 640 }}>
      <TrainingButtons vae={vae} />
      <TrainingStatus model={vae} unit="images" data-testid="model-status" />
      <SampleGrid model={vae} rows={4} columns={8} seed={4} />
      <ModelFiles model={vae} defaultName={defaultName} label={label} />
    </div>
  )
}

const meta: Meta<Args> = {
  title: 'Components/ModelFiles',
  component: ModelFiles as never,
  render: (args) => <KeepAVAE {...args} />,
  parameters: {
    docs: {
      description: {
        component:
          "Keep a trained model: save it in this browser (IndexedDB, through TF.js's model I/O in the worker) under a name, download it as one `.lkmodel` file, load or delete what was saved, or drop a file to import it (with progress for large files). Errors show their code and what to do, and the model in the hook stays as it was. Pass any model hook's result as `model`. Here a `useVAE` opens on the shipped digits preset (Train from scratch trains one in the worker): save it, press Reset, and load it back; the samples return as they were.",
      },
    },
  },
  argTypes: {
    defaultName: { control: 'text' },
    label: { control: 'text' },
    epochs: { control: { type: 'number', min: 1, max: 500 } },
    preset: { control: 'boolean' },
  },
  args: { defaultName: 'digits-vae', label: 'Model files', epochs: 30, preset: true },
}

export default meta
type Story = StoryObj<Args>

/** A VAE on the digits (the shipped preset, or trained at mount), with its files below: save, reset, load it back. */
export const KeepATrainedVAE: Story = {}
