import { renderToString } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { useVAE } from '../../src/react/useVAE'
import { SampleGrid } from '../../src/components/SampleGrid'
import { InterpolationSlider } from '../../src/components/InterpolationSlider'
import { LossChart } from '../../src/components/LossChart'
import { tagHistory } from '../../src/client/modelState'
import { vaeSpec } from '../../src/core/vae/vaeSpec'
import { sparseCodingSpec } from '../../src/core/sparse/sparseSpec'
import { GANPlane } from '../../src/components/GANPlane'
import { useGAN } from '../../src/react/useGAN'
import { ringOfGaussians } from '../../src/data/toy2d'
import { useSparseCoding } from '../../src/react/useSparseCoding'
import { DictionaryGrid } from '../../src/components/DictionaryGrid'
import { FilterGrid } from '../../src/components/FilterGrid'
import { SparseCodeView } from '../../src/components/SparseCodeView'
import { useAutoencoder } from '../../src/react/useAutoencoder'
import { AnomalyHeatmap } from '../../src/components/AnomalyHeatmap'
import { ReconstructionGrid } from '../../src/components/ReconstructionGrid'
import { TrainingStatus } from '../../src/components/TrainingStatus'
import { ModelFiles } from '../../src/components/ModelFiles'
import { useImportedModel } from '../../src/react/useImportedModel'
import { LatentTraversal } from '../../src/components/LatentTraversal'
import { useLatentTraversal } from '../../src/components/useLatentTraversal'

function InfoGANTraversal() {
  const gan = useGAN({ data: 'digits', noiseDim: 16, info: { categorical: [10], continuous: 2 } })
  const { rows, problem } = useLatentTraversal(gan, {
    kind: 'info',
    categorical: [10],
    continuous: 2,
  })
  return <LatentTraversal rows={rows} problem={problem} />
}

function VAEDemo() {
  const vae = useVAE({ data: 'digits', autoTrain: true })
  return (
    <section>
      <p>status: {vae.status}</p>
      <SampleGrid model={vae} />
      <InterpolationSlider model={vae} />
      <LossChart history={vae.history} />
    </section>
  )
}

const untrained = {
  modelVersion: 0,
  model: undefined,
  latentDim: undefined,
  sample: () => Promise.reject(new Error('not on the server')),
  decode: () => Promise.reject(new Error('not on the server')),
  interpolate: () => Promise.reject(new Error('not on the server')),
}

describe('server rendering without window', () => {
  test('there is no DOM here', () => {
    expect(typeof window).toBe('undefined')
    expect(typeof document).toBe('undefined')
    expect(typeof Worker).toBe('undefined')
  })

  test('a component using useVAE renders its idle state and starts no worker', () => {
    const html = renderToString(<VAEDemo />)
    expect(html).toContain('status: <!-- -->idle')
    expect(html).toContain('No samples yet')
    expect(html).toMatch(/<input[^>]*type="range"[^>]*disabled/)
    expect(html).toContain('No training steps yet.')
  })

  test('SampleGrid renders given images as a sized canvas', () => {
    const images = { data: new Float32Array(4 * 64), shape: [4, 8, 8, 1] as const }
    const html = renderToString(
      <SampleGrid images={images} rows={1} columns={4} scale={2} gap={1} />,
    )
    expect(html).toMatch(/<canvas[^>]*width="67"[^>]*height="16"/)
    expect(html).toContain('aria-label="Grid of 4 images"')
  })

  test('InterpolationSlider renders an accessible, disabled slider before training', () => {
    const html = renderToString(<InterpolationSlider model={untrained} label="Walk" />)
    expect(html).toContain('Walk')
    expect(html).toContain('aria-valuetext="t = 0.50 (linear interpolation)"')
  })

  test("LossChart renders lines and the text summary on the server, with the VAE family's defaults", () => {
    // A hook's history carries its family's chart defaults; tagHistory is how the hook state does it.
    const history = tagHistory(
      [
        { step: 1, epoch: 1, loss: 40, reconstruction: 35, kl: 5 },
        { step: 2, epoch: 1, loss: 30, reconstruction: 26, kl: 4 },
      ],
      vaeSpec.chart,
    )
    const html = renderToString(<LossChart history={history} />)
    expect(html.match(/<polyline/g)?.length).toBe(3)
    expect(html).toContain(
      'After step 2: loss 30.0, reconstruction 26.0, KL 4.00 nats per image; loss down 25% from 40.0 at step 1.',
    )
  })

  test('LossChart takes its lines, unit and title from the family of the history it is given', () => {
    const sparse = tagHistory(
      [
        { step: 1, epoch: 1, objective: 8, nonZeroFraction: 0.2, psnr: 18 },
        { step: 2, epoch: 1, objective: 6, nonZeroFraction: 0.1, psnr: 20 },
      ],
      sparseCodingSpec.chart,
    )
    const sparseHtml = renderToString(<LossChart history={sparse} />)
    expect(sparseHtml.match(/<polyline/g)?.length).toBe(1)
    expect(sparseHtml).toContain('lk-loss-chart__line--objective')
    expect(sparseHtml).toContain('Lasso objective')
    expect(sparseHtml).toContain('After step 2: objective 6.00 per patch; objective down 25%')
    // A plain history draws every numeric value of its points; step and epoch are positions.
    const plain = [
      { step: 1, epoch: 1, energy: 3, gap: 1 },
      { step: 2, epoch: 1, energy: 2, gap: 0.5 },
    ]
    const plainHtml = renderToString(<LossChart history={plain} />)
    // An inline history, as the README writes it, type-checks (extra keys are the point's values).
    const inline = renderToString(
      <LossChart
        history={[
          { step: 1, loss: 3 },
          { step: 2, loss: 2 },
        ]}
      />,
    )
    expect(inline).toContain('After step 2: loss 2.00; loss down 33%')
    expect(plainHtml.match(/<polyline/g)?.length).toBe(2)
    expect(plainHtml).toContain('After step 2: energy 2.00, gap 0.500; energy down 33%')
    // Props still win over the family's defaults.
    const chosen = renderToString(
      <LossChart history={sparse} series={[{ key: 'psnr', label: 'PSNR' }]} unit="dB" />,
    )
    expect(chosen).toContain('After step 2: PSNR 20.0 dB; PSNR up 11%')
  })

  test('a component using useGAN with GANPlane renders its idle state', () => {
    const ring = ringOfGaussians({ count: 16 })
    function GANDemo() {
      const gan = useGAN({ data: ring, autoTrain: true })
      return (
        <section>
          <p>status: {gan.status}</p>
          <p>collapsing: {String(gan.health.collapsing)}</p>
          <GANPlane model={gan} data={ring} size={120} />
        </section>
      )
    }
    const html = renderToString(<GANDemo />)
    expect(html).toContain('status: <!-- -->idle')
    expect(html).toContain('collapsing: <!-- -->false')
    expect(html).toContain('Not trained yet: the plane shows the real data only.')
    expect(html).toMatch(/<canvas[^>]*class="lk-gan-plane__canvas"[^>]*role="img"/)
  })

  test('useSparseCoding with DictionaryGrid and SparseCodeView renders idle; a given dictionary renders sized', () => {
    const image = { data: new Float32Array(256), shape: [1, 16, 16, 1] as const }
    function SparseDemo() {
      const sc = useSparseCoding({ data: 'digits', autoTrain: true })
      return (
        <section>
          <p>status: {sc.status}</p>
          <DictionaryGrid dictionary={sc.dictionary} />
          <SparseCodeView model={sc} image={image} />
        </section>
      )
    }
    const html = renderToString(<SparseDemo />)
    expect(html).toContain('status: <!-- -->idle')
    expect(html).toContain('No dictionary yet')
    expect(html).toContain('No codes yet')
    const atoms = { data: new Float32Array(10 * 16).fill(0.1), shape: [10, 4, 4, 1] as const }
    const grid = renderToString(
      <DictionaryGrid
        dictionary={{ atoms, usage: new Float32Array(10) }}
        columns={5}
        scale={2}
        gap={1}
        sort="usage"
      />,
    )
    expect(grid).toMatch(/<canvas[^>]*width="44"[^>]*height="17"/)
    expect(grid).toContain('Dictionary of 10 atoms, most used first')
    expect(grid).toContain('linear-gradient(to right, rgb(')
    const filterGrid = renderToString(
      <FilterGrid
        filters={{ images: atoms, weights: new Float32Array(10) }}
        noun="receptive field"
        weightName="usage"
        sort="weight"
        columns={5}
        scale={2}
        gap={1}
      />,
    )
    expect(filterGrid).toMatch(/<canvas[^>]*width="44"[^>]*height="17"/)
    expect(filterGrid).toContain('10 receptive fields, largest usage first')
    expect(renderToString(<FilterGrid filters={undefined} />)).toContain('No filters yet')
  })

  test('useAutoencoder with AnomalyHeatmap and ReconstructionGrid renders its idle state', () => {
    const images = { data: new Float32Array(2 * 64), shape: [2, 8, 8, 1] as const }
    function AnomalyDemo() {
      const ae = useAutoencoder({ data: 'digits', autoTrain: true })
      return (
        <section>
          <p>status: {ae.status}</p>
          <AnomalyHeatmap model={ae} image={images} />
          <ReconstructionGrid model={ae} images={images} />
        </section>
      )
    }
    const html = renderToString(<AnomalyDemo />)
    expect(html).toContain('status: <!-- -->idle')
    expect(html).toContain('Not trained yet: train the model on normal images')
    expect(html).toContain('No reconstructions yet')
    expect(html).toMatch(/<input[^>]*type="file"/)
  })

  test('TrainingStatus with useVAE renders its empty state and a quiet live region', () => {
    function StatusDemo() {
      const vae = useVAE({ data: 'digits', autoTrain: true })
      return <TrainingStatus model={vae} />
    }
    const html = renderToString(<StatusDemo />)
    expect(html).toContain('class="lk-training-status lk-training-status--empty"')
    expect(html).toContain('Not trained yet.')
    expect(html).toMatch(/<p class="lk-training-status__live" role="status"[^>]*><\/p>/)
    expect(html).not.toContain('role="progressbar"')
  })

  test('ModelFiles with useVAE renders its form and drop zone, disabled until trained, no list yet', () => {
    function FilesDemo() {
      const vae = useVAE({ data: 'digits' })
      return <ModelFiles model={vae} />
    }
    const html = renderToString(<FilesDemo />)
    expect(html).toContain('aria-label="Model files"')
    expect(html).toMatch(/value="vae-model"/)
    expect(html).toMatch(/<button type="submit" disabled="">Save in this browser<\/button>/)
    expect(html).toMatch(/<button type="button" disabled="">Download<\/button>/)
    expect(html).toMatch(/<input[^>]*type="file"[^>]*accept="\.lkmodel/)
    // The saved models are read after mount, never on the server.
    expect(html).not.toContain('<table')
  })

  test('useImportedModel renders its empty grid on the server and imports nothing there', () => {
    function ImportedDemo() {
      const model = useImportedModel({ role: 'gan', decoder: '/models/generator/model.json' })
      return (
        <section>
          <p>status: {model.status}</p>
          <SampleGrid model={model} />
        </section>
      )
    }
    const html = renderToString(<ImportedDemo />)
    expect(html).toContain('status: <!-- -->idle')
    expect(html).toContain('No samples yet')
  })

  test('TrainingStatus renders a mid-training snapshot and an error on the server', () => {
    const html = renderToString(
      <TrainingStatus
        label="VAE training"
        unit="images"
        model={{
          status: 'error',
          backend: { name: 'webgl', skipped: [] },
          progress: {
            epoch: 3,
            epochs: 10,
            runStep: 1500,
            runSteps: 6000,
            samplesPerSecond: 2345.6,
            elapsedMs: 20_000,
            kernels: 'tfjs',
          },
          error: {
            code: 'SHAPE_MISMATCH',
            message:
              'data has 783 values per image, the model expects 784 (28 × 28 × 1); pass shape [n, 28, 28, 1]',
          },
        }}
      />,
    )
    expect(html).toContain(
      'role="progressbar" aria-label="VAE training" aria-valuemin="0" aria-valuemax="6000" aria-valuenow="1500" aria-valuetext="step 1,500 of 6,000 (25%)"',
    )
    expect(html).toContain('width:25%')
    expect(html).toContain(
      '<strong class="lk-training-status__state">error</strong> on webgl · epoch 3/10 · step 1,500 of 6,000 · 2,346 images/s',
    )
    expect(html).toContain('<code class="lk-training-status__code">SHAPE_MISMATCH</code>')
    expect(html).toContain('Pass shape [n, 28, 28, 1]')
    expect(html).toContain('VAE training failed: SHAPE_MISMATCH: data has 783 values per image')
  })

  test('a user style merges with a component’s layout on the server', () => {
    const images = { data: new Float32Array(4 * 64), shape: [4, 8, 8, 1] as const }
    const html = renderToString(
      <SampleGrid
        images={images}
        style={{ width: 268, imageRendering: 'auto' }}
        className="mine"
      />,
    )
    expect(html).toContain('class="lk-sample-grid mine"')
    expect(html).toContain('style="image-rendering:pixelated;max-width:100%;width:268px"')
  })

  test('LatentTraversal renders labelled rows as sized canvases, and its empty state with a hook', () => {
    const images = { data: new Float32Array(3 * 64), shape: [3, 8, 8, 1] as const }
    const html = renderToString(
      <LatentTraversal rows={[{ label: 'z0', values: [-2, 0, 2], images }]} scale={2} gap={1} />,
    )
    expect(html).toContain('role="group" aria-label="Latent traversal"')
    expect(html).toContain(
      '<span class="lk-latent-traversal__label" style="min-width:7em">z0</span>',
    )
    expect(html).toContain(
      'aria-label="z0: 3 images as it sweeps from -2 to 2, the rest fixed" width="50" height="16"',
    )
    const empty = renderToString(<InfoGANTraversal />)
    expect(empty).toContain('Train the model to see its latent traversal.')
    expect(empty).not.toContain('<canvas')
  })
})
