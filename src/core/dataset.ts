/**
 * The engine's data form and the checks at its boundary. Pure TypeScript, no TF.js: the main thread
 * uses it to validate before any work starts, the worker and Node use it again at the engine's door.
 */
import {
  EmptyDatasetError,
  InvalidInputError,
  NonFiniteInputError,
  ShapeMismatchError,
} from './errors'

/** Height, width and channels of one image. */
export type ImageShape = readonly [height: number, width: number, channels: number]

/** A batch of images, row-major `[n, height, width, channels]`, values usually in [0, 1]. */
export interface ImageBatch {
  /** Pixel values, `n × height × width × channels` of them. */
  readonly data: Float32Array
  /** `[n, height, width, channels]`. */
  readonly shape: readonly [n: number, height: number, width: number, channels: number]
}

/** A batch of latent vectors, row-major `[n, latentDim]`. */
export interface LatentBatch {
  /** `n × latentDim` values. */
  readonly data: Float32Array
  /** `[n, latentDim]`. */
  readonly shape: readonly [n: number, latentDim: number]
}

/**
 * Data as users hand it in: a flat array with a shape (`[n, d]`, `[n, h, w]` or `[n, h, w, c]`),
 * or one array of numbers per row.
 */
export type DataInput =
  | { readonly data: Float32Array | readonly number[]; readonly shape: readonly number[] }
  | readonly (readonly number[])[]
  | readonly Float32Array[]

/** Options for {@link toImageBatch}. */
export interface ToImageBatchOptions {
  /**
   * Shape of one image when the data is given as flat rows (`[n, d]`). Default: a square grayscale
   * image when `d` is a perfect square, else `[1, d, 1]`.
   */
  readonly imageShape?: ImageShape
  /** Name used in error messages. Default `'data'`. */
  readonly name?: string
}

const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1)

function describeShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`
}

function defaultImageShape(valuesPerRow: number): ImageShape {
  const side = Math.round(Math.sqrt(valuesPerRow))
  return side * side === valuesPerRow ? [side, side, 1] : [1, valuesPerRow, 1]
}

function assertPositiveIntegers(shape: readonly number[], name: string): void {
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0) {
      throw new InvalidInputError(
        `${name} has shape ${describeShape(shape)}; every size must be a non-negative integer`,
        { shape: [...shape] },
      )
    }
  }
}

function rowsToFlat(
  rows: readonly (readonly number[] | Float32Array)[],
  name: string,
): Float32Array {
  const first = rows[0]
  const width = first?.length ?? 0
  const flat = new Float32Array(rows.length * width)
  rows.forEach((row, index) => {
    if (row.length !== width) {
      throw new ShapeMismatchError(
        `${name} row ${index} has ${row.length} values but row 0 has ${width}; every row must have the same length`,
        { row: index, expected: width, actual: row.length },
      )
    }
    flat.set(row, index * width)
  })
  return flat
}

/** Throws {@link NonFiniteInputError} naming the first NaN or ±Infinity in `values`. */
export function assertFinite(values: ArrayLike<number>, name = 'data'): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (!Number.isFinite(value)) {
      throw new NonFiniteInputError(
        `${name} holds ${String(value)} at flat index ${i}; remove or replace non-finite values (NaN, Infinity) before training`,
        { index: i },
      )
    }
  }
}

/** Throws {@link InvalidInputError} when a value lies outside `[min, max]`. */
export function assertInRange(
  values: ArrayLike<number>,
  min: number,
  max: number,
  name: string,
  hint: string,
): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number
    if (value < min || value > max) {
      throw new InvalidInputError(
        `${name} holds ${value} at flat index ${i}, outside [${min}, ${max}]; ${hint}`,
        { index: i, value, min, max },
      )
    }
  }
}

/**
 * Validates user data and brings it into the engine's {@link ImageBatch} form. Copies only when the
 * input is not already a `Float32Array`. Throws typed errors: `EMPTY_DATASET`, `SHAPE_MISMATCH`,
 * `NON_FINITE_INPUT`, `INVALID_INPUT`.
 */
export function toImageBatch(input: DataInput, options: ToImageBatchOptions = {}): ImageBatch {
  const name = options.name ?? 'data'
  let flat: Float32Array
  let shape: readonly number[]
  if (Array.isArray(input)) {
    const rows = input as readonly (readonly number[] | Float32Array)[]
    flat = rowsToFlat(rows, name)
    shape = [rows.length, rows[0]?.length ?? 0]
  } else if (
    typeof input === 'object' &&
    input !== null &&
    'data' in input &&
    'shape' in input &&
    Array.isArray(input.shape)
  ) {
    shape = input.shape
    assertPositiveIntegers(shape, name)
    flat = input.data instanceof Float32Array ? input.data : Float32Array.from(input.data)
    if (shape.length < 2 || shape.length > 4) {
      throw new ShapeMismatchError(
        `${name} has shape ${describeShape(shape)}; pass [n, d], [n, height, width] or [n, height, width, channels]`,
        { shape: [...shape] },
      )
    }
    if (flat.length !== product(shape)) {
      throw new ShapeMismatchError(
        `${name} has ${flat.length} values but shape ${describeShape(shape)} needs ${product(shape)}; fix the shape or the data`,
        { expected: product(shape), actual: flat.length, shape: [...shape] },
      )
    }
  } else {
    throw new InvalidInputError(
      `${name} must be { data, shape } or an array of rows (number[][]); got ${typeof input}`,
    )
  }

  const n = shape[0] ?? 0
  const perRow = n === 0 ? product(shape.slice(1)) : flat.length / n
  if (n === 0 || perRow === 0) {
    throw new EmptyDatasetError(
      `${name} is empty (shape ${describeShape(shape)}); pass at least one image with at least one value`,
      { shape: [...shape] },
    )
  }

  let image: ImageShape
  if (shape.length === 4) image = [shape[1] ?? 0, shape[2] ?? 0, shape[3] ?? 0]
  else if (shape.length === 3) image = [shape[1] ?? 0, shape[2] ?? 0, 1]
  else image = options.imageShape ?? defaultImageShape(perRow)

  if (shape.length === 2 && options.imageShape && product(options.imageShape) !== perRow) {
    throw new ShapeMismatchError(
      `${name} has ${perRow} values per row but imageShape ${describeShape(options.imageShape)} needs ${product(options.imageShape)}; pass matching data or fix imageShape`,
      { expected: product(options.imageShape), actual: perRow },
    )
  }
  assertFinite(flat, name)
  return { data: flat, shape: [n, image[0], image[1], image[2]] }
}

/** Values per image of a batch (`height × width × channels`). */
export function valuesPerImage(batch: { readonly shape: readonly number[] }): number {
  return product(batch.shape.slice(1))
}

/** Values in one image of `shape` (`height × width × channels`). */
export function imageSize(shape: ImageShape): number {
  return product(shape)
}

/** The image shape `[height, width, channels]` of a batch. */
export function imageShapeOf(batch: ImageBatch): ImageShape {
  return [batch.shape[1], batch.shape[2], batch.shape[3]]
}

/** Checks that `batch` has images of `expected` shape, with a message that says what to pass. */
export function assertImageShape(batch: ImageBatch, expected: ImageShape, name = 'data'): void {
  const actual = imageShapeOf(batch)
  if (product(actual) !== product(expected)) {
    throw new ShapeMismatchError(
      `${name} has ${product(actual)} values per image, the model expects ${product(expected)} (${expected.join(' × ')}); pass shape [n, ${expected.join(', ')}] or call reset() to train a new model on this data`,
      { expected: product(expected), actual: product(actual) },
    )
  }
}

/** Validates a latent batch against the model's latent size. */
export function toLatentBatch(
  input: LatentBatch | Float32Array | readonly number[] | readonly (readonly number[])[],
  latentDim: number,
  name = 'latent',
): LatentBatch {
  let flat: Float32Array
  if (input instanceof Float32Array) flat = input
  else if (Array.isArray(input) && Array.isArray(input[0]))
    flat = rowsToFlat(input as readonly number[][], name)
  else if (Array.isArray(input)) flat = Float32Array.from(input as readonly number[])
  else flat = (input as LatentBatch).data
  if (flat.length === 0 || flat.length % latentDim !== 0) {
    throw new ShapeMismatchError(
      `${name} has ${flat.length} values; the model's latent size is ${latentDim}, so pass a multiple of ${latentDim} values (shape [n, ${latentDim}])`,
      { expected: latentDim, actual: flat.length },
    )
  }
  assertFinite(flat, name)
  return { data: flat, shape: [flat.length / latentDim, latentDim] }
}

/** True when every value lies in [0, 1] (a sigmoid output can reach the data). */
export function allInUnitRange(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (!(v >= 0 && v <= 1)) return false
  }
  return true
}

/** Copies the images `rows` of `data` (`size` values each) one after another into `target`. */
export function gatherRows(
  target: Float32Array,
  data: Float32Array,
  rows: ArrayLike<number>,
  size: number,
): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number
    target.set(data.subarray(row * size, (row + 1) * size), i * size)
  }
}
