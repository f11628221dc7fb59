/**
 * Square patches of images: where they are, copying them out, per-patch normalisation and its
 * inverse, and putting overlapping patches back into images (averaged). Pure TypeScript.
 */
import type { ImageBatch, ImageShape } from '../dataset'
import { ShapeMismatchError } from '../errors'
import type { PatchNormalization } from './sparseOptions'

/** Largest minus smallest of `values` (1 when they are all equal): the data's range. */
export function valueRange(values: Float32Array): number {
  let low = Infinity
  let high = -Infinity
  for (const v of values) {
    if (v < low) low = v
    if (v > high) high = v
  }
  return high > low ? high - low : 1
}

/** Patch positions, three integers each: image index, top row, left column. */
export type PatchPositions = Int32Array

/** Offsets of patch corners along one side: every `stride`, plus the last one so the edge is covered. */
export function cornerOffsets(side: number, patchSize: number, stride: number): number[] {
  const last = side - patchSize
  const offsets: number[] = []
  for (let o = 0; o <= last; o += stride) offsets.push(o)
  if (offsets[offsets.length - 1] !== last) offsets.push(last)
  return offsets
}

/** Throws `SHAPE_MISMATCH` when a patch does not fit in the images. */
export function assertPatchFits(shape: ImageShape, patchSize: number): void {
  const [height, width] = shape
  if (patchSize > height || patchSize > width) {
    throw new ShapeMismatchError(
      `patchSize ${patchSize} is larger than the images (${height} × ${width}); use patchSize ≤ ${Math.min(height, width)} or larger images`,
      { patchSize, height, width },
    )
  }
}

/** Every patch position of `count` images on a grid with `stride`. */
export function densePositions(
  count: number,
  shape: ImageShape,
  patchSize: number,
  stride: number,
): PatchPositions {
  const rows = cornerOffsets(shape[0], patchSize, stride)
  const columns = cornerOffsets(shape[1], patchSize, stride)
  const out = new Int32Array(count * rows.length * columns.length * 3)
  let o = 0
  for (let i = 0; i < count; i++) {
    for (const y of rows) {
      for (const x of columns) {
        out[o++] = i
        out[o++] = y
        out[o++] = x
      }
    }
  }
  return out
}

/** Number of patch positions at stride 1 in one image. */
export function positionsPerImage(shape: ImageShape, patchSize: number): number {
  return (shape[0] - patchSize + 1) * (shape[1] - patchSize + 1)
}

/** The position with flat index `index` among all stride-1 positions of a batch. */
export function positionAt(
  index: number,
  shape: ImageShape,
  patchSize: number,
): [number, number, number] {
  const across = shape[1] - patchSize + 1
  const perImage = positionsPerImage(shape, patchSize)
  const image = Math.floor(index / perImage)
  const within = index - image * perImage
  return [image, Math.floor(within / across), within % across]
}

/** Copies the patches at `positions` into rows of `patchSize² × channels` values (row, column, channel). */
export function extractPatches(
  images: ImageBatch,
  positions: PatchPositions,
  patchSize: number,
): Float32Array {
  const [, height, width, channels] = images.shape
  const rowValues = patchSize * channels
  const size = patchSize * rowValues
  const count = positions.length / 3
  const out = new Float32Array(count * size)
  for (let p = 0; p < count; p++) {
    const image = positions[3 * p] as number
    const top = positions[3 * p + 1] as number
    const left = positions[3 * p + 2] as number
    for (let r = 0; r < patchSize; r++) {
      const from = ((image * height + top + r) * width + left) * channels
      out.set(images.data.subarray(from, from + rowValues), p * size + r * rowValues)
    }
  }
  return out
}

/** What {@link normalizePatches} removed from each patch, to undo it. */
export interface PatchScaling {
  readonly means: Float32Array
  readonly scales: Float32Array
}

/**
 * Normalises each row of `patches` in place. `floor` is the smallest standard deviation divided by
 * under `'contrast'` (flat patches are not amplified beyond it).
 */
export function normalizePatches(
  patches: Float32Array,
  size: number,
  mode: PatchNormalization,
  floor: number,
): PatchScaling {
  const count = patches.length / size
  const means = new Float32Array(count)
  const scales = new Float32Array(count).fill(1)
  if (mode === 'none') return { means, scales }
  for (let p = 0; p < count; p++) {
    const row = patches.subarray(p * size, (p + 1) * size)
    let sum = 0
    for (let i = 0; i < size; i++) sum += row[i] as number
    const mean = sum / size
    let squares = 0
    for (let i = 0; i < size; i++) {
      const centred = (row[i] as number) - mean
      row[i] = centred
      squares += centred * centred
    }
    means[p] = mean
    if (mode === 'contrast') {
      const scale = Math.sqrt(squares / size + floor * floor)
      scales[p] = scale
      for (let i = 0; i < size; i++) row[i] = (row[i] as number) / scale
    }
  }
  return { means, scales }
}

/** Undoes {@link normalizePatches} in place. */
export function denormalizePatches(
  patches: Float32Array,
  size: number,
  scaling: PatchScaling,
): void {
  const count = patches.length / size
  for (let p = 0; p < count; p++) {
    const scale = scaling.scales[p] as number
    const mean = scaling.means[p] as number
    for (let i = p * size; i < (p + 1) * size; i++)
      patches[i] = (patches[i] as number) * scale + mean
  }
}

/** Puts patches back at their positions into `count` images; where they overlap, averages them. */
export function assemblePatches(
  patches: Float32Array,
  positions: PatchPositions,
  count: number,
  shape: ImageShape,
  patchSize: number,
): ImageBatch {
  const [height, width, channels] = shape
  const sums = new Float64Array(count * height * width * channels)
  const hits = new Uint32Array(count * height * width)
  const rowValues = patchSize * channels
  const size = patchSize * rowValues
  for (let p = 0; p < positions.length / 3; p++) {
    const image = positions[3 * p] as number
    const top = positions[3 * p + 1] as number
    const left = positions[3 * p + 2] as number
    for (let r = 0; r < patchSize; r++) {
      const pixel = (image * height + top + r) * width + left
      const source = p * size + r * rowValues
      for (let v = 0; v < rowValues; v++) {
        sums[pixel * channels + v] =
          (sums[pixel * channels + v] as number) + (patches[source + v] as number)
      }
      for (let x = 0; x < patchSize; x++) hits[pixel + x] = (hits[pixel + x] as number) + 1
    }
  }
  const data = new Float32Array(sums.length)
  for (let i = 0; i < data.length; i++) {
    const covered = hits[Math.floor(i / channels)] as number
    data[i] = covered > 0 ? (sums[i] as number) / covered : 0
  }
  return { data, shape: [count, height, width, channels] }
}
