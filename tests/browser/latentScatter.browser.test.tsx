import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { useEffect } from 'react'
import { LatentScatter } from '../../src/components/LatentScatter'
import { boundsOf, fitViewport, toScreen } from '../../src/components/scatterGeometry'
import type { ImageBatch } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import { useProjection, type UseProjectionResult } from '../../src/react/useProjection'

afterEach(async () => {
  await cleanup()
})

// Two clusters of three points: label 0 near the origin, label 1 near (10, 10).
const points = Float32Array.of(0, 0, 1, 0, 0, 1, 10, 10, 11, 10, 10, 11)
const labels = Int32Array.of(0, 0, 0, 1, 1, 1)
const WIDTH = 300
const HEIGHT = 200

/** Images whose every pixel is `value`, one per point: image i holds (i + 1) / 6. */
const images: ImageBatch = (() => {
  const data = new Float32Array(6 * 16)
  for (let i = 0; i < 6; i++) data.fill((i + 1) / 6, i * 16, (i + 1) * 16)
  return { data, shape: [6, 4, 4, 1] }
})()

function screenOf(index: number) {
  const view = fitViewport(boundsOf(points), WIDTH, HEIGHT)
  return toScreen(view, points[2 * index]!, points[2 * index + 1]!)
}

function pointer(canvas: HTMLCanvasElement, type: string, x: number, y: number): void {
  const box = canvas.getBoundingClientRect()
  canvas.dispatchEvent(
    new PointerEvent(type, {
      bubbles: true,
      clientX: box.left + x,
      clientY: box.top + y,
      pointerId: 1,
      isPrimary: true,
    }),
  )
}

function pixel(canvas: HTMLCanvasElement, x: number, y: number): number[] {
  const ratio = canvas.width / WIDTH
  const data = canvas
    .getContext('2d')
    ?.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data
  return Array.from(data ?? []).slice(0, 3)
}

function hex(colour: string): number[] {
  return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16))
}

function renderScatter(onSelect?: (indices: number[]) => void) {
  return render(
    <LatentScatter
      points={points}
      labels={labels}
      images={images}
      labelName={(label) => `digit ${label}`}
      width={WIDTH}
      height={HEIGHT}
      pointSize={8}
      onSelect={onSelect}
    />,
  )
}

test('LatentScatter paints each point in its legend colour on the background', async () => {
  const screen = await renderScatter()
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  const legend = [...screen.container.querySelectorAll('li[data-color]')].map(
    (item) => item.getAttribute('data-color') as string,
  )
  expect(legend).toHaveLength(2)
  expect(legend[0]).not.toBe(legend[1])
  for (let i = 0; i < 6; i++) {
    const at = screenOf(i)
    await expect.poll(() => pixel(canvas, at.x, at.y)).toEqual(hex(legend[labels[i]!]!))
  }
  // Between the clusters: the white background.
  expect(pixel(canvas, WIDTH / 2, HEIGHT / 2)).toEqual([255, 255, 255])
  await expect.element(screen.getByText(/Scatter plot of 6 points in 2 clusters/)).toBeVisible()
})

test('hovering a point shows its image as a thumbnail and its label', async () => {
  const screen = await renderScatter()
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  const at = screenOf(4)
  pointer(canvas, 'pointermove', at.x + 2, at.y + 1)
  await expect.element(screen.getByRole('tooltip')).toHaveTextContent('#4 · digit 1')
  const thumbnail = screen.container.querySelector(
    '.lk-latent-scatter__thumbnail',
  ) as HTMLCanvasElement
  // Image 4 is 5/6 grey everywhere, 4 × 4 pixels shown 4 times larger.
  await expect.poll(() => [thumbnail.width, thumbnail.height]).toEqual([16, 16])
  // The float32 image value, rounded to a byte as the thumbnail does.
  const value = Math.round(Math.fround(5 / 6) * 255)
  await expect
    .poll(() => Array.from(thumbnail.getContext('2d')!.getImageData(8, 8, 1, 1).data))
    .toEqual([value, value, value, 255])
  pointer(canvas, 'pointermove', WIDTH / 2, HEIGHT / 2)
  await expect.poll(() => screen.container.querySelector('[role="tooltip"]')).toBeNull()
})

test('a brush selects the points inside it: onSelect gets their indices, the grid shows them', async () => {
  const selections: number[][] = []
  const screen = await renderScatter((indices) => selections.push(indices))
  await screen.getByRole('button', { name: 'Brush' }).click()
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  // Around points 3 and 4 ((10, 10) and (11, 10)), leaving 5 ((10, 11)) out.
  const a = screenOf(3)
  const b = screenOf(4)
  pointer(canvas, 'pointerdown', a.x - 5, a.y - 5)
  pointer(canvas, 'pointermove', (a.x + b.x) / 2, a.y)
  pointer(canvas, 'pointerup', b.x + 5, b.y + 5)
  await expect.poll(() => selections).toEqual([[3, 4]])
  await expect.element(screen.getByRole('img', { name: /^2 selected images/ })).toBeVisible()
  await expect.element(screen.getByRole('button', { name: 'Clear selection (2)' })).toBeVisible()
})

test('a lasso selects the points inside the drawn polygon', async () => {
  const selections: number[][] = []
  const screen = await renderScatter((indices) => selections.push(indices))
  await screen.getByRole('button', { name: 'Lasso' }).click()
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  // A triangle around points 0, 1 and 2 (the first cluster; screen y grows with data y).
  const p0 = screenOf(0)
  const p1 = screenOf(1)
  const p2 = screenOf(2)
  pointer(canvas, 'pointerdown', p0.x - 8, p0.y - 8)
  pointer(canvas, 'pointermove', p1.x + 24, p1.y - 8)
  pointer(canvas, 'pointermove', p2.x - 8, p2.y + 24)
  pointer(canvas, 'pointerup', p2.x - 8, p2.y + 24)
  await expect.poll(() => selections).toEqual([[0, 1, 2]])
})

test('arrow keys move between clusters, announced; Enter selects the focused cluster', async () => {
  const selections: number[][] = []
  const screen = await renderScatter((indices) => selections.push(indices))
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  canvas.focus()
  const live = screen.container.querySelector('[aria-live="polite"]') as HTMLElement
  canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
  await expect.poll(() => live.textContent).toMatch(/^digit 0: 3 points, .*cluster 1 of 2/)
  canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
  await expect.poll(() => live.textContent).toMatch(/^digit 1: 3 points, .*cluster 2 of 2/)
  // The focused cluster is drawn at full strength, the other faded towards the background.
  // The focused cluster is drawn at full strength, the other faded towards the white background.
  await expect
    .poll(() => Math.min(...pixel(canvas, screenOf(0).x, screenOf(0).y)))
    .toBeGreaterThan(200)
  expect(Math.min(...pixel(canvas, screenOf(3).x, screenOf(3).y))).toBeLessThan(200)
  canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
  await expect.poll(() => selections).toEqual([[3, 4, 5]])
  canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }))
  await expect.poll(() => live.textContent).toMatch(/^digit 0/)
})

test('useProjection maps codes in the worker with UMAP (epochs as progress); bad codes give a typed error and the next call still works', async () => {
  let latest: UseProjectionResult | undefined
  function Probe() {
    const map = useProjection({ backend: 'cpu' })
    useEffect(() => {
      latest = map
    })
    return <p>status: {map.status}</p>
  }
  await render(<Probe />)
  const codes = new Float32Array(60 * 4)
  for (let i = 0; i < 60; i++)
    for (let j = 0; j < 4; j++) codes[i * 4 + j] = (i < 30 ? 0 : 8) + ((i * 7 + j * 3) % 5) * 0.1
  const map = await latest!.projectAsync(
    { data: codes, shape: [60, 4] },
    { method: 'umap', epochs: 50, nNeighbors: 10 },
  )
  expect(map.points).toHaveLength(120)
  expect(map.method).toBe('umap')
  await expect.poll(() => latest?.status).toBe('ready')
  expect(latest!.progress).toEqual({ phase: 'layout', rows: 60, epoch: 50, epochs: 50 })
  // The caller's codes stay usable (a copy crossed).
  expect(codes[0]).toBeCloseTo(0)
  const failure = await latest!
    .projectAsync({ data: Float32Array.of(1, NaN, 3, 4), shape: [2, 2] })
    .catch((error: unknown) => error as LatentkitError)
  expect((failure as LatentkitError).code).toBe('NON_FINITE_INPUT')
  await expect.poll(() => latest?.error?.code).toBe('NON_FINITE_INPUT')
  const pca = await latest!.projectAsync({ data: codes, shape: [60, 4] })
  expect(pca.method).toBe('pca')
  expect(pca.explainedVarianceRatio![0]).toBeGreaterThan(0.9)
})
