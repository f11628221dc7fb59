import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { useAutoencoder, type UseAutoencoderOptions } from '../src/react/useAutoencoder'
import { LossChart } from '../src/components/LossChart'
import { ReconstructionGrid } from '../src/components/ReconstructionGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import type { BackendPreference } from '../src/core/backend'
import type { StackedCorruption } from '../src/core/autoencoder/stackedOptions'
import type { ImageBatch } from '../src/core/dataset'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { TrainingButtons } from './ModelControls'

interface PlaygroundArgs {
  /** Encoder hidden layers, e.g. `'128,64'`. */
  hiddenUnits: string
  codeSize: number
  pretrainEpochs: number
  fineTuneEpochs: number
  noise: number
  corruption: StackedCorruption
  digits: number
  learningRate: number
  seed: number
  backend: BackendPreference
  autoTrain: boolean
  /** Open on the shipped `'stacked-digits'` preset (64-128-64-16, trained); its sizes are the defaults. */
  preset: boolean
}

const SHOWN = 16

/** `'128, 64'` as layer sizes; `[]` when nothing parses (the hook then reports the typed error). */
function layerSizes(text: string): number[] {
  return text
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((n) => Number.isFinite(n) && n !== 0)
}

function Playground(args: PlaygroundArgs) {
  const all = useMemo(() => loadDigits(), [])
  // A subset trains in a second: the chart shows every phase at once.
  const data = useMemo<ImageBatch>(
    () => ({
      data: all.images.data.slice(0, args.digits * 64),
      shape: [args.digits, 8, 8, 1],
    }),
    [all, args.digits],
  )
  const shown = useMemo<ImageBatch>(
    () => ({ data: all.images.data.slice(-SHOWN * 64), shape: [SHOWN, 8, 8, 1] }),
    [all],
  )
  const hiddenUnits = layerSizes(args.hiddenUnits)
  const layers = hiddenUnits.length + 1
  const options: UseAutoencoderOptions = {
    data,
    hiddenUnits,
    codeSize: args.codeSize,
    stacked: {
      pretrainEpochs: args.pretrainEpochs,
      noise: args.noise,
      corruption: args.corruption,
    },
    epochs: layers * args.pretrainEpochs + args.fineTuneEpochs,
    batchSize: 32,
    learningRate: args.learningRate,
    seed: args.seed,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the shipped stacked autoencoder; "Train from scratch" runs the layer-wise demo live.
    ...(args.preset ? { preset: 'stacked-digits' } : {}),
  }
  const ae = useAutoencoder(options)
  const [probe, setProbe] = useState<number | undefined>()

  const { status, probe: runProbe, modelVersion } = ae
  useEffect(() => {
    if (status !== 'ready') return
    let live = true
    void runProbe(all.images, all.labels, { labelsPerClass: 10 }).then(
      (result) => live && result && setProbe(result.accuracy),
    )
    return () => {
      live = false
    }
  }, [status, modelVersion, runProbe, all])

  const phase = ae.history.at(-1)?.phase
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={ae} />
      <TrainingStatus model={ae} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <LossChart
            history={ae.history}
            width={460}
            height={220}
            title="Squared error per row: each layer pretrained on the codes below it, then fine-tuned"
            logScale
          />
          <p style={{ fontSize: 12 }} data-testid="phase-summary">
            {phase === undefined && (ae.model?.trainedSteps ?? 0) > 0
              ? `The shipped preset: ${ae.model?.trainedSteps ?? 0} steps, each layer pretrained in turn, then fine-tuned. Press Train from scratch to watch the phases.`
              : phase === undefined
                ? `${layers} layers to pretrain, ${args.pretrainEpochs} epochs each, then ${args.fineTuneEpochs} epochs of fine-tuning.`
                : `Now: ${phase === 'fine-tune' ? 'fine-tuning the whole autoencoder' : `pretraining ${phase} of ${layers}`}.`}
          </p>
        </section>
        <section className="lk-demo__panel">
          <h3>Held-out digits above their reconstructions</h3>
          <ReconstructionGrid model={ae} images={shown} columns={8} scale={4} />
          <p style={{ fontSize: 12 }}>
            While a layer is pretrained the decoder above it is still untrained, so the
            reconstructions only come together once fine-tuning joins the layers.
          </p>
          <p style={{ fontSize: 12 }} data-testid="probe-summary">
            {probe === undefined
              ? 'Linear probe after training…'
              : `Linear probe on the ${args.codeSize}-value codes, 10 labels per digit: ${(100 * probe).toFixed(1)} % held-out accuracy`}
          </p>
        </section>
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/Stacked autoencoder playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          "`useAutoencoder` with `stacked` on the embedded UCI digits in a Web Worker: greedy layer-wise pretraining (Bengio et al. 2007) trains each encoder layer with its decoder mirror as a one-hidden-layer autoencoder on the codes of the layers below (frozen), bottom up — stacked denoising (Vincent et al. 2010) when `noise` > 0 — then fine-tunes the whole deep autoencoder end to end. The loss chart marks each phase (`'layer 1'`, `'layer 2'`, …, `'fine-tune'`); once trained, a linear probe with 10 labels per digit measures the codes. It opens on the shipped `preset: 'stacked-digits'` (trained on 1,700 digits); Train from scratch runs the layer-wise demo live.",
      },
    },
  },
  argTypes: {
    hiddenUnits: { control: 'select', options: ['64', '128,64', '128,64,32'] },
    codeSize: { control: { type: 'range', min: 2, max: 32, step: 1 } },
    pretrainEpochs: { control: { type: 'range', min: 1, max: 20, step: 1 } },
    fineTuneEpochs: { control: { type: 'range', min: 1, max: 60, step: 1 } },
    noise: { control: { type: 'range', min: 0, max: 0.9, step: 0.05 } },
    corruption: { control: 'inline-radio', options: ['mask', 'gaussian'] },
    digits: { control: { type: 'range', min: 100, max: 1797, step: 1 } },
    learningRate: { control: { type: 'number', min: 0 } },
    seed: { control: 'number' },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    hiddenUnits: '128,64',
    codeSize: 16,
    pretrainEpochs: 3,
    fineTuneEpochs: 15,
    noise: 0,
    corruption: 'mask',
    digits: 600,
    learningRate: 0.003,
    seed: 1,
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta

/**
 * Opens on the shipped stacked autoencoder of the digits (reconstructions and probe at mount); Train
 * from scratch pretrains three layers in turn on 600 digits, then fine-tunes: every phase on the chart
 * within a second or two.
 */
export const Digits: StoryObj<PlaygroundArgs> = {}

/** Stacked denoising, trained live: 30 % of each layer's inputs masked while it is pretrained. */
export const Denoising: StoryObj<PlaygroundArgs> = { args: { noise: 0.3, preset: false } }
