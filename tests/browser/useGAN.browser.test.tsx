import { useEffect, useMemo } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { useGAN, type UseGANOptions, type UseGANResult } from '../../src/react/useGAN'
import { GANPlane } from '../../src/components/GANPlane'
import { SampleGrid } from '../../src/components/SampleGrid'
import { InterpolationSlider } from '../../src/components/InterpolationSlider'
import { ringOfGaussians } from '../../src/data/toy2d'
import { canvasPixels, changedFraction, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function Plane(props: {
  options: Omit<UseGANOptions, 'data'>
  onResult: (gan: UseGANResult) => void
}) {
  const ring = useMemo(() => ringOfGaussians({ count: 1024, seed: 2 }), [])
  const gan = useGAN({ ...props.options, data: ring })
  const { onResult } = props
  useEffect(() => {
    onResult(gan)
  }, [gan, onResult])
  return <GANPlane model={gan} data={ring} size={200} gridSize={24} samples={256} />
}

function ImageGAN(props: { options: UseGANOptions; onResult: (gan: UseGANResult) => void }) {
  const gan = useGAN(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(gan)
  }, [gan, onResult])
  return (
    <div>
      <SampleGrid model={gan} rows={2} columns={4} />
      <InterpolationSlider model={gan} steps={4} />
    </div>
  )
}

describe('useGAN in real Chromium', () => {
  test('trains on 2-D data in the worker; GANPlane draws the heatmap and moves its points', async () => {
    let gan: UseGANResult | undefined
    const screen = await render(
      <Plane
        options={{ backend: 'wasm', epochs: 2, batchSize: 128, seed: 3 }}
        onResult={(g) => (gan = g)}
      />,
    )
    const canvas = screen.container.querySelector(
      'canvas.lk-gan-plane__canvas',
    ) as HTMLCanvasElement
    await expect.element(screen.getByText(/Not trained yet/)).toBeInTheDocument()
    await gan!.trainAsync()
    await waitFor(() => gan!.status === 'ready')
    expect(gan!.backend?.name).toBe('wasm')
    expect(gan!.history.length).toBe(16)
    expect(Object.keys(gan!.history[0]!)).toEqual(
      expect.arrayContaining(['generatorLoss', 'discriminatorLoss', 'realScore', 'fakeScore']),
    )
    await expect
      .element(screen.getByText(/After step 16: 256 generated points/))
      .toBeInTheDocument()
    const early = canvasPixels(canvas)
    expect(distinctLevels(early)).toBeGreaterThan(20)
    await gan!.trainAsync()
    await expect
      .element(screen.getByText(/After step 32: 256 generated points/))
      .toBeInTheDocument()
    expect(changedFraction(early, canvasPixels(canvas))).toBeGreaterThan(0.01)
    expect(gan!.health.discriminatorWinning).toBe(false)
  })

  test('SampleGrid and InterpolationSlider work with a GAN handle as with a VAE', async () => {
    let gan: UseGANResult | undefined
    const screen = await render(
      <ImageGAN
        options={{ data: { name: 'digits', limit: 256 }, backend: 'wasm', epochs: 2, seed: 1 }}
        onResult={(g) => (gan = g)}
      />,
    )
    await gan!.trainAsync()
    const grid = () =>
      screen.container.querySelector('canvas.lk-sample-grid') as HTMLCanvasElement | null
    await waitFor(() => grid() !== null && distinctLevels(canvasPixels(grid()!)) > 8)
    expect(gan!.latentDim).toBe(32)
    const strip = () =>
      screen.container.querySelector('canvas.lk-interpolation__strip') as HTMLCanvasElement | null
    await waitFor(
      () => strip() !== null && strip()!.width > 0 && distinctLevels(canvasPixels(strip()!)) > 4,
    )
  })

  test('asking a GAN on images for the 2-D view is a typed error in its state', async () => {
    let gan: UseGANResult | undefined
    await render(
      <ImageGAN
        options={{ data: { name: 'digits', limit: 64 }, backend: 'wasm', epochs: 1 }}
        onResult={(g) => (gan = g)}
      />,
    )
    await gan!.trainAsync()
    await expect(gan!.view2dAsync()).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await waitFor(() => gan!.error?.code === 'INVALID_INPUT')
    expect(gan!.error?.message).toMatch(/2-D/)
    // Still usable.
    expect((await gan!.sampleAsync(2, { seed: 1 })).shape).toEqual([2, 8, 8, 1])
  })
})

describe('useGAN with the convolutional family', () => {
  test('trains on sprites and SampleGrid draws its samples', async () => {
    let gan: UseGANResult | undefined
    const screen = await render(
      <ImageGAN
        options={{
          data: { name: 'sprites', count: 64, size: 28 },
          architecture: 'conv',
          filters: 8,
          backend: 'wasm',
          epochs: 2,
          batchSize: 32,
          seed: 1,
        }}
        onResult={(g) => (gan = g)}
      />,
    )
    await gan!.trainAsync()
    await waitFor(() => gan!.status === 'ready')
    expect(gan!.history.length).toBe(4)
    const grid = () =>
      screen.container.querySelector('canvas.lk-sample-grid') as HTMLCanvasElement | null
    await waitFor(() => grid() !== null && distinctLevels(canvasPixels(grid()!)) > 8)
  })

  test('asking for the convolutional family on 2-D points is a typed error in its state', async () => {
    let gan: UseGANResult | undefined
    await render(
      <ImageGAN
        options={{
          data: ringOfGaussians({ count: 256, seed: 1 }),
          architecture: 'conv',
          backend: 'wasm',
          epochs: 1,
        }}
        onResult={(g) => (gan = g)}
      />,
    )
    await expect(gan!.trainAsync()).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    await waitFor(() => gan!.error?.code === 'SHAPE_MISMATCH')
    expect(gan!.error?.message).toMatch(/multiples of 4/)
  })
})
