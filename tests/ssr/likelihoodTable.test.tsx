import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { LikelihoodTable } from '../../src/components/LikelihoodTable'
import { likelihoodRows, likelihoodSummary } from '../../src/components/likelihoodRows'

const entries = [
  {
    label: 'VAE, ELBO',
    kind: 'lower bound',
    result: { meanLogLikelihood: -19.5, standardError: 0.3 },
  },
  {
    label: 'MADE',
    kind: 'exact',
    result: { meanLogLikelihood: -17.25, logLikelihoods: Float32Array.from([-16, -17, -18.75]) },
  },
  { label: 'RBM', kind: 'estimate', result: undefined },
  { label: 'independent pixels', kind: 'exact', result: { meanLogLikelihood: -25 } },
] as const

test('rows: best first, ranks, spreads from the per-image values, pending rows last', () => {
  const rows = likelihoodRows(entries, 'best-first')
  expect(rows.map((row) => row.entry.label)).toEqual([
    'MADE',
    'VAE, ELBO',
    'independent pixels',
    'RBM',
  ])
  expect(rows.map((row) => row.rank)).toEqual([1, 2, 3, 0])
  // Sample standard deviation of −16, −17, −18.75 over √3.
  const values = [-16, -17, -18.75]
  const mean = values.reduce((a, b) => a + b) / 3
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2)
  expect(rows[0]!.standardError).toBeCloseTo(sd / Math.sqrt(3), 6)
  expect(rows[1]!.standardError).toBe(0.3)
  expect(Number.isNaN(rows[2]!.standardError)).toBe(true)
  expect(rows[0]!.share).toBe(1)
  expect(rows[2]!.share).toBeCloseTo(0.1, 6)
  expect(likelihoodRows(entries, 'given').map((row) => row.entry.label)).toEqual(
    entries.map((entry) => entry.label),
  )
  expect(likelihoodSummary(rows)).toBe(
    '3 models; highest log-likelihood: MADE at -17.25 nats per image (exact), 2.25 nats above VAE, ELBO. 1 still running.',
  )
  expect(likelihoodSummary(likelihoodRows([], 'best-first'))).toBe('No log-likelihoods yet.')
})

test('LikelihoodTable renders a table with figures, kinds and a pending row on the server', () => {
  expect(typeof window).toBe('undefined')
  const html = renderToString(<LikelihoodTable entries={entries} title="Binarised digits" />)
  expect(html).toContain('<table')
  expect(html).toContain('Binarised digits (nats per image, higher is better)')
  expect(html).toContain('-17.25')
  expect(html).toContain('≥ (lower bound)')
  expect(html).toContain('computing…')
  expect(html.match(/lk-likelihood-table__row--best/g)).toHaveLength(1)
  expect(html.indexOf('MADE')).toBeLessThan(html.indexOf('VAE, ELBO'))
  expect(html).toContain('highest log-likelihood: MADE')
})
