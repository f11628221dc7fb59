/**
 * ZCA whitening of patches (Bell & Sejnowski 1997; used by Olshausen & Field 1996 in its
 * frequency-domain form): decorrelates the pixels of a patch while keeping it looking like a patch.
 * Pure TypeScript; the eigen-decomposition is ml-matrix's.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'

/** A whitening transform and its inverse, for rows of `size` values: `w = (x − mean)·whiten`. */
export interface Whitening {
  readonly size: number
  /** Pixel-wise mean of the patches it was fitted on. */
  readonly mean: Float32Array
  /** Symmetric `size × size` whitening matrix. */
  readonly whiten: Float32Array
  /** Its inverse, `x = w·dewhiten + mean`. */
  readonly dewhiten: Float32Array
}

/** A whitening of `size` values, all zero until set in place (from data or from a snapshot). */
export function emptyWhitening(size: number): Whitening {
  return {
    size,
    mean: new Float32Array(size),
    whiten: new Float32Array(size * size),
    dewhiten: new Float32Array(size * size),
  }
}

/** The arrays a snapshot saves for `whitening` (mean, whiten, dewhiten), none without one. */
export function whiteningArrays(
  whitening: Whitening | undefined,
): { readonly values: Float32Array; readonly shape: readonly number[] }[] {
  if (!whitening) return []
  const m = whitening.size
  return [
    { values: whitening.mean, shape: [m] },
    { values: whitening.whiten, shape: [m, m] },
    { values: whitening.dewhiten, shape: [m, m] },
  ]
}

/** Copies `fitted` into `target` in place (same size). */
export function copyWhitening(target: Whitening, fitted: Whitening): void {
  target.mean.set(fitted.mean)
  target.whiten.set(fitted.whiten)
  target.dewhiten.set(fitted.dewhiten)
}

/**
 * Fits ZCA whitening on `patches` (rows of `size` values). `relativeEpsilon` is added to every
 * eigenvalue as a fraction of the mean eigenvalue, so near-constant directions (noise) are not
 * amplified without bound.
 */
export function fitWhitening(
  patches: Float32Array,
  size: number,
  relativeEpsilon = 0.01,
): Whitening {
  const count = patches.length / size
  const mean = new Float64Array(size)
  for (let p = 0; p < count; p++) {
    for (let i = 0; i < size; i++) mean[i] = (mean[i] as number) + (patches[p * size + i] as number)
  }
  for (let i = 0; i < size; i++) mean[i] = (mean[i] as number) / count
  const covariance = new Matrix(size, size)
  const centred = new Float64Array(size)
  for (let p = 0; p < count; p++) {
    for (let i = 0; i < size; i++)
      centred[i] = (patches[p * size + i] as number) - (mean[i] as number)
    for (let i = 0; i < size; i++) {
      const ci = centred[i] as number
      for (let j = i; j < size; j++)
        covariance.set(i, j, covariance.get(i, j) + ci * (centred[j] as number))
    }
  }
  for (let i = 0; i < size; i++) {
    for (let j = i; j < size; j++) {
      const value = covariance.get(i, j) / Math.max(1, count - 1)
      covariance.set(i, j, value)
      covariance.set(j, i, value)
    }
  }
  const { realEigenvalues, eigenvectorMatrix } = new EigenvalueDecomposition(covariance, {
    assumeSymmetric: true,
  })
  const meanEigenvalue = realEigenvalues.reduce((s, v) => s + Math.max(v, 0), 0) / size
  const epsilon = Math.max(relativeEpsilon * meanEigenvalue, 1e-12)
  const whiten = new Float32Array(size * size)
  const dewhiten = new Float32Array(size * size)
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let w = 0
      let d = 0
      for (let e = 0; e < size; e++) {
        const shared = eigenvectorMatrix.get(i, e) * eigenvectorMatrix.get(j, e)
        const variance = Math.max(realEigenvalues[e] as number, 0) + epsilon
        w += shared / Math.sqrt(variance)
        d += shared * Math.sqrt(variance)
      }
      whiten[i * size + j] = w
      dewhiten[i * size + j] = d
    }
  }
  return { size, mean: Float32Array.from(mean), whiten, dewhiten }
}

/** `(x − mean)·whiten` for rows of `whitening.size` values, in plain TypeScript (for a few rows). */
export function applyWhitening(rows: Float32Array, whitening: Whitening): Float32Array {
  const { size, mean, whiten } = whitening
  const out = new Float32Array(rows.length)
  const centred = new Float64Array(size)
  for (let r = 0; r < rows.length / size; r++) {
    for (let i = 0; i < size; i++) centred[i] = (rows[r * size + i] as number) - (mean[i] as number)
    for (let j = 0; j < size; j++) {
      let sum = 0
      for (let i = 0; i < size; i++)
        sum += (centred[i] as number) * (whiten[i * size + j] as number)
      out[r * size + j] = sum
    }
  }
  return out
}
