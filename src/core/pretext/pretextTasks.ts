/**
 * The pretext tasks' examples, in plain TypeScript on `Float32Array`s (no TF.js: they are made in
 * the worker beside the training loop, in tests, and in a UI that shows them). Each task turns an
 * image into an *example* — an image of the task's input shape — and a class (its target); the
 * network cuts an example into *views* that one encoder sees each, and a head reads their features.
 *
 * | task | example | views | classes |
 * |---|---|---|---|
 * | rotation | the image turned by k · 90° (counter-clockwise) | 1: the example | 4 |
 * | jigsaw | the image with its grid tiles shuffled by one permutation of a fixed set | grid² tiles | permutations |
 * | relativePosition | the centre patch of a 3×3 layout beside one neighbour, `[p, 2p, c]` | 2 patches | 8 |
 */
import { InvalidOptionError, ShapeMismatchError } from '../errors'
import type { ImageShape } from '../dataset'
import type { Random } from '../random'
import { factorial, maximalHammingPermutations, shuffleTiles } from './permutations'
import type { PretextTask, ResolvedPretextOptions } from './pretextOptions'

/** Where a relative-position neighbour sits: row-major around the centre, the centre skipped. */
export const NEIGHBOURS: readonly (readonly [row: number, column: number])[] = [
  [0, 0],
  [0, 1],
  [0, 2],
  [1, 0],
  [1, 2],
  [2, 0],
  [2, 1],
  [2, 2],
]

/** How a task cuts images for images of one shape: everything the examples need. */
export interface TaskLayout {
  readonly task: PretextTask
  /** Shape of the images the model learns from. */
  readonly shape: ImageShape
  /** Shape of one example (what `makeTask` returns and `predict` takes). */
  readonly inputShape: ImageShape
  /** Shape of what the encoder sees: the image, a tile or a patch. */
  readonly viewShape: ImageShape
  /** Views per example. */
  readonly views: number
  /** Views per image in `encode`: 1 (rotation), grid² tiles (jigsaw), 9 patches (relative position). */
  readonly encodeViews: number
  /** Classes of the task. */
  readonly classes: number
  /** Jigsaw: tiles per side (else 1). */
  readonly grid: number
  /** Jigsaw: the permutation set, class `k` is `permutations[k]` (else empty). */
  readonly permutations: readonly (readonly number[])[]
  /** Relative position: a patch's side in pixels (else 0). */
  readonly patchSize: number
  /** Relative position: pixels between neighbouring patches (else 0). */
  readonly gap: number
  /** Relative position: the most a patch moves on each axis, in pixels (else 0). */
  readonly jitter: number
}

const size = (shape: ImageShape): number => shape[0] * shape[1] * shape[2]

/**
 * `options` with the defaults that depend on the images filled in (permutation count, patch size,
 * gap, jitter, for the task that uses them), checked against images of `shape`: `SHAPE_MISMATCH`
 * for a rotation task on images that are not square; `INVALID_OPTION` for a jigsaw grid that does
 * not divide the image's sides, a patch larger than the image, or a patch layout that does not fit.
 */
export function resolveTaskOptions(
  options: ResolvedPretextOptions,
  shape: ImageShape,
): ResolvedPretextOptions {
  const [height, width] = shape
  const side = Math.min(height, width)
  switch (options.task) {
    case 'rotation':
      if (height !== width) {
        throw new ShapeMismatchError(
          `the rotation task needs square images (a quarter turn must keep the shape); got ${height} × ${width}. Crop or pad the images to a square, or use task 'jigsaw'`,
          { height, width },
        )
      }
      return options
    case 'jigsaw': {
      const { grid } = options
      if (height % grid !== 0 || width % grid !== 0) {
        throw new InvalidOptionError(
          `grid ${grid} does not divide the images' sides (${height} × ${width}): the tiles must be whole pixels. Pass a grid that divides both${height % 2 === 0 && width % 2 === 0 ? ', e.g. 2' : ''}, or crop the images`,
          { option: 'grid', height, width },
        )
      }
      return {
        ...options,
        permutations: options.permutations ?? Math.min(100, factorial(grid * grid)),
      }
    }
    case 'relativePosition': {
      const patchSize = options.patchSize ?? Math.max(1, Math.floor(side / 4))
      if (patchSize > side) {
        throw new InvalidOptionError(
          `patchSize is ${patchSize} pixels but the images are ${height} × ${width}; a patch cannot be larger than the image. Pass patchSize ≤ ${Math.floor(side / 3)} (3 patches must fit across)`,
          { option: 'patchSize', height, width },
        )
      }
      const gap = options.gap ?? Math.ceil(patchSize / 4)
      const span = 3 * patchSize + 2 * gap
      const jitter =
        options.jitter ??
        Math.max(0, Math.min(Math.ceil(patchSize / 4), Math.floor((side - span) / 2)))
      if (span + 2 * jitter > side) {
        throw new InvalidOptionError(
          `3 patches of ${patchSize} pixels with gaps of ${gap} and jitter ${jitter} need ${span + 2 * jitter} pixels across, but the images are ${height} × ${width}. Lower patchSize, gap or jitter`,
          {
            option:
              options.patchSize === undefined
                ? options.gap === undefined
                  ? 'jitter'
                  : 'gap'
                : 'patchSize',
            height,
            width,
          },
        )
      }
      return { ...options, patchSize, gap, jitter }
    }
  }
}

/** The layout of `options` (resolved by {@link resolveTaskOptions}) for images of `shape`. */
export function taskLayout(options: ResolvedPretextOptions, shape: ImageShape): TaskLayout {
  const resolved = resolveTaskOptions(options, shape)
  const [height, width, channels] = shape
  const base = {
    task: resolved.task,
    shape,
    grid: 1,
    permutations: [],
    patchSize: 0,
    gap: 0,
    jitter: 0,
  }
  switch (resolved.task) {
    case 'rotation':
      return { ...base, inputShape: shape, viewShape: shape, views: 1, encodeViews: 1, classes: 4 }
    case 'jigsaw': {
      const { grid } = resolved
      const count = resolved.permutations as number
      return {
        ...base,
        inputShape: shape,
        viewShape: [height / grid, width / grid, channels],
        views: grid * grid,
        encodeViews: grid * grid,
        classes: count,
        grid,
        permutations: maximalHammingPermutations(grid * grid, count, resolved.seed),
      }
    }
    case 'relativePosition': {
      const p = resolved.patchSize as number
      return {
        ...base,
        inputShape: [p, 2 * p, channels],
        viewShape: [p, p, channels],
        views: 2,
        encodeViews: 9,
        classes: NEIGHBOURS.length,
        patchSize: p,
        gap: resolved.gap as number,
        jitter: resolved.jitter as number,
      }
    }
  }
}

/**
 * Copies the `rows × columns` block at (`top`, `left`) of the image at `source[offset …]` (of
 * `shape`) into `out` at (`outTop`, `outLeft`) of an image of `outShape` starting at `outOffset`.
 */
function copyBlock(
  source: Float32Array,
  offset: number,
  shape: ImageShape,
  top: number,
  left: number,
  rows: number,
  columns: number,
  out: Float32Array,
  outOffset: number,
  outShape: ImageShape,
  outTop: number,
  outLeft: number,
): void {
  const c = shape[2]
  for (let y = 0; y < rows; y++) {
    const from = offset + ((top + y) * shape[1] + left) * c
    out.set(
      source.subarray(from, from + columns * c),
      outOffset + ((outTop + y) * outShape[1] + outLeft) * c,
    )
  }
}

/**
 * Writes the image at `source[offset …]` (`side × side × c`) turned counter-clockwise by
 * `quarterTurns` · 90° into `out[outOffset …]`.
 */
export function rotateImage(
  source: ArrayLike<number>,
  offset: number,
  out: Float32Array,
  outOffset: number,
  shape: ImageShape,
  quarterTurns: number,
): void {
  const [s, , c] = shape
  const last = s - 1
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      // Counter-clockwise: out(y, x) reads in(x, last − y) once, in(last − y, last − x) twice, …
      const [sy, sx] =
        quarterTurns === 1
          ? [x, last - y]
          : quarterTurns === 2
            ? [last - y, last - x]
            : quarterTurns === 3
              ? [last - x, y]
              : [y, x]
      for (let k = 0; k < c; k++) {
        out[outOffset + (y * s + x) * c + k] = source[offset + (sy * s + sx) * c + k] as number
      }
    }
  }
}

/** Top-left corners of the 3×3 patch layout, row-major, before jitter, from its origin. */
function cellCorner(layout: TaskLayout, row: number, column: number): [number, number] {
  const step = layout.patchSize + layout.gap
  return [row * step, column * step]
}

/** Span of the 3×3 patch layout in pixels. */
const layoutSpan = (layout: TaskLayout): number => 3 * layout.patchSize + 2 * layout.gap

/** One example of each image `rows` of `images`, with random targets drawn from `random`. */
export interface TaskExamples {
  /** The examples, `rows.length` images of the layout's `inputShape`. */
  readonly inputs: Float32Array
  /** The class of each example. */
  readonly targets: Int32Array
}

/**
 * Makes one example of each of the images `rows` of `images` (of the layout's `shape`): a target
 * drawn uniformly from the task's classes, and the example it gives. Draws from `random` in a fixed
 * order, so the same stream gives the same examples. `targets` forces the classes instead.
 */
export function makeExamples(
  images: Float32Array,
  rows: ArrayLike<number>,
  layout: TaskLayout,
  random: Random,
  targets?: ArrayLike<number>,
): TaskExamples {
  const n = rows.length
  const from = size(layout.shape)
  const to = size(layout.inputShape)
  const inputs = new Float32Array(n * to)
  const classes = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const offset = (rows[i] as number) * from
    const target = targets ? (targets[i] as number) : random.int(layout.classes)
    classes[i] = target
    switch (layout.task) {
      case 'rotation':
        rotateImage(images, offset, inputs, i * to, layout.shape, target)
        break
      case 'jigsaw':
        shuffleTiles(
          images,
          offset,
          inputs,
          i * to,
          layout.shape,
          layout.grid,
          layout.permutations[target] as readonly number[],
        )
        break
      case 'relativePosition': {
        const [h, w] = layout.shape
        const span = layoutSpan(layout)
        const j = layout.jitter
        const top = j + random.int(h - span - 2 * j + 1)
        const left = j + random.int(w - span - 2 * j + 1)
        const [row, column] = NEIGHBOURS[target] as readonly [number, number]
        const cells: [number, number][] = [
          [1, 1],
          [row, column],
        ]
        for (const [k, [r, c]] of cells.entries()) {
          const [cy, cx] = cellCorner(layout, r, c)
          const dy = random.int(2 * j + 1) - j
          const dx = random.int(2 * j + 1) - j
          const p = layout.patchSize
          copyBlock(
            images,
            offset,
            layout.shape,
            top + cy + dy,
            left + cx + dx,
            p,
            p,
            inputs,
            i * to,
            layout.inputShape,
            0,
            k * p,
          )
        }
        break
      }
    }
  }
  return { inputs, targets: classes }
}

/**
 * Cuts `n` images of `shape` into a `grid` of blocks of `blockShape` laid out row-major: the
 * result holds, per image, its blocks one after another (`[n · blocks, blockSize]`).
 */
function cutBlocks(
  data: Float32Array,
  n: number,
  shape: ImageShape,
  corners: readonly (readonly [number, number])[],
  blockShape: ImageShape,
): Float32Array {
  const block = size(blockShape)
  const image = size(shape)
  const out = new Float32Array(n * corners.length * block)
  for (let i = 0; i < n; i++) {
    for (const [k, [top, left]] of corners.entries()) {
      copyBlock(
        data,
        i * image,
        shape,
        top,
        left,
        blockShape[0],
        blockShape[1],
        out,
        (i * corners.length + k) * block,
        blockShape,
        0,
        0,
      )
    }
  }
  return out
}

/** Corners of a `grid × grid` tiling of blocks `th × tw`, row-major. */
const gridCorners = (
  grid: number,
  th: number,
  tw: number,
  top = 0,
  left = 0,
  step = 0,
): [number, number][] =>
  Array.from({ length: grid * grid }, (_, k) => [
    top + Math.floor(k / grid) * (th + step),
    left + (k % grid) * (tw + step),
  ])

/** The views of `n` examples (`[n, …inputShape]`): `[n · views, viewSize]`, per example in order. */
export function exampleViews(inputs: Float32Array, n: number, layout: TaskLayout): Float32Array {
  const [vh, vw] = layout.viewShape
  switch (layout.task) {
    case 'rotation':
      return inputs
    case 'jigsaw':
      return cutBlocks(
        inputs,
        n,
        layout.inputShape,
        gridCorners(layout.grid, vh, vw),
        layout.viewShape,
      )
    case 'relativePosition':
      return cutBlocks(
        inputs,
        n,
        layout.inputShape,
        [
          [0, 0],
          [0, vw],
        ],
        layout.viewShape,
      )
  }
}

/**
 * The views `encode` reads of `n` images (`[n, …shape]`): the image (rotation), its tiles in order
 * (jigsaw), or the 9 patches of the 3×3 layout centred on the image, without jitter (relative
 * position) — `[n · encodeViews, viewSize]`.
 */
export function imageViews(images: Float32Array, n: number, layout: TaskLayout): Float32Array {
  const [h, w] = layout.shape
  const [vh, vw] = layout.viewShape
  switch (layout.task) {
    case 'rotation':
      return images
    case 'jigsaw':
      return cutBlocks(images, n, layout.shape, gridCorners(layout.grid, vh, vw), layout.viewShape)
    case 'relativePosition': {
      const span = layoutSpan(layout)
      const corners = gridCorners(
        3,
        vh,
        vw,
        Math.floor((h - span) / 2),
        Math.floor((w - span) / 2),
        layout.gap,
      )
      return cutBlocks(images, n, layout.shape, corners, layout.viewShape)
    }
  }
}
