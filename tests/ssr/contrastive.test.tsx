import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { LossChart } from '../../src/components/LossChart'
import { SampleGrid } from '../../src/components/SampleGrid'
import { useContrastive } from '../../src/react/useContrastive'

test('useContrastive with SampleGrid and LossChart renders idle on the server', () => {
  expect(typeof window).toBe('undefined')
  function ContrastiveDemo() {
    const cl = useContrastive({ data: 'digits', temperature: 0.2, autoTrain: true })
    return (
      <section>
        <p>status: {cl.status}</p>
        <p>temperature: {String(cl.temperature)}</p>
        <SampleGrid images={undefined} />
        <LossChart history={cl.history} />
      </section>
    )
  }
  const html = renderToString(<ContrastiveDemo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('temperature: <!-- -->undefined')
  expect(html).not.toContain('<canvas')
})
