import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import {
  useContrastive,
  type UseContrastiveOptions,
  type UseContrastiveResult,
} from '../../src/react/useContrastive'
import { LossChart } from '../../src/components/LossChart'
import { loadDigits } from '../../src/data/digits'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function Demo(props: {
  options: UseContrastiveOptions
  onResult: (cl: UseContrastiveResult) => void
}) {
  const cl = useContrastive(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(cl)
  }, [cl, onResult])
  return <LossChart history={cl.history} />
}

/**
 * Renders `Demo` with `options` and waits until `until` holds of the hook's result; `current()`
 * reads the latest result.
 */
async function renderContrastive(
  options: UseContrastiveOptions,
  until: (cl: UseContrastiveResult) => boolean = (cl) => cl.status === 'ready',
  timeout = 120_000,
) {
  let cl: UseContrastiveResult | undefined
  const screen = await render(<Demo options={options} onResult={(result) => (cl = result)} />)
  await waitFor(() => cl !== undefined && until(cl), timeout)
  const current = (): UseContrastiveResult => cl as UseContrastiveResult
  return { screen, current }
}

describe('useContrastive in real Chromium', () => {
  test('learns in the worker: loss falls, pair accuracy rises; augmented pairs, features and a probe come back', async () => {
    const { screen, current } = await renderContrastive({
      data: { name: 'digits', limit: 512 },
      hiddenUnits: [128],
      featureSize: 64,
      temperature: 0.2,
      epochs: 12,
      batchSize: 128,
      learningRate: 0.003,
      seed: 2,
      backend: 'wasm',
      autoTrain: true,
    })
    expect(current().backend?.name).toBe('wasm')
    expect(current().temperature).toBe(0.2)
    expect(current().latentDim).toBe(64)
    const history = current().history
    expect(history).toHaveLength(48)
    const mean = (points: typeof history, key: 'loss' | 'pairAccuracy'): number =>
      points.reduce((sum, p) => sum + p[key], 0) / points.length
    // The node test measured loss 5.35 → 4.37 and pair accuracy 0.050 → 0.114 for this run.
    expect(mean(history.slice(-4), 'loss')).toBeLessThan(mean(history.slice(0, 4), 'loss') - 0.6)
    expect(mean(history.slice(-4), 'pairAccuracy')).toBeGreaterThan(
      2 * mean(history.slice(0, 4), 'pairAccuracy'),
    )
    expect(screen.container.querySelector('svg')).not.toBeNull()

    const pairs = await current().augmentPairsAsync(4, { seed: 3 })
    const again = await current().augmentPairsAsync(4, { seed: 3 })
    expect(pairs.first.shape).toEqual([4, 8, 8, 1])
    expect(Array.from(again.first.data)).toEqual(Array.from(pairs.first.data))
    expect(Array.from(pairs.first.data)).not.toEqual(Array.from(pairs.second.data))
    expect(pairs.first.data.every((v) => v >= 0 && v <= 1)).toBe(true)

    const { images, labels } = loadDigits({ limit: 400 })
    const features = await current().encodeAsync(images)
    expect(features.shape).toEqual([400, 64])
    const probe = await current().probeAsync(images, labels, { labelsPerClass: 10 })
    // Ten classes: chance is 0.1.
    expect(probe.accuracy).toBeGreaterThan(0.5)

    await expect(current().augmentPairsAsync(0)).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })

  test('the convolutional encoder trains in the worker (loss falls, features of featureSize); 6×6 images are SHAPE_MISMATCH in error, the trained model kept', async () => {
    const { current } = await renderContrastive({
      data: { name: 'digits', limit: 256 },
      architecture: 'conv',
      convChannels: [8, 16],
      featureSize: 16,
      headUnits: [16],
      projectionSize: 8,
      temperature: 0.2,
      epochs: 8,
      batchSize: 128,
      learningRate: 0.01,
      seed: 3,
      backend: 'wasm',
      autoTrain: true,
    })
    expect(current().latentDim).toBe(16)
    const history = current().history
    expect(history).toHaveLength(16)
    const mean = (points: typeof history): number =>
      points.reduce((sum, p) => sum + p.loss, 0) / points.length
    // The node test measured (CPU) 5.43 → 5.13 for this run.
    expect(mean(history.slice(-4))).toBeLessThan(mean(history.slice(0, 4)) - 0.15)

    const { images } = loadDigits({ limit: 20 })
    const features = await current().encodeAsync(images)
    expect(features.shape).toEqual([20, 16])
    expect(features.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true)

    const small = { data: new Float32Array(4 * 36).fill(0.5), shape: [4, 6, 6, 1] as const }
    await expect(current().encodeAsync(small)).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    // The model survived: the same features again.
    const again = await current().encodeAsync(images)
    expect(Array.from(again.data)).toEqual(Array.from(features.data))
  })

  test("encodeViews: 'shifts' trains in the worker and gives finite features; an unknown encodeViews is INVALID_OPTION in error", async () => {
    const { current } = await renderContrastive({
      data: { name: 'digits', limit: 128 },
      architecture: 'conv',
      convChannels: [4, 8],
      featureSize: 16,
      headUnits: [16],
      projectionSize: 8,
      encodeViews: 'shifts',
      epochs: 2,
      batchSize: 64,
      seed: 3,
      backend: 'wasm',
      autoTrain: true,
    })
    const { images } = loadDigits({ limit: 10 })
    const features = await current().encodeAsync(images)
    expect(features.shape).toEqual([10, 16])
    expect(features.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true)
    await cleanup()

    const { current: bad } = await renderContrastive(
      {
        data: { name: 'digits', limit: 64 },
        encodeViews: 'rotations' as unknown as 'shifts',
        autoTrain: true,
      },
      (r) => r.error?.code === 'INVALID_OPTION',
      30_000,
    )
    expect(bad().error).toMatchObject({ code: 'INVALID_OPTION' })
    expect(bad().error?.message).toMatch(/encodeViews/)
  })
})
