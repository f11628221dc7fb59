import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { usePCA, type UsePCAOptions, type UsePCAResult } from '../../src/react/usePCA'
import { FilterGrid } from '../../src/components/FilterGrid'
import { ScreeChart } from '../../src/components/ScreeChart'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import { redAndBlue } from './canvasColours'
import { canvasPixels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

const heldOut: ImageBatch = (() => {
  const { images } = loadDigits()
  return { data: images.data.slice(1780 * 64, 1790 * 64), shape: [10, 8, 8, 1] }
})()

function Demo(props: { options: UsePCAOptions; onResult: (pca: UsePCAResult) => void }) {
  const pca = usePCA(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(pca)
  }, [pca, onResult])
  return (
    <div>
      <FilterGrid
        filters={
          pca.components
            ? {
                images: pca.components.components,
                weights: pca.components.explainedVarianceRatio,
              }
            : undefined
        }
        noun="component"
        weightName="explained variance"
        columns={8}
        scale={3}
      />
      <ScreeChart source={pca.components} highlight={4} />
    </div>
  )
}

const squaredError = (a: ImageBatch, b: ImageBatch): number =>
  a.data.reduce((sum, v, i) => sum + (v - (b.data[i] as number)) ** 2, 0)

async function fitOn(backend: 'wasm' | 'webgl' | 'webgpu') {
  let pca: UsePCAResult | undefined
  const screen = await render(
    <Demo
      options={{ data: 'digits', nComponents: 16, backend, batchSize: 256, autoTrain: true }}
      onResult={(p) => (pca = p)}
    />,
  )
  await waitFor(() => pca?.status === 'ready' && pca.components !== undefined, 90_000)
  return { pca: pca!, screen }
}

/** EVR of the wasm fit, the reference the GPU backends are held to. */
let reference: Float32Array | undefined

describe('usePCA in real Chromium', () => {
  test('fits in the worker on wasm with streamed progress; components drawn, scree bars, reconstruction improves with k', async () => {
    const { pca, screen } = await fitOn('wasm')
    expect(pca.backend?.name).toBe('wasm')
    expect(pca.latentDim).toBe(16)
    expect(pca.solver).toBe('full')
    // 1,797 digits in batches of 256: 8 steps, the covariance growing by one batch each.
    expect(pca.history.map((p) => p.imagesSeen)).toEqual([
      256, 512, 768, 1024, 1280, 1536, 1792, 1797,
    ])
    const view = pca.components!
    expect(view.components.shape).toEqual([16, 8, 8, 1])
    expect(view.samples).toBe(1797)
    const sum = view.explainedVarianceRatio.reduce((s, r) => s + r, 0)
    expect(sum).toBeLessThanOrEqual(1)
    // scikit-learn's first ratio on these digits is 0.1489 (the same pixels, /16).
    expect(view.explainedVarianceRatio[0]).toBeCloseTo(0.1489, 3)
    reference = view.explainedVarianceRatio

    const grid = screen.container.querySelector(
      'canvas.lk-filter-grid__canvas',
    ) as HTMLCanvasElement
    await waitFor(() => redAndBlue(canvasPixels(grid)).red > 50)
    const colours = redAndBlue(canvasPixels(grid))
    expect(colours.red).toBeGreaterThan(50)
    expect(colours.blue).toBeGreaterThan(50)
    expect(screen.container.querySelectorAll('rect.lk-scree-chart__bar').length).toBe(16)
    await expect
      .element(screen.getByText(/^16 components explain \d+\.\d % of the variance/))
      .toBeInTheDocument()

    const one = await pca.reconstructAsync(heldOut, { components: 1 })
    const four = await pca.reconstructAsync(heldOut, { components: 4 })
    const all = await pca.reconstructAsync(heldOut)
    expect(squaredError(four, heldOut)).toBeLessThan(squaredError(one, heldOut))
    expect(squaredError(all, heldOut)).toBeLessThan(squaredError(four, heldOut))
    const codes = await pca.transformAsync(heldOut)
    expect(codes.shape).toEqual([10, 16])
    const back = await pca.inverseTransformAsync(codes)
    back.data.forEach((v, i) => expect(v).toBeCloseTo(all.data[i] as number, 4))
  }, 120_000)

  test.each(['webgl', 'webgpu'] as const)(
    'on %s the explained-variance ratios equal the wasm fit’s to 1e-4',
    async (backend) => {
      // Run alone, the test makes its own wasm reference.
      if (!reference) {
        const wasm = await fitOn('wasm')
        reference = wasm.pca.components!.explainedVarianceRatio
        await cleanup()
      }
      const { pca } = await fitOn(backend)
      expect(pca.backend?.name).toBe(backend)
      const ratios = pca.components!.explainedVarianceRatio
      ratios.forEach((r, i) => expect(Math.abs(r - (reference![i] as number))).toBeLessThan(1e-4))
      const rebuilt = await pca.reconstructAsync(heldOut, { components: 8 })
      expect(rebuilt.shape).toEqual([10, 8, 8, 1])
    },
    180_000,
  )

  test('bad input gives typed errors in `error`; the worker and the fitted PCA survive', async () => {
    let pca: UsePCAResult | undefined
    const Holder = (props: { options: UsePCAOptions }) => {
      const result = usePCA(props.options)
      useEffect(() => {
        pca = result
      }, [result])
      return null
    }
    const screen = await render(
      <Holder options={{ data: 'digits', nComponents: 0, backend: 'wasm' }} />,
    )
    await expect(pca!.trainAsync()).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    await screen.rerender(<Holder options={{ data: 'digits', nComponents: 65, backend: 'wasm' }} />)
    await expect(pca!.trainAsync()).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { limit: 64 },
    })
    await screen.rerender(<Holder options={{ data: 'digits', nComponents: 6, backend: 'wasm' }} />)
    await expect(pca!.transformAsync(heldOut)).rejects.toMatchObject({ code: 'NOT_TRAINED' })
    await pca!.trainAsync()
    await waitFor(() => pca!.status === 'ready')
    const before = await pca!.transformAsync(heldOut)
    await expect(
      pca!.transformAsync({ data: new Float32Array(49), shape: [1, 7, 7, 1] }),
    ).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    await expect(pca!.reconstructAsync(heldOut, { components: 7 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { limit: 6 },
    })
    await expect(pca!.inverseTransformAsync(new Float32Array(5))).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
    })
    await waitFor(() => pca!.error?.code === 'SHAPE_MISMATCH')
    expect((await pca!.transformAsync(heldOut)).data).toEqual(before.data)
  }, 60_000)
})

describe('ScreeChart pixels in real Chromium', () => {
  /** The chart's SVG drawn into a canvas, as RGBA. */
  async function svgPixels(
    svg: SVGSVGElement,
  ): Promise<{ pixels: Uint8ClampedArray; width: number }> {
    const width = Number(svg.getAttribute('width'))
    const height = Number(svg.getAttribute('height'))
    // Inline the computed fills, so the image (outside the page's CSS) has the same colours.
    const copy = svg.cloneNode(true) as SVGSVGElement
    const live = svg.querySelectorAll('rect, polyline')
    copy.querySelectorAll('rect, polyline').forEach((element, i) => {
      const style = getComputedStyle(live[i] as Element)
      element.setAttribute('fill', style.fill)
      element.setAttribute('stroke', style.stroke)
    })
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
    const image = new Image()
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(copy))}`
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const context = canvas.getContext('2d')!
    context.drawImage(image, 0, 0)
    return { pixels: context.getImageData(0, 0, width, height).data, width }
  }

  test('bars are as tall as their ratios, the highlighted ones in the series colour', async () => {
    const ratios = Float32Array.from([0.4, 0.2, 0.1, 0.1])
    const screen = await render(
      <ScreeChart
        source={{ explainedVarianceRatio: ratios }}
        highlight={2}
        cumulative={false}
        width={240}
        height={140}
      />,
    )
    const svg = screen.container.querySelector('svg') as SVGSVGElement
    const { pixels, width } = await svgPixels(svg)
    const bars = Array.from(screen.container.querySelectorAll('rect.lk-scree-chart__bar'))
    // Per bar: the pixels down its centre column that are strongly blue, and that are light grey.
    const column = (bar: Element) => {
      const x = Math.round(Number(bar.getAttribute('x')) + Number(bar.getAttribute('width')) / 2)
      let blue = 0
      let grey = 0
      for (let y = 0; y < 140; y++) {
        const i = (y * width + x) * 4
        const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!]
        if (b > r + 100 && b > g + 50) blue += 1
        if (r > 180 && g > 190 && b > 200 && b - r < 40 && r < 240) grey += 1
      }
      return { blue, grey }
    }
    const [first, second, third, fourth] = bars.map(column)
    // Plot height 108 px, axis 0 … 0.4: bars of 108, 54, 27 and 27 px.
    expect(first!.blue).toBeGreaterThanOrEqual(105)
    expect(second!.blue).toBeGreaterThanOrEqual(52)
    expect(second!.blue).toBeLessThanOrEqual(56)
    expect(third!.blue).toBe(0)
    expect(third!.grey).toBeGreaterThanOrEqual(25)
    expect(fourth!.grey).toBeGreaterThanOrEqual(25)
    expect(fourth!.grey).toBeLessThanOrEqual(29)
  })
})
