'use client'
import { useMemo, type HTMLAttributes } from 'react'
import { classNames, VISUALLY_HIDDEN } from './composeProps'
import { likelihoodRows, likelihoodSummary, type LikelihoodEntry } from './likelihoodRows'

/** Props of {@link LikelihoodTable}. Other attributes (`style`, `id`, …) pass through to the `<figure>`. */
export interface LikelihoodTableProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** One entry per model: its label, what kind of figure it is and its result (pending while undefined). */
  entries: readonly LikelihoodEntry[]
  /** `'best-first'` (highest log-likelihood on top) or `'given'` (the entries' order). Default `'best-first'`. */
  sort?: 'best-first' | 'given'
  /** Visible title. Default `'Held-out log-likelihood'`. */
  title?: string
  /** Decimals of the figures. Default `2`. */
  digits?: number
  /** Show the text summary under the table (always available to screen readers). Default `true`. */
  showSummary?: boolean
}

const KIND_TEXT = { exact: 'exact', 'lower bound': '≥ (lower bound)', estimate: '≈ (estimate)' }

/**
 * Log-likelihoods of several models on the same images, in nats per image, side by side: exact
 * values, lower bounds (ELBO, IWAE) and estimates (AIS), each with its standard error over the images
 * and a bar from the lowest to the highest. A plain `<table>`: renders on the server, reads well in
 * a screen reader.
 */
export function LikelihoodTable({
  entries,
  sort = 'best-first',
  title = 'Held-out log-likelihood',
  digits = 2,
  showSummary = true,
  className,
  ...figureProps
}: LikelihoodTableProps) {
  const rows = useMemo(() => likelihoodRows(entries, sort), [entries, sort])
  const summary = likelihoodSummary(rows)
  return (
    <figure {...figureProps} className={classNames('lk-likelihood-table', className)}>
      <table style={{ borderCollapse: 'collapse', fontVariantNumeric: 'tabular-nums' }}>
        <caption className="lk-likelihood-table__title" style={{ textAlign: 'left' }}>
          {`${title} (nats per image, higher is better)`}
        </caption>
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">kind</th>
            <th scope="col">log-likelihood</th>
            <th scope="col">± s.e.</th>
            <th scope="col" aria-hidden="true" />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.entry.label}
              className={classNames(
                'lk-likelihood-table__row',
                row.rank === 1 && 'lk-likelihood-table__row--best',
                row.rank === 0 && 'lk-likelihood-table__row--pending',
              )}
            >
              <th scope="row" style={{ textAlign: 'left', fontWeight: row.rank === 1 ? 700 : 400 }}>
                {row.entry.label}
                {row.entry.note && (
                  <small className="lk-likelihood-table__note" style={{ display: 'block' }}>
                    {row.entry.note}
                  </small>
                )}
              </th>
              <td>{KIND_TEXT[row.entry.kind]}</td>
              <td style={{ textAlign: 'right' }}>
                {row.rank === 0 ? 'computing…' : row.mean.toFixed(digits)}
              </td>
              <td style={{ textAlign: 'right' }}>
                {Number.isFinite(row.standardError) ? row.standardError.toFixed(digits) : '—'}
              </td>
              <td aria-hidden="true" style={{ width: 120 }}>
                {row.rank > 0 && (
                  <span
                    className="lk-likelihood-table__bar"
                    style={{
                      display: 'block',
                      height: 8,
                      width: `${(row.share * 100).toFixed(1)}%`,
                      background:
                        row.rank === 1 ? 'var(--lk-series-1, #2563eb)' : 'var(--lk-muted, #cbd5e1)',
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption
        className="lk-likelihood-table__summary"
        style={showSummary ? undefined : VISUALLY_HIDDEN}
      >
        {summary}
      </figcaption>
    </figure>
  )
}
