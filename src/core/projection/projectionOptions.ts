/**
 * Projecting codes to two dimensions (for `LatentScatter`): the options, their checks and the input
 * checks, TF-free so the main thread validates before anything crosses to the worker. The engine
 * side is `engine/projectCodes.ts`.
 */
import type { LatentBatch } from '../dataset'
import {
  InvalidInputError,
  InvalidOptionError,
  NonFiniteInputError,
  ShapeMismatchError,
  describeValue,
} from '../errors'
import { checkOneOf, checkPositiveInteger, checkPositiveNumber, checkSeed } from '../optionChecks'

/** How codes are mapped to 2-D: principal components (linear, exact) or UMAP (non-linear). */
export type ProjectionMethod = 'pca' | 'umap'

/** Options of a projection. */
export interface ProjectionOptions {
  /** `'pca'` (default: the two leading principal components) or `'umap'`. */
  readonly method?: ProjectionMethod
  /** UMAP only: neighbours of each point in the k-NN graph. Default 15 (needs more rows than this). */
  readonly nNeighbors?: number
  /** UMAP only: how tightly points may pack, > 0. Default 0.1. */
  readonly minDist?: number
  /**
   * UMAP only: layout epochs (each reported as progress). Default: 500 up to 2,500 rows, 400 up to
   * 5,000, 300 up to 7,500, else 200 (umap-js's choice).
   */
  readonly epochs?: number
  /** UMAP only: seed of the layout's random choices; the same seed gives the same map. Default 0. */
  readonly seed?: number
}

/** Every option resolved. */
export interface ResolvedProjectionOptions {
  /** The method. */
  readonly method: ProjectionMethod
  /** UMAP's neighbours per point. */
  readonly nNeighbors: number
  /** UMAP's minimum distance. */
  readonly minDist: number
  /** UMAP's epochs; `undefined`: the default for the row count (see `ProjectionOptions.epochs`). */
  readonly epochs: number | undefined
  /** Seed of UMAP's random choices. */
  readonly seed: number
}

/** A 2-D map of `n` codes. */
export interface Projection {
  /** `x, y` per row, `[n, 2]` row-major. */
  readonly points: Float32Array
  /** Rows projected. */
  readonly count: number
  /** The method that made the map. */
  readonly method: ProjectionMethod
  /** PCA only: the share of the codes' variance each of the two axes holds. */
  readonly explainedVarianceRatio?: Float32Array
}

/** Progress of a projection. */
export interface ProjectionProgress {
  /** `'neighbours'`: UMAP finding each row's nearest neighbours; `'layout'`: its epochs (PCA: one). */
  readonly phase: 'neighbours' | 'layout'
  /** Rows whose neighbours are found (every row once the layout runs). */
  readonly rows: number
  /** Layout epochs done (0 while neighbours are found). */
  readonly epoch: number
  /** Layout epochs in all. */
  readonly epochs: number
}

/** Codes as callers pass them: `{ data, shape: [n, d] }`, or one array (or Float32Array) per row. */
export type CodesInput = LatentBatch | readonly Float32Array[] | readonly (readonly number[])[]

/** Default neighbours of UMAP (umap-learn's and umap-js's). */
export const DEFAULT_NEIGHBORS = 15
/** Default minimum distance of UMAP (umap-learn's). */
export const DEFAULT_MIN_DIST = 0.1
const METHODS: readonly ProjectionMethod[] = ['pca', 'umap']
const KEYS = new Set(['method', 'nNeighbors', 'minDist', 'epochs', 'seed'])

/** Checks and resolves projection options (`INVALID_OPTION` naming the bad one). */
export function resolveProjectionOptions(
  options: ProjectionOptions = {},
): ResolvedProjectionOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(
      `projection options must be an object such as { method: 'umap' }; got ${describeValue(options)}`,
    )
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) {
      throw new InvalidOptionError(
        `unknown projection option ${JSON.stringify(key)}; the options are ${[...KEYS].join(', ')}`,
        { option: key },
      )
    }
  }
  checkOneOf(options.method, METHODS, 'method')
  checkPositiveInteger(
    options.nNeighbors,
    'nNeighbors',
    'UMAP links each point to this many neighbours; try 15',
  )
  checkPositiveNumber(options.minDist, 'minDist', 'try 0.1')
  checkPositiveInteger(options.epochs, 'epochs', 'try 200')
  checkSeed(options.seed)
  return {
    method: options.method ?? 'pca',
    nNeighbors: options.nNeighbors ?? DEFAULT_NEIGHBORS,
    minDist: options.minDist ?? DEFAULT_MIN_DIST,
    epochs: options.epochs,
    seed: options.seed ?? 0,
  }
}

/** Flattens rows given one array per row, checking they all have the same length. */
function rowsToBatch(rows: readonly (ArrayLike<number> | undefined)[]): LatentBatch {
  const width = rows[0]?.length ?? 0
  const data = new Float32Array(rows.length * width)
  rows.forEach((row, i) => {
    if (
      row === undefined ||
      row === null ||
      !(row instanceof Float32Array || Array.isArray(row)) ||
      row.length !== width
    ) {
      throw new ShapeMismatchError(
        `codes row ${i} has ${Array.isArray(row) || row instanceof Float32Array ? row.length : describeValue(row)} values, row 0 has ${width}; every row must have the same length`,
        {
          expected: width,
          actual: row instanceof Float32Array || Array.isArray(row) ? row.length : 0,
        },
      )
    }
    data.set(row, i * width)
  })
  return { data, shape: [rows.length, width] }
}

/**
 * Codes checked for a projection: `[n, d]` with `d ≥ 1`, every value finite, and at least 2 rows for
 * PCA or more rows than `nNeighbors` for UMAP. Throws `INVALID_INPUT`, `SHAPE_MISMATCH` or
 * `NON_FINITE_INPUT` saying what to pass instead.
 */
export function checkCodes(codes: CodesInput, options: ResolvedProjectionOptions): LatentBatch {
  let batch: LatentBatch
  if (Array.isArray(codes)) {
    batch = rowsToBatch(codes as readonly ArrayLike<number>[])
  } else {
    const given = codes as Partial<LatentBatch> | null
    if (
      typeof given !== 'object' ||
      given === null ||
      !(given.data instanceof Float32Array) ||
      !Array.isArray(given.shape)
    ) {
      throw new InvalidInputError(
        `codes must be { data: Float32Array, shape: [n, d] } (what encode returns) or one array per row; got ${describeValue(codes)}`,
      )
    }
    const [n, d] = given.shape as readonly number[]
    if (
      given.shape.length !== 2 ||
      !Number.isInteger(n) ||
      !Number.isInteger(d) ||
      (n as number) * (d as number) !== given.data.length
    ) {
      throw new ShapeMismatchError(
        `codes have shape [${given.shape.join(', ')}] but ${given.data.length} values; pass shape [n, d] with n × d values`,
        { actual: given.data.length },
      )
    }
    batch = given as LatentBatch
  }
  const [rows, width] = batch.shape
  if (width < 1) {
    throw new ShapeMismatchError('codes have 0 values per row; pass at least one code per row', {
      actual: 0,
    })
  }
  const fewest = options.method === 'umap' ? options.nNeighbors + 1 : 2
  if (rows < fewest) {
    throw new InvalidInputError(
      options.method === 'umap'
        ? `UMAP with nNeighbors ${options.nNeighbors} needs at least ${fewest} rows of codes; got ${rows}. Pass more rows or lower nNeighbors`
        : `a PCA projection needs at least 2 rows of codes; got ${rows}. Pass more rows`,
      { expected: fewest, actual: rows },
    )
  }
  for (let i = 0; i < batch.data.length; i++) {
    const value = batch.data[i] as number
    if (!Number.isFinite(value)) {
      throw new NonFiniteInputError(
        `codes hold ${String(value)} at row ${Math.floor(i / width)}, column ${i % width}; remove or replace non-finite codes (a diverged model gives NaN: retrain it) before projecting`,
        { index: i },
      )
    }
  }
  return batch
}
