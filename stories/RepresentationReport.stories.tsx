import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useRef, type ReactNode } from 'react'
import type { BackendPreference } from '../src/core/backend'
import type { ImageBatch, LatentBatch } from '../src/core/dataset'
import type { LabelsPerClass } from '../src/core/report/reportOptions'
import { rawPixelsEncoder, type RepresentationEncoder } from '../src/client/reportClient'
import { RepresentationReport } from '../src/components/RepresentationReport'
import type { ReportSpread } from '../src/components/reportChartGeometry'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
import { generateSpritesByKind, SPRITE_KINDS } from '../src/data/sprites'
import { useAutoencoder } from '../src/react/useAutoencoder'
import { usePretext } from '../src/react/usePretext'
import { useContrastive } from '../src/react/useContrastive'
import { useKMeans } from '../src/react/useKMeans'
import { usePCA } from '../src/react/usePCA'
import { useRBM } from '../src/react/useRBM'
import { useRepresentationReport } from '../src/react/useRepresentationReport'
import { useVAE } from '../src/react/useVAE'

interface ReportArgs {
  draws: number
  spread: ReportSpread
  backend: BackendPreference
}

const COLUMNS: readonly LabelsPerClass[] = [1, 5, 10, 50, 'all']

/** A model hook's result as far as the report needs it. */
interface Encoding {
  readonly status: string
  readonly error?: { readonly message: string } | undefined
}

/**
 * An encoder that waits until its model is ready (a preset loaded, a short training run done),
 * so the report starts at once with raw pixels and every row follows as its model is.
 */
function waitingEncoder(
  name: string,
  model: { readonly current: Encoding },
  encode: (images: ImageBatch) => Promise<LatentBatch>,
): RepresentationEncoder {
  return {
    name,
    encode: async (images) => {
      while (model.current.status !== 'ready') {
        if (model.current.status === 'error') {
          throw new Error(`${name}: ${model.current.error?.message ?? 'failed'}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      return encode(images)
    },
  }
}

/** Keeps the latest value of `value` in a ref (read by the waiting encoders). */
function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value)
  useEffect(() => {
    ref.current = value
  })
  return ref
}

/** The report, a status line beneath it (what is being measured, or how many rows and draws) and a note. */
function ReportPanel({
  report,
  labelsPerClass,
  spread,
  title,
  draws,
  heldOut,
  children,
}: {
  readonly report: ReturnType<typeof useRepresentationReport>
  readonly labelsPerClass: readonly LabelsPerClass[]
  readonly spread: ReportSpread
  readonly title: string
  readonly draws: number
  /** What the held-out images are, for the status line (`digits`, `sprites`). */
  readonly heldOut: string
  readonly children: ReactNode
}) {
  return (
    <section style={{ fontFamily: 'system-ui', maxWidth: 640 }}>
      <RepresentationReport
        rows={report.rows}
        labelsPerClass={labelsPerClass}
        spread={spread}
        title={title}
        renderEmpty={() => 'starting the worker…'}
      />
      <p data-testid="report-status" style={{ fontSize: 12 }}>
        {report.status === 'running'
          ? `measuring ${report.encoder ?? ''} · ${report.progress.done}/${report.progress.total} probes`
          : report.status === 'error'
            ? `error: ${report.error?.message ?? ''}`
            : report.status === 'ready'
              ? `${report.rows.length} encoders, ${draws} draws per column, ${report.report?.testCount ?? 0} held-out ${heldOut}`
              : report.status}
      </p>
      <p style={{ fontSize: 11, color: '#6b7280' }}>{children}</p>
    </section>
  )
}

function AllEncoders(args: ReportArgs) {
  const digits = useMemo(() => loadDigits(), [])
  const backend = args.backend
  const pca = usePCA({ data: 'digits', nComponents: 32, backend, autoTrain: true })
  const vae = useVAE({ data: 'digits', preset: 'digits', backend })
  const rbm = useRBM({ data: 'digits', preset: 'digits', backend })
  const kmeans = useKMeans({ data: 'digits', preset: 'digits', backend })
  const contrastive = useContrastive({ data: 'digits', preset: 'digits', backend })
  // The shipped plain autoencoder (64-128-8), and the stacked one (64-128-64-16, each layer
  // pretrained in turn, then fine-tuned).
  const autoencoder = useAutoencoder({ data: 'digits', preset: 'digits', backend })
  const stacked = useAutoencoder({ data: 'digits', preset: 'stacked-digits', backend })
  const jigsaw = usePretext({ data: 'digits', task: 'jigsaw', preset: 'jigsaw-digits', backend })
  const rotation = usePretext({
    data: 'digits',
    task: 'rotation',
    preset: 'rotation-digits',
    backend,
  })
  const position = usePretext({
    data: 'digits',
    task: 'relativePosition',
    preset: 'relative-position-digits',
    backend,
  })
  const models = {
    stacked: useLatest<Encoding>(stacked),
    jigsaw: useLatest<Encoding>(jigsaw),
    rotation: useLatest<Encoding>(rotation),
    position: useLatest<Encoding>(position),
    pca: useLatest<Encoding>(pca),
    vae: useLatest<Encoding>(vae),
    rbm: useLatest<Encoding>(rbm),
    kmeans: useLatest<Encoding>(kmeans),
    contrastive: useLatest<Encoding>(contrastive),
    autoencoder: useLatest<Encoding>(autoencoder),
  }
  const actions = useLatest({
    pca,
    vae,
    rbm,
    kmeans,
    contrastive,
    autoencoder,
    stacked,
    jigsaw,
    rotation,
    position,
  })
  const report = useRepresentationReport({ backend })
  const { run } = report

  useEffect(() => {
    const a = (): typeof actions.current => actions.current
    const encoders: RepresentationEncoder[] = [
      rawPixelsEncoder,
      waitingEncoder('PCA, 32 components', models.pca, (x) => a().pca.encodeAsync(x)),
      waitingEncoder('VAE posterior mean (preset)', models.vae, (x) => a().vae.encodeAsync(x)),
      waitingEncoder('RBM hidden probabilities (preset)', models.rbm, (x) =>
        a().rbm.encodeAsync(x),
      ),
      waitingEncoder('clustering learning, k-means (preset)', models.kmeans, (x) =>
        a().kmeans.featuresAsync(x),
      ),
      waitingEncoder('contrastive (preset)', models.contrastive, (x) =>
        a().contrastive.encodeAsync(x),
      ),
      waitingEncoder('plain autoencoder (preset)', models.autoencoder, (x) =>
        a().autoencoder.encodeAsync(x),
      ),
      waitingEncoder('stacked autoencoder (preset)', models.stacked, (x) =>
        a().stacked.encodeAsync(x),
      ),
      waitingEncoder('jigsaw pretext task (preset)', models.jigsaw, (x) =>
        a().jigsaw.encodeAsync(x),
      ),
      waitingEncoder('rotation pretext task (preset)', models.rotation, (x) =>
        a().rotation.encodeAsync(x),
      ),
      waitingEncoder('relative-position pretext task (preset)', models.position, (x) =>
        a().position.encodeAsync(x),
      ),
    ]
    void run(digits.images, digits.labels, encoders, { labelsPerClass: COLUMNS, draws: args.draws })
    // The models are read through refs: the report runs again only when its own arguments change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run, digits, args.draws])

  return (
    <ReportPanel
      report={report}
      labelsPerClass={COLUMNS}
      spread={args.spread}
      title="Linear probe on the digits with few labels"
      draws={args.draws}
      heldOut="digits"
    >
      Presets were trained on the digits without labels; the probe fits on the labelled draws and is
      scored on a held-out fifth. {DIGITS_ATTRIBUTION}
    </ReportPanel>
  )
}

const meta: Meta = {
  title: 'Components/RepresentationReport',
  component: RepresentationReport,
  parameters: {
    docs: {
      description: {
        component:
          'The few-labels report: held-out accuracy of a linear probe on each encoder’s features with 1, 5, 10, 50 and all labels per class, averaged over seeded draws of the labelled images, the spread as a band. The encoders are models the page already has (any `encode`) and raw pixels; the probes fit in the worker, rows appear as they complete.',
      },
    },
  },
}
export default meta

/** Every encoder on the digits, computed live in the worker: raw pixels at once, then each shipped preset (PCA fits in the worker). */
export const AllEncodersOnDigits: StoryObj<ReportArgs> = {
  render: (args) => <AllEncoders {...args} />,
  args: { draws: 3, spread: 'standardError', backend: 'auto' },
  argTypes: {
    draws: { control: { type: 'number', min: 1, max: 20 } },
    spread: { control: 'inline-radio', options: ['standardError', 'range'] },
    backend: { control: 'select', options: ['auto', 'wasm', 'webgl', 'webgpu', 'cpu'] },
  },
}

interface SpritesReportArgs {
  draws: number
  spread: ReportSpread
  perKind: number
  epochs: number
  backend: BackendPreference
}

const SPRITE_COLUMNS: readonly LabelsPerClass[] = [1, 5, 10, 'all']

/**
 * The report on the 28×28 sprites with the shape kind as the label: raw pixels at once, PCA and the
 * VAE preset next, then models trained briefly on the same sprites without labels (a convolutional
 * autoencoder, clustering learning on 6×6 patches, a contrastive encoder whose views differ in
 * position, size and rotation, and the relative-position pretext task on 8-pixel patches).
 */
function SpritesEncoders(args: SpritesReportArgs) {
  const sprites = useMemo(() => generateSpritesByKind(args.perKind, { seed: 1 }), [args.perKind])
  const data = sprites.images
  const { backend, epochs } = args
  const length = `${epochs} epoch${epochs === 1 ? '' : 's'}`
  const pca = usePCA({ data, nComponents: 32, backend, autoTrain: true })
  const vae = useVAE({ data: 'sprites', preset: 'sprites', backend })
  const autoencoder = useAutoencoder({
    data,
    architecture: 'conv',
    codeSize: 32,
    epochs,
    seed: 1,
    backend,
    autoTrain: true,
  })
  const kmeans = useKMeans({ data, k: 64, patchSize: 6, epochs, seed: 1, backend, autoTrain: true })
  const contrastive = useContrastive({
    data,
    temperature: 0.2,
    augment: {
      crop: { minSize: 20 },
      shift: { pixels: 3 },
      rotation: { degrees: 180 },
      scale: { min: 0.8, max: 1.2 },
      cutout: { size: 6, probability: 0.5 },
    },
    epochs,
    seed: 1,
    backend,
    autoTrain: true,
  })
  const relative = usePretext({
    data,
    task: 'relativePosition',
    architecture: 'convolutional',
    patchSize: 8,
    gap: 2,
    epochs,
    seed: 1,
    backend,
    autoTrain: true,
  })
  const models = {
    pca: useLatest<Encoding>(pca),
    vae: useLatest<Encoding>(vae),
    autoencoder: useLatest<Encoding>(autoencoder),
    kmeans: useLatest<Encoding>(kmeans),
    contrastive: useLatest<Encoding>(contrastive),
    relative: useLatest<Encoding>(relative),
  }
  const actions = useLatest({ pca, vae, autoencoder, kmeans, contrastive, relative })
  const report = useRepresentationReport({ backend })
  const { run } = report

  useEffect(() => {
    const a = (): typeof actions.current => actions.current
    const encoders: RepresentationEncoder[] = [
      rawPixelsEncoder,
      waitingEncoder('PCA, 32 components', models.pca, (x) => a().pca.encodeAsync(x)),
      waitingEncoder('VAE posterior mean (sprites preset)', models.vae, (x) =>
        a().vae.encodeAsync(x),
      ),
      waitingEncoder(`convolutional autoencoder (${length})`, models.autoencoder, (x) =>
        a().autoencoder.encodeAsync(x),
      ),
      waitingEncoder(`clustering learning, 6×6 patches (${length})`, models.kmeans, (x) =>
        a().kmeans.featuresAsync(x, { stride: 2 }),
      ),
      waitingEncoder(`contrastive (${length})`, models.contrastive, (x) =>
        a().contrastive.encodeAsync(x),
      ),
      waitingEncoder(`relative position pretext task (${length})`, models.relative, (x) =>
        a().relative.encodeAsync(x),
      ),
    ]
    void run(sprites.images, sprites.labels, encoders, {
      labelsPerClass: SPRITE_COLUMNS,
      draws: args.draws,
    })
    // The models are read through refs: the report runs again only when its own arguments change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run, sprites, args.draws, epochs, length])

  return (
    <ReportPanel
      report={report}
      labelsPerClass={SPRITE_COLUMNS}
      spread={args.spread}
      title="Linear probe on the sprites' shape kind with few labels"
      draws={args.draws}
      heldOut="sprites"
    >
      {args.perKind} sprites of each kind ({SPRITE_KINDS.join(', ')}) at random scales, rotations
      and positions; chance is 0.25. The models learn on all of them without labels (the VAE preset
      on other sprites); the probe fits on the labelled draws and is scored on a held-out fifth.
    </ReportPanel>
  )
}

/** The same report on the 28×28 sprites, the shape kind as the label: a small set and short runs, so it opens in seconds. */
export const SpritesByShapeKind: StoryObj<SpritesReportArgs> = {
  render: (args) => <SpritesEncoders {...args} />,
  args: { draws: 3, spread: 'standardError', perKind: 40, epochs: 3, backend: 'auto' },
  argTypes: {
    draws: { control: { type: 'number', min: 1, max: 20 } },
    spread: { control: 'inline-radio', options: ['standardError', 'range'] },
    perKind: { control: { type: 'number', min: 13, max: 500 } },
    epochs: { control: { type: 'number', min: 1, max: 100 } },
    backend: { control: 'select', options: ['auto', 'wasm', 'webgl', 'webgpu', 'cpu'] },
  },
}
