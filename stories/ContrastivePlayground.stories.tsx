import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useState } from 'react'
import { useContrastive, type UseContrastiveOptions } from '../src/react/useContrastive'
import { SampleGrid } from '../src/components/SampleGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { pairRows } from '../src/components/ReconstructionGrid'
import { DIGITS_ATTRIBUTION } from '../src/data/digits'
import type { AugmentedPairs } from '../src/core/contrastive/contrastiveSpec'
import type { ContrastiveArchitecture } from '../src/core/contrastive/contrastiveOptions'
import type { BackendPreference } from '../src/core/backend'
import { TrainingButtons } from './ModelControls'
import { ProbedTaskCharts } from './ProbedTaskCharts'

interface PlaygroundArgs {
  architecture: ContrastiveArchitecture
  temperature: number
  batchSize: number
  epochs: number
  crop: boolean
  shift: boolean
  rotation: boolean
  scale: boolean
  noise: boolean
  cutout: boolean
  brightness: boolean
  contrast: boolean
  /** `encodeViews: 'shifts'` (features averaged over the image and its four one-pixel shifts). */
  encodeShifts: boolean
  backend: BackendPreference
  autoTrain: boolean
  preset: boolean
}

const PAIRS = 12
const LOSS = [{ key: 'loss', label: 'NT-Xent loss' }]
const ACCURACY = [{ key: 'pairAccuracy', label: 'pair top-1 accuracy' }]

/**
 * The shipped preset of the encoder the controls describe: the convolutional one, the dense one with
 * crops as its only augmentation, or the dense one with every augmentation.
 */
function presetFor(args: PlaygroundArgs): string {
  if (args.architecture === 'conv') return 'conv-digits'
  const others = [
    args.shift,
    args.rotation,
    args.scale,
    args.noise,
    args.cutout,
    args.brightness,
    args.contrast,
  ]
  return args.crop && others.every((on) => !on) ? 'crop-only-digits' : 'digits'
}

function Playground(args: PlaygroundArgs) {
  // The shipped encoders read the image itself: features averaged over shifts always train live.
  const conv = args.architecture === 'conv'
  const options: UseContrastiveOptions = {
    data: 'digits',
    ...(conv ? { architecture: 'conv' } : {}),
    temperature: args.temperature,
    augment: {
      crop: args.crop,
      shift: args.shift,
      rotation: args.rotation,
      scale: args.scale,
      noise: args.noise,
      cutout: args.cutout,
      brightness: args.brightness,
      contrast: args.contrast,
    },
    ...(args.encodeShifts ? { encodeViews: 'shifts' } : {}),
    batchSize: args.batchSize,
    epochs: args.epochs,
    learningRate: 0.003,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the variant's shipped encoder; Train from scratch trains one live.
    ...(args.preset && !args.encodeShifts ? { preset: presetFor(args) } : {}),
  }
  const cl = useContrastive(options)
  const [seed, setSeed] = useState(1)
  const [pairs, setPairs] = useState<AugmentedPairs | undefined>()

  const { status, augmentPairs } = cl
  useEffect(() => {
    if (status === 'idle' || status === 'loading' || status === 'error') return
    let live = true
    void augmentPairs(PAIRS, { seed }).then((result) => live && result && setPairs(result))
    return () => {
      live = false
    }
  }, [status, augmentPairs, seed])

  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={cl} />
      <TrainingStatus model={cl} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Two views of each digit</h3>
          <SampleGrid
            images={pairs ? pairRows(pairs.first, pairs.second, PAIRS) : undefined}
            rows={2}
            columns={PAIRS}
            scale={4}
            label={`${PAIRS} digits: first augmented views above second views`}
          />
          <button type="button" onClick={() => setSeed((s) => s + 1)}>
            New pairs
          </button>
          <p style={{ fontSize: 12 }}>
            Each column is one digit seen twice through random augmentations. The model learns to
            pick out a view&apos;s partner among all the other views of its batch.
          </p>
        </section>
        <ProbedTaskCharts
          model={cl}
          loss={LOSS}
          accuracy={ACCURACY}
          accuracyTitle="Pair top-1 accuracy among the batch"
        />
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/Contrastive playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`useContrastive` learning features of the embedded UCI digits without labels, SimCLR-style: every step makes two random views of each digit of the batch (toggle the augmentations), and the NT-Xent loss teaches an encoder (dense, or convolutional: two stride-2 convolutions) to tell a view’s partner from the batch’s other views. The pairs at the left are what it compares; the charts show the loss and the pair task’s top-1 accuracy; once trained, a linear probe with 10 labels per digit measures the features.',
      },
    },
  },
  argTypes: {
    architecture: { control: 'inline-radio', options: ['dense', 'conv'] },
    temperature: { control: { type: 'range', min: 0.05, max: 1, step: 0.05 } },
    batchSize: { control: { type: 'number', min: 2 } },
    epochs: { control: { type: 'number', min: 1 } },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    preset: { control: 'boolean' },
  },
  args: {
    architecture: 'dense',
    temperature: 0.2,
    batchSize: 256,
    epochs: 30,
    crop: true,
    shift: true,
    rotation: true,
    scale: true,
    noise: true,
    cutout: true,
    brightness: true,
    contrast: true,
    encodeShifts: false,
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta

/** Opens on the shipped encoder (30 epochs, every augmentation on); Train from scratch trains live. */
export const Digits: StoryObj<PlaygroundArgs> = {}

/**
 * Crop only: the views differ less and the pair task is easier. Opens on its shipped preset
 * (`'crop-only-digits'`: probe accuracy 0.889 with 10 labels per class, beside 0.875 for every
 * augmentation at these 30 epochs); Train from scratch trains live.
 */
export const CropOnly: StoryObj<PlaygroundArgs> = {
  args: {
    shift: false,
    rotation: false,
    scale: false,
    noise: false,
    cutout: false,
    brightness: false,
    contrast: false,
  },
}

/**
 * The convolutional encoder (two 4×4 stride-2 convolutions, then the features), opening on its shipped
 * preset (`'conv-digits'`); Train from scratch trains live.
 */
export const Convolutional: StoryObj<PlaygroundArgs> = {
  args: { architecture: 'conv' },
}
