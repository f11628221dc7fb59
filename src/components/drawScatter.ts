/**
 * Draws a scatter plot on a 2-D canvas context: one batched path per colour (a few thousand
 * `rect`s per `fill`, never one fill per point), the focused cluster over the faded others, the
 * selection, the hovered point and the brush or lasso being drawn. Touches only the context it gets.
 */
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
  readonly points: Float32Array
  readonly groups: ColorGroups
  readonly view: Viewport
  readonly width: number
  readonly height: number
  /** Side of a point's square, in CSS pixels. */
  readonly pointSize: number
  readonly background: string
  /** Group drawn at full strength over the others (keyboard focus), if any. */
  readonly focusedGroup: number | undefined
  readonly selected: readonly number[]
  readonly hovered: number | undefined
  /** A brush rectangle in screen pixels, `[x0, y0, x1, y1]`. */
  readonly brush: readonly number[] | undefined
  /** A lasso in screen pixels, `[x, y]` pairs. */
  readonly lasso: readonly number[] | undefined
}

/** Adds squares for `indices` to the current path; returns how many were on screen. */
function addSquares(
  context: CanvasRenderingContext2D,
  frame: ScatterFrame,
  indices: ArrayLike<number>,
  size: number,
): void {
  const { points, view, width, height } = frame
  const half = size / 2
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number
    const x = (points[2 * i] as number) * view.scale + view.offsetX
    const y = (points[2 * i + 1] as number) * view.scale + view.offsetY
    if (x < -size || y < -size || x > width + size || y > height + size) continue
    context.rect(x - half, y - half, size, size)
  }
}

/** Draws `frame` on `context` (already scaled for the device pixel ratio). */
export function drawScatter(context: CanvasRenderingContext2D, frame: ScatterFrame): void {
  const { groups, width, height, pointSize, focusedGroup } = frame
  context.globalAlpha = 1
  context.fillStyle = frame.background
  context.fillRect(0, 0, width, height)
  groups.members.forEach((members, g) => {
    if (g === focusedGroup) return
    context.globalAlpha = focusedGroup === undefined ? 1 : 0.15
    context.fillStyle = groups.colors[g] as string
    context.beginPath()
    addSquares(context, frame, members, pointSize)
    context.fill()
  })
  context.globalAlpha = 1
  if (focusedGroup !== undefined && groups.members[focusedGroup]) {
    context.fillStyle = groups.colors[focusedGroup] as string
    context.beginPath()
    addSquares(context, frame, groups.members[focusedGroup], pointSize)
    context.fill()
  }
  if (frame.selected.length > 0) {
    context.strokeStyle = '#111'
    context.lineWidth = 1
    context.beginPath()
    addSquares(context, frame, frame.selected, pointSize + 2)
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
    context.arc(at.x, at.y, pointSize + 3, 0, 2 * Math.PI)
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
