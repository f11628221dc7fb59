import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import {
  useAutoencoder,
  type UseAutoencoderOptions,
  type UseAutoencoderResult,
} from '../../src/react/useAutoencoder'
import { LossChart } from '../../src/components/LossChart'
import { ReconstructionGrid } from '../../src/components/ReconstructionGrid'
import type { ImageBatch } from '../../src/core/dataset'
import { loadDigits } from '../../src/data/digits'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

const digits = loadDigits({ limit: 400 })
const shown: ImageBatch = { data: digits.images.data.slice(0, 8 * 64), shape: [8, 8, 8, 1] }

function Demo(props: {
  options: UseAutoencoderOptions
  onResult: (ae: UseAutoencoderResult) => void
}) {
  const ae = useAutoencoder(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(ae)
  }, [ae, onResult])
  return (
    <div>
      <LossChart history={ae.history} />
      <ReconstructionGrid model={ae} images={shown} columns={8} scale={3} />
    </div>
  )
}

describe('useAutoencoder with stacked in real Chromium', () => {
  test('pretrains each layer in turn in the worker, fine-tunes, marks the phases on the chart and draws reconstructions', async () => {
    let ae: UseAutoencoderResult | undefined
    const screen = await render(
      <Demo
        options={{
          data: digits.images,
          hiddenUnits: [32, 16],
          codeSize: 8,
          stacked: { pretrainEpochs: 2, noise: 0.2 },
          epochs: 12,
          batchSize: 32,
          learningRate: 0.01,
          backend: 'wasm',
          seed: 1,
          autoTrain: true,
        }}
        onResult={(a) => (ae = a)}
      />,
    )
    await waitFor(() => ae?.status === 'ready', 90_000)
    expect(ae!.error).toBeUndefined()
    const phases = ae!.history.map((p) => p.phase)
    expect([...new Set(phases)]).toEqual(['layer 1', 'layer 2', 'layer 3', 'fine-tune'])
    expect(ae!.history.filter((p) => p.phase === 'fine-tune').map((p) => p.epoch)).toContain(12)
    // The chart marks each phase where it starts and names them in words.
    await expect
      .element(screen.getByText(/^Phases: layer 1 from step 1, layer 2 from step \d+/))
      .toBeInTheDocument()
    expect(screen.container.querySelectorAll('.lk-loss-chart__phase').length).toBe(4)
    const grid = screen.container.querySelector(
      'canvas.lk-reconstruction-grid',
    ) as HTMLCanvasElement
    await waitFor(() => distinctLevels(canvasPixels(grid)) > 10)
    // Per-layer codes and the probe through the worker.
    const first = await ae!.encodeLayerAsync(shown, 1)
    expect(first.shape).toEqual([8, 32])
    const code = await ae!.encodeLayerAsync(shown, 3)
    expect(code.data).toEqual((await ae!.encodeAsync(shown)).data)
    const probe = await ae!.probeAsync(digits.images, digits.labels, { labelsPerClass: 10 })
    expect(probe.accuracy).toBeGreaterThan(0.5)
  })

  test('stacked on a convolutional autoencoder, or a layer out of range: typed errors; the worker and the trained model survive', async () => {
    let ae: UseAutoencoderResult | undefined
    const screen = await render(
      <Demo
        options={{
          data: digits.images,
          architecture: 'conv',
          stacked: { pretrainEpochs: 2 },
          backend: 'wasm',
          autoTrain: true,
        }}
        onResult={(a) => (ae = a)}
      />,
    )
    await waitFor(() => ae?.error !== undefined)
    expect(ae!.error?.code).toBe('INVALID_OPTION')
    expect(ae!.error?.message).toMatch(/stacked pretraining is for dense autoencoders/)
    await screen.rerender(
      <Demo
        options={{
          data: digits.images,
          hiddenUnits: [16],
          codeSize: 4,
          stacked: { pretrainEpochs: 1 },
          epochs: 3,
          backend: 'wasm',
          autoTrain: true,
        }}
        onResult={(a) => (ae = a)}
      />,
    )
    await waitFor(() => ae?.status === 'ready', 90_000)
    const steps = ae!.model?.trainedSteps
    const refused = await ae!.encodeLayerAsync(shown, 3).catch((e: { code: string }) => e)
    expect((refused as { code: string }).code).toBe('INVALID_OPTION')
    expect(ae!.model?.trainedSteps).toBe(steps)
    expect((await ae!.encodeLayerAsync(shown, 2)).shape).toEqual([8, 4])
  })
})
