/**
 * The NT-Xent loss of SimCLR (see ntXent.ts for the TF.js version and the formula) on projections
 * held in kernel memory: the `2n × 2n` cosine similarities and their product back into the
 * projections run in the SIMD matrix-product kernel, the row-wise softmax with its loss, arg-max and
 * gradient in the softmax cross-entropy kernel; the normalisation and its gradient (`2n × size`
 * values) run in plain TypeScript over the buffers.
 */
import type { KernelMemory } from '../../kernels/wasmKernels'

/** Keeps the norm of an all-zero projection away from 0 (as ntXent.ts). */
const EPSILON = 1e-12

/** What one fused NT-Xent evaluation gives (its gradient is left in kernel memory). */
export interface FusedNTXentResult {
  /** Mean over the `2n` rows of −s(i, p(i)) + log Σ_{k≠i} exp s(i, k). */
  readonly loss: number
  /** Fraction of rows whose most similar other row is their positive (first maximum wins). */
  readonly pairAccuracy: number
}

/**
 * NT-Xent over up to `maxRows` projections of `size` values, with its own buffers in a kernel
 * memory (unit projections, the similarity matrix, a matrix-product panel, the row norms).
 */
export class FusedNTXent {
  private readonly unit: number
  private readonly similarity: number
  private readonly unitGradient: number
  private readonly panel: number
  private readonly targets: number
  private readonly predicted: number
  private readonly norms: Float64Array
  /** The row count `targets` holds positives for. */
  private targetRows = 0

  constructor(
    private readonly memory: KernelMemory,
    private readonly size: number,
    maxRows: number,
  ) {
    this.unit = memory.alloc(maxRows * size)
    this.similarity = memory.alloc(maxRows * maxRows)
    this.unitGradient = memory.alloc(maxRows * size)
    this.panel = memory.alloc(8 * Math.max(maxRows, size))
    this.targets = memory.alloc(maxRows)
    this.predicted = memory.alloc(maxRows)
    this.norms = new Float64Array(maxRows)
  }

  /**
   * The loss of the `rows` projections at byte offset `projections` (first views, then second views,
   * so row i's positive is row (i + rows/2) mod rows) at `temperature`; writes d loss / d projections
   * (`rows × size`) at byte offset `gradient`.
   */
  evaluate(
    projections: number,
    gradient: number,
    rows: number,
    temperature: number,
  ): FusedNTXentResult {
    const { memory, size, norms } = this
    const k = memory.modelKernels
    const values = rows * size
    const z = memory.view(projections, values)
    const u = memory.view(this.unit, values)
    for (let i = 0; i < rows; i++) {
      let squares = 0
      for (let j = i * size; j < (i + 1) * size; j++) squares += (z[j] as number) ** 2
      const norm = Math.sqrt(squares + EPSILON)
      norms[i] = norm
      for (let j = i * size; j < (i + 1) * size; j++) u[j] = (z[j] as number) / norm
    }
    // Cosines u·uᵀ: B is u read transposed.
    k.gemm(this.unit, size, 1, this.unit, 1, size, this.similarity, rows, size, rows, 0, this.panel)
    const positives = this.rowView(this.targets, rows)
    if (this.targetRows !== rows) {
      for (let i = 0; i < rows; i++) positives[i] = (i + rows / 2) % rows
      this.targetRows = rows
    }
    const loss = k.softmaxCrossEntropy(
      this.similarity,
      this.targets,
      this.predicted,
      rows,
      rows,
      1 / temperature,
      1 / rows,
      1,
    )
    const predicted = this.rowView(this.predicted, rows)
    let hits = 0
    for (let i = 0; i < rows; i++) if (predicted[i] === positives[i]) hits += 1
    const s = memory.view(this.similarity, rows * rows)
    // d loss / d u = (G + Gᵀ)·u / τ, G now in `s`; symmetrise it in place.
    for (let i = 0; i < rows; i++) {
      for (let j = i + 1; j < rows; j++) {
        const sum = (s[i * rows + j] as number) + (s[j * rows + i] as number)
        s[i * rows + j] = sum
        s[j * rows + i] = sum
      }
    }
    k.gemm(
      this.similarity,
      rows,
      1,
      this.unit,
      size,
      1,
      this.unitGradient,
      rows,
      rows,
      size,
      0,
      this.panel,
    )
    // Through u = z / ‖z‖: dz = (du − u (u · du)) / ‖z‖.
    const du = memory.view(this.unitGradient, values)
    const dz = memory.view(gradient, values)
    for (let i = 0; i < rows; i++) {
      let radial = 0
      for (let j = i * size; j < (i + 1) * size; j++) {
        const d = (du[j] as number) / temperature
        du[j] = d
        radial += (u[j] as number) * d
      }
      const norm = norms[i] as number
      for (let j = i * size; j < (i + 1) * size; j++) {
        dz[j] = ((du[j] as number) - (u[j] as number) * radial) / norm
      }
    }
    return { loss: loss / rows, pairAccuracy: hits / rows }
  }

  /** An i32 view of `rows` values at byte offset `offset`. */
  private rowView(offset: number, rows: number): Int32Array {
    return new Int32Array(this.memory.kernels.memory.buffer, offset, rows)
  }
}
