/** What {@link studentTHead} reads and writes (flat row-major arrays). */
export interface StudentTHeadArrays {
  /** Codes z, `batch × d`. */
  readonly codes: Float32Array
  /** Centres μ, `k × d`. */
  readonly centres: Float32Array
  /** Targets P, `batch × k`. */
  readonly targets: Float32Array
  /** Written: ∂KL/∂z, `batch × d`. */
  readonly codeGradient: Float32Array
  /** Written: ∂KL/∂μ, `k × d`. */
  readonly centresGradient: Float32Array
  readonly batch: number
  /** Work space of at least `batch × k` values each. */
  readonly q: Float64Array
  readonly kernel: Float64Array
}

/**
 * DEC's clustering head on the host in float64 (its cost, `batch × k × d`, is small beside the
 * encoder's): Student's t soft assignments `q_ij ∝ K_ij = 1 / (1 + ‖z_i − μ_j‖²)`, the loss
 * `KL(P‖Q) / batch` (with the TF.js path's 1e-12 inside the logarithms) returned, and with
 * `W = K ⊙ (P − Q)` its gradients `∂/∂z_i = (2 / batch) Σ_j W_ij (z_i − μ_j)` and
 * `∂/∂μ_j = −(2 / batch) Σ_i W_ij (z_i − μ_j)` written, as {@link DECNetwork.refineLossAndGradients}.
 */
export function studentTHead(arrays: StudentTHeadArrays): number {
  const { codes, centres, targets, codeGradient, centresGradient, batch, q, kernel } = arrays
  const d = codes.length / batch
  const k = centres.length / d
  let loss = 0
  for (let i = 0; i < batch; i++) {
    let sum = 0
    for (let j = 0; j < k; j++) {
      let distance = 0
      for (let c = 0; c < d; c++) {
        const gap = (codes[i * d + c] as number) - (centres[j * d + c] as number)
        distance += gap * gap
      }
      const value = 1 / (1 + distance)
      kernel[i * k + j] = value
      sum += value
    }
    for (let j = 0; j < k; j++) {
      const qij = (kernel[i * k + j] as number) / sum
      q[i * k + j] = qij
      const p = targets[i * k + j] as number
      loss += p * (Math.log(p + 1e-12) - Math.log(qij + 1e-12))
    }
  }
  const scale = 2 / batch
  centresGradient.fill(0)
  for (let i = 0; i < batch; i++) {
    for (let c = 0; c < d; c++) codeGradient[i * d + c] = 0
    for (let j = 0; j < k; j++) {
      const w =
        (kernel[i * k + j] as number) *
        ((targets[i * k + j] as number) - (q[i * k + j] as number)) *
        scale
      for (let c = 0; c < d; c++) {
        const gap = (codes[i * d + c] as number) - (centres[j * d + c] as number)
        codeGradient[i * d + c] = (codeGradient[i * d + c] as number) + w * gap
        centresGradient[j * d + c] = (centresGradient[j * d + c] as number) - w * gap
      }
    }
  }
  return loss / batch
}
