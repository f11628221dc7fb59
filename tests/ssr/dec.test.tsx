import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { LossChart } from '../../src/components/LossChart'
import { useDEC } from '../../src/react/useDEC'

test('useDEC with LossChart renders idle on the server, its facts undefined', () => {
  expect(typeof window).toBe('undefined')
  function DECDemo() {
    const dec = useDEC({ data: 'digits', clusters: 10, autoTrain: true })
    return (
      <section>
        <p>status: {dec.status}</p>
        <p>phase: {String(dec.phase)}</p>
        <p>clusters: {String(dec.clusters)}</p>
        <LossChart history={dec.history} />
      </section>
    )
  }
  const html = renderToString(<DECDemo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('phase: <!-- -->undefined')
  expect(html).toContain('clusters: <!-- -->undefined')
})
