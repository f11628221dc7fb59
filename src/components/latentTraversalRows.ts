/**
 * The latent vectors of a latent traversal (one row per code or latent dimension, that value swept
 * with the rest fixed), and the decoded images split back into rows. Pure TypeScript, no React.
 */
import type { ImageBatch } from '../core/dataset'
import { createRandom } from '../core/random'

/**
 * Sweeps latent dimensions of a VAE, β-VAE or autoencoder: each dimension in `dims` in turn takes
 * `steps` evenly spaced values over `range`, the others keep `base`.
 */
export interface LatentDimensionTraversal {
  readonly kind: 'latent'
  /** Dimensions to sweep, one row each. Default: every dimension, in order (at most 16). */
  readonly dims?: readonly number[]
  /** Values swept, `[from, to]`. Default `[-2, 2]` (two standard deviations of a VAE's prior). */
  readonly range?: readonly [number, number]
  /** Images per row. Default `7`. */
  readonly steps?: number
  /**
   * The latent the other dimensions keep. Default: a draw from the standard-normal prior with
   * `seed`, or the prior's mean (zeros) when `seed` is not given either.
   */
  readonly base?: Float32Array | readonly number[]
  /** Seed of the base draw (when `base` is not given). Default: none (zeros). */
  readonly seed?: number
}

/**
 * Sweeps an InfoGAN's codes (pass the model's `info` option): one row per categorical code through
 * each of its values, then one row per continuous code over `range`; the noise is one seeded draw for
 * the whole grid and the other codes stay at `fixed` values.
 */
export interface InfoCodeTraversal {
  readonly kind: 'info'
  /** Number of values of each categorical code (the model's `info.categorical`). Default `[]`. */
  readonly categorical?: readonly number[]
  /** Number of continuous codes (the model's `info.continuous`). Default `0`. */
  readonly continuous?: number
  /** Values each continuous code is swept over. Default `[-1, 1]` (its prior's range). */
  readonly range?: readonly [number, number]
  /** Images per continuous row. Default `7`. */
  readonly steps?: number
  /** Value each categorical code keeps while another code is swept. Default: all `0`. */
  readonly fixed?: readonly number[]
  /** Seed of the shared noise. Default `0`. */
  readonly seed?: number
}

/** What to traverse. */
export type TraversalSpec = LatentDimensionTraversal | InfoCodeTraversal

/** One row of a traversal before decoding: its label, the swept values and its latent vectors. */
export interface TraversalPlanRow {
  readonly label: string
  /** The value of the swept dimension or code in each column. */
  readonly values: readonly number[]
  /** `[values.length, latentDim]` row-major. */
  readonly latents: Float32Array
}

/** One row of a traversal: its label, the swept values and their images (what `LatentTraversal` draws). */
export interface TraversalRow {
  /** Row label, e.g. `'z3'` or `'categorical 1'`. */
  readonly label: string
  /** The value of the swept dimension or code in each column (shown in the accessible text). */
  readonly values?: readonly number[]
  /** The row's images, `[columns, height, width, channels]`. */
  readonly images: ImageBatch
}

function sweep(range: readonly [number, number], steps: number): number[] {
  const [from, to] = range
  return Array.from({ length: steps }, (_, i) =>
    steps === 1 ? from : from + ((to - from) * i) / (steps - 1),
  )
}

function checkSteps(steps: number): number {
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= 64)) {
    throw new RangeError(`steps must be an integer from 1 to 64; got ${String(steps)}`)
  }
  return steps
}

function row(
  label: string,
  values: number[],
  base: Float32Array,
  set: (latent: Float32Array, value: number) => void,
): TraversalPlanRow {
  const size = base.length
  const latents = new Float32Array(values.length * size)
  values.forEach((value, i) => {
    const latent = latents.subarray(i * size, (i + 1) * size)
    latent.set(base)
    set(latent, value)
  })
  return { label, values, latents }
}

function latentRows(spec: LatentDimensionTraversal, latentDim: number): TraversalPlanRow[] {
  const values = sweep(spec.range ?? [-2, 2], checkSteps(spec.steps ?? 7))
  const base = spec.base
    ? Float32Array.from(spec.base)
    : spec.seed === undefined
      ? new Float32Array(latentDim)
      : createRandom(spec.seed).normals(latentDim)
  if (base.length !== latentDim) {
    throw new RangeError(`base has ${base.length} values; the model's latent has ${latentDim}`)
  }
  const dims = spec.dims ?? Array.from({ length: Math.min(latentDim, 16) }, (_, d) => d)
  return dims.map((d) => {
    if (!(Number.isInteger(d) && d >= 0 && d < latentDim)) {
      throw new RangeError(
        `dims holds ${String(d)}; the latent has dimensions 0 to ${latentDim - 1}`,
      )
    }
    return row(`z${d}`, values, base, (latent, value) => {
      latent[d] = value
    })
  })
}

function infoRows(spec: InfoCodeTraversal, latentDim: number): TraversalPlanRow[] {
  const categorical = spec.categorical ?? []
  const continuous = spec.continuous ?? 0
  const size = categorical.reduce((sum, count) => sum + count, 0) + continuous
  if (size >= latentDim) {
    throw new RangeError(`the codes take ${size} values; the model's noise has only ${latentDim}`)
  }
  const base = createRandom(spec.seed ?? 0).normals(latentDim)
  const offsets: number[] = []
  let at = 0
  categorical.forEach((count, c) => {
    offsets.push(at)
    const value = spec.fixed?.[c] ?? 0
    for (let k = 0; k < count; k++) base[at + k] = k === value ? 1 : 0
    at += count
  })
  for (let k = 0; k < continuous; k++) base[at + k] = 0
  const rows = categorical.map((count, c) =>
    row(
      `categorical ${c + 1}`,
      Array.from({ length: count }, (_, k) => k),
      base,
      (latent, value) => {
        const start = offsets[c] as number
        for (let k = 0; k < count; k++) latent[start + k] = k === value ? 1 : 0
      },
    ),
  )
  const values = sweep(spec.range ?? [-1, 1], checkSteps(spec.steps ?? 7))
  for (let k = 0; k < continuous; k++) {
    rows.push(
      row(`continuous ${k + 1}`, values, base, (latent, value) => {
        latent[at + k] = value
      }),
    )
  }
  return rows
}

/** The rows of a traversal for a model whose latent (or noise) has `latentDim` values. `RangeError` when `spec` does not fit it. */
export function traversalPlan(spec: TraversalSpec, latentDim: number): TraversalPlanRow[] {
  return spec.kind === 'info' ? infoRows(spec, latentDim) : latentRows(spec, latentDim)
}

/** All rows' latents in one array, to decode in one call. */
export function planLatents(plan: readonly TraversalPlanRow[]): Float32Array {
  const total = plan.reduce((sum, r) => sum + r.latents.length, 0)
  const all = new Float32Array(total)
  let at = 0
  for (const r of plan) {
    all.set(r.latents, at)
    at += r.latents.length
  }
  return all
}

/** `images` (decoded from {@link planLatents}) split back into the plan's rows. */
export function splitRows(plan: readonly TraversalPlanRow[], images: ImageBatch): TraversalRow[] {
  const [, height, width, channels] = images.shape
  const per = height * width * channels
  let start = 0
  return plan.map(({ label, values }) => {
    const data = images.data.slice(start * per, (start + values.length) * per)
    start += values.length
    return { label, values, images: { data, shape: [values.length, height, width, channels] } }
  })
}
