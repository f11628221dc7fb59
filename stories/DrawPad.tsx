/** Story helper: draw on an image with the mouse or a pen (white strokes), e.g. to add a defect. */
import { useEffect, useRef, type PointerEvent } from 'react'
import type { ImageBatch } from '../src/core/dataset'

function paint(
  canvas: HTMLCanvasElement | null,
  values: Float32Array,
  h: number,
  w: number,
  scale: number,
): void {
  const context = canvas?.getContext('2d')
  if (!context) return
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.round(255 * Math.min(1, Math.max(0, values[y * w + x] ?? 0)))
      context.fillStyle = `rgb(${v},${v},${v})`
      context.fillRect(x * scale, y * scale, scale, scale)
    }
  }
}

export function DrawPad({
  image,
  scale = 8,
  onChange,
}: {
  image: ImageBatch
  scale?: number
  onChange: (image: ImageBatch) => void
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const values = useRef<Float32Array>(new Float32Array(0))
  const drawing = useRef(false)
  const [, h, w] = image.shape

  // A new image starts a new drawing; re-renders in between keep the strokes.
  useEffect(() => {
    values.current = Float32Array.from(image.data.subarray(0, h * w))
    paint(canvasRef.current, values.current, h, w, scale)
  }, [image, h, w, scale])

  const stroke = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (!drawing.current) return
    const rect = event.currentTarget.getBoundingClientRect()
    const x = Math.floor(((event.clientX - rect.left) / rect.width) * w)
    const y = Math.floor(((event.clientY - rect.top) / rect.height) * h)
    if (x < 0 || y < 0 || x >= w || y >= h) return
    values.current[y * w + x] = 1
    paint(canvasRef.current, values.current, h, w, scale)
  }

  return (
    <canvas
      ref={canvasRef}
      width={w * scale}
      height={h * scale}
      aria-label="Drawing pad: drag to draw white strokes on the image"
      style={{ cursor: 'crosshair', touchAction: 'none', border: '1px solid #9ca3af' }}
      onPointerDown={(event) => {
        drawing.current = true
        stroke(event)
      }}
      onPointerMove={stroke}
      onPointerUp={() => {
        drawing.current = false
        onChange({ data: Float32Array.from(values.current), shape: [1, h, w, 1] })
      }}
      onPointerLeave={() => {
        if (!drawing.current) return
        drawing.current = false
        onChange({ data: Float32Array.from(values.current), shape: [1, h, w, 1] })
      }}
    />
  )
}
