import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { LikelihoodTable } from '../src/components/LikelihoodTable'
import type { LikelihoodEntry, LikelihoodResult } from '../src/components/likelihoodRows'
import { LossChart } from '../src/components/LossChart'
import { SampleGrid } from '../src/components/SampleGrid'
import { TrainingStatus } from '../src/components/TrainingStatus'
import type { BackendPreference } from '../src/core/backend'
import type { ImageBatch } from '../src/core/dataset'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { useHelmholtz } from '../src/react/useHelmholtz'
import { useVAE } from '../src/react/useVAE'

interface ComparisonArgs {
  /** Training digits (the first ones), binarised at 0.5. */
  trainImages: number
  hiddenUnits: number
  topUnits: number
  epochs: number
  batchSize: number
  wakeSleepLearningRate: number
  vaeLearningRate: number
  heldOutSamples: number
  seed: number
  backend: BackendPreference
  /**
   * Open on the shipped presets: the Helmholtz machine `'digits'` and the VAE `'binarized-digits'`,
   * both 64-128-8, trained 100 epochs on the same first 1,500 binarised digits.
   */
  preset: boolean
}

/** The last 297 digits, held out of training. */
const HELD_OUT_FROM = 1500

function binarised(from: number, to: number): ImageBatch {
  const { images } = loadDigits()
  const data = images.data.slice(from * 64, to * 64).map((v) => (v >= 0.5 ? 1 : 0))
  return { data, shape: [to - from, 8, 8, 1] }
}

/** One history point of the shared chart: each model's bound at that step, when it has one. */
interface BoundPoint {
  readonly step: number
  readonly helmholtz?: number
  readonly vae?: number
}

function Comparison(args: ComparisonArgs) {
  const train = useMemo(() => binarised(0, args.trainImages), [args.trainImages])
  const heldOut = useMemo(() => binarised(HELD_OUT_FROM, 1797), [])
  const shared = {
    data: train,
    epochs: args.epochs,
    batchSize: args.batchSize,
    seed: args.seed,
    backend: args.backend,
    autoTrain: true,
  }
  const machine = useHelmholtz({
    ...shared,
    // The presets have the same layer sizes (64-128-8) and data as each other: the comparison holds.
    ...(args.preset ? { preset: 'digits' } : {}),
    layers: [args.hiddenUnits, args.topUnits],
    learningRate: args.wakeSleepLearningRate,
    // The negative ELBO on every batch: the same quantity as the VAE's loss.
    boundEvery: 1,
    boundSamples: 1,
  })
  const vae = useVAE({
    ...shared,
    hiddenUnits: [args.hiddenUnits],
    latentDim: args.topUnits,
    likelihood: 'bernoulli',
    learningRate: args.vaeLearningRate,
    ...(args.preset ? { preset: 'binarized-digits' } : {}),
  })
  const busy = [machine.status, vae.status].some(
    (status) => status === 'training' || status === 'paused' || status === 'loading',
  )
  // Both forget their preset (or last run) and train on the story's data with its controls' sizes.
  const trainBothFromScratch = () => {
    void Promise.all([machine.reset(), vae.reset()]).then(() =>
      Promise.all([machine.train(), vae.train()]),
    )
  }

  const history = useMemo(() => {
    const points: BoundPoint[] = []
    const steps = Math.max(machine.history.length, vae.history.length)
    for (let i = 0; i < steps; i++) {
      const wakeSleep = machine.history[i]
      const variational = vae.history[i]
      points.push({
        step: i + 1,
        ...(wakeSleep ? { helmholtz: wakeSleep.bound } : {}),
        ...(variational ? { vae: variational.loss } : {}),
      })
    }
    return points
  }, [machine.history, vae.history])

  const [results, setResults] = useState<Record<string, LikelihoodResult | undefined>>({})
  const put = (key: string) => (result: LikelihoodResult) =>
    setResults((previous) => ({ ...previous, [key]: result }))
  const samples = args.heldOutSamples
  useEffect(() => {
    if (machine.status !== 'ready') return
    void (async () => {
      put('helmholtzOne')(await machine.logLikelihoodAsync(heldOut, { samples: 1 }))
      put('helmholtzMany')(await machine.logLikelihoodAsync(heldOut, { samples }))
    })().catch(() => undefined)
  }, [machine.status, machine.modelVersion, samples]) // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (vae.status !== 'ready') return
    void (async () => {
      put('vaeOne')(await vae.logLikelihoodAsync(heldOut, { samples: 1 }))
      put('vaeMany')(await vae.logLikelihoodAsync(heldOut, { samples }))
    })().catch(() => undefined)
  }, [vae.status, vae.modelVersion, samples]) // eslint-disable-line react-hooks/exhaustive-deps

  const entries: LikelihoodEntry[] = [
    { label: 'VAE, ELBO', kind: 'lower bound', result: results.vaeOne, note: '1 sample' },
    {
      label: `VAE, IWAE k = ${samples}`,
      kind: 'lower bound',
      result: results.vaeMany,
      note: `${samples} samples`,
    },
    {
      label: 'Helmholtz machine, ELBO',
      kind: 'lower bound',
      result: results.helmholtzOne,
      note: '1 sample',
    },
    {
      label: `Helmholtz machine, K = ${samples}`,
      kind: 'lower bound',
      result: results.helmholtzMany,
      note: `${samples} importance samples`,
    },
  ]
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <div className="lk-demo__toolbar">
        <button type="button" onClick={trainBothFromScratch} disabled={busy}>
          Train both from scratch
        </button>
      </div>
      <TrainingStatus model={machine} unit="images" />
      <TrainingStatus model={vae} unit="images" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <LossChart
            history={history}
            series={[
              { key: 'helmholtz', label: 'Helmholtz machine (wake-sleep), −ELBO' },
              { key: 'vae', label: 'VAE (reparameterisation), −ELBO' },
            ]}
            unit="nats per image"
            title="Bounds on the training batches (lower is better)"
            width={420}
          />
        </section>
        <section className="lk-demo__panel">
          <h3>Helmholtz machine: top-down samples</h3>
          <SampleGrid
            model={machine}
            rows={4}
            columns={8}
            scale={5}
            seed={1}
            label="Samples of the Helmholtz machine"
          />
        </section>
        <section className="lk-demo__panel">
          <h3>VAE: samples from the prior</h3>
          <SampleGrid
            model={vae}
            rows={4}
            columns={8}
            scale={5}
            seed={1}
            label="Samples of the VAE"
          />
        </section>
      </div>
      <LikelihoodTable
        entries={entries}
        title={`${heldOut.shape[0]} held-out binarised digits`}
        style={{ maxWidth: 640 }}
      />
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<ComparisonArgs> = {
  title: 'Playgrounds/Wake-sleep vs the VAE',
  component: Comparison,
  parameters: {
    docs: {
      description: {
        component:
          "A Helmholtz machine (`useHelmholtz`: stochastic binary units, trained by wake-sleep) and a VAE (`useVAE`: Gaussian latents, trained by the reparameterisation trick) with the same layer sizes train side by side on the same binarised digits. It opens on their shipped presets (`preset: 'digits'` and `preset: 'binarized-digits'`: both 64-128-8, both 100 epochs on the first 1,500 binarised digits, so the held-out table compares like with like at mount); Train both from scratch trains them live with the controls' sizes on the first `trainImages` digits. Both bounds are the negative ELBO in nats per image on the training batches, on one chart; lower is better. Wake-sleep's sleep phase fits the recognition network to the model's own dreams (the KL the wrong way round) and follows no single objective, so its bound falls slowly and stalls; the VAE descends the ELBO itself and passes it. The table scores both on held-out digits once they finish: ELBO and the K-sample importance-weighted bound of each.",
      },
    },
  },
  argTypes: {
    trainImages: { control: { type: 'range', min: 100, max: 1500, step: 100 } },
    hiddenUnits: { control: { type: 'range', min: 16, max: 512, step: 16 } },
    topUnits: { control: { type: 'range', min: 2, max: 32, step: 1 } },
    epochs: { control: { type: 'number', min: 1 } },
    batchSize: { control: { type: 'number', min: 1 } },
    wakeSleepLearningRate: { control: { type: 'number', min: 0.001, step: 0.05 } },
    vaeLearningRate: { control: { type: 'number', min: 0.00001, step: 0.0005 } },
    heldOutSamples: { control: { type: 'number', min: 1, max: 5000 } },
    seed: { control: 'number' },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    preset: { control: 'boolean' },
  },
  args: {
    trainImages: 600,
    hiddenUnits: 128,
    topUnits: 8,
    epochs: 40,
    batchSize: 32,
    wakeSleepLearningRate: 0.2,
    vaeLearningRate: 0.003,
    heldOutSamples: 100,
    seed: 1,
    backend: 'auto',
    preset: true,
  },
}

export default meta

/**
 * Opens on the two presets (the VAE's default sizes for 8×8 images, 128 hidden units and 8 at the
 * top, both trained 100 epochs on the same 1,500 binarised digits): samples and the held-out table
 * at mount. Train both from scratch to watch the bounds race on 600 digits.
 */
export const Digits: StoryObj<ComparisonArgs> = {}

/** Both trained live from the first step on 600 binarised digits (no presets). */
export const FromScratch: StoryObj<ComparisonArgs> = { args: { preset: false } }
