/** The rows of a likelihood table: means, spreads and ranks from the models' results. No React. */
import { meanAndStandardError } from '../core/logSumExp'

/** Any model's log-likelihood result: the VAE's, the RBM's, the autoregressive model's. */
export interface LikelihoodResult {
  /** Mean log-likelihood, nats per image. */
  readonly meanLogLikelihood: number
  /** Per image, for the spread when `standardError` is not given. */
  readonly logLikelihoods?: ArrayLike<number>
  /** Standard error of the mean over the images, when the result has it. */
  readonly standardError?: number
}

/** How a figure relates to log p(x). */
export type LikelihoodKind = 'exact' | 'lower bound' | 'estimate'

/** One model in a likelihood table. */
export interface LikelihoodEntry {
  /** Row label, e.g. `'MADE'` or `'VAE, IWAE k = 500'`. */
  readonly label: string
  /** `'exact'` (autoregressive), `'lower bound'` (ELBO, IWAE) or `'estimate'` (AIS). */
  readonly kind: LikelihoodKind
  /** The model's result (e.g. `await vae.logLikelihoodAsync(heldOut)`); `undefined` while it runs. */
  readonly result: LikelihoodResult | undefined
  /** A short note shown under the label (method, samples, …). Default none. */
  readonly note?: string
}

/** A row as the table draws it. */
export interface LikelihoodRow {
  readonly entry: LikelihoodEntry
  /** Mean in nats per image (NaN while pending). */
  readonly mean: number
  /** Standard error over the images (NaN when unknown). */
  readonly standardError: number
  /** 1 for the highest log-likelihood, among the finished rows; 0 while pending. */
  readonly rank: number
  /** Bar length in [0, 1]: the row's mean from the lowest to the highest finished row. */
  readonly share: number
}

function standardErrorOf(result: LikelihoodResult): number {
  if (result.standardError !== undefined) return result.standardError
  const values = result.logLikelihoods
  return values && values.length >= 2 ? meanAndStandardError(values).standardError : NaN
}

/**
 * The table's rows: finished rows first, highest log-likelihood first when `sort` is
 * `'best-first'`, else in the given order; pending rows keep their place after them.
 */
export function likelihoodRows(
  entries: readonly LikelihoodEntry[],
  sort: 'best-first' | 'given',
): LikelihoodRow[] {
  const finished = entries.filter(
    (entry) => entry.result !== undefined && Number.isFinite(entry.result.meanLogLikelihood),
  )
  const means = finished.map((entry) => (entry.result as LikelihoodResult).meanLogLikelihood)
  const high = Math.max(...means)
  const low = Math.min(...means)
  const ranked = [...means].sort((a, b) => b - a)
  const rows = entries.map((entry): LikelihoodRow => {
    const result = entry.result
    if (!result || !Number.isFinite(result.meanLogLikelihood)) {
      return { entry, mean: NaN, standardError: NaN, rank: 0, share: 0 }
    }
    const mean = result.meanLogLikelihood
    return {
      entry,
      mean,
      standardError: standardErrorOf(result),
      rank: ranked.indexOf(mean) + 1,
      share: high > low ? 0.1 + (0.9 * (mean - low)) / (high - low) : 1,
    }
  })
  if (sort === 'given') return rows
  const done = rows.filter((row) => row.rank > 0).sort((a, b) => a.rank - b.rank)
  return [...done, ...rows.filter((row) => row.rank === 0)]
}

/** One sentence for screen readers: how many rows, which model is best and by how much. */
export function likelihoodSummary(rows: readonly LikelihoodRow[]): string {
  const done = rows.filter((row) => row.rank > 0).sort((a, b) => a.rank - b.rank)
  const pending = rows.length - done.length
  const waiting = pending > 0 ? ` ${pending} still running.` : ''
  const best = done[0]
  if (!best) return `No log-likelihoods yet.${waiting}`
  const next = done[1]
  const lead = next ? `, ${(best.mean - next.mean).toFixed(2)} nats above ${next.entry.label}` : ''
  return `${done.length} model${done.length === 1 ? '' : 's'}; highest log-likelihood: ${best.entry.label} at ${best.mean.toFixed(2)} nats per image (${best.entry.kind})${lead}.${waiting}`
}
