import type { Meta, StoryObj } from '@storybook/react-vite'
import { interpolateInferno, interpolateMagma, interpolateViridis } from 'd3-scale-chromatic'
import { useEffect, useMemo } from 'react'
import { useAutoencoder } from '../src/react/useAutoencoder'
import { useVAE } from '../src/react/useVAE'
import { AnomalyHeatmap } from '../src/components/AnomalyHeatmap'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { anomalyBenchmark, imageAt } from './anomalyStoryData'
import { TrainingButtons } from './ModelControls'

interface HeatmapArgs {
  model: 'autoencoder' | 'vae'
  defect: number
  opacity: number
  scale: number
  colors: 'inferno' | 'magma' | 'viridis'
  allowPick: boolean
  /** Open on the shown model's shipped preset (`'sprites-anomaly'` of each family); off: train live. */
  preset: boolean
}

const SCALES = { inferno: interpolateInferno, magma: interpolateMagma, viridis: interpolateViridis }

function Heatmap(args: HeatmapArgs) {
  const bench = useMemo(() => anomalyBenchmark(), [])
  // Only the model shown loads or trains; each opens on its shipped preset of these sprites.
  const aePreset = args.preset && args.model === 'autoencoder'
  const vaePreset = args.preset && args.model === 'vae'
  const ae = useAutoencoder({
    ...(aePreset ? { preset: 'sprites-anomaly' } : {}),
    data: bench.train,
    epochs: 20,
    codeSize: 32,
    autoTrain: args.model === 'autoencoder',
  })
  const vae = useVAE({
    ...(vaePreset ? { preset: 'sprites-anomaly' } : {}),
    data: bench.train,
    epochs: 20,
    latentDim: 16,
    hiddenUnits: [256],
    autoTrain: args.model === 'vae',
  })
  const model = args.model === 'vae' ? vae : ae
  const { status, calibrate } = model
  useEffect(() => {
    // On the normal images themselves: a preset was not trained on data sent here.
    if (status === 'ready') void calibrate({ data: bench.train })
  }, [status, calibrate, bench])
  const image = useMemo(() => imageAt(bench.test, 200 + args.defect), [bench, args.defect])
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <TrainingButtons vae={model} />
      <TrainingStatus model={model} unit="images" />
      <AnomalyHeatmap
        model={model}
        image={image}
        opacity={args.opacity}
        scale={args.scale}
        colorScale={SCALES[args.colors]}
        allowPick={args.allowPick}
      />
      <p style={{ fontSize: 12 }}>Defect: {bench.defects[200 + args.defect]}</p>
    </div>
  )
}

const meta: Meta<HeatmapArgs> = {
  title: 'Components/AnomalyHeatmap',
  component: Heatmap,
  parameters: {
    docs: {
      description: {
        component:
          "The error map of a reconstruction model over an image, on a perceptual colour scale (d3-scale-chromatic), with a legend, the threshold, a flag and a text summary. Either `useAutoencoder` or `useVAE` (both have `score`) drives it; each opens on its shipped preset of normal sprites (`preset: 'sprites-anomaly'`), and Train from scratch trains it here on them. Drop or pick your own image: it is resized to 28 × 28.",
      },
    },
  },
  argTypes: {
    model: { control: 'inline-radio', options: ['autoencoder', 'vae'] },
    defect: { control: { type: 'range', min: 0, max: 199, step: 1 } },
    opacity: { control: { type: 'range', min: 0, max: 1, step: 0.05 } },
    scale: { control: { type: 'range', min: 2, max: 16, step: 1 } },
    colors: { control: 'inline-radio', options: ['inferno', 'magma', 'viridis'] },
    allowPick: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    model: 'autoencoder',
    defect: 0,
    opacity: 0.7,
    scale: 10,
    colors: 'inferno',
    allowPick: true,
    preset: true,
  },
}

export default meta

/** A scratch, found by a plain autoencoder (the shipped `'sprites-anomaly'` autoencoder preset). */
export const Scratch: StoryObj<HeatmapArgs> = {}

/**
 * The next defect scored by a VAE, opening on its shipped preset (784-128-16, calibrated); Train from
 * scratch trains the story's own (784-256-16) live.
 */
export const WithAVAE: StoryObj<HeatmapArgs> = { args: { model: 'vae', defect: 1 } }
