/**
 * Draws a scatter plot on a 2-D canvas context: every point written as pixels into one reusable
 * image (the focused cluster over the faded others), then the selection, the hovered point and the
 * brush or lasso being drawn as strokes. Touches only the context it gets.
 */
import { rgb } from 'd3-color'
import { toScreen, type Viewport } from './scatterGeometry'

/** Points grouped by colour, built once per data (see {@link groupByColor}). */
export interface ColorGroups {
  /** Colour of each group. */
  readonly colors: readonly string[]
  /** The label each group stands for (`undefined` for the one group of unlabelled points). */
  readonly labels: readonly (number | undefined)[]
  /** Point indices of each group. */
  readonly members: readonly Uint32Array[]
}

/**
 * Groups points by label, one colour per distinct label by increasing label (`colors[k]` for the
 * k-th label); without labels, every point in one group of `fallback` colour.
 */
export function groupByColor(
  count: number,
  labels: ArrayLike<number> | undefined,
  colorsFor: (distinct: number) => readonly string[],
  fallback: string,
): ColorGroups {
  if (!labels) {
    return {
      colors: [fallback],
      labels: [undefined],
      members: [Uint32Array.from({ length: count }, (_, i) => i)],
    }
  }
  const byLabel = new Map<number, number[]>()
  for (let i = 0; i < Math.min(count, labels.length); i++) {
    const label = labels[i] as number
    if (!Number.isInteger(label)) continue
    let list = byLabel.get(label)
    if (!list) byLabel.set(label, (list = []))
    list.push(i)
  }
  const sorted = [...byLabel.keys()].sort((a, b) => a - b)
  const colors = colorsFor(sorted.length)
  return {
    colors: sorted.map((_, k) => colors[k] ?? fallback),
    labels: sorted,
    members: sorted.map((label) => Uint32Array.from(byLabel.get(label) ?? [])),
  }
}

/** What one frame shows. */
export interface ScatterFrame {
  /** The points, `[x, y]` pairs in data units. */
  readonly points: Float32Array
  /** Points by colour. */
  readonly groups: ColorGroups
  /** Data → screen transform, in CSS pixels. */
  readonly view: Viewport
  /** Width in CSS pixels. */
  readonly width: number
  /** Height in CSS pixels. */
  readonly height: number
  /** Device pixels per CSS pixel (the canvas holds `width × ratio` pixels a row). */
  readonly ratio: number
  /** Side of a point's square, in CSS pixels. */
  readonly pointSize: number
  /** CSS colour behind the points. */
  readonly background: string
  /** Group drawn at full strength over the faded others (keyboard focus), if any. */
  readonly focusedGroup: number | undefined
  /** Indices of the selected points (outlined). */
  readonly selected: readonly number[]
  /** Index of the hovered point (ringed), if any. */
  readonly hovered: number | undefined
  /** A brush rectangle in screen pixels, `[x0, y0, x1, y1]`. */
  readonly brush: readonly number[] | undefined
  /** A lasso in screen pixels, `[x, y]` pairs. */
  readonly lasso: readonly number[] | undefined
}

/** How much of a faded group's colour shows over the background. */
const FADED = 0.15

/** A CSS colour as one opaque RGBA pixel word (little-endian: R in the low byte). */
export function pixelWord(colour: string, over?: string, alpha = 1): number {
  const c = rgb(colour)
  const b = over === undefined ? c : rgb(over)
  const mix = (x: number, y: number) => Math.round(alpha * x + (1 - alpha) * y) & 255
  return ((255 << 24) | (mix(c.b, b.b) << 16) | (mix(c.g, b.g) << 8) | mix(c.r, b.r)) >>> 0
}

/**
 * Writes squares of `side` device pixels for `indices` into `pixels` (one word per device pixel,
 * `columns × rows`), clipped to the canvas.
 */
function rasterize(
  pixels: Uint32Array,
  columns: number,
  rows: number,
  frame: ScatterFrame,
  indices: ArrayLike<number>,
  word: number,
): void {
  const { points, view, ratio } = frame
  const side = Math.max(1, Math.round(frame.pointSize * ratio))
  const half = side / 2
  const scale = view.scale * ratio
  const offsetX = view.offsetX * ratio - half
  const offsetY = view.offsetY * ratio - half
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number
    const x0 = Math.round((points[2 * i] as number) * scale + offsetX)
    const y0 = Math.round((points[2 * i + 1] as number) * scale + offsetY)
    if (!(x0 > -side && y0 > -side && x0 < columns && y0 < rows)) continue
    const xStart = Math.max(x0, 0)
    const xEnd = Math.min(x0 + side, columns)
    for (let y = Math.max(y0, 0); y < Math.min(y0 + side, rows); y++) {
      pixels.fill(word, y * columns + xStart, y * columns + xEnd)
    }
  }
}

/** A reusable pixel buffer for {@link drawScatter} (one per canvas). */
export interface ScatterRaster {
  /** The canvas-sized image, made on first use and when the canvas size changes. */
  image: ImageData | undefined
}

/**
 * Draws `frame` on `context`: the points as pixels (one `putImageData`: with tens of thousands of
 * points far cheaper than filling paths), then the selection, the hovered point and the brush or
 * lasso as vector strokes. `raster` keeps the pixel buffer between frames.
 */
export function drawScatter(
  context: CanvasRenderingContext2D,
  frame: ScatterFrame,
  raster: ScatterRaster,
): void {
  const { groups, focusedGroup, ratio } = frame
  const columns = context.canvas.width
  const rows = context.canvas.height
  if (!raster.image || raster.image.width !== columns || raster.image.height !== rows) {
    raster.image = context.createImageData(columns, rows)
  }
  const pixels = new Uint32Array(raster.image.data.buffer)
  pixels.fill(pixelWord(frame.background))
  groups.members.forEach((members, g) => {
    if (g === focusedGroup) return
    const colour = groups.colors[g] as string
    const word =
      focusedGroup === undefined ? pixelWord(colour) : pixelWord(colour, frame.background, FADED)
    rasterize(pixels, columns, rows, frame, members, word)
  })
  const focused = focusedGroup === undefined ? undefined : groups.members[focusedGroup]
  if (focused) {
    const word = pixelWord(groups.colors[focusedGroup as number] as string)
    rasterize(pixels, columns, rows, frame, focused, word)
  }
  context.putImageData(raster.image, 0, 0)
  context.setTransform(ratio, 0, 0, ratio, 0, 0)
  if (frame.selected.length > 0) {
    const { points, view, pointSize } = frame
    const side = pointSize + 2
    context.strokeStyle = '#111'
    context.lineWidth = 1
    context.beginPath()
    for (const i of frame.selected) {
      const at = toScreen(view, points[2 * i] as number, points[2 * i + 1] as number)
      context.rect(at.x - side / 2, at.y - side / 2, side, side)
    }
    context.stroke()
  }
  if (frame.hovered !== undefined) {
    const at = toScreen(
      frame.view,
      frame.points[2 * frame.hovered] as number,
      frame.points[2 * frame.hovered + 1] as number,
    )
    context.strokeStyle = '#111'
    context.lineWidth = 2
    context.beginPath()
    context.arc(at.x, at.y, frame.pointSize + 3, 0, 2 * Math.PI)
    context.stroke()
  }
  drawTool(context, frame)
}

/** The brush rectangle or the lasso being drawn. */
function drawTool(context: CanvasRenderingContext2D, frame: ScatterFrame): void {
  const { brush, lasso } = frame
  if (!brush && !lasso) return
  context.strokeStyle = '#1f6feb'
  context.fillStyle = 'rgba(31, 111, 235, 0.08)'
  context.lineWidth = 1
  context.setLineDash([4, 3])
  context.beginPath()
  if (brush) {
    const [x0, y0, x1, y1] = brush as [number, number, number, number]
    context.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0))
  } else if (lasso && lasso.length >= 2) {
    context.moveTo(lasso[0] as number, lasso[1] as number)
    for (let i = 2; i + 1 < lasso.length; i += 2) {
      context.lineTo(lasso[i] as number, lasso[i + 1] as number)
    }
    context.closePath()
  }
  context.fill()
  context.stroke()
  context.setLineDash([])
}
