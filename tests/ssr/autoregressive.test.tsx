import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { LossChart } from '../../src/components/LossChart'
import { SampleGrid } from '../../src/components/SampleGrid'
import { useAutoregressive } from '../../src/react/useAutoregressive'

test('useAutoregressive with SampleGrid and LossChart renders idle on the server', () => {
  expect(typeof window).toBe('undefined')
  function MADEDemo() {
    const made = useAutoregressive({ data: 'digits', hiddenUnits: [64], autoTrain: true })
    return (
      <section>
        <p>status: {made.status}</p>
        <p>family: {made.family}</p>
        <SampleGrid model={made} />
        <LossChart history={made.history} />
      </section>
    )
  }
  const html = renderToString(<MADEDemo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('family: <!-- -->autoregressive')
  expect(html).not.toContain('<canvas')
})
