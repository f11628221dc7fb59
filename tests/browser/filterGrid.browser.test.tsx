/**
 * FilterGrid in Chromium: signed images on the diverging scale (red negative, white zero, blue
 * positive with d3's RdBu), sorted by weight, selection with the weight; DictionaryGrid draws the
 * same through it.
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { FilterGrid, type SelectedFilter } from '../../src/components/FilterGrid'
import { DictionaryGrid } from '../../src/components/DictionaryGrid'
import type { ImageBatch } from '../../src/core/dataset'

afterEach(async () => {
  await cleanup()
})

/** `values.length` 2 × 2 filters: the first pixel of each holds its value, the rest 0. */
function filters(values: readonly number[]): ImageBatch {
  const data = new Float32Array(values.length * 4)
  values.forEach((value, i) => (data[i * 4] = value))
  return { data, shape: [values.length, 2, 2, 1] }
}

function pixel(canvas: HTMLCanvasElement, x: number, y: number): number[] {
  return Array.from(canvas.getContext('2d')?.getImageData(x, y, 1, 1).data ?? []).slice(0, 3)
}

const isBlue = ([r, , b]: number[]) => (b as number) > 90 && (b as number) > (r as number) + 40
const isRed = ([r, , b]: number[]) => (r as number) > 90 && (r as number) > (b as number) + 40
const isPale = ([r, g, b]: number[]) => [r, g, b].every((v) => (v as number) > 200)

test('FilterGrid paints signs on the diverging scale, sorts by weight and selects with the weight', async () => {
  const selected: SelectedFilter[] = []
  // Scale 5, gap 1: 10 px tiles at x = 0, 11, 22.
  const screen = await render(
    <FilterGrid
      filters={{ images: filters([1, -1, 0.5]), weights: new Float32Array([0.1, 0.7, 0.2]) }}
      sort="weight"
      noun="component"
      weightName="explained variance"
      scale={5}
      gap={1}
      onSelect={(filter) => selected.push(filter)}
    />,
  )
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  expect(canvas.width).toBe(32)
  expect(canvas.getAttribute('aria-label')).toMatch(
    /^3 components, largest explained variance first; component 2 focused \(explained variance 0\.700\)/,
  )
  // Largest weight first: the negative filter (index 1), then 0.5 (index 2), then 1 (index 0).
  expect(isRed(pixel(canvas, 2, 2))).toBe(true)
  expect(isBlue(pixel(canvas, 13, 2))).toBe(true)
  expect(isBlue(pixel(canvas, 24, 2))).toBe(true)
  // Zero is the scale's middle: pale.
  expect(isPale(pixel(canvas, 7, 7))).toBe(true)
  // Each tile is scaled to its own largest magnitude: 0.5 is as deep a blue as 1.
  expect(pixel(canvas, 13, 2)).toEqual(pixel(canvas, 24, 2))

  canvas.dispatchEvent(
    new MouseEvent('click', {
      bubbles: true,
      clientX: canvas.getBoundingClientRect().left + 13,
      clientY: canvas.getBoundingClientRect().top + 2,
    }),
  )
  expect(selected).toHaveLength(1)
  expect(selected[0]?.index).toBe(2)
  expect(selected[0]?.weight).toBeCloseTo(0.2)
  expect(selected[0]?.image.shape).toEqual([1, 2, 2, 1])
})

test('FilterGrid without filters shows its empty state; DictionaryGrid draws through the same grid', async () => {
  const empty = await render(<FilterGrid filters={undefined} noun="receptive field" />)
  expect(empty.container.textContent).toContain('No receptive fields yet')
  await cleanup()
  const screen = await render(
    <DictionaryGrid dictionary={{ atoms: filters([-1, 1]) }} scale={5} gap={1} />,
  )
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  expect(screen.container.querySelector('.lk-dictionary-grid__legend')).not.toBeNull()
  expect(isRed(pixel(canvas, 2, 2))).toBe(true)
  expect(isBlue(pixel(canvas, 13, 2))).toBe(true)
})
