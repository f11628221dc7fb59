import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { DictionaryGrid } from '../../src/components/DictionaryGrid'
import { LossChart } from '../../src/components/LossChart'
import { ScreeChart } from '../../src/components/ScreeChart'
import { usePCA } from '../../src/react/usePCA'

test('usePCA with DictionaryGrid, ScreeChart and LossChart renders idle on the server', () => {
  expect(typeof window).toBe('undefined')
  function PCADemo() {
    const pca = usePCA({ data: 'digits', nComponents: 16, autoTrain: true })
    return (
      <section>
        <p>status: {pca.status}</p>
        <p>solver: {String(pca.solver)}</p>
        <DictionaryGrid dictionary={pca.components && { atoms: pca.components.components }} />
        <ScreeChart source={pca.components} />
        <LossChart history={pca.history} />
      </section>
    )
  }
  const html = renderToString(<PCADemo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('solver: <!-- -->undefined')
  expect(html).toContain('No components yet.')
  expect(html).not.toContain('lk-scree-chart__bar')
})

test('ScreeChart renders its bars, cumulative line and summary on the server', () => {
  const ratios = Float32Array.from([0.5, 0.25, 0.125, 0.0625])
  const html = renderToString(
    <ScreeChart
      source={{ explainedVarianceRatio: ratios }}
      highlight={2}
      width={200}
      height={100}
      title="Digits"
    />,
  )
  expect(html.match(/class="lk-scree-chart__bar"/g)).toHaveLength(4)
  expect(html).toContain('lk-scree-chart__cumulative')
  expect(html).toContain('<figcaption class="lk-scree-chart__title">Digits</figcaption>')
  expect(html).toContain('aria-label="Digits"')
  // 4 components explain 93.75 %; the first reaches 50 %, all 4 are needed for 90 %.
  expect(html).toContain(
    '4 components explain 93.8 % of the variance; the first 50.0 %; 50 % with 1 component, 90 % with 4.',
  )
  // Axis 0 … 100 % on a plot of 68 px: the first bar is 34 px tall.
  expect(html).toMatch(/<rect class="lk-scree-chart__bar"[^>]*height="34"/)
  // The first two bars in the series colour, the rest muted.
  expect(html.match(/fill="var\(--lk-series-1, #2563eb\)"/g)).toHaveLength(2)
  expect(html.match(/fill="var\(--lk-muted, #cbd5e1\)"/g)).toHaveLength(2)
})
