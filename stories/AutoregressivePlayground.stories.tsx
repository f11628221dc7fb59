import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import {
  useAutoregressive,
  type UseAutoregressiveOptions,
  type UseAutoregressiveResult,
} from '../src/react/useAutoregressive'
import { LossChart } from '../src/components/LossChart'
import { SampleGrid } from '../src/components/SampleGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { useFrameReveal } from '../src/components/useFrameReveal'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import type { BackendPreference } from '../src/core/backend'
import type { ImageBatch } from '../src/core/dataset'
import type {
  AutoregressiveLogLikelihood,
  AutoregressiveSampleSteps,
} from '../src/core/autoregressive/autoregressiveSpec'
import type { Binarization, PixelOrdering } from '../src/core/autoregressive/autoregressiveOptions'
import { TrainingButtons } from './ModelControls'
import { heldOutDigits } from './sparseStoryData'

const HIDDEN = { '128': [128], '256': [256], '256 → 256': [256, 256], 'none (FVSBN)': [] } as const
type HiddenChoice = keyof typeof HIDDEN

interface PlaygroundArgs {
  hiddenUnits: HiddenChoice
  ordering: PixelOrdering
  binarize: Binarization
  learningRate: number
  epochs: number
  batchSize: number
  seed: number
  samples: number
  frames: number
  frameDuration: number
  backend: BackendPreference
  autoTrain: boolean
  preset: boolean
}

/** Digits 1,500 onwards are held out: the model trains on the first 1,500. */
const HELD_OUT = 1500
const TRAINING_DIGITS = { name: 'digits', limit: HELD_OUT } as const

/** Held-out nats per digit of independent Bernoulli pixels fitted on the training digits (≥ 0.5 → 1). */
function independentPixelsNats(heldOut: ImageBatch): number {
  const train = loadDigits({ limit: HELD_OUT }).images.data
  const on = new Float64Array(64)
  for (let i = 0; i < train.length; i++)
    on[i % 64] = (on[i % 64] as number) + (train[i]! >= 0.5 ? 1 : 0)
  let total = 0
  for (let i = 0; i < heldOut.data.length; i++) {
    const q = ((on[i % 64] as number) + 1) / (HELD_OUT + 2)
    total -= Math.log(heldOut.data[i]! >= 0.5 ? q : 1 - q)
  }
  return total / heldOut.shape[0]
}

/** The frames of every sample at `frame` (one image per sample). */
function frameImages(steps: AutoregressiveSampleSteps, frame: number): ImageBatch {
  const size = 64
  const data = new Float32Array(steps.samples * size)
  for (let s = 0; s < steps.samples; s++) {
    const from = (s * steps.frames + frame) * size
    data.set(steps.images.data.subarray(from, from + size), s * size)
  }
  return { data, shape: [steps.samples, 8, 8, 1] }
}

/** Samples drawn pixel by pixel, redrawn once per epoch and on demand. */
function PixelByPixel(props: {
  model: UseAutoregressiveResult
  samples: number
  frames: number
  frameDuration: number
}) {
  const { model, samples, frames, frameDuration } = props
  const [draw, setDraw] = useState(0)
  const [steps, setSteps] = useState<AutoregressiveSampleSteps | undefined>()
  const epoch = model.model?.trainedEpochs ?? 0
  const trained = (model.model?.trainedSteps ?? 0) > 0
  const { sampleStepsAsync } = model
  useEffect(() => {
    if (!trained) return
    let live = true
    sampleStepsAsync(samples, { frames, seed: draw + 1 })
      .then((result) => {
        if (live) setSteps(result)
      })
      .catch(() => {})
    return () => {
      live = false
    }
  }, [trained, epoch, draw, samples, frames, sampleStepsAsync])
  const shown = useFrameReveal({
    total: steps?.frames ?? 0,
    restartKey: steps ? `${epoch}|${draw}|${samples}|${frames}` : undefined,
    animate: true,
    interval: frameDuration,
  })
  const frame = Math.max(0, shown - 1)
  return (
    <section className="lk-demo__panel">
      <h3>A sample drawn pixel by pixel</h3>
      {steps ? (
        <>
          <SampleGrid
            images={frameImages(steps, frame)}
            rows={1}
            columns={steps.samples}
            scale={8}
            label="Samples being drawn"
          />
          <p style={{ fontSize: 12 }} data-testid="pixels-drawn">
            {steps.pixels[frame]} of 64 pixels drawn (grey: not drawn yet). Each pixel is drawn from
            p(x<sub>d</sub> = 1 | the pixels before it), one network pass per pixel.
          </p>
          <SampleGrid
            images={steps.images}
            rows={steps.samples}
            columns={steps.frames}
            scale={3}
            label="Every frame of every sample"
          />
        </>
      ) : (
        <p style={{ fontSize: 12 }}>Samples appear after the first training step.</p>
      )}
      <div className="lk-demo__toolbar" style={{ marginTop: 8 }}>
        <button type="button" onClick={() => setDraw((d) => d + 1)} disabled={!trained}>
          New samples
        </button>
      </div>
    </section>
  )
}

/** Exact held-out nats per digit, refreshed once per epoch, beside independent pixels. */
function HeldOutNats({ model }: { model: UseAutoregressiveResult }) {
  const heldOut = useMemo(() => heldOutDigits(HELD_OUT, 1797 - HELD_OUT), [])
  const baseline = useMemo(() => independentPixelsNats(heldOut), [heldOut])
  const [result, setResult] = useState<AutoregressiveLogLikelihood | undefined>()
  const epoch = model.model?.trainedEpochs ?? 0
  const trained = (model.model?.trainedSteps ?? 0) > 0
  const { logLikelihoodAsync } = model
  useEffect(() => {
    if (!trained) return
    let live = true
    logLikelihoodAsync(heldOut)
      .then((value) => {
        if (live) setResult(value)
      })
      .catch(() => {})
    return () => {
      live = false
    }
  }, [trained, epoch, heldOut, logLikelihoodAsync])
  return (
    <section className="lk-demo__panel">
      <h3>Held-out negative log-likelihood (exact)</h3>
      <p style={{ fontSize: 12 }} data-testid="held-out-nats">
        {result
          ? `${(-result.meanLogLikelihood).toFixed(2)} nats per digit (${result.bitsPerPixel.toFixed(3)} bits per pixel) on ${heldOut.shape[0]} held-out digits, after epoch ${epoch}`
          : 'Computed once the model has trained a little.'}
      </p>
      <p style={{ fontSize: 12 }}>
        Independent pixels (each pixel its own coin, fitted on the training digits):{' '}
        {baseline.toFixed(2)} nats per digit. Lower is better; the gap is what the model learned
        about how pixels depend on each other.
      </p>
    </section>
  )
}

function Playground(args: PlaygroundArgs) {
  const options: UseAutoregressiveOptions = {
    data: TRAINING_DIGITS,
    hiddenUnits: HIDDEN[args.hiddenUnits],
    ordering: args.ordering,
    binarize: args.binarize,
    learningRate: args.learningRate,
    epochs: args.epochs,
    batchSize: args.batchSize,
    seed: args.seed,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the shipped digits MADE of its pixel order; Train from scratch trains one live.
    ...(args.preset
      ? { preset: args.ordering === 'random' ? 'random-order-digits' : 'digits' }
      : {}),
  }
  const model = useAutoregressive(options)
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={model} />
      <TrainingStatus model={model} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <PixelByPixel
          model={model}
          samples={args.samples}
          frames={args.frames}
          frameDuration={args.frameDuration}
        />
        <section className="lk-demo__panel">
          <LossChart history={model.history} width={420} height={180} />
        </section>
        <HeldOutNats model={model} />
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/Autoregressive playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`useAutoregressive` training MADE (a masked autoencoder for distribution estimation) live in a Web Worker on the binarised UCI digits, by Adam on the exact negative log-likelihood. Samples are drawn pixel by pixel in the model’s order — grey pixels are not drawn yet — and redrawn every epoch; the panel beside gives the exact held-out nats per digit against independent pixels. Changing the hidden layers, ordering, binarisation or seed starts a fresh model; the other controls apply from the next training run.',
      },
    },
  },
  argTypes: {
    hiddenUnits: { control: 'inline-radio', options: Object.keys(HIDDEN) },
    ordering: { control: 'inline-radio', options: ['natural', 'random'] },
    binarize: { control: 'inline-radio', options: ['threshold', 'stochastic'] },
    learningRate: { control: { type: 'number', min: 0.0001, step: 0.001 } },
    epochs: { control: { type: 'number', min: 1 } },
    batchSize: { control: { type: 'number', min: 1 } },
    seed: { control: 'number' },
    samples: { control: { type: 'range', min: 1, max: 10, step: 1 } },
    frames: { control: { type: 'range', min: 2, max: 65, step: 1 } },
    frameDuration: { control: { type: 'range', min: 20, max: 1000, step: 20 } },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    hiddenUnits: '256',
    ordering: 'natural',
    binarize: 'threshold',
    learningRate: 0.003,
    epochs: 40,
    batchSize: 32,
    seed: 1,
    samples: 6,
    frames: 65,
    frameDuration: 60,
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta
type Story = StoryObj<PlaygroundArgs>

/** MADE on the digits, opening on the shipped preset: samples drawn pixel by pixel, exact held-out nats. */
export const Digits: Story = {}

/**
 * A random pixel order: the samples fill in scattered pixels instead of row by row. Opens on its
 * shipped preset (`'random-order-digits'`); Train from scratch trains one live.
 */
export const RandomOrdering: Story = { args: { ordering: 'random' } }
