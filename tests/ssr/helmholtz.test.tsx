import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { LossChart } from '../../src/components/LossChart'
import { SampleGrid } from '../../src/components/SampleGrid'
import { useHelmholtz } from '../../src/react/useHelmholtz'

test('useHelmholtz with SampleGrid and LossChart renders idle on the server', () => {
  expect(typeof window).toBe('undefined')
  function WakeSleepDemo() {
    const machine = useHelmholtz({ data: 'digits', layers: [32, 4], autoTrain: true })
    return (
      <section>
        <p>status: {machine.status}</p>
        <p>family: {machine.family}</p>
        <SampleGrid model={machine} />
        <LossChart history={machine.history} />
      </section>
    )
  }
  const html = renderToString(<WakeSleepDemo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('family: <!-- -->helmholtz')
  // Its chart's title is the family's, before any training step.
  expect(html).toContain('Wake-sleep')
  expect(html).not.toContain('<canvas')
})
