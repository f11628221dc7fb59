import * as Comlink from 'comlink'
import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import type { AnomalyScores } from '../../src/core/anomaly/anomalyScoring'
import { act } from '../workerCalls'
import { cleanup, render } from 'vitest-browser-react'
import {
  useAutoencoder,
  type UseAutoencoderOptions,
  type UseAutoencoderResult,
} from '../../src/react/useAutoencoder'
import { useVAE, type UseVAEResult } from '../../src/react/useVAE'
import { AnomalyHeatmap } from '../../src/components/AnomalyHeatmap'
import { ReconstructionGrid } from '../../src/components/ReconstructionGrid'
import { generateAnomalyBenchmark } from '../../src/data/anomalies'
import type { ImageBatch } from '../../src/core/dataset'
import type { WorkerHost } from '../../workers/host'
import type { AutoencoderHistoryPoint } from '../../src/core/autoencoder/autoencoderSpec'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

const bench = generateAnomalyBenchmark({
  trainCount: 600,
  normalTestCount: 8,
  defectTestCount: 8,
  seed: 3,
})
const pixels = 28 * 28
const imageAt = (i: number): ImageBatch => ({
  data: bench.test.data.slice(i * pixels, (i + 1) * pixels),
  shape: [1, 28, 28, 1],
})

function Demo(props: {
  options: UseAutoencoderOptions
  image: ImageBatch | HTMLCanvasElement
  onResult: (ae: UseAutoencoderResult) => void
}) {
  const ae = useAutoencoder(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(ae)
  }, [ae, onResult])
  return (
    <div>
      <AnomalyHeatmap model={ae} image={props.image} scale={4} />
      <ReconstructionGrid model={ae} images={bench.test} columns={8} scale={2} />
    </div>
  )
}

describe('useAutoencoder and AnomalyHeatmap in real Chromium', () => {
  test('trains on normal images in the worker, calibrates, and the heatmap flags a defect with its text summary', async () => {
    let ae: UseAutoencoderResult | undefined
    const defect = imageAt(8) // the first defective test image (a scratch)
    const screen = await render(
      <Demo
        options={{
          data: bench.train,
          epochs: 12,
          codeSize: 16,
          backend: 'wasm',
          seed: 1,
          autoTrain: true,
        }}
        image={defect}
        onResult={(a) => (ae = a)}
      />,
    )
    await expect.element(screen.getByText(/Not trained yet/)).toBeInTheDocument()
    await waitFor(() => ae?.status === 'ready', 90_000)
    expect(ae!.backend?.name).toBe('wasm')
    expect(ae!.latentDim).toBe(16)
    expect(ae!.history.at(-1)!.reconstruction).toBeLessThan(ae!.history[0]!.reconstruction)
    await expect.element(screen.getByText(/no threshold: call calibrate\(\)/)).toBeInTheDocument()
    const threshold = await ae!.calibrateAsync()
    await waitFor(() => ae!.threshold === threshold)
    expect(threshold).toBeGreaterThan(0)
    await expect
      .element(screen.getByText(/anomaly score [\d.e-]+, threshold [\d.e-]+: (anomalous|normal)/))
      .toBeInTheDocument()
    // Lower the threshold under the image's score: the verdict flips to anomalous.
    const scored = await ae!.scoreAsync(defect)
    await ae!.setThresholdAsync(scored.scores[0]! / 2)
    await expect.element(screen.getByText('Anomalous', { exact: true })).toBeInTheDocument()
    await expect.element(screen.getByText(/\(squared error\)$/)).toBeInTheDocument()
    const canvas = screen.container.querySelector(
      'canvas.lk-anomaly-heatmap__canvas',
    ) as HTMLCanvasElement
    const drawn = canvasPixels(canvas)
    expect(distinctLevels(drawn)).toBeGreaterThan(10)
    // The image is gray (red = blue), so red − blue is the overlay alone: warmer inside the defect mask.
    const mask = bench.masks.data.subarray(8 * pixels, 9 * pixels)
    let inside = 0
    let insideCount = 0
    let outside = 0
    let outsideCount = 0
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const p = ((y * 4 + 2) * canvas.width + x * 4 + 2) * 4
        const warmth = (drawn[p] as number) - (drawn[p + 2] as number)
        if (mask[y * 28 + x] === 1) {
          inside += warmth
          insideCount += 1
        } else {
          outside += warmth
          outsideCount += 1
        }
      }
    }
    expect(insideCount).toBeGreaterThan(3)
    expect(inside / insideCount).toBeGreaterThan(outside / outsideCount + 20)
    const grid = screen.container.querySelector(
      'canvas.lk-reconstruction-grid',
    ) as HTMLCanvasElement
    await waitFor(() => distinctLevels(canvasPixels(grid)) > 10)
  })

  test('wrong images, bad thresholds and early scoring give typed errors; a canvas is resized with a message', async () => {
    let ae: UseAutoencoderResult | undefined
    const wide = document.createElement('canvas')
    wide.width = 56
    wide.height = 40
    const context = wide.getContext('2d')!
    context.fillStyle = '#fff'
    context.fillRect(10, 10, 30, 20)
    const screen = await render(
      <Demo
        options={{ data: bench.train, epochs: 2, codeSize: 8, backend: 'wasm', seed: 2 }}
        image={wide}
        onResult={(a) => (ae = a)}
      />,
    )
    await waitFor(() => ae !== undefined)
    await expect(ae!.scoreAsync(imageAt(0))).rejects.toMatchObject({ code: 'NOT_TRAINED' })
    await ae!.trainAsync()
    await waitFor(() => ae!.status === 'ready')
    await expect.element(screen.getByText(/resized from 56×40 to 28×28, gray/)).toBeInTheDocument()
    await expect(ae!.setThresholdAsync(-1)).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    await expect(ae!.calibrateAsync({ percentile: 101 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    await expect(
      ae!.scoreAsync({ data: new Float32Array(64), shape: [1, 8, 8, 1] }),
    ).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
    })
    await waitFor(() => ae!.error?.code === 'SHAPE_MISMATCH')
    await screen.rerender(
      <Demo
        options={{ data: bench.train, epochs: 2, codeSize: 8, backend: 'wasm', seed: 2 }}
        image={{ data: new Float32Array(16 * 16), shape: [1, 16, 16, 1] }}
        onResult={(a) => (ae = a)}
      />,
    )
    await expect
      .element(screen.getByText(/SHAPE_MISMATCH: the image is 16×16×1, the model takes 28×28×1/))
      .toBeInTheDocument()
    expect(ae!.model!.trainedSteps).toBeGreaterThan(0)
    const scores = await ae!.scoreAsync(imageAt(0))
    expect(scores.scores.length).toBe(1)
  })

  test('useVAE scores and calibrates the same way; its heatmap is in cross-entropy', async () => {
    let vae: UseVAEResult | undefined
    const grey: ImageBatch = { data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] }
    const Holder = () => {
      const result = useVAE({ data: { name: 'digits', limit: 256 }, epochs: 2, backend: 'wasm' })
      useEffect(() => {
        vae = result
      }, [result])
      return <AnomalyHeatmap model={result} image={grey} scale={4} />
    }
    const screen = await render(<Holder />)
    await waitFor(() => vae !== undefined)
    await vae!.trainAsync()
    await waitFor(() => vae!.status === 'ready')
    const threshold = await vae!.calibrateAsync({ percentile: 95 })
    await waitFor(() => vae!.threshold === threshold)
    const scored = await vae!.scoreAsync({
      data: new Float32Array(2 * 64).fill(0.5),
      shape: [2, 8, 8, 1],
    })
    expect(scored.maps.shape).toEqual([2, 8, 8, 1])
    expect(scored.anomalous?.length).toBe(2)
    expect(scored.pixelError).toBe('bernoulli')
    await expect.element(screen.getByText(/\(cross-entropy\)$/)).toBeInTheDocument()
  })
})

describe('the autoencoder in the real worker, per backend', () => {
  for (const backend of ['wasm', 'webgl', 'webgpu'] as const) {
    test(`dense and convolutional: train, score and return to the tensor baseline (${backend})`, async () => {
      const worker = new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
        type: 'module',
      })
      const api = Comlink.wrap<WorkerHost>(worker)
      try {
        expect((await api.init(backend)).name).toBe(backend)
        await api.create('a', 'autoencoder', { codeSize: 8, hiddenUnits: [64], seed: 1 })
        const baseline = await api.memory()
        const summary = await api.train(
          'a',
          { data: bench.train.data.slice(0, 128 * pixels), shape: [128, 28, 28, 1] },
          { epochs: 2, batchSize: 64 },
        )
        expect(summary.steps).toBe(4)
        const scored = await act<AnomalyScores>(api, 'a', 'score', bench.test)
        expect(scored.scores.every(Number.isFinite)).toBe(true)
        await act(api, 'a', 'calibrate', undefined, {})
        await api.disposeModel('a')
        expect((await api.memory()).numTensors).toBe(baseline.numTensors)
        // The convolutional one uses conv2d, transposed and dilated convolutions on this backend.
        await api.create('c', 'autoencoder', { architecture: 'conv', codeSize: 8, seed: 1 })
        const conv = await api.train(
          'c',
          { data: bench.train.data.slice(0, 64 * pixels), shape: [64, 28, 28, 1] },
          { epochs: 2, batchSize: 32 },
        )
        expect(conv.steps).toBe(4)
        expect((conv.last as AutoencoderHistoryPoint | undefined)?.reconstruction).toBeGreaterThan(
          0,
        )
        const convScores = await act<AnomalyScores>(api, 'c', 'score', bench.test)
        expect(convScores.scores.every(Number.isFinite)).toBe(true)
        await api.disposeModel('c')
        expect((await api.memory()).numTensors).toBe(baseline.numTensors)
      } finally {
        worker.terminate()
      }
    }, 300_000) // WebGPU on SwiftShader: training plus the memory probes' shader compiles
  }
})
