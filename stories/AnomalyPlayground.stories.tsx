import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { useAutoencoder, type UseAutoencoderOptions } from '../src/react/useAutoencoder'
import { AnomalyHeatmap } from '../src/components/AnomalyHeatmap'
import { ReconstructionGrid } from '../src/components/ReconstructionGrid'
import { SampleGrid } from '../src/components/SampleGrid'
import { LossChart } from '../src/components/LossChart'
import type { ImageBatch } from '../src/core/dataset'
import type { BackendPreference } from '../src/core/backend'
import type {
  AutoencoderArchitecture,
  AutoencoderKind,
  Corruption,
} from '../src/core/autoencoder/autoencoderOptions'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { TrainingButtons } from './ModelControls'
import { DrawPad } from './DrawPad'
import { anomalyBenchmark, imageAt, testImages } from './anomalyStoryData'

interface PlaygroundArgs {
  kind: AutoencoderKind
  architecture: AutoencoderArchitecture
  corruption: Corruption
  codeSize: number
  epochs: number
  batchSize: number
  learningRate: number
  fusedKernels: boolean
  percentile: number
  opacity: number
  seed: number
  backend: BackendPreference
  autoTrain: boolean
  preset: boolean
}

const LOSS = [{ key: 'reconstruction', label: 'reconstruction' }]

/**
 * The shipped preset of the model the controls describe, if one ships: the plain dense, the
 * convolutional and the masked denoising autoencoders of the sprites (each calibrated).
 */
function presetFor(args: PlaygroundArgs): string | undefined {
  if (args.kind === 'plain') {
    return args.architecture === 'conv' ? 'sprites-anomaly-conv' : 'sprites-anomaly'
  }
  if (args.kind === 'denoising' && args.corruption === 'mask' && args.architecture === 'dense') {
    return 'sprites-anomaly-masked'
  }
  return undefined
}

function Playground(args: PlaygroundArgs) {
  const train = useMemo(() => anomalyBenchmark().train, [])
  const tests = useMemo(() => testImages(16), [])
  const [selected, setSelected] = useState(0)
  const [drawn, setDrawn] = useState<ImageBatch | undefined>(undefined)
  const preset = args.preset ? presetFor(args) : undefined
  const options: UseAutoencoderOptions = {
    data: train,
    kind: args.kind,
    architecture: args.kind === 'linear' ? 'dense' : args.architecture,
    corruption: args.corruption,
    codeSize: args.codeSize,
    epochs: args.epochs,
    batchSize: args.batchSize,
    learningRate: args.learningRate,
    fusedKernels: args.fusedKernels,
    seed: args.seed,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Each variant opens on its own shipped preset; Train from scratch trains one live.
    ...(preset ? { preset } : {}),
  }
  const ae = useAutoencoder(options)
  const { status, calibrate } = ae
  // Calibrate on the training data whenever training ends or the percentile changes.
  useEffect(() => {
    // On the normal images themselves: a preset was trained elsewhere, not on data sent here.
    if (status === 'ready') void calibrate({ percentile: args.percentile, data: train })
  }, [status, calibrate, args.percentile, train])

  const chosen = useMemo(() => imageAt(tests.images, selected), [tests, selected])
  const shown = drawn ?? chosen
  const threshold = ae.threshold

  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={ae} />
      <TrainingStatus model={ae} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Test images (top: with a defect, bottom: normal)</h3>
          <SampleGrid
            images={tests.images}
            rows={2}
            columns={8}
            scale={2}
            onSelect={(index) => {
              setSelected(index)
              setDrawn(undefined)
            }}
            label="Test images: click one to examine it"
          />
          <h3>Or draw on it</h3>
          <DrawPad image={chosen} scale={6} onChange={setDrawn} />
        </section>
        <section className="lk-demo__panel">
          <h3>Where it looks abnormal</h3>
          <AnomalyHeatmap model={ae} image={shown} opacity={args.opacity} scale={8} />
          <label style={{ fontSize: 12, display: 'block', marginTop: 8 }}>
            Move the threshold{' '}
            <input
              type="range"
              min={0}
              max={0.3}
              step={0.002}
              value={threshold ?? 0}
              disabled={threshold === undefined}
              onChange={(event) => void ae.setThreshold(Number(event.target.value))}
            />{' '}
            {threshold === undefined ? 'not calibrated yet' : threshold.toFixed(3)}
          </label>
        </section>
        <section className="lk-demo__panel">
          <h3>Inputs above their reconstructions</h3>
          <ReconstructionGrid model={ae} images={tests.images} columns={8} scale={2} />
          <LossChart
            history={ae.history}
            series={LOSS}
            width={420}
            height={180}
            unit="squared error per image"
          />
        </section>
      </div>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/Anomaly detection playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`useAutoencoder` trains in a Web Worker on 2,000 normal procedural sprites only, is calibrated on them (a percentile of their scores), then `AnomalyHeatmap` shows where a test image — normal, with a scratch, blob, missing part or stain, or one you draw on — cannot be rebuilt. `ReconstructionGrid` shows inputs above their reconstructions.',
      },
    },
  },
  argTypes: {
    kind: { control: 'inline-radio', options: ['plain', 'denoising', 'sparse', 'linear'] },
    architecture: { control: 'inline-radio', options: ['dense', 'conv'] },
    corruption: { control: 'inline-radio', options: ['gaussian', 'mask'] },
    codeSize: { control: { type: 'range', min: 2, max: 64, step: 1 } },
    epochs: { control: { type: 'number', min: 1 } },
    batchSize: { control: { type: 'number', min: 1 } },
    learningRate: { control: { type: 'number', min: 0.00001, step: 0.0005 } },
    fusedKernels: { control: 'boolean' },
    percentile: { control: { type: 'range', min: 50, max: 100, step: 0.5 } },
    opacity: { control: { type: 'range', min: 0, max: 1, step: 0.05 } },
    seed: { control: 'number' },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    kind: 'plain',
    architecture: 'dense',
    corruption: 'gaussian',
    codeSize: 32,
    epochs: 40,
    batchSize: 64,
    learningRate: 0.001,
    fusedKernels: true,
    percentile: 99,
    opacity: 0.7,
    seed: 1,
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta

/**
 * A plain dense autoencoder on the sprites, opening on the shipped preset (784-128-32, 160 epochs);
 * Train from scratch trains the story's own (784-256-32) live.
 */
export const Sprites: StoryObj<PlaygroundArgs> = {}

/**
 * A convolutional autoencoder (slower to train, sharper reconstructions), opening on its shipped
 * preset (`'sprites-anomaly-conv'`); Train from scratch trains it live for 20 epochs.
 */
export const Convolutional: StoryObj<PlaygroundArgs> = {
  args: { architecture: 'conv', epochs: 20 },
}

/**
 * A denoising autoencoder that learns to fill in masked pixels, opening on its shipped preset
 * (`'sprites-anomaly-masked'`, 784-128-32); Train from scratch trains the story's own (784-256-32) live.
 */
export const MaskedDenoising: StoryObj<PlaygroundArgs> = {
  args: { kind: 'denoising', corruption: 'mask' },
}
