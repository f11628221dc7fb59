import * as Comlink from 'comlink'
import { useEffect, useMemo } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import type { SparseCodes } from '../../src/core/sparse/sparseCodes'
import { act } from '../workerCalls'
import { cleanup, render } from 'vitest-browser-react'
import {
  useSparseCoding,
  type UseSparseCodingOptions,
  type UseSparseCodingResult,
} from '../../src/react/useSparseCoding'
import { DictionaryGrid } from '../../src/components/DictionaryGrid'
import { SparseCodeView } from '../../src/components/SparseCodeView'
import { fromWireError } from '../../src/core/errors'
import { loadDigits } from '../../src/data/digits'
import type { WorkerHost } from '../../workers/host'
import type { ImageBatch } from '../../src/core/dataset'
import type { SparseCodingHistoryPoint } from '../../src/core/sparse/sparseSpec'
import { redAndBlue } from './canvasColours'
import { canvasPixels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function collage(): ImageBatch {
  const { images } = loadDigits({ limit: 4 })
  const data = new Float32Array(16 * 16)
  for (let t = 0; t < 4; t++) {
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        data[(Math.floor(t / 2) * 8 + y) * 16 + (t % 2) * 8 + x] = images.data[
          t * 64 + y * 8 + x
        ] as number
      }
    }
  }
  return { data, shape: [1, 16, 16, 1] }
}

function Demo(props: {
  options: UseSparseCodingOptions
  onResult: (sc: UseSparseCodingResult) => void
}) {
  const sc = useSparseCoding(props.options)
  const image = useMemo(() => collage(), [])
  const { onResult } = props
  useEffect(() => {
    onResult(sc)
  }, [sc, onResult])
  return (
    <div>
      <DictionaryGrid
        dictionary={sc.dictionary}
        sort="usage"
        columns={8}
        scale={3}
        onSelect={() => undefined}
      />
      <SparseCodeView model={sc} image={image} defaultPosition={{ top: 4, left: 4 }} />
    </div>
  )
}

describe('useSparseCoding in real Chromium', () => {
  test('learns atoms in the worker; DictionaryGrid draws them on a diverging scale; SparseCodeView codes a patch', async () => {
    let sc: UseSparseCodingResult | undefined
    const screen = await render(
      <Demo
        options={{
          data: 'digits',
          atoms: 32,
          epochs: 2,
          backend: 'wasm',
          seed: 1,
          autoTrain: true,
        }}
        onResult={(s) => (sc = s)}
      />,
    )
    await waitFor(() => sc?.status === 'ready' && sc.dictionary !== undefined, 60_000)
    expect(sc!.backend?.name).toBe('wasm')
    expect(sc!.patchShape).toEqual([8, 8, 1])
    expect(sc!.latentDim).toBe(32)
    expect(sc!.history.length).toBe(16)
    expect(Object.keys(sc!.history[0]!)).toEqual(
      expect.arrayContaining(['objective', 'nonZeroFraction', 'psnr']),
    )
    expect(sc!.history.at(-1)!.objective).toBeLessThan(sc!.history[0]!.objective)

    const grid = screen.container.querySelector(
      'canvas.lk-dictionary-grid__canvas',
    ) as HTMLCanvasElement
    await waitFor(() => redAndBlue(canvasPixels(grid)).red > 50)
    const colours = redAndBlue(canvasPixels(grid))
    expect(colours.red).toBeGreaterThan(50)
    expect(colours.blue).toBeGreaterThan(50)
    expect(grid.getAttribute('aria-label')).toMatch(
      /Dictionary of 32 atoms, most used first; atom \d+ focused \(used by/,
    )

    await expect
      .element(screen.getByText(/Patch at row 5, column 5: \d+ of 32 atoms used/))
      .toBeInTheDocument()
    const image = screen.getByRole('img', { name: /Image with the patch at row 5, column 5/ })
    ;(image.element() as HTMLCanvasElement).focus()
    await image.click({ position: { x: 2, y: 2 } })
    await expect
      .element(screen.getByText(/Patch at row 1, column 1: \d+ of 32 atoms used/))
      .toBeInTheDocument()

    const codes = await sc!.encodeAsync(collage())
    expect(codes.count).toBe(4)
    expect(codes.values.length).toBeGreaterThan(0)
    expect(codes.values.length).toBeLessThan(4 * 32)
    const rebuilt = await sc!.reconstructAsync(collage())
    expect(rebuilt.shape).toEqual([1, 16, 16, 1])
  })

  test('bad options and bad images give typed errors in `error`; the trained model survives', async () => {
    let sc: UseSparseCodingResult | undefined
    const Holder = (props: { options: UseSparseCodingOptions }) => {
      const result = useSparseCoding(props.options)
      useEffect(() => {
        sc = result
      }, [result])
      return null
    }
    const screen = await render(
      <Holder options={{ data: 'digits', lambda: -1, backend: 'wasm' }} />,
    )
    await expect(sc!.trainAsync()).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    await waitFor(() => sc!.error?.code === 'INVALID_OPTION')
    await screen.rerender(<Holder options={{ data: 'digits', patchSize: 9, backend: 'wasm' }} />)
    await expect(sc!.trainAsync()).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    await waitFor(() => sc!.error?.code === 'SHAPE_MISMATCH')
    await screen.rerender(
      <Holder options={{ data: 'digits', atoms: 16, epochs: 1, backend: 'wasm' }} />,
    )
    await sc!.trainAsync()
    await waitFor(() => sc!.status === 'ready')
    const steps = sc!.model!.trainedSteps
    await expect(
      sc!.encodeAsync({ data: new Float32Array(16), shape: [1, 4, 4, 1] }),
    ).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
    })
    await expect(
      sc!.denoiseAsync({ data: new Float32Array(64).fill(Number.NaN), shape: [1, 8, 8, 1] }),
    ).rejects.toMatchObject({
      code: 'NON_FINITE_INPUT',
    })
    await waitFor(() => sc!.error?.code === 'NON_FINITE_INPUT')
    // The worker is alive and the atoms are still there.
    const codes = await sc!.encodeAsync({
      data: new Float32Array(64).fill(0.5),
      shape: [1, 8, 8, 1],
    })
    expect(codes.count).toBe(1)
    expect(sc!.model!.trainedSteps).toBe(steps)
    // An encode's success says nothing about denoise: its error stays until a denoise succeeds.
    expect(sc!.error?.code).toBe('NON_FINITE_INPUT')
    await sc!.denoiseAsync({ data: new Float32Array(64).fill(0.5), shape: [1, 8, 8, 1] })
    await waitFor(() => sc!.error === undefined)
  })
})

describe('sparse coding in the real worker, per backend', () => {
  for (const backend of ['wasm', 'webgl', 'webgpu'] as const) {
    test(`learns, codes and returns to its tensor baseline (${backend})`, async () => {
      const worker = new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
        type: 'module',
      })
      const api = Comlink.wrap<WorkerHost>(worker)
      try {
        expect((await api.init(backend)).name).toBe(backend)
        await api.create('s', 'sparse', { atoms: 32, seed: 1 })
        const baseline = await api.memory()
        const summary = await api.train(
          's',
          { name: 'digits', limit: 512 },
          { epochs: 2, batchSize: 128 },
        )
        expect(summary.steps).toBe(8)
        expect((summary.last as SparseCodingHistoryPoint | undefined)?.psnr).toBeGreaterThan(10)
        const image = { data: collage().data, shape: [1, 16, 16, 1] as const }
        const codes = await act<SparseCodes>(api, 's', 'encode', image)
        expect(codes.count).toBe(4)
        expect(codes.values.every(Number.isFinite)).toBe(true)
        const error = await act<SparseCodes>(api, 's', 'encode', {
          data: new Float32Array(48),
          shape: [1, 4, 4, 3],
        }).catch((e: unknown) => fromWireError(e))
        expect(error).toMatchObject({ code: 'SHAPE_MISMATCH' })
        await api.disposeModel('s')
        expect((await api.memory()).numTensors).toBe(baseline.numTensors)
      } finally {
        worker.terminate()
      }
    })
  }
})
