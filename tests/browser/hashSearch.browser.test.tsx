import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { useEffect } from 'react'
import { HashSearch, type HashSearchSource } from '../../src/components/HashSearch'
import type { DataInput, ImageBatch } from '../../src/core/dataset'
import type { HashSearchResult } from '../../src/core/hashing/hashingSpec'
import { loadDigits } from '../../src/data/digits'
import { useSemanticHashing } from '../../src/react/useSemanticHashing'

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

test('HashSearch indexes the images, shows the query’s bits and paints its neighbours nearest first', async () => {
  const images = filled([1, 0, 0.5, 1, 0, 0.25], 4)
  const queries: number[] = []
  const indexed: unknown[] = []
  const source: HashSearchSource = {
    modelVersion: 1,
    model: { trainedSteps: 1 },
    buildIndex: (options?: { readonly data?: DataInput }) => {
      indexed.push(options?.data)
      return Promise.resolve({ size: 6, bits: 10 })
    },
    search: (query: DataInput) => {
      queries.push((query as ImageBatch).data[0] as number)
      const result: HashSearchResult = {
        indices: Int32Array.from([3, 0, 5]),
        distances: Uint8Array.from([0, 1, 4]),
        offsets: Int32Array.from([0, 3]),
        queryCodes: Uint32Array.from([0b1000001011]),
        bits: 10,
      }
      return Promise.resolve(result)
    },
  }
  const screen = await render(
    <HashSearch model={source} images={images} scale={5} gap={1} background="rgb(255, 0, 0)" />,
  )
  // Bit j of the code, from bit 0, in groups of 8.
  await expect.element(screen.getByText('11010000 01')).toBeVisible()
  expect(indexed).toEqual([images])
  expect(queries).toEqual([1])
  const neighbours = screen.getByRole('img', { name: /^3 nearest images by Hamming distance/ })
  const element = neighbours.element() as HTMLCanvasElement
  expect([element.width, element.height]).toEqual([3 * 20 + 2, 20])
  // Image 3 (white), image 0 (white), image 5 (0.25 → 64), red gaps between.
  await expect.poll(() => pixel(element, 10, 10)).toEqual([255, 255, 255, 255])
  expect(pixel(element, 20, 10)).toEqual([255, 0, 0, 255])
  expect(pixel(element, 31, 10)).toEqual([255, 255, 255, 255])
  expect(pixel(element, 52, 10)).toEqual([64, 64, 64, 255])
  await expect.element(screen.getByText('image 5: 4 bits')).toBeVisible()

  // Picking image 1 (black) searches with it; the index is not rebuilt for the same model.
  const choices = screen.getByRole('listbox')
  await choices.click({ position: { x: 21 + 10, y: 10 } })
  await expect.poll(() => queries).toEqual([1, 0])
  expect(indexed.length).toBe(1)
  const query = screen.getByRole('img', { name: 'Query: image 1' }).element() as HTMLCanvasElement
  await expect.poll(() => pixel(query, 10, 10)).toEqual([0, 0, 0, 255])
})

test('HashSearch on useSemanticHashing (LSH in the worker): a digit’s nearest code is its own', async () => {
  const digits = loadDigits({ limit: 200 }).images
  function Demo() {
    const hasher = useSemanticHashing({ data: digits, method: 'lsh', bits: 32 })
    const { train, status } = hasher
    useEffect(() => {
      if (status === 'idle') train()
    }, [status, train])
    return <HashSearch model={hasher} images={digits} k={5} defaultQuery={7} scale={5} gap={1} />
  }
  const screen = await render(<Demo />)
  const neighbours = screen.getByRole('img', { name: /^5 nearest images by Hamming distance/ })
  await expect.element(neighbours).toBeVisible()
  await expect.element(screen.getByText('image 7: 0 bits')).toBeVisible()
  const query = screen.getByRole('img', { name: 'Query: image 7' }).element() as HTMLCanvasElement
  const first = neighbours.element() as HTMLCanvasElement
  // The first neighbour is the query itself: the same pixels, tile for tile.
  const row = (canvas: HTMLCanvasElement) =>
    [0, 1, 2, 3, 4, 5, 6, 7].map((p) => pixel(canvas, p * 5 + 2, 17))
  await expect.poll(() => row(query).some((rgba) => rgba[0] !== 0)).toBe(true)
  await expect.poll(() => row(first)).toEqual(row(query))
  const bits = screen.getByLabelText("The query's code").element().textContent ?? ''
  expect(bits.replace(/ /g, '')).toMatch(/^[01]{32}$/)
})
