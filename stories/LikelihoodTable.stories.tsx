import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { LikelihoodTable } from '../src/components/LikelihoodTable'
import type { LikelihoodEntry, LikelihoodResult } from '../src/components/likelihoodRows'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { useAutoregressive } from '../src/react/useAutoregressive'
import { useHelmholtz } from '../src/react/useHelmholtz'
import { useRBM } from '../src/react/useRBM'
import { useVAE } from '../src/react/useVAE'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import type { ImageBatch } from '../src/core/dataset'

/** Digits 1,500 onwards are held out; every model trains on the first 1,500, binarised at 0.5. */
const HELD_OUT = 1500

function binarised(from: number, to?: number): ImageBatch {
  const { images } = loadDigits()
  const data = images.data.slice(from * 64, to === undefined ? undefined : to * 64)
  return { data: data.map((v) => (v >= 0.5 ? 1 : 0)), shape: [data.length / 64, 8, 8, 1] }
}

interface LiveArgs {
  epochs: number
  iwaeSamples: number
  aisRuns: number
  aisSteps: number
  sort: 'best-first' | 'given'
  /**
   * Open MADE, the VAE and the Helmholtz machine on their shipped presets (`'digits'`,
   * `'binarized-digits'`, `'digits'`), all trained on these same 1,500 binarised digits; the RBM
   * (100 hidden units; its preset has 64 and saw grey digits) trains live.
   */
  presets: boolean
}

/** Four families trained on the same binarised digits, then scored on the same held-out ones. */
function SideBySide({ epochs, iwaeSamples, aisRuns, aisSteps, sort, presets }: LiveArgs) {
  const train = useMemo(() => binarised(0, HELD_OUT), [])
  const heldOut = useMemo(() => binarised(HELD_OUT), [])
  const made = useAutoregressive({
    data: train,
    epochs,
    autoTrain: true,
    ...(presets ? { preset: 'digits' } : {}),
  })
  const vae = useVAE({
    data: train,
    epochs,
    autoTrain: true,
    ...(presets ? { preset: 'binarized-digits' } : {}),
  })
  const rbm = useRBM({
    data: train,
    layers: [100],
    epochs: Math.max(1, Math.round(epochs / 4)),
    autoTrain: true,
  })
  // The Helmholtz machine has the VAE's layer sizes (128 hidden units, 8 at the top) by default.
  const helmholtz = useHelmholtz({
    data: train,
    epochs,
    autoTrain: true,
    ...(presets ? { preset: 'digits' } : {}),
  })
  const [results, setResults] = useState<Record<string, LikelihoodResult | undefined>>({})
  const put = (key: string) => (result: LikelihoodResult) =>
    setResults((previous) => ({ ...previous, [key]: result }))

  useEffect(() => {
    if (made.status !== 'ready') return
    made.logLikelihoodAsync(heldOut).then(put('made'), () => undefined)
  }, [made.status, made.modelVersion]) // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (vae.status !== 'ready') return
    void (async () => {
      put('elbo')(await vae.logLikelihoodAsync(heldOut, { samples: 1 }))
      put('iwae')(await vae.logLikelihoodAsync(heldOut, { samples: iwaeSamples }))
    })().catch(() => undefined)
  }, [vae.status, vae.modelVersion, iwaeSamples]) // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (helmholtz.status !== 'ready') return
    helmholtz
      .logLikelihoodAsync(heldOut, { samples: iwaeSamples })
      .then(put('helmholtz'), () => undefined)
  }, [helmholtz.status, helmholtz.modelVersion, iwaeSamples]) // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (rbm.status !== 'ready') return
    rbm
      .logLikelihoodAsync(heldOut, { runs: aisRuns, steps: aisSteps })
      .then(put('rbm'), () => undefined)
  }, [rbm.status, rbm.modelVersion, aisRuns, aisSteps]) // eslint-disable-line react-hooks/exhaustive-deps

  const entries: LikelihoodEntry[] = [
    { label: 'MADE', kind: 'exact', result: results.made, note: 'autoregressive, one pass' },
    { label: 'VAE, ELBO', kind: 'lower bound', result: results.elbo, note: '1 sample per image' },
    {
      label: `VAE, IWAE k = ${iwaeSamples}`,
      kind: 'lower bound',
      result: results.iwae,
      note: `${iwaeSamples} samples per image`,
    },
    {
      label: `Helmholtz machine, K = ${iwaeSamples}`,
      kind: 'lower bound',
      result: results.helmholtz,
      note: `wake-sleep; ${iwaeSamples} importance samples per image`,
    },
    {
      label: 'RBM, 100 hidden',
      kind: 'estimate',
      result: results.rbm,
      note: `AIS, ${aisRuns} runs × ${aisSteps} steps`,
    },
  ]
  return (
    <div style={{ display: 'grid', gap: 12, maxWidth: 640 }}>
      <LikelihoodTable
        entries={entries}
        sort={sort}
        title={`${heldOut.shape[0]} held-out binarised digits`}
      />
      <TrainingStatus model={made} unit="images" />
      <TrainingStatus model={vae} unit="images" />
      <TrainingStatus model={helmholtz} unit="images" />
      <TrainingStatus model={rbm} unit="images" />
      <small>{DIGITS_ATTRIBUTION}</small>
    </div>
  )
}

const meta: Meta<typeof LikelihoodTable> = {
  title: 'Components/LikelihoodTable',
  component: LikelihoodTable,
  parameters: {
    docs: {
      description: {
        component:
          "Log-likelihoods of several models on the same images in nats per image: exact values (autoregressive), lower bounds (the VAE's ELBO and importance-weighted bound, the Helmholtz machine's importance-sampled bound) and estimates (the RBM's annealed importance sampling), with standard errors over the images. Pass each hook's `logLikelihood` result; rows show 'computing…' until it arrives.",
      },
    },
  },
}
export default meta

/** Illustrative values (not measured), to show the component at once without training. */
export const Figures: StoryObj<typeof LikelihoodTable> = {
  args: {
    title: 'Illustrative values',
    entries: [
      { label: 'MADE', kind: 'exact', result: { meanLogLikelihood: -17.48, standardError: 0.31 } },
      {
        label: 'VAE, ELBO',
        kind: 'lower bound',
        result: { meanLogLikelihood: -18.26, standardError: 0.3 },
      },
      {
        label: 'VAE, IWAE k = 500',
        kind: 'lower bound',
        result: { meanLogLikelihood: -17.9, standardError: 0.3 },
      },
      {
        label: 'independent pixels',
        kind: 'exact',
        result: { meanLogLikelihood: -25.16, standardError: 0.25 },
      },
      { label: 'RBM, 100 hidden', kind: 'estimate', result: undefined, note: 'still running' },
    ],
  },
}

/**
 * MADE, a VAE, a Helmholtz machine and an RBM on the same binarised digits: the first three open on
 * their presets (trained on those digits), the RBM trains in the worker; the table fills as each is
 * ready. Turn `presets` off to train all four live.
 */
export const TrainedSideBySide: StoryObj<LiveArgs> = {
  render: (args) => <SideBySide {...args} />,
  args: {
    epochs: 20,
    iwaeSamples: 200,
    aisRuns: 50,
    aisSteps: 1000,
    sort: 'best-first',
    presets: true,
  },
  argTypes: {
    epochs: { control: { type: 'number', min: 1, max: 200 } },
    iwaeSamples: { control: { type: 'number', min: 1, max: 5000 } },
    aisRuns: { control: { type: 'number', min: 10, max: 500 } },
    aisSteps: { control: { type: 'number', min: 100, max: 10000 } },
    sort: { control: 'inline-radio', options: ['best-first', 'given'] },
    presets: { control: 'boolean' },
  },
}
