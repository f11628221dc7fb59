import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import {
  useHelmholtz,
  type UseHelmholtzOptions,
  type UseHelmholtzResult,
} from '../../src/react/useHelmholtz'
import { SampleGrid } from '../../src/components/SampleGrid'
import type { ImageBatch } from '../../src/core/dataset'
import type { HelmholtzHistoryPoint } from '../../src/core/helmholtz/helmholtzSpec'
import { loadDigits } from '../../src/data/digits'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

/** Digits 1,780–1,789: held-out images. */
const heldOut: ImageBatch = (() => {
  const { images } = loadDigits()
  return { data: images.data.slice(1780 * 64, 1790 * 64), shape: [10, 8, 8, 1] }
})()

const OPTIONS: UseHelmholtzOptions = {
  data: { name: 'digits', limit: 600 },
  layers: [32, 6],
  epochs: 4,
  batchSize: 32,
  learningRate: 0.2,
  boundEvery: 5,
  backend: 'wasm',
  seed: 1,
  autoTrain: true,
}

function Demo(props: {
  options: UseHelmholtzOptions
  onResult: (model: UseHelmholtzResult) => void
}) {
  const machine = useHelmholtz(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(machine)
  }, [machine, onResult])
  return <SampleGrid model={machine} rows={2} columns={4} seed={3} />
}

describe('useHelmholtz in real Chromium', () => {
  test('trains by wake-sleep in the worker; samples drawn on the canvas; encode, reconstruct and logLikelihood work', async () => {
    let machine: UseHelmholtzResult | undefined
    const screen = await render(<Demo options={OPTIONS} onResult={(m) => (machine = m)} />)
    await waitFor(() => machine?.status === 'ready', 90_000)
    expect(machine!.backend?.name).toBe('wasm')
    expect(machine!.family).toBe('helmholtz')
    expect(machine!.layers).toEqual([32, 6])
    expect(machine!.latentDim).toBe(6)

    // 600 digits in batches of 32: 19 steps per epoch; every point carries all three lines.
    const history = machine!.history as readonly HelmholtzHistoryPoint[]
    expect(history.length).toBe(4 * 19)
    for (const point of history) {
      expect(Number.isFinite(point.wake) && Number.isFinite(point.sleep)).toBe(true)
      expect(Number.isFinite(point.bound)).toBe(true)
    }
    const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length
    expect(mean(history.slice(-10).map((p) => p.wake))).toBeLessThan(
      mean(history.slice(0, 10).map((p) => p.wake)),
    )

    // The grid draws the model's samples: grey levels on every tile of the canvas.
    const grid = screen.getByRole('img', { name: 'Grid of 8 generated images' })
    await expect.element(grid).toBeInTheDocument()
    const canvas = grid.element() as HTMLCanvasElement
    await waitFor(() => distinctLevels(canvasPixels(canvas)) > 8)
    expect(distinctLevels(canvasPixels(canvas))).toBeGreaterThan(8)

    // Seeded samples: probabilities, or binary pixels.
    const samples = await machine!.sampleAsync(4, { seed: 5 })
    expect(samples.shape).toEqual([4, 8, 8, 1])
    expect(samples.data.every((v) => v > 0 && v < 1)).toBe(true)
    expect((await machine!.sampleAsync(4, { seed: 5 })).data).toEqual(samples.data)
    const binary = await machine!.sampleAsync(4, { seed: 5, binary: true })
    expect(binary.data.every((v) => v === 0 || v === 1)).toBe(true)

    const codes = await machine!.encodeAsync(heldOut)
    expect(codes.shape).toEqual([10, 6])
    const rebuilt = await machine!.reconstructAsync(heldOut)
    expect(rebuilt.shape).toEqual([10, 8, 8, 1])

    const one = await machine!.logLikelihoodAsync(heldOut, { samples: 1, seed: 2 })
    const many = await machine!.logLikelihoodAsync(heldOut, { samples: 200, seed: 2 })
    expect(many.logLikelihoods.length).toBe(10)
    expect(many.meanLogLikelihood).toBeLessThan(0)
    expect(many.meanLogLikelihood).toBeGreaterThan(one.meanLogLikelihood)
    expect(many.standardError).toBeGreaterThan(0)

    // samples < 1: a typed error in the hook's `error`, the model kept.
    machine!.logLikelihood(heldOut, { samples: 0 })
    await waitFor(() => machine!.error?.code === 'INVALID_OPTION')
    // The model survives the refused call.
    expect((await machine!.logLikelihoodAsync(heldOut, { samples: 1 })).samples).toBe(1)
  }, 120_000)
})
