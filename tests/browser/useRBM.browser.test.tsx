import * as Comlink from 'comlink'
import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { act } from '../workerCalls'
import { useRBM, type UseRBMOptions, type UseRBMResult } from '../../src/react/useRBM'
import { FilterGrid } from '../../src/components/FilterGrid'
import { GibbsChain } from '../../src/components/GibbsChain'
import { SampleGrid } from '../../src/components/SampleGrid'
import type { ImageBatch } from '../../src/core/dataset'
import { fromWireError } from '../../src/core/errors'
import type { RBMGibbsChain, RBMHistoryPoint, RBMLogLikelihood } from '../../src/core/rbm/rbmSpec'
import { loadDigits } from '../../src/data/digits'
import type { WorkerHost } from '../../workers/host'
import { redAndBlue } from './canvasColours'
import { canvasPixels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

/** Digits 1,780–1,789: the test's held-out images. */
const heldOut: ImageBatch = (() => {
  const { images } = loadDigits()
  return { data: images.data.slice(1780 * 64, 1790 * 64), shape: [10, 8, 8, 1] }
})()

const OPTIONS: UseRBMOptions = {
  data: 'digits',
  layers: [16],
  epochs: 3,
  batchSize: 20,
  learningRate: 0.05,
  backend: 'wasm',
  seed: 1,
  autoTrain: true,
}

function Demo(props: { options: UseRBMOptions; onResult: (rbm: UseRBMResult) => void }) {
  const rbm = useRBM(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(rbm)
  }, [rbm, onResult])
  return (
    <div>
      <FilterGrid filters={rbm.receptiveFields} columns={8} scale={3} />
      <GibbsChain model={rbm} chains={3} steps={40} frames={5} seed={2} animate={false} />
      <SampleGrid model={rbm} rows={1} columns={4} />
    </div>
  )
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / values.length

/** Tile `index`'s RGBA pixels in a grid of `columns` tiles of `side` pixels with `gap` between. */
function tilePixels(
  canvas: HTMLCanvasElement,
  index: number,
  columns: number,
  side: number,
  gap: number,
): Uint8ClampedArray {
  const x = (index % columns) * (side + gap)
  const y = Math.floor(index / columns) * (side + gap)
  return canvas.getContext('2d')!.getImageData(x, y, side, side).data
}

/** True when a tile is the grid's background everywhere (nothing drawn on it). */
function isBackground(pixels: Uint8ClampedArray, background: readonly number[]): boolean {
  for (let i = 0; i < pixels.length; i += 4) {
    if (
      pixels[i] !== background[0] ||
      pixels[i + 1] !== background[1] ||
      pixels[i + 2] !== background[2]
    ) {
      return false
    }
  }
  return true
}

describe('useRBM in real Chromium', () => {
  test('trains in the worker on wasm; FilterGrid, GibbsChain and SampleGrid draw; chains, samples and AIS work', async () => {
    let rbm: UseRBMResult | undefined
    const screen = await render(<Demo options={OPTIONS} onResult={(r) => (rbm = r)} />)
    await waitFor(() => rbm?.status === 'ready' && rbm.receptiveFields !== undefined, 90_000)
    expect(rbm!.backend?.name).toBe('wasm')
    expect(rbm!.family).toBe('rbm')
    expect(rbm!.layers).toEqual([16])
    expect(rbm!.visible).toBe('bernoulli')

    // 1,797 digits, 10 % held out: 1,618 in batches of 20 is 81 steps per epoch.
    const history = rbm!.history as readonly RBMHistoryPoint[]
    expect(history.length).toBe(3 * 81)
    for (const point of history) {
      expect(point.layer).toBe(1)
      expect(Number.isFinite(point.pseudoLikelihood)).toBe(true)
      expect(Number.isFinite(point.reconstruction)).toBe(true)
      expect(Number.isFinite(point.freeEnergyGap)).toBe(true)
    }
    const first = history.slice(0, 10)
    const last = history.slice(-10)
    expect(mean(last.map((p) => p.reconstruction))).toBeLessThan(
      0.8 * mean(first.map((p) => p.reconstruction)),
    )
    expect(mean(last.map((p) => p.pseudoLikelihood!))).toBeGreaterThan(
      mean(first.map((p) => p.pseudoLikelihood!)),
    )

    // The receptive fields are signed weights: red and blue on the diverging scale.
    expect(rbm!.receptiveFields!.images.shape).toEqual([16, 8, 8, 1])
    const filters = screen.container.querySelector(
      'canvas.lk-filter-grid__canvas',
    ) as HTMLCanvasElement
    await waitFor(() => redAndBlue(canvasPixels(filters)).red > 50)
    const colours = redAndBlue(canvasPixels(filters))
    expect(colours.red).toBeGreaterThan(50)
    expect(colours.blue).toBeGreaterThan(50)

    // Three chains of five frames, every tile drawn; the step of each column under it.
    const chain = screen.getByRole('img', {
      name: '3 Gibbs chains from noise, 5 frames each from step 0 to 40',
    })
    await expect.element(chain).toBeInTheDocument()
    const canvas = chain.element() as HTMLCanvasElement
    // 5 tiles of 32 pixels and 4 gaps of 2 across, 3 rows down.
    expect([canvas.width, canvas.height]).toEqual([168, 100])
    const background = Array.from(canvasPixels(canvas).subarray(32 * 4, 32 * 4 + 3))
    for (let tile = 0; tile < 15; tile++) {
      expect(isBackground(tilePixels(canvas, tile, 5, 32, 2), background), `tile ${tile}`).toBe(
        false,
      )
    }
    const steps = screen.getByRole('list', { name: 'Gibbs step of each column' })
    await expect.element(steps).toHaveTextContent('step 010203040')

    // The hook's chains: seeded, frame 0 binary noise, later frames the means it was drawn from.
    const walk = await rbm!.gibbsChainAsync(2, { steps: 30, frames: 4, seed: 7 })
    expect(walk.chains).toBe(2)
    expect(walk.frames).toBe(4)
    expect(Array.from(walk.steps)).toEqual([0, 10, 20, 30])
    expect(walk.images.shape).toEqual([8, 8, 8, 1])
    const again = await rbm!.gibbsChainAsync(2, { steps: 30, frames: 4, seed: 7 })
    expect(again.images.data).toEqual(walk.images.data)
    const noise = walk.images.data.subarray(0, 64)
    expect(noise.every((v) => v === 0 || v === 1)).toBe(true)
    const last3 = walk.images.data.subarray(3 * 64, 4 * 64)
    expect(last3.some((v) => v > 0 && v < 1)).toBe(true)

    // From images: one chain each, frame 0 a binary draw of the image (0 where the image is 0).
    const fromImages = await rbm!.gibbsChainAsync(1, { start: heldOut, steps: 5, frames: 2 })
    expect(fromImages.chains).toBe(10)
    expect(fromImages.images.shape).toEqual([20, 8, 8, 1])
    for (let c = 0; c < 10; c++) {
      const frame0 = fromImages.images.data.subarray(c * 2 * 64, (c * 2 + 1) * 64)
      frame0.forEach((v, p) => {
        if (heldOut.data[c * 64 + p] === 0) expect(v).toBe(0)
        if (heldOut.data[c * 64 + p] === 1) expect(v).toBe(1)
      })
    }

    // Samples: seeded images in [0, 1]; the grid draws them.
    const samples = await rbm!.sampleAsync(4, { seed: 3, steps: 50 })
    expect(samples.shape).toEqual([4, 8, 8, 1])
    expect(samples.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    expect((await rbm!.sampleAsync(4, { seed: 3, steps: 50 })).data).toEqual(samples.data)
    await expect
      .element(screen.getByRole('img', { name: 'Grid of 4 generated images' }))
      .toBeInTheDocument()

    // AIS: 16 hidden units, so the exact log Z is there to hold the estimate to.
    const ll: RBMLogLikelihood = await rbm!.logLikelihoodAsync(heldOut, {
      runs: 32,
      steps: 200,
      seed: 1,
      exact: true,
    })
    expect(Number.isFinite(ll.meanLogLikelihood)).toBe(true)
    expect(ll.meanLogLikelihood).toBeLessThan(0)
    expect(ll.logLikelihoods.length).toBe(10)
    expect(ll.exactLogZ).toBeDefined()
    expect(Math.abs(ll.logZ - ll.exactLogZ!)).toBeLessThan(1)
  }, 120_000)

  test('GibbsChain reveals a given chain one frame at a time', async () => {
    // A 2 × 4 chain whose frame f is all f / 3: the first frame is black on the slate background.
    const data = new Float32Array(8 * 16)
    for (let i = 0; i < 8; i++) data.fill((i % 4) / 3 + 0.1, i * 16, (i + 1) * 16)
    const chain: RBMGibbsChain = {
      images: { data, shape: [8, 4, 4, 1] },
      chains: 2,
      frames: 4,
      steps: Int32Array.from([0, 5, 10, 15]),
    }
    const screen = await render(
      <GibbsChain chain={chain} scale={2} gap={1} frameDuration={300} background="#ff0000" />,
    )
    const canvas = screen.container.querySelector('canvas.lk-gibbs-chain__canvas')!
    expect(canvas.getAttribute('aria-label')).toBe(
      '2 Gibbs chains, 4 frames each from step 0 to 15',
    )
    const red = [255, 0, 0]
    const tile = (i: number) => tilePixels(canvas as HTMLCanvasElement, i, 4, 8, 1)
    await waitFor(() => !isBackground(tile(0), red))
    expect(Number(canvas.getAttribute('data-lk-revealed'))).toBeLessThan(4)
    expect(isBackground(tile(3), red)).toBe(true)
    expect(isBackground(tile(7), red)).toBe(true)
    await waitFor(() => canvas.getAttribute('data-lk-revealed') === '4', 5_000)
    await waitFor(() => !isBackground(tile(7), red))
    expect(isBackground(tile(3), red)).toBe(false)
    await expect
      .element(screen.getByRole('list', { name: 'Gibbs step of each column' }))
      .toHaveTextContent('step 051015')

    // Without animation, every frame is drawn at once.
    await screen.rerender(<GibbsChain chain={{ ...chain }} scale={2} gap={1} animate={false} />)
    expect(canvas.getAttribute('data-lk-revealed')).toBe('4')
  })

  test('GibbsChain shows every frame at once when the user prefers reduced motion', async () => {
    const matchMedia = window.matchMedia
    window.matchMedia = (query: string) =>
      ({
        matches: query === '(prefers-reduced-motion: reduce)',
        media: query,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
      }) as unknown as MediaQueryList
    try {
      const chain: RBMGibbsChain = {
        images: { data: new Float32Array(3 * 16).fill(0.7), shape: [3, 4, 4, 1] },
        chains: 1,
        frames: 3,
        steps: Int32Array.from([0, 1, 2]),
      }
      const screen = await render(<GibbsChain chain={chain} frameDuration={10_000} />)
      const canvas = screen.container.querySelector('canvas.lk-gibbs-chain__canvas')!
      expect(canvas.getAttribute('data-lk-revealed')).toBe('3')
    } finally {
      window.matchMedia = matchMedia
    }
  })

  test('non-binary data is INVALID_INPUT in `error`; the trained RBM is unchanged and keeps working', async () => {
    let rbm: UseRBMResult | undefined
    const Holder = (props: { options: UseRBMOptions }) => {
      const result = useRBM(props.options)
      useEffect(() => {
        rbm = result
      }, [result])
      return null
    }
    const options: UseRBMOptions = {
      data: { name: 'digits', limit: 200 },
      layers: [16],
      epochs: 1,
      batchSize: 30,
      backend: 'wasm',
    }
    const screen = await render(<Holder options={options} />)
    await rbm!.trainAsync()
    await waitFor(() => rbm!.status === 'ready')
    const steps = rbm!.model!.trainedSteps
    expect(steps).toBeGreaterThan(0)
    const before = await rbm!.sampleAsync(3, { seed: 1, steps: 20 })

    const bad = new Float32Array(200 * 64).fill(0.5)
    bad[17] = 3
    await screen.rerender(
      <Holder options={{ ...options, data: { data: bad, shape: [200, 8, 8, 1] } }} />,
    )
    await expect(rbm!.trainAsync()).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await waitFor(() => rbm!.error?.code === 'INVALID_INPUT')
    expect(rbm!.error?.message).toMatch(/\[0, 1\].*gaussian/)
    expect(rbm!.model!.trainedSteps).toBe(steps)
    expect((await rbm!.sampleAsync(3, { seed: 1, steps: 20 })).data).toEqual(before.data)

    // Good data again: it trains on from where it was, and the error clears.
    await screen.rerender(<Holder options={options} />)
    await rbm!.trainAsync()
    await waitFor(() => rbm!.status === 'ready' && rbm!.error === undefined)
    expect(rbm!.model!.trainedSteps).toBeGreaterThan(steps)
  }, 60_000)
})

describe('RBM in the real worker, per backend', () => {
  for (const backend of ['wasm', 'webgl', 'webgpu'] as const) {
    test(`trains, runs chains and AIS, and returns to its tensor baseline (${backend})`, async () => {
      const worker = new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
        type: 'module',
      })
      const api = Comlink.wrap<WorkerHost>(worker)
      try {
        expect((await api.init(backend)).name).toBe(backend)
        // 24 hidden units: above the exact-log-Z limit (20), whose enumeration of 2¹⁶ hidden
        // states alone takes about 35 s on SwiftShader's WebGPU.
        await api.create('r', 'rbm', { layers: [24], seed: 1 })
        const baseline = await api.memory()
        // 128 digits, 10 % held out: 116 in batches of 64 is 2 steps, PCD chains kept between them.
        const summary = await api.train(
          'r',
          { name: 'digits', limit: 128 },
          { epochs: 1, batchSize: 64 },
        )
        expect(summary.steps).toBe(2)
        const last = summary.last as RBMHistoryPoint | undefined
        expect(Number.isFinite(last?.reconstruction)).toBe(true)
        expect(Number.isFinite(last?.freeEnergyGap)).toBe(true)
        const chain = await act<RBMGibbsChain>(api, 'r', 'gibbsChain', 2, { steps: 4, frames: 3 })
        expect(Array.from(chain.steps)).toEqual([0, 2, 4])
        expect(chain.images.data.every(Number.isFinite)).toBe(true)
        const ll = await act<RBMLogLikelihood>(api, 'r', 'logLikelihood', heldOut, {
          runs: 4,
          steps: 10,
          seed: 1,
        })
        expect(Number.isFinite(ll.meanLogLikelihood)).toBe(true)
        const error = await act<Float32Array>(api, 'r', 'freeEnergy', {
          data: new Float32Array(49),
          shape: [1, 7, 7, 1],
        }).catch((e: unknown) => fromWireError(e))
        expect(error).toMatchObject({ code: 'SHAPE_MISMATCH' })
        await api.disposeModel('r')
        expect((await api.memory()).numTensors).toBe(baseline.numTensors)
      } finally {
        worker.terminate()
      }
    })
  }
})
