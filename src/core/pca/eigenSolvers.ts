/**
 * The leading eigenpairs of a covariance matrix: exactly (symmetric eigendecomposition) or by a
 * randomized range finder (Halko, Martinsson & Tropp 2011, algorithm 4.4). Pure TypeScript; the
 * linear algebra is ml-matrix's, in float64.
 */
import { EigenvalueDecomposition, Matrix, QrDecomposition } from 'ml-matrix'
import { createRandom } from '../random'

/** The leading eigenpairs, largest eigenvalue first. */
export interface Eigenpairs {
  /** Eigenvalues, largest first, negative round-off clamped to 0. */
  readonly values: Float64Array
  /** Unit eigenvectors as rows (`count × size`), signs fixed by {@link fixSigns}. */
  readonly vectors: Float64Array
}

/** Extra directions the randomized range finder samples beyond those asked for. */
const OVERSAMPLES = 10

/** Reads eigenpairs `order` (columns of `vectors`) into rows, with signs fixed. */
function collect(
  eigenvalues: readonly number[],
  eigenvectors: Matrix,
  order: readonly number[],
): Eigenpairs {
  const size = eigenvectors.rows
  const values = new Float64Array(order.length)
  const vectors = new Float64Array(order.length * size)
  order.forEach((column, row) => {
    values[row] = Math.max(eigenvalues[column] as number, 0)
    for (let i = 0; i < size; i++) vectors[row * size + i] = eigenvectors.get(i, column)
  })
  fixSigns(vectors, size)
  return { values, vectors }
}

/** Column numbers sorted by decreasing eigenvalue, the first `count`. */
function largestFirst(eigenvalues: readonly number[], count: number): number[] {
  return eigenvalues
    .map((_, i) => i)
    .sort((a, b) => (eigenvalues[b] as number) - (eigenvalues[a] as number))
    .slice(0, count)
}

/**
 * Makes each row's entry of largest magnitude positive (the first such entry on ties): the signs of
 * eigenvectors are arbitrary, this makes them deterministic (scikit-learn's `svd_flip` with
 * `u_based_decision=False`, its convention for PCA since 1.5).
 */
export function fixSigns(vectors: Float64Array, size: number): void {
  for (let start = 0; start < vectors.length; start += size) {
    let largest = 0
    for (let i = start; i < start + size; i++) {
      if (Math.abs(vectors[i] as number) > Math.abs(vectors[largest + start] as number)) {
        largest = i - start
      }
    }
    if ((vectors[start + largest] as number) < 0) {
      for (let i = start; i < start + size; i++) vectors[i] = -(vectors[i] as number)
    }
  }
}

/** The `count` leading eigenpairs of the symmetric matrix `covariance`, exactly. */
export function leadingEigenpairs(covariance: Matrix, count: number): Eigenpairs {
  const { realEigenvalues, eigenvectorMatrix } = new EigenvalueDecomposition(covariance, {
    assumeSymmetric: true,
  })
  return collect(realEigenvalues, eigenvectorMatrix, largestFirst(realEigenvalues, count))
}

/** An orthonormal basis of the columns of `m` (thin QR). */
function orthonormalColumns(m: Matrix): Matrix {
  return new QrDecomposition(m).orthogonalMatrix
}

/**
 * The `count` leading eigenpairs of the symmetric positive semi-definite `covariance`, by a
 * randomized range finder: `count + 10` seeded Gaussian directions, `powerIterations` rounds of
 * multiplying by the covariance with re-orthonormalisation, then the exact eigendecomposition of the
 * small projected matrix. Close to exact when the spectrum decays (images); the same seed gives the
 * same result.
 */
export function randomizedEigenpairs(
  covariance: Matrix,
  count: number,
  powerIterations: number,
  seed: number,
): Eigenpairs {
  const size = covariance.rows
  const width = Math.min(size, count + OVERSAMPLES)
  const random = createRandom(seed)
  const probe = new Matrix(size, width)
  for (let i = 0; i < size; i++) for (let j = 0; j < width; j++) probe.set(i, j, random.normal())
  let basis = orthonormalColumns(covariance.mmul(probe))
  for (let round = 0; round < powerIterations; round++) {
    basis = orthonormalColumns(covariance.mmul(basis))
  }
  const projected = basis.transpose().mmul(covariance).mmul(basis)
  // Symmetrised: round-off makes Qᵀ C Q very slightly asymmetric.
  const symmetric = projected.add(projected.transpose()).div(2)
  const { realEigenvalues, eigenvectorMatrix } = new EigenvalueDecomposition(symmetric, {
    assumeSymmetric: true,
  })
  return collect(
    realEigenvalues,
    basis.mmul(eigenvectorMatrix),
    largestFirst(realEigenvalues, count),
  )
}
