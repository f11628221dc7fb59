import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useState, type ChangeEvent } from 'react'
import { useSparseCoding, type UseSparseCodingOptions } from '../src/react/useSparseCoding'
import { DictionaryGrid, type SelectedAtom } from '../src/components/DictionaryGrid'
import { SparseCodeView } from '../src/components/SparseCodeView'
import { SampleGrid } from '../src/components/SampleGrid'
import { LossChart } from '../src/components/LossChart'
import { DIGITS_ATTRIBUTION } from '../src/data/digits'
import { fromImageSources } from '../src/data/imageInput'
import type { ImageBatch } from '../src/core/dataset'
import type { BackendPreference } from '../src/core/backend'
import type { PatchNormalization } from '../src/core/sparse/sparseOptions'
import { TrainingStatus } from '../src/components/TrainingStatus'
import { TrainingButtons } from './ModelControls'
import { batchOf, digitCollage, heldOutDigits, psnr, withNoise } from './sparseStoryData'

interface PlaygroundArgs {
  source: 'digits' | 'image'
  atoms: number
  lambda: number
  patchSize: number
  nonNegative: boolean
  normalization: PatchNormalization
  whiten: boolean
  epochs: number
  batchSize: number
  seed: number
  backend: BackendPreference
  autoTrain: boolean
  sort: 'none' | 'usage'
  noise: number
  denoiseLambda: number
  preset: boolean
}

const OBJECTIVE = [{ key: 'objective', label: 'objective' }]
const PSNR = [{ key: 'psnr', label: 'PSNR' }]
/** Digits 1,700 onwards are held out: training uses the first 1,700. */
const HELD_OUT = 1700
const TRAINING_DIGITS = { name: 'digits', limit: HELD_OUT } as const

/**
 * The shipped preset of the digits dictionary the controls describe (contrast-normalised, seed 1):
 * 128 atoms of 8×8 at λ 0.5, or 64 atoms of 5×5 at λ 0.3.
 */
function presetFor(args: PlaygroundArgs): string | undefined {
  if (!args.preset || args.source !== 'digits') return undefined
  if (args.patchSize === 5 && args.atoms === 64 && args.lambda === 0.3)
    return 'digits-small-patches'
  return 'digits'
}

function Playground(args: PlaygroundArgs) {
  const [picked, setPicked] = useState<ImageBatch | undefined>(undefined)
  const [pickError, setPickError] = useState<string | undefined>(undefined)
  const [selected, setSelected] = useState<SelectedAtom | undefined>(undefined)
  const [denoised, setDenoised] = useState<ImageBatch | undefined>(undefined)
  const collage = useMemo(() => digitCollage(4, HELD_OUT), [])
  const heldOut = useMemo(() => heldOutDigits(HELD_OUT + 16, 8), [])
  const userImage = args.source === 'image' ? picked : undefined
  const preset = presetFor(args)
  const data = useMemo(() => userImage ?? TRAINING_DIGITS, [userImage])
  const options: UseSparseCodingOptions = {
    data,
    atoms: args.atoms,
    lambda: args.lambda,
    patchSize: args.patchSize,
    nonNegative: args.nonNegative,
    normalization: args.normalization,
    whiten: args.whiten,
    epochs: args.epochs,
    batchSize: args.batchSize,
    seed: args.seed,
    backend: args.backend,
    autoTrain: args.autoTrain,
    // The digits open on the shipped dictionary; Train from scratch learns one live.
    ...(preset ? { preset } : {}),
  }
  const sc = useSparseCoding(options)
  // Digits are denoised one by one (each is one 8×8 patch, as in training); your image as a whole.
  const clean = userImage ?? heldOut
  const noisy = useMemo(() => withNoise(clean, args.noise, 3), [clean, args.noise])

  const { status, denoise } = sc
  useEffect(() => {
    if (status !== 'ready') return
    let live = true
    void denoise(noisy, { lambda: args.denoiseLambda }).then(
      (image) => live && image && setDenoised(image),
    )
    return () => {
      live = false
    }
  }, [status, denoise, noisy, args.denoiseLambda])

  const pick = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0]
    if (!file) return
    createImageBitmap(file)
      .then((bitmap) => {
        setPicked(fromImageSources(bitmap, { width: 64, height: 64 }))
        setPickError(undefined)
      })
      .catch((error: unknown) => setPickError(`could not read that image: ${String(error)}`))
  }
  const shownDenoised =
    denoised && denoised.data.length === clean.data.length ? denoised : undefined
  const single = clean.shape[0] === 1

  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <TrainingButtons vae={sc} />
      <TrainingStatus model={sc} unit="patches" data-testid="model-status" />
      {args.source === 'image' ? (
        <label style={{ fontSize: 13 }}>
          Learn from your own image (resized to 64 × 64, gray):{' '}
          <input type="file" accept="image/*" onChange={pick} />
          {pickError ? <span role="alert"> {pickError}</span> : null}
          {!picked ? <span> — until you pick one, the digits are used.</span> : null}
        </label>
      ) : null}
      <div className="lk-demo">
        <section className="lk-demo__panel">
          <h3>Dictionary ({args.atoms} atoms)</h3>
          <DictionaryGrid
            dictionary={sc.dictionary}
            sort={args.sort}
            columns={16}
            scale={4}
            onSelect={setSelected}
          />
          <p style={{ fontSize: 12 }}>
            {selected
              ? `Atom ${selected.index + 1}: used by ${((selected.usage ?? 0) * 100).toFixed(1)} % of patches`
              : 'Click an atom to see how often it is used.'}
          </p>
        </section>
        <section className="lk-demo__panel">
          <h3>How a patch is coded</h3>
          <SparseCodeView
            model={sc}
            image={userImage ?? collage}
            defaultPosition={{ top: 8, left: 8 }}
            scale={userImage ? 3 : 6}
            patchScale={4}
          />
          {userImage ? null : (
            <p style={{ fontSize: 12 }}>
              Held-out digits. Patches that straddle two digits were never seen in training (each
              training digit is one patch), so they are rebuilt less well.
            </p>
          )}
        </section>
        <section className="lk-demo__panel">
          <h3>Denoising (σ = {args.noise})</h3>
          <SampleGrid
            images={shownDenoised ? batchOf(clean, noisy, shownDenoised) : batchOf(clean, noisy)}
            rows={single ? 1 : 3}
            columns={single ? 3 : clean.shape[0]}
            scale={single ? 2 : 4}
            label={
              single
                ? 'Clean, noisy and denoised image'
                : 'Rows: clean, noisy and denoised held-out digits'
            }
          />
          <p style={{ fontSize: 12 }} data-testid="denoise-summary">
            {single ? 'clean, noisy, denoised' : 'rows: clean, noisy, denoised'} · noisy{' '}
            {psnr(clean, noisy).toFixed(1)} dB
            {shownDenoised
              ? ` → denoised ${psnr(clean, shownDenoised).toFixed(1)} dB (λ ${args.denoiseLambda})`
              : ' (train to denoise)'}
          </p>
        </section>
        <section className="lk-demo__panel">
          <LossChart
            history={sc.history}
            series={OBJECTIVE}
            width={420}
            height={160}
            title="Objective ½‖x − Dᵀa‖² + λ‖a‖₁"
            unit="per patch"
          />
          <LossChart
            history={sc.history}
            series={PSNR}
            width={420}
            height={160}
            title="Reconstruction PSNR"
            unit="dB"
          />
        </section>
      </div>
      <p className="lk-demo__credit">Data: {DIGITS_ATTRIBUTION}</p>
    </div>
  )
}

const meta: Meta<PlaygroundArgs> = {
  title: 'Playgrounds/Sparse coding playground',
  component: Playground,
  parameters: {
    docs: {
      description: {
        component:
          '`useSparseCoding` learning an overcomplete dictionary live in a Web Worker (online dictionary learning, FISTA codes on TF.js) from the embedded UCI digits or an image you pick. `DictionaryGrid` shows the atoms, `SparseCodeView` how one patch is explained, and the denoising panel rebuilds noisy held-out digits (or your image, from its overlapping patches) from sparse codes. Changing a model control starts a fresh dictionary.',
      },
    },
  },
  argTypes: {
    source: { control: 'inline-radio', options: ['digits', 'image'] },
    atoms: { control: { type: 'range', min: 8, max: 256, step: 8 } },
    lambda: { control: { type: 'range', min: 0, max: 2, step: 0.05 } },
    patchSize: { control: { type: 'range', min: 3, max: 8, step: 1 } },
    nonNegative: { control: 'boolean' },
    normalization: { control: 'inline-radio', options: ['none', 'center', 'contrast'] },
    whiten: { control: 'boolean' },
    epochs: { control: { type: 'number', min: 1 } },
    batchSize: { control: { type: 'number', min: 1 } },
    seed: { control: 'number' },
    backend: { control: 'select', options: ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] },
    autoTrain: { control: 'boolean' },
    sort: { control: 'inline-radio', options: ['none', 'usage'] },
    noise: { control: { type: 'range', min: 0, max: 0.5, step: 0.05 } },
    denoiseLambda: { control: { type: 'range', min: 0, max: 3, step: 0.1 } },
    preset: { control: 'boolean', if: { arg: 'source', eq: 'digits' } },
  },
  args: {
    source: 'digits',
    atoms: 128,
    lambda: 0.5,
    patchSize: 8,
    nonNegative: false,
    normalization: 'contrast',
    whiten: false,
    epochs: 20,
    batchSize: 256,
    seed: 1,
    backend: 'auto',
    autoTrain: true,
    sort: 'usage',
    noise: 0.2,
    denoiseLambda: 0.5,
    preset: true,
  },
}

export default meta

/** 128 atoms of 1,700 UCI digits, pen strokes, from the shipped preset; Train from scratch learns them live. */
export const Digits: StoryObj<PlaygroundArgs> = {}

/**
 * Small 5×5 patches: local stroke pieces, like edge detectors, rather than whole-digit parts. Opens on
 * the shipped `'digits-small-patches'` preset; Train from scratch learns them live.
 */
export const SmallPatches: StoryObj<PlaygroundArgs> = {
  args: { patchSize: 5, atoms: 64, lambda: 0.3 },
}

/** Pick an image of your own to learn atoms from (and to denoise). */
export const YourImage: StoryObj<PlaygroundArgs> = {
  args: { source: 'image', patchSize: 6, atoms: 64, whiten: true, lambda: 0.4 },
}
