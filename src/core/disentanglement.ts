/**
 * The mutual information gap (Chen, Li, Grosse & Duvenaud 2018): how much each known generating
 * factor is captured by one latent dimension more than by any other. Pure TypeScript, no TF.js.
 */
import { InvalidInputError, ShapeMismatchError } from './errors'
import { mutualInformation } from './kmeans/clusterAgreement'

/** Options of {@link mutualInformationGap}. */
export interface MutualInformationGapOptions {
  /** Equal-width bins each latent dimension is cut into to estimate its mutual information. Default `20`. */
  readonly bins?: number
}

/** What {@link mutualInformationGap} returns. */
export interface MutualInformationGap {
  /** Mean over the factors of (largest − second largest I(zⱼ; vₖ)) / H(vₖ), in [0, 1]. */
  readonly mig: number
  /** Per factor: its gap, the latent dimension that carries it most, and its entropy (nats). */
  readonly factors: readonly { gap: number; latent: number; entropy: number }[]
  /** I(zⱼ; vₖ) in nats, `[factor][latent]`. */
  readonly mutualInformation: readonly Float64Array[]
}

/** Each column of `latents` (`rows × dims`) cut into `bins` equal-width bins, as labels. */
function binnedColumns(latents: ArrayLike<number>, rows: number, dims: number, bins: number) {
  return Array.from({ length: dims }, (_, j) => {
    let low = Infinity
    let high = -Infinity
    for (let i = 0; i < rows; i++) {
      const value = latents[i * dims + j] as number
      if (value < low) low = value
      if (value > high) high = value
    }
    const width = (high - low) / bins
    const labels = new Int32Array(rows)
    for (let i = 0; i < rows; i++) {
      const value = latents[i * dims + j] as number
      labels[i] = width > 0 ? Math.min(bins - 1, Math.floor((value - low) / width)) : 0
    }
    return labels
  })
}

/**
 * MIG of the codes `latents` (`rows × dims`, row-major; e.g. a VAE's posterior means) against
 * discrete generating `factors` (one label array of `rows` per factor; bin continuous factors
 * first). Latents are discretised into equal-width bins, as in the paper's and disentanglement_lib's
 * estimator. A factor with one value (zero entropy) is left out of the mean. `SHAPE_MISMATCH` when a
 * factor's length is not `rows`; `INVALID_INPUT` for no rows, no factors or fewer than 2 dimensions.
 */
export function mutualInformationGap(
  latents: ArrayLike<number>,
  dims: number,
  factors: readonly ArrayLike<number>[],
  options: MutualInformationGapOptions = {},
): MutualInformationGap {
  const bins = options.bins ?? 20
  const rows = latents.length / dims
  if (!Number.isInteger(dims) || dims < 2 || !Number.isInteger(rows) || rows < 1) {
    throw new InvalidInputError(
      `latents must hold rows of ${dims} values, at least 2 dimensions and 1 row; got ${latents.length} values`,
    )
  }
  if (factors.length === 0) throw new InvalidInputError('pass at least one factor')
  factors.forEach((factor, k) => {
    if (factor.length !== rows) {
      throw new ShapeMismatchError(
        `factor ${k} has ${factor.length} labels for ${rows} rows of latents; pass one label per row`,
      )
    }
  })
  const columns = binnedColumns(latents, rows, dims, bins)
  const table = factors.map((factor) =>
    Float64Array.from(columns, (column) => mutualInformation(column, factor).mutual),
  )
  const perFactor = factors.map((factor, k) => {
    const row = table[k] as Float64Array
    const order = Array.from(row.keys()).sort((a, b) => (row[b] as number) - (row[a] as number))
    const entropy = mutualInformation(factor, factor).entropyA
    const top = row[order[0] as number] as number
    const second = row[order[1] as number] as number
    return { gap: entropy > 0 ? (top - second) / entropy : 0, latent: order[0] as number, entropy }
  })
  const counted = perFactor.filter((f) => f.entropy > 0)
  const mig = counted.length > 0 ? counted.reduce((sum, f) => sum + f.gap, 0) / counted.length : 0
  return { mig, factors: perFactor, mutualInformation: table }
}
