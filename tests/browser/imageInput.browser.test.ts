import { describe, expect, test } from 'vitest'
import { fromImageData, fromImageSources } from '../../src/data/imageInput'

function drawnCanvas(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d')!
  context.fillStyle = '#000'
  context.fillRect(0, 0, width, height)
  context.fillStyle = '#fff'
  context.fillRect(0, 0, width / 2, height)
  return canvas
}

describe('browser image helpers', () => {
  test('fromImageData: luminance in [0, 1], RGB, inversion', () => {
    const image = new ImageData(new Uint8ClampedArray([255, 255, 255, 255, 255, 0, 0, 255]), 2, 1)
    const gray = fromImageData(image)
    expect(gray.shape).toEqual([1, 1, 2, 1])
    expect(gray.data[0]).toBeCloseTo(1, 5)
    expect(gray.data[1]).toBeCloseTo(0.2126, 4)
    const rgb = fromImageData([image, image], { channels: 3, invert: true })
    expect(rgb.shape).toEqual([2, 1, 2, 3])
    expect(Array.from(rgb.data.slice(3, 6))).toEqual([0, 1, 1])
    expect(() => fromImageData([image, new ImageData(3, 1)])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    )
  })

  test('fromImageSources resizes canvases to the model size', () => {
    const batch = fromImageSources([drawnCanvas(64, 64), drawnCanvas(32, 16)], {
      width: 8,
      height: 8,
    })
    expect(batch.shape).toEqual([2, 8, 8, 1])
    // Left half white, right half black, after resizing.
    expect(batch.data[0]).toBeGreaterThan(0.9)
    expect(batch.data[7]).toBeLessThan(0.1)
    expect(() => fromImageSources(drawnCanvas(4, 4), { width: 0, height: 8 })).toThrow(
      /width and height/,
    )
  })
})
