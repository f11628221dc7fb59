import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState } from 'react'
import { useSemanticHashing } from '../src/react/useSemanticHashing'
import { HashSearch } from '../src/components/HashSearch'
import { LossChart } from '../src/components/LossChart'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { pickImages } from '../src/components/imagePixels'
import { hashPrecisionAtK } from '../src/core/hashing/hashPrecision'
import type { CodeBinarization, HashingMethod } from '../src/core/hashing/hashingOptions'
import type { BackendPreference } from '../src/core/backend'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { TrainingButtons } from './ModelControls'

interface PlaygroundArgs {
  method: HashingMethod
  bits: number
  binarization: CodeBinarization
  noise: number
  inputNoise: number
  seed: number
  epochs: number
  k: number
  backend: BackendPreference
  autoTrain: boolean
  preset: boolean
}

/** The shipped learned presets by bits: the stories' models, trained. LSH trains nothing. */
const LEARNED_PRESETS: Readonly<Record<number, string>> = { 16: 'digits', 8: 'digits-8-bits' }

/** The shipped preset of the model the controls describe, if one ships. */
function presetFor(args: PlaygroundArgs): string | undefined {
  return args.preset && args.method === 'learned' ? LEARNED_PRESETS[args.bits] : undefined
}

/** The digits split 80 / 20: every fifth image is held out as a query. */
function useDigitSplit() {
  return useMemo(() => {
    const { images, labels } = loadDigits()
    const all = Array.from({ length: images.shape[0] }, (_, i) => i)
    const trainIds = all.filter((i) => i % 5 !== 4)
    const testIds = all.filter((i) => i % 5 === 4)
    return {
      train: pickImages(images, trainIds),
      trainLabels: trainIds.map((i) => labels[i] as number),
      test: pickImages(images, testIds),
      testLabels: testIds.map((i) => labels[i] as number),
    }
  }, [])
}

function Playground(args: PlaygroundArgs) {
  const split = useDigitSplit()
  const preset = presetFor(args)
  const hasher = useSemanticHashing({
    data: split.train,
    method: args.method,
    bits: args.bits,
    binarization: args.binarization,
    noise: args.noise,
    inputNoise: args.inputNoise,
    seed: args.seed,
    epochs: args.epochs,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // Opens on the shipped model of these bits (16 or 8); Train from scratch trains one live.
    ...(preset ? { preset } : {}),
  })
  // Precision@10 by label of the held-out digits, one row per model tried: change `bits` to add one.
  const [precisions, setPrecisions] = useState<Record<string, number>>({})
  const { status, hashAsync, modelVersion } = hasher
  const name = `${args.method === 'lsh' ? 'LSH' : `learned (${args.binarization})`}, ${args.bits} bits`
  useEffect(() => {
    if (status !== 'ready') return
    let live = true
    void Promise.all([hashAsync(split.train), hashAsync(split.test)])
      .then(([indexed, queries]) => {
        if (!live) return
        const precision = hashPrecisionAtK(
          indexed.codes,
          split.trainLabels,
          queries.codes,
          split.testLabels,
          indexed.bits,
          10,
        )
        setPrecisions((previous) => ({ ...previous, [name]: precision }))
      })
      .catch(() => {})
    return () => {
      live = false
    }
  }, [status, hashAsync, modelVersion, split, name])

  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={hasher} />
      <TrainingStatus model={hasher} unit="images" data-testid="model-status" />
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Search the training digits by example</h3>
          <HashSearch model={hasher} images={split.train} k={args.k} scale={4} />
        </section>
        <section className="lk-demo__panel">
          <h3>Precision@10 on the held-out digits, as bits grow</h3>
          <table data-testid="hashing-precision" style={{ fontSize: 12 }}>
            <thead>
              <tr>
                <th align="left">codes</th>
                <th align="right">precision@10</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(precisions).map(([row, precision]) => (
                <tr key={row}>
                  <td>{row}</td>
                  <td align="right">{precision.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p style={{ fontSize: 12 }}>
            Change <code>bits</code> or <code>method</code> to add a row: the share of each held-out
            digit’s 10 nearest codes (Hamming distance) that show the same digit.
          </p>
          {args.method === 'learned' ? (
            <LossChart history={hasher.history} width={420} height={160} />
          ) : null}
        </section>
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/Semantic hashing',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`useSemanticHashing` learning binary codes of 80 % of the embedded digits in a Web Worker (Salakhutdinov & Hinton: an autoencoder whose code layer is pushed to 0/1 by noise before its sigmoid), and `HashSearch` finding the nearest digits of a picked (or dropped) one by Hamming distance. The table keeps the held-out precision@10 of every setting tried, so raising `bits` shows precision growing; `method: lsh` gives random-hyperplane LSH for comparison.',
      },
    },
  },
  argTypes: {
    method: { control: 'inline-radio', options: ['learned', 'lsh'] },
    bits: { control: 'select', options: [4, 8, 16, 32, 64] },
    binarization: { control: 'inline-radio', options: ['noise', 'straight-through'] },
    noise: { control: { type: 'number', min: 0.5, step: 0.5 } },
    inputNoise: { control: { type: 'number', min: 0, step: 0.05 } },
    seed: { control: 'number' },
    epochs: { control: { type: 'number', min: 1 } },
    k: { control: { type: 'range', min: 1, max: 30, step: 1 } },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    preset: { control: 'boolean' },
  },
  args: {
    method: 'learned',
    bits: 16,
    binarization: 'noise',
    noise: 4,
    inputNoise: 0.3,
    seed: 1,
    epochs: 60,
    k: 10,
    backend: 'auto',
    autoTrain: true,
    preset: true,
  },
}

export default meta

/** Learned 16-bit codes of the digits, opening on the shipped preset; pick a digit to search. */
export const SearchByExample: StoryObj<PlaygroundArgs> = {}

/**
 * Eight bits: 256 codes for 1,437 digits, so many share a code; precision drops. Opens on the shipped
 * `'digits-8-bits'` preset; Train from scratch trains one live.
 */
export const EightBits: StoryObj<PlaygroundArgs> = { args: { bits: 8 } }

/** The baseline: 64 random hyperplanes through the mean digit (nothing is trained). */
export const LSHBaseline: StoryObj<PlaygroundArgs> = {
  args: { method: 'lsh', bits: 64, preset: false },
}
