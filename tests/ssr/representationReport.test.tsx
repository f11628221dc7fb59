import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { RepresentationReport } from '../../src/components/RepresentationReport'
import { accuracyRange, cellText, columnPositions } from '../../src/components/reportChartGeometry'
import { reportCell, type ReportRow } from '../../src/core/report/reportOptions'
import { useRepresentationReport } from '../../src/react/useRepresentationReport'

const rows: ReportRow[] = [
  {
    encoder: 'raw pixels',
    featureSize: 64,
    cells: [
      reportCell(1, 10, [0.5, 0.6, 0.55]),
      reportCell(10, 100, [0.85, 0.87, 0.86]),
      reportCell('all', 1437, [0.961]),
    ],
  },
  { encoder: 'contrastive', featureSize: 128, cells: [reportCell(1, 10, [0.7, 0.8, 0.75])] },
]

test('geometry: log-ish columns with “all” one step beyond; a range down to the lowest band; cell text', () => {
  const [one, five, ten, fifty, all] = columnPositions([1, 5, 10, 50, 'all'])
  expect(one).toBe(0)
  expect(all).toBe(1)
  expect((five as number) - (one as number)).toBeCloseTo(
    (Math.log(5) / Math.log(50)) * (fifty as number),
    6,
  )
  expect(ten as number).toBeLessThan(fifty as number)
  expect(columnPositions(['all'])).toEqual([0.5])
  expect(accuracyRange(rows, 'range')).toEqual({ min: 0.5, max: 1 })
  expect(cellText(rows[0]!.cells[0]!, 'standardError')).toBe('0.550 ± 0.029')
  expect(cellText(rows[0]!.cells[0]!, 'range')).toBe('0.550 (0.500–0.600)')
  expect(cellText(rows[0]!.cells[2]!, 'standardError')).toBe('0.961')
})

test('RepresentationReport renders the chart, legend and an accessible table on the server', () => {
  expect(typeof window).toBe('undefined')
  const html = renderToString(<RepresentationReport rows={rows} labelsPerClass={[1, 10, 'all']} />)
  expect(html).toContain('<svg')
  expect(html).toContain('<table')
  expect(html).toContain('<caption')
  expect(html).toContain('mean ± standard error')
  expect(html.match(/class="lk-report__line"/g)).toHaveLength(2)
  expect(html.match(/class="lk-report__band"/g)).toHaveLength(2)
  expect(html).toContain('0.860 ± 0.006')
  expect(html).toContain('scope="row"')
  // The contrastive row has measured one column of three so far.
  expect(html.match(/title="not measured yet"/g)).toHaveLength(2)
  expect(html).not.toContain('<canvas')
})

test('useRepresentationReport renders idle on the server', () => {
  function Demo() {
    const report = useRepresentationReport()
    return (
      <section>
        <p>status: {report.status}</p>
        <RepresentationReport rows={report.rows} renderEmpty={() => 'no report yet'} />
      </section>
    )
  }
  const html = renderToString(<Demo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('no report yet')
  expect(html).toContain('all labels')
})
