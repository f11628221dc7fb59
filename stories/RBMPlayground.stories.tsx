import type { Meta, StoryObj } from '@storybook/react-vite'
import { useMemo, useState } from 'react'
import { useRBM, type UseRBMOptions, type UseRBMResult } from '../src/react/useRBM'
import { FilterGrid } from '../src/components/FilterGrid'
import { GibbsChain } from '../src/components/GibbsChain'
import { LossChart } from '../src/components/LossChart'
import { SampleGrid } from '../src/components/SampleGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { DIGITS_ATTRIBUTION } from '../src/data/digits'
import type { BackendPreference } from '../src/core/backend'
import type { RBMLogLikelihood } from '../src/core/rbm/rbmSpec'
import type { RBMSampler, RBMVisibleUnits } from '../src/core/rbm/rbmOptions'
import { TrainingButtons } from './ModelControls'
import { heldOutDigits } from './sparseStoryData'

/** The network choices: one RBM of 64 or 100 hidden units, or a deep belief network of two. */
const LAYERS = { '64': [64], '100': [100], '100 → 32': [100, 32] } as const
type LayersChoice = keyof typeof LAYERS

interface PlaygroundArgs {
  layers: LayersChoice
  visible: RBMVisibleUnits
  sampler: RBMSampler
  gibbsSteps: number
  learningRate: number
  momentum: number
  epochs: number
  batchSize: number
  seed: number
  backend: BackendPreference
  autoTrain: boolean
  preset: boolean
}

/**
 * The shipped preset of each story's model (layers, visible units, sampler), if there is one:
 * `'digits'` (64, PCD), `'digits-cd'` (100, CD), `'digits-dbn'` (100 → 32), `'digits-gaussian'`.
 */
function presetOf(args: PlaygroundArgs): string | undefined {
  if (args.visible === 'gaussian') return args.layers === '64' ? 'digits-gaussian' : undefined
  if (args.layers === '64') return args.sampler === 'pcd' ? 'digits' : undefined
  if (args.layers === '100') return args.sampler === 'cd' ? 'digits-cd' : undefined
  return args.sampler === 'pcd' ? 'digits-dbn' : undefined
}

/** Digits 1,700 onwards are held out: the RBM trains on the first 1,700. */
const HELD_OUT = 1700
const TRAINING_DIGITS = { name: 'digits', limit: HELD_OUT } as const
const FREE_ENERGY_GAP = [{ key: 'freeEnergyGap', label: 'free-energy gap' }]
/** AIS settings of the button: fewer intermediate distributions than the default 3,000, for speed. */
const AIS = { runs: 100, steps: 1000, seed: 1 } as const

/** The held-out log-likelihood by AIS, on demand. */
function LogLikelihoodPanel({ rbm }: { rbm: UseRBMResult }) {
  const heldOut = useMemo(() => heldOutDigits(HELD_OUT, 1797 - HELD_OUT), [])
  const [result, setResult] = useState<{ at: number; value: RBMLogLikelihood } | undefined>()
  const [running, setRunning] = useState(false)
  const trained = (rbm.model?.trainedSteps ?? 0) > 0
  const estimate = async (): Promise<void> => {
    setRunning(true)
    const at = rbm.model?.trainedSteps ?? 0
    // Small enough to enumerate (on WASM, quickly): the exact log Z beside the estimate.
    const hidden = rbm.model?.layers?.[0] ?? Infinity
    const value = await rbm.logLikelihood(heldOut, { ...AIS, exact: hidden <= 16 })
    setRunning(false)
    if (value) setResult({ at, value })
  }
  const failed = rbm.errorSource === 'logLikelihood' ? rbm.error : undefined
  return (
    <section className="lk-demo__panel">
      <h3>Held-out log-likelihood (annealed importance sampling)</h3>
      <div className="lk-demo__toolbar">
        <button type="button" onClick={() => void estimate()} disabled={!trained || running}>
          {running ? 'Estimating…' : `Estimate on ${heldOut.shape[0]} held-out digits`}
        </button>
      </div>
      <p style={{ fontSize: 12 }} data-testid="log-likelihood">
        {result
          ? `${result.value.meanLogLikelihood.toFixed(2)} ± ${(3 * result.value.logZStandardError).toFixed(2)} nats per digit ` +
            `(± 3 standard errors of log Z; ${result.value.runs} runs × ${result.value.steps} distributions, after step ${result.at}` +
            (result.value.exactLogZ === undefined
              ? ')'
              : `; exact log Z ${result.value.exactLogZ.toFixed(2)} vs AIS ${result.value.logZ.toFixed(2)})`)
          : 'Press the button once the RBM has trained a little. One RBM only: a deep belief network has no AIS estimate.'}
      </p>
      {failed ? <p className="lk-demo__error">{failed.message}</p> : null}
    </section>
  )
}

function Playground(args: PlaygroundArgs) {
  const preset = args.preset ? presetOf(args) : undefined
  const options: UseRBMOptions = {
    data: TRAINING_DIGITS,
    layers: LAYERS[args.layers],
    visible: args.visible,
    sampler: args.sampler,
    gibbsSteps: args.gibbsSteps,
    learningRate: args.learningRate,
    momentum: args.momentum,
    epochs: args.epochs,
    batchSize: args.batchSize,
    seed: args.seed,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the shipped preset of this network; Train from scratch trains one live.
    ...(preset ? { preset } : {}),
  }
  const rbm = useRBM(options)
  const [walk, setWalk] = useState(0)
  // 1,000 Gibbs steps per sample cost more than a training step: redraw them once per epoch
  // (a `SampleSource` whose version is the epoch count), not at every update.
  const { model, sample } = rbm
  const perEpoch = useMemo(
    () => ({ modelVersion: model?.trainedEpochs ?? 0, model, sample }),
    [model, sample],
  )
  const layer = rbm.history.at(-1)?.layer
  const deep = LAYERS[args.layers].length > 1
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={rbm} />
      <TrainingStatus model={rbm} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Receptive fields of the bottom layer, strongest first</h3>
          <FilterGrid
            filters={rbm.receptiveFields}
            sort="weight"
            noun="hidden unit"
            weightName="weight norm"
            columns={16}
            scale={3}
          />
          <p style={{ fontSize: 12 }}>
            Each tile is one hidden unit’s weights to the 8 × 8 pixels: red negative, blue positive.
            Strokes and blobs form within the first epoch.
          </p>
        </section>
        <section className="lk-demo__panel">
          <h3>
            Gibbs chains from noise{deep ? ' (at the top layer, shown through the network)' : ''}
          </h3>
          <GibbsChain model={rbm} chains={4} steps={100} frames={11} seed={walk} scale={4} />
          <div className="lk-demo__toolbar" style={{ marginTop: 8 }}>
            <button type="button" onClick={() => setWalk((w) => w + 1)}>
              New walk
            </button>
          </div>
          <h3 style={{ marginTop: 12 }}>Samples (1,000 Gibbs steps each), redrawn every epoch</h3>
          <SampleGrid model={perEpoch} rows={3} columns={8} scale={4} seed={walk} />
        </section>
        <section className="lk-demo__panel">
          <LossChart history={rbm.history} width={420} height={180} />
          <LossChart
            history={rbm.history}
            series={FREE_ENERGY_GAP}
            width={420}
            height={120}
            unit="nats"
            title="Free-energy gap: held-out minus training digits (grows as the RBM overfits)"
          />
          {deep && layer !== undefined ? (
            <p style={{ fontSize: 12 }}>Training layer {layer} of 2 (greedy, bottom first).</p>
          ) : null}
        </section>
        <LogLikelihoodPanel rbm={rbm} />
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/RBM playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`useRBM` training a restricted Boltzmann machine (or a two-layer deep belief network, greedily) by contrastive divergence live in a Web Worker on the embedded UCI digits. `FilterGrid` shows the receptive fields forming, `GibbsChain` chains walking from noise, `SampleGrid` samples after 1,000 Gibbs steps; the charts follow the pseudo-log-likelihood and reconstruction error per step, and the free-energy gap between held-out and training digits (Hinton’s overfitting signal). The button estimates the held-out log-likelihood by annealed importance sampling. Each story opens on a shipped preset of its network (`digits`, `digits-cd`, `digits-dbn`, `digits-gaussian`); Train from scratch trains one live. Changing the layers, visible units or seed starts a fresh model; the other controls apply from the next training run.',
      },
    },
  },
  argTypes: {
    layers: { control: 'inline-radio', options: Object.keys(LAYERS) },
    visible: { control: 'inline-radio', options: ['bernoulli', 'gaussian'] },
    sampler: { control: 'inline-radio', options: ['cd', 'pcd'] },
    gibbsSteps: { control: { type: 'range', min: 1, max: 10, step: 1 } },
    learningRate: { control: { type: 'number', min: 0.001, step: 0.01 } },
    momentum: { control: { type: 'range', min: 0, max: 0.95, step: 0.05 } },
    epochs: { control: { type: 'number', min: 1 } },
    batchSize: { control: { type: 'number', min: 1 } },
    seed: { control: 'number' },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    layers: '64',
    visible: 'bernoulli',
    sampler: 'pcd',
    gibbsSteps: 1,
    learningRate: 0.05,
    momentum: 0.5,
    epochs: 50,
    batchSize: 10,
    seed: 1,
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta

/**
 * One RBM of 64 hidden units, persistent CD, on 1,700 digits: opens on the shipped `'digits'`
 * preset; Train from scratch trains one live.
 */
export const Digits: StoryObj<PlaygroundArgs> = {}

/**
 * Plain CD-1 with 100 hidden units: faster to fit the data, poorer samples from noise. Opens on the
 * shipped `'digits-cd'` preset.
 */
export const ContrastiveDivergence: StoryObj<PlaygroundArgs> = {
  args: { layers: '100', sampler: 'cd' },
}

/**
 * A deep belief network of 100 then 32 hidden units, trained greedily, layer by layer. Opens on the
 * shipped `'digits-dbn'` preset.
 */
export const DeepBeliefNetwork: StoryObj<PlaygroundArgs> = {
  args: { layers: '100 → 32', epochs: 15 },
}

/**
 * Gaussian visible units (standardised pixels) with the smaller learning rate they need. Opens on
 * the shipped `'digits-gaussian'` preset.
 */
export const GaussianVisible: StoryObj<PlaygroundArgs> = {
  args: { visible: 'gaussian', learningRate: 0.01, momentum: 0 },
}
