import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { ClusterGrid } from '../../src/components/ClusterGrid'
import type { ImageBatch } from '../../src/core/dataset'

afterEach(async () => {
  await cleanup()
})

function filled(values: readonly number[], side: number): ImageBatch {
  const size = side * side
  const data = new Float32Array(values.length * size)
  values.forEach((value, i) => data.fill(value, i * size, (i + 1) * size))
  return { data, shape: [values.length, side, side, 1] }
}

function pixel(canvas: HTMLCanvasElement, x: number, y: number): number[] {
  return Array.from(canvas.getContext('2d')?.getImageData(x, y, 1, 1).data ?? [])
}

test('ClusterGrid paints each centroid, a gap, then its members; missing members stay background', async () => {
  // Two 4 × 4 clusters at scale 5, gap 1: tiles of 20 px, columns at x = 0, 21, 42, 63.
  const clusters = {
    centroids: filled([1, 0], 4),
    members: filled([0.5, 0.5, 1, 0], 4),
    membersPerCluster: 2,
    sizes: [7, 1],
    memberIndices: [3, 4, 9, -1],
  }
  const screen = await render(
    <ClusterGrid clusters={clusters} scale={5} gap={1} background="rgb(255, 0, 0)" />,
  )
  const canvas = screen.getByRole('img', { name: /^2 clusters: each centroid, then 2/ })
  await expect.element(canvas).toBeVisible()
  const element = canvas.element() as HTMLCanvasElement
  expect([element.width, element.height]).toEqual([4 * 20 + 3, 2 * 20 + 1])
  await expect.poll(() => pixel(element, 10, 10)).toEqual([255, 255, 255, 255])
  // Row 1: white centroid, red spacer, two grey members.
  expect(pixel(element, 31, 10)).toEqual([255, 0, 0, 255])
  expect(pixel(element, 52, 10)).toEqual([128, 128, 128, 255])
  expect(pixel(element, 73, 10)).toEqual([128, 128, 128, 255])
  // Row 2: black centroid, a white member, then a missing one (background).
  expect(pixel(element, 10, 31)).toEqual([0, 0, 0, 255])
  expect(pixel(element, 52, 31)).toEqual([255, 255, 255, 255])
  expect(pixel(element, 73, 31)).toEqual([255, 0, 0, 255])
  await expect.element(screen.getByText('cluster 1: 7')).toBeVisible()
  await expect.element(screen.getByText('cluster 2: 1')).toBeVisible()

  // Largest first with one member: cluster 2 is still second (1 < 7); with sizes swapped it leads.
  await screen.rerender(
    <ClusterGrid
      clusters={{ ...clusters, sizes: [1, 7] }}
      sort="size"
      members={1}
      scale={5}
      gap={1}
      background="rgb(255, 0, 0)"
    />,
  )
  await expect.poll(() => element.width).toBe(3 * 20 + 2)
  await expect.poll(() => pixel(element, 10, 10)).toEqual([0, 0, 0, 255])
  expect(pixel(element, 10, 31)).toEqual([255, 255, 255, 255])
  expect(pixel(element, 52, 10)).toEqual([255, 255, 255, 255])
})

test('ClusterGrid with no members shows the centroids alone, one a row', async () => {
  const screen = await render(
    <ClusterGrid
      clusters={{ centroids: filled([1, 0.5, 0], 4) }}
      scale={5}
      gap={1}
      background="rgb(255, 0, 0)"
    />,
  )
  const canvas = screen.getByRole('img', { name: '3 cluster centroids' })
  await expect.element(canvas).toBeVisible()
  const element = canvas.element() as HTMLCanvasElement
  expect([element.width, element.height]).toEqual([20, 3 * 20 + 2])
  await expect.poll(() => pixel(element, 10, 52)).toEqual([0, 0, 0, 255])
  expect(pixel(element, 10, 31)).toEqual([128, 128, 128, 255])
  // No sizes were given: no list of them.
  expect(screen.container.querySelector('.lk-cluster-grid__sizes')).toBeNull()
})

test('ClusterGrid without clusters shows its empty state, or renderEmpty', async () => {
  const screen = await render(<ClusterGrid clusters={undefined} />)
  await expect.element(screen.getByRole('status')).toHaveTextContent(/No clusters yet/)
  await screen.rerender(<ClusterGrid clusters={undefined} renderEmpty={() => 'waiting'} />)
  await expect.element(screen.getByRole('status')).toHaveTextContent('waiting')
})
