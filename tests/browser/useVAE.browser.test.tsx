import { StrictMode, useEffect } from 'react'
import { loadDigits } from '../../src/data/digits'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { userEvent } from 'vitest/browser'
import { useVAE, type UseVAEOptions, type UseVAEResult } from '../../src/react/useVAE'
import { SampleGrid } from '../../src/components/SampleGrid'
import { InterpolationSlider } from '../../src/components/InterpolationSlider'
import { LossChart } from '../../src/components/LossChart'
import {
  canvasPixels,
  changedFraction,
  countingWorkerFactory,
  distinctLevels,
  waitFor,
} from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function Playground(props: {
  options: UseVAEOptions
  onResult: (vae: UseVAEResult) => void
  onDraw?: (t: number) => void
}) {
  const vae = useVAE(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(vae)
  }, [vae, onResult])
  return (
    <div>
      <p data-testid="status">{vae.status}</p>
      <SampleGrid model={vae} rows={2} columns={4} seed={5} data-testid="grid" />
      <InterpolationSlider model={vae} steps={5} data-testid="slider" onDraw={props.onDraw} />
      <LossChart history={vae.history} />
    </div>
  )
}

describe('useVAE with the components, in real Chromium', () => {
  test('trains in the worker; SampleGrid pixels are non-blank and change with training', async () => {
    let vae: UseVAEResult | undefined
    const options: UseVAEOptions = {
      data: 'digits',
      backend: 'wasm',
      epochs: 1,
      batchSize: 64,
      seed: 2,
    }
    const screen = await render(<Playground options={options} onResult={(v) => (vae = v)} />)
    await expect.element(screen.getByText(/No samples yet/)).toBeInTheDocument()
    await vae!.trainAsync()
    await waitFor(() => vae!.status === 'ready')
    expect(vae!.backend?.name).toBe('wasm')
    const grid = () =>
      screen.container.querySelector('canvas.lk-sample-grid') as HTMLCanvasElement | null
    await waitFor(() => grid() !== null && Number(grid()!.dataset.lkVersion) === vae!.modelVersion)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const early = canvasPixels(grid()!)
    expect(distinctLevels(early)).toBeGreaterThan(8)
    const versionBefore = vae!.modelVersion
    await vae!.trainAsync()
    await waitFor(() => vae!.modelVersion > versionBefore && vae!.status === 'ready')
    await new Promise((resolve) => setTimeout(resolve, 200))
    const later = canvasPixels(grid()!)
    expect(later.length).toBe(early.length)
    expect(changedFraction(early, later)).toBeGreaterThan(0.05)
    expect(screen.container.querySelector('.lk-loss-chart__summary')?.textContent).toMatch(
      /After step \d+: loss/,
    )
    // The importance-weighted bound from the worker: tighter than the ELBO, typed errors on bad k.
    const heldOut = loadDigits({ limit: 97 }).images
    const bound = await vae!.logLikelihoodAsync(heldOut, { samples: 50 })
    expect(bound.logLikelihoods.length).toBe(97)
    expect(bound.meanLogLikelihood).toBeGreaterThan(bound.meanELBO)
    await expect(vae!.logLikelihoodAsync(heldOut, { samples: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    await waitFor(() => vae!.error?.code === 'INVALID_OPTION')
    // The model survives the refused call.
    expect((await vae!.logLikelihoodAsync(heldOut, { samples: 1 })).samples).toBe(1)
  })

  for (const backend of ['webgl', 'webgpu'] as const) {
    test(`the hook trains on ${backend} when asked and reports it`, async () => {
      let vae: UseVAEResult | undefined
      const options: UseVAEOptions = { data: { name: 'digits', limit: 128 }, backend, epochs: 1 }
      const screen = await render(<Playground options={options} onResult={(v) => (vae = v)} />)
      await vae!.trainAsync()
      await waitFor(() => vae!.status === 'ready')
      expect(vae!.backend).toMatchObject({ name: backend, requested: backend, skipped: [] })
      expect(vae!.history.length).toBe(2)
      await expect.element(screen.getByText('ready')).toBeInTheDocument()
    })
  }

  test('InterpolationSlider responds to the keyboard and redraws the decoded image', async () => {
    let vae: UseVAEResult | undefined
    const options: UseVAEOptions = { data: 'digits', backend: 'wasm', epochs: 2, seed: 4 }
    const drawn: number[] = []
    const screen = await render(
      <Playground options={options} onResult={(v) => (vae = v)} onDraw={(t) => drawn.push(t)} />,
    )
    await vae!.trainAsync()
    const slider = screen.getByRole('slider', { name: 'Interpolation position' })
    await expect.element(slider).toBeEnabled()
    const image = () =>
      screen.container.querySelector('canvas.lk-interpolation__image') as HTMLCanvasElement
    await waitFor(() => image().width > 0 && distinctLevels(canvasPixels(image())) > 4)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const middle = canvasPixels(image())
    await userEvent.click(slider)
    await userEvent.keyboard('{Home}')
    await expect.element(slider).toHaveValue('0')
    await expect
      .element(slider)
      .toHaveAttribute('aria-valuetext', expect.stringContaining('t = 0.00'))
    await waitFor(() => changedFraction(middle, canvasPixels(image())) > 0.05)
    await waitFor(() => drawn.includes(0))
    await userEvent.keyboard('{ArrowRight}')
    await expect.element(slider).toHaveValue('0.01')
    await waitFor(() => drawn[drawn.length - 1] === 0.01)
    const strip = screen.container.querySelector(
      'canvas.lk-interpolation__strip',
    ) as HTMLCanvasElement
    await waitFor(() => strip.width > 0)
    expect(distinctLevels(canvasPixels(strip))).toBeGreaterThan(4)
  })

  test('unmount during training leaves no worker running', async () => {
    const { createWorker, counts } = countingWorkerFactory()
    let vae: UseVAEResult | undefined
    const options: UseVAEOptions = {
      data: 'digits',
      backend: 'wasm',
      epochs: 500,
      autoTrain: true,
      createWorker,
    }
    const screen = await render(<Playground options={options} onResult={(v) => (vae = v)} />)
    await waitFor(() => vae?.status === 'training' && (vae.model?.trainedSteps ?? 0) > 0)
    await screen.unmount()
    await waitFor(() => counts.terminated === counts.created, 5_000)
    expect(counts.created).toBe(1)
    expect(counts.terminated).toBe(1)
  })

  test('StrictMode double mount starts one worker and trains once', async () => {
    const { createWorker, counts } = countingWorkerFactory()
    let vae: UseVAEResult | undefined
    const options: UseVAEOptions = {
      data: 'digits',
      backend: 'wasm',
      epochs: 1,
      autoTrain: true,
      createWorker,
    }
    const screen = await render(
      <StrictMode>
        <Playground options={options} onResult={(v) => (vae = v)} />
      </StrictMode>,
    )
    await waitFor(() => vae?.status === 'ready')
    expect(counts.created).toBe(1)
    // One epoch of 1,797 images at batch 64 is 29 steps; a second training would double it.
    expect(vae!.model?.trainedSteps).toBe(29)
    await screen.unmount()
    await waitFor(() => counts.terminated === 1, 5_000)
  })

  test('bad options surface as a typed error in the hook state; the hook recovers', async () => {
    let vae: UseVAEResult | undefined
    const screen = await render(
      <Playground
        options={{ data: 'digits', backend: 'wasm', learningRate: 0, epochs: 1 }}
        onResult={(v) => (vae = v)}
      />,
    )
    await vae!.trainAsync().catch(() => undefined)
    await waitFor(() => vae?.status === 'error')
    expect(vae!.error?.code).toBe('INVALID_OPTION')
    expect(vae!.error?.message).toMatch(/learningRate/)
    await screen.rerender(
      <Playground
        options={{ data: 'digits', backend: 'wasm', learningRate: 0.001, epochs: 1 }}
        onResult={(v) => (vae = v)}
      />,
    )
    await vae!.trainAsync()
    await waitFor(() => vae?.status === 'ready')
    expect(vae!.error).toBeUndefined()
  })
})
