import type { Meta, StoryObj } from '@storybook/react-vite'
import { TrainingStatus } from '../src/components/TrainingStatus'
import type {
  TrainingStatusSource,
  TrainingStatusValue,
} from '../src/components/trainingStatusText'
import { useVAE } from '../src/react/useVAE'
import type { BackendName } from '../src/core/backend'
import type { LatentkitErrorCode } from '../src/core/errors'
import type { TrainingKernels } from '../src/core/training'
import { TrainingButtons } from './ModelControls'

interface SnapshotArgs {
  label: string
  unit: string
  status: TrainingStatusValue
  epoch: number
  epochs: number
  runStep: number
  runSteps: number
  samplesPerSecond: number
  elapsedSeconds: number
  backend: BackendName
  kernels: TrainingKernels
  error: 'none' | LatentkitErrorCode
}

/** Real messages of each code, with their "what to do" part. */
const MESSAGES: Partial<Record<LatentkitErrorCode, string>> = {
  DIVERGED:
    'training diverged at step 412 (loss NaN); the weights from the start of epoch 14 were restored. Lower learningRate (now 0.05) or check the data scale',
  SHAPE_MISMATCH:
    'data has 783 values per image, the model expects 784 (28 × 28 × 1); pass shape [n, 28, 28, 1] or call reset() to train a new model on this data',
  BACKEND_UNAVAILABLE:
    "no TF.js backend could start (webgpu: no WebGPU adapter was found; webgl: WebGL 2 is not available); try backend: 'cpu'",
  WORKER_CRASHED:
    'the latentkit worker failed: out of memory; the model was lost, call train() to start again',
}

/** A hook's state made of the story's controls, as a hand-written object. */
function snapshot(args: SnapshotArgs): TrainingStatusSource {
  const message = args.error === 'none' ? undefined : MESSAGES[args.error]
  return {
    status: args.status,
    backend: { name: args.backend, skipped: [] },
    progress: {
      epoch: args.epoch,
      epochs: args.epochs,
      runStep: args.runStep,
      runSteps: args.runSteps,
      samplesPerSecond: args.samplesPerSecond,
      elapsedMs: args.elapsedSeconds * 1000,
      kernels: args.kernels,
    },
    error:
      args.error === 'none'
        ? undefined
        : { code: args.error, message: message ?? `something failed (${args.error})` },
  }
}

const meta: Meta<SnapshotArgs> = {
  title: 'Components/TrainingStatus',
  component: TrainingStatus as never,
  render: (args) => <TrainingStatus model={snapshot(args)} label={args.label} unit={args.unit} />,
  parameters: {
    docs: {
      description: {
        component:
          "A model hook's training at a glance: an accessible progress bar of the current run (`runStep` of `runSteps`), status, backend and kernels, epoch and step, throughput, time left, and the error with its code and what to do. Status changes and errors are announced politely, not every step. Pass any model hook's result as `model`; these stories pass hand-written snapshots, and the last one a live `useVAE`.",
      },
    },
  },
  argTypes: {
    label: { control: 'text' },
    unit: { control: 'text' },
    status: {
      control: 'inline-radio',
      options: ['idle', 'loading', 'training', 'paused', 'ready', 'error'],
    },
    epoch: { control: { type: 'number', min: 1 } },
    epochs: { control: { type: 'number', min: 1 } },
    runStep: { control: { type: 'range', min: 0, max: 1200, step: 1 } },
    runSteps: { control: { type: 'number', min: 0 } },
    samplesPerSecond: { control: { type: 'number', min: 0 } },
    elapsedSeconds: { control: { type: 'number', min: 0 } },
    backend: { control: 'inline-radio', options: ['webgpu', 'webgl', 'wasm', 'cpu'] },
    kernels: { control: 'inline-radio', options: ['tfjs', 'wasm-relaxed-simd', 'wasm-simd'] },
    error: {
      control: 'select',
      options: ['none', 'DIVERGED', 'SHAPE_MISMATCH', 'BACKEND_UNAVAILABLE', 'WORKER_CRASHED'],
    },
  },
  args: {
    label: 'Training',
    unit: 'images',
    status: 'training',
    epoch: 14,
    epochs: 40,
    runStep: 400,
    runSteps: 1160,
    samplesPerSecond: 18_432,
    elapsedSeconds: 32,
    backend: 'wasm',
    kernels: 'wasm-relaxed-simd',
    error: 'none',
  },
}

export default meta
type Story = StoryObj<SnapshotArgs>

/** A VAE a third of the way through its run: the bar, the step of the total, throughput and time left. */
export const MidTraining: Story = {}

/** Paused: the bar turns grey and there is no time left to count. */
export const Paused: Story = { args: { status: 'paused' } }

/** The run finished: the bar is full and the line says how long it took. */
export const Done: Story = {
  args: { status: 'ready', epoch: 40, runStep: 1160, elapsedSeconds: 93 },
}

/** The loss became NaN: the code, the message and what to do (split from the message). */
export const Diverged: Story = { args: { status: 'error', error: 'DIVERGED', runStep: 412 } }

/** Nothing has happened yet: `renderEmpty` decides what shows. */
export const NotStarted: Story = {
  parameters: { controls: { include: ['label'] } },
  render: (args) => (
    <TrainingStatus
      model={{ status: 'idle', progress: undefined, backend: undefined, error: undefined }}
      label={args.label}
      renderEmpty={() => <em>Press Train to start; the bar fills as the model learns.</em>}
    />
  ),
}

function LiveVAE({ label, unit, epochs }: Pick<SnapshotArgs, 'label' | 'unit' | 'epochs'>) {
  const vae = useVAE({ data: 'digits', epochs, autoTrain: true })
  return (
    <div style={{ display: 'grid', gap: 8, maxWidth: 560 }}>
      <TrainingButtons vae={vae} />
      <TrainingStatus model={vae} label={label} unit={unit} />
    </div>
  )
}

/**
 * A `useVAE` training on the digits in a worker as soon as the story opens (300 epochs, so there is
 * time to watch the bar, pause and resume; `epochs` applies from the next Train).
 */
export const LiveVAETraining: Story = {
  args: { epochs: 300 },
  render: (args) => <LiveVAE label={args.label} unit={args.unit} epochs={args.epochs} />,
  parameters: { controls: { include: ['label', 'unit', 'epochs'] } },
}
