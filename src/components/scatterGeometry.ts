/**
 * Pure geometry of a scatter plot: the view transform (pan and zoom), a spatial grid for hit-testing
 * thousands of points, and rectangle and lasso selection. No DOM.
 */

/** Screen = data × scale + offset (the same scale on both axes; y grows downwards on screen). */
export interface Viewport {
  /** Screen pixels per data unit. */
  readonly scale: number
  /** Screen x of data x = 0. */
  readonly offsetX: number
  /** Screen y of data y = 0. */
  readonly offsetY: number
}

/** An axis-aligned rectangle. */
export interface Rect {
  /** Left edge. */
  readonly minX: number
  /** Top edge (smallest y). */
  readonly minY: number
  /** Right edge. */
  readonly maxX: number
  /** Bottom edge (largest y). */
  readonly maxY: number
}

/** The smallest rectangle holding every finite point of `points` (`[x, y]` pairs). */
export function boundsOf(points: Float32Array): Rect {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] as number
    const y = points[i + 1] as number
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  if (minX > maxX) return { minX: 0, minY: 0, maxX: 0, maxY: 0 }
  return { minX, minY, maxX, maxY }
}

/** The view that fits `bounds` into `width × height` pixels with `padding` pixels on every side. */
export function fitViewport(bounds: Rect, width: number, height: number, padding = 12): Viewport {
  const spanX = Math.max(bounds.maxX - bounds.minX, 1e-9)
  const spanY = Math.max(bounds.maxY - bounds.minY, 1e-9)
  const scale = Math.max(
    Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY),
    1e-9,
  )
  return {
    scale,
    offsetX: width / 2 - ((bounds.minX + bounds.maxX) / 2) * scale,
    offsetY: height / 2 - ((bounds.minY + bounds.maxY) / 2) * scale,
  }
}

/** The screen position of data point `(x, y)`. */
export function toScreen(view: Viewport, x: number, y: number): { x: number; y: number } {
  return { x: x * view.scale + view.offsetX, y: y * view.scale + view.offsetY }
}

/** The data position under screen point `(x, y)`. */
export function toData(view: Viewport, x: number, y: number): { x: number; y: number } {
  return { x: (x - view.offsetX) / view.scale, y: (y - view.offsetY) / view.scale }
}

/** The view moved by `(dx, dy)` screen pixels. */
export function panBy(view: Viewport, dx: number, dy: number): Viewport {
  return { scale: view.scale, offsetX: view.offsetX + dx, offsetY: view.offsetY + dy }
}

/**
 * The view zoomed by `factor` (> 1 zooms in) about screen point `(x, y)`, which stays over the same
 * data point; the scale is kept within `[minScale, maxScale]`.
 */
export function zoomAt(
  view: Viewport,
  factor: number,
  x: number,
  y: number,
  minScale = 0,
  maxScale = Infinity,
): Viewport {
  const scale = Math.min(Math.max(view.scale * factor, minScale), maxScale)
  const applied = scale / view.scale
  return {
    scale,
    offsetX: x - (x - view.offsetX) * applied,
    offsetY: y - (y - view.offsetY) * applied,
  }
}

/** Points bucketed into square cells of data space, for hit-testing in about constant time. */
export interface PointGrid {
  /** The points, `[x, y]` pairs. */
  readonly points: Float32Array
  /** Bounds of the finite points; cell (0, 0) starts at their top-left corner. */
  readonly bounds: Rect
  /** Side of a cell in data units. */
  readonly cellSize: number
  /** Cells across. */
  readonly columns: number
  /** Cells down. */
  readonly rows: number
  /** Start of each cell's run in `order` (cells + 1 entries). */
  readonly starts: Uint32Array
  /** Point indices grouped by cell. */
  readonly order: Uint32Array
}

/**
 * A grid of about `perCell` points per cell over `points` (`[x, y]` pairs); non-finite points are
 * left out. Built in O(n) by counting sort.
 */
export function buildPointGrid(points: Float32Array, perCell = 2): PointGrid {
  const count = Math.floor(points.length / 2)
  const bounds = boundsOf(points)
  const spanX = Math.max(bounds.maxX - bounds.minX, 1e-9)
  const spanY = Math.max(bounds.maxY - bounds.minY, 1e-9)
  const cells = Math.max(1, Math.min(count / perCell, 1 << 20))
  const cellSize = Math.max(Math.sqrt((spanX * spanY) / cells), spanX / 1024, spanY / 1024)
  const columns = Math.floor(spanX / cellSize) + 1
  const rows = Math.floor(spanY / cellSize) + 1
  const cellOf = new Int32Array(count).fill(-1)
  const starts = new Uint32Array(columns * rows + 1)
  for (let i = 0; i < count; i++) {
    const x = points[2 * i] as number
    const y = points[2 * i + 1] as number
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    const cell =
      Math.floor((y - bounds.minY) / cellSize) * columns + Math.floor((x - bounds.minX) / cellSize)
    cellOf[i] = cell
    starts[cell + 1] = (starts[cell + 1] as number) + 1
  }
  for (let c = 0; c < columns * rows; c++) {
    starts[c + 1] = (starts[c + 1] as number) + (starts[c] as number)
  }
  const fill = starts.slice(0, columns * rows)
  const order = new Uint32Array(starts[columns * rows] as number)
  for (let i = 0; i < count; i++) {
    const cell = cellOf[i] as number
    if (cell < 0) continue
    order[fill[cell] as number] = i
    fill[cell] = (fill[cell] as number) + 1
  }
  return { points, bounds, cellSize, columns, rows, starts, order }
}

/**
 * The index of the point nearest data position `(x, y)` within `radius` (data units), or
 * `undefined`. Ties go to the lower index; `skip(i)` leaves points out (e.g. hidden classes).
 */
export function nearestPoint(
  grid: PointGrid,
  x: number,
  y: number,
  radius: number,
  skip?: (index: number) => boolean,
): number | undefined {
  const { bounds, cellSize, columns, rows, starts, order, points } = grid
  const c0 = Math.max(0, Math.floor((x - radius - bounds.minX) / cellSize))
  const c1 = Math.min(columns - 1, Math.floor((x + radius - bounds.minX) / cellSize))
  const r0 = Math.max(0, Math.floor((y - radius - bounds.minY) / cellSize))
  const r1 = Math.min(rows - 1, Math.floor((y + radius - bounds.minY) / cellSize))
  let best: number | undefined
  let bestDistance = radius * radius
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const cell = r * columns + c
      for (let k = starts[cell] as number; k < (starts[cell + 1] as number); k++) {
        const i = order[k] as number
        if (skip?.(i)) continue
        const dx = (points[2 * i] as number) - x
        const dy = (points[2 * i + 1] as number) - y
        const d = dx * dx + dy * dy
        if (d < bestDistance || (d === bestDistance && best !== undefined && i < best)) {
          best = i
          bestDistance = d
        }
      }
    }
  }
  return best
}

/** The rectangle spanned by two corners, in any order. */
export function rectFromCorners(ax: number, ay: number, bx: number, by: number): Rect {
  return {
    minX: Math.min(ax, bx),
    minY: Math.min(ay, by),
    maxX: Math.max(ax, bx),
    maxY: Math.max(ay, by),
  }
}

/** Indices of the points inside `rect` (edges included), in increasing order. */
export function pointsInRect(points: Float32Array, rect: Rect): number[] {
  const inside: number[] = []
  for (let i = 0; 2 * i + 1 < points.length; i++) {
    const x = points[2 * i] as number
    const y = points[2 * i + 1] as number
    if (x >= rect.minX && x <= rect.maxX && y >= rect.minY && y <= rect.maxY) inside.push(i)
  }
  return inside
}

/**
 * True when `(x, y)` lies inside `polygon` (`[x, y]` pairs, closed implicitly), by the even-odd
 * rule (a ray cast to the right crosses the boundary an odd number of times).
 */
export function pointInPolygon(x: number, y: number, polygon: readonly number[]): boolean {
  let inside = false
  const n = Math.floor(polygon.length / 2)
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = polygon[2 * i] as number
    const yi = polygon[2 * i + 1] as number
    const xj = polygon[2 * j] as number
    const yj = polygon[2 * j + 1] as number
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Indices of the points inside `polygon` (fewer than 3 vertices selects nothing), increasing. */
export function pointsInPolygon(points: Float32Array, polygon: readonly number[]): number[] {
  if (polygon.length < 6) return []
  const box = boundsOf(Float32Array.from(polygon))
  return pointsInRect(points, box).filter((i) =>
    pointInPolygon(points[2 * i] as number, points[2 * i + 1] as number, polygon),
  )
}
