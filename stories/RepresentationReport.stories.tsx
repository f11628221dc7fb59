import type { Meta, StoryObj } from '@storybook/react-vite'
import { useEffect, useMemo, useRef } from 'react'
import type { BackendPreference } from '../src/core/backend'
import type { ImageBatch, LatentBatch } from '../src/core/dataset'
import type { LabelsPerClass } from '../src/core/report/reportOptions'
import { rawPixelsEncoder, type RepresentationEncoder } from '../src/client/reportClient'
import { RepresentationReport } from '../src/components/RepresentationReport'
import type { ReportSpread } from '../src/components/reportChartGeometry'
import { DIGITS_ATTRIBUTION, loadDigits } from '../src/data/digits'
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
  autoencoderEpochs: number
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

function AllEncoders(args: ReportArgs) {
  const digits = useMemo(() => loadDigits(), [])
  const backend = args.backend
  const pca = usePCA({ data: 'digits', nComponents: 32, backend, autoTrain: true })
  const vae = useVAE({ data: 'digits', preset: 'digits', backend })
  const rbm = useRBM({ data: 'digits', preset: 'digits', backend })
  const kmeans = useKMeans({ data: 'digits', preset: 'digits', backend })
  const contrastive = useContrastive({ data: 'digits', preset: 'digits', backend })
  const autoencoder = useAutoencoder({
    data: 'digits',
    codeSize: 16,
    hiddenUnits: [64],
    epochs: args.autoencoderEpochs,
    seed: 1,
    backend,
    autoTrain: true,
  })
  // The shipped stacked autoencoder (64-128-64-16, each layer pretrained in turn, then fine-tuned).
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
      waitingEncoder(
        `plain autoencoder (${args.autoencoderEpochs} epochs)`,
        models.autoencoder,
        (x) => a().autoencoder.encodeAsync(x),
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
  }, [run, digits, args.draws, args.autoencoderEpochs])

  return (
    <section style={{ fontFamily: 'system-ui', maxWidth: 640 }}>
      <RepresentationReport
        rows={report.rows}
        labelsPerClass={COLUMNS}
        spread={args.spread}
        title="Linear probe on the digits with few labels"
        renderEmpty={() => 'starting the worker…'}
      />
      <p data-testid="report-status" style={{ fontSize: 12 }}>
        {report.status === 'running'
          ? `measuring ${report.encoder ?? ''} · ${report.progress.done}/${report.progress.total} probes`
          : report.status === 'error'
            ? `error: ${report.error?.message ?? ''}`
            : report.status === 'ready'
              ? `${report.rows.length} encoders, ${args.draws} draws per column, ${report.report?.testCount ?? 0} held-out digits`
              : report.status}
      </p>
      <p style={{ fontSize: 11, color: '#6b7280' }}>
        Presets were trained on the digits without labels; the probe fits on the labelled draws and
        is scored on a held-out fifth. {DIGITS_ATTRIBUTION}
      </p>
    </section>
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

/** Every encoder on the digits, computed live in the worker: raw pixels at once, presets next, a short plain autoencoder run last. */
export const AllEncodersOnDigits: StoryObj<ReportArgs> = {
  render: (args) => <AllEncoders {...args} />,
  args: { draws: 3, spread: 'standardError', autoencoderEpochs: 20, backend: 'auto' },
  argTypes: {
    draws: { control: { type: 'number', min: 1, max: 20 } },
    spread: { control: 'inline-radio', options: ['standardError', 'range'] },
    autoencoderEpochs: { control: { type: 'number', min: 1, max: 200 } },
    backend: { control: 'select', options: ['auto', 'wasm', 'webgl', 'webgpu', 'cpu'] },
  },
}
