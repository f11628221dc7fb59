/**
 * The mean and covariance of rows streamed in batches, in float64. Rows are shifted by a fixed
 * reference (the first batch's mean) before their sums are taken, so the covariance does not lose
 * its digits to a large mean (the cancellation of Σx² − n·x̄²). Pure TypeScript.
 */
import { Matrix } from 'ml-matrix'

/** Running sums of shifted rows of `size` values. */
export class CovarianceAccumulator {
  /** Rows added so far. */
  rows = 0
  /** The reference subtracted from every row (set by the first batch). */
  readonly shift: Float64Array
  private readonly sums: Float64Array
  /** Σ (x − shift)(x − shift)ᵀ, row-major `size × size`. */
  private readonly products: Float64Array
  private shiftSet = false

  constructor(readonly size: number) {
    this.shift = new Float64Array(size)
    this.sums = new Float64Array(size)
    this.products = new Float64Array(size * size)
  }

  /** True once the first batch has set the shift. */
  get hasShift(): boolean {
    return this.shiftSet
  }

  /** Sets the shift to the mean of `batch` (rows of `size` values); only before the first batch. */
  setShift(batch: Float32Array): void {
    const count = batch.length / this.size
    for (let r = 0; r < count; r++) {
      for (let i = 0; i < this.size; i++) {
        this.shift[i] = (this.shift[i] as number) + (batch[r * this.size + i] as number)
      }
    }
    for (let i = 0; i < this.size; i++) this.shift[i] = (this.shift[i] as number) / count
    this.shiftSet = true
  }

  /** Adds a batch of `count` shifted rows by their column sums and their `size × size` Gram matrix. */
  add(count: number, sums: ArrayLike<number>, products: ArrayLike<number>): void {
    this.rows += count
    for (let i = 0; i < this.size; i++)
      this.sums[i] = (this.sums[i] as number) + (sums[i] as number)
    for (let i = 0; i < this.products.length; i++) {
      this.products[i] = (this.products[i] as number) + (products[i] as number)
    }
  }

  /** Mean of the rows added so far. */
  mean(): Float64Array {
    return this.shift.map((s, i) => s + (this.sums[i] as number) / Math.max(this.rows, 1))
  }

  /** Sum of the variances of every value (the trace of the covariance), n − 1 normalised. */
  totalVariance(): number {
    if (this.rows < 2) return 0
    let trace = 0
    for (let i = 0; i < this.size; i++) {
      const d = (this.sums[i] as number) / this.rows
      trace += (this.products[i * this.size + i] as number) - this.rows * d * d
    }
    return Math.max(trace, 0) / (this.rows - 1)
  }

  /** The covariance of the rows added so far (n − 1 normalised), symmetrised. */
  covariance(): Matrix {
    const n = this.rows
    const m = this.size
    const out = new Matrix(m, m)
    const d = Float64Array.from(this.sums, (s) => s / Math.max(n, 1))
    const scale = 1 / Math.max(n - 1, 1)
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        const value =
          (((this.products[i * m + j] as number) + (this.products[j * m + i] as number)) / 2 -
            n * (d[i] as number) * (d[j] as number)) *
          scale
        out.set(i, j, value)
        out.set(j, i, value)
      }
    }
    return out
  }

  /** Forgets every row (keeps nothing, not even the shift). */
  clear(): void {
    this.rows = 0
    this.shiftSet = false
    this.shift.fill(0)
    this.sums.fill(0)
    this.products.fill(0)
  }
}
