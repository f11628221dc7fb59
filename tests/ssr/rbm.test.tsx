import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { FilterGrid } from '../../src/components/FilterGrid'
import { GibbsChain } from '../../src/components/GibbsChain'
import { LossChart } from '../../src/components/LossChart'
import { SampleGrid } from '../../src/components/SampleGrid'
import type { RBMGibbsChain } from '../../src/core/rbm/rbmSpec'
import { useRBM } from '../../src/react/useRBM'

test('useRBM with FilterGrid, GibbsChain, SampleGrid and LossChart renders idle on the server', () => {
  expect(typeof window).toBe('undefined')
  function RBMDemo() {
    const rbm = useRBM({ data: 'digits', layers: [64], autoTrain: true })
    return (
      <section>
        <p>status: {rbm.status}</p>
        <p>layers: {String(rbm.layers)}</p>
        <FilterGrid filters={rbm.receptiveFields} />
        <GibbsChain model={rbm} />
        <SampleGrid model={rbm} />
        <LossChart history={rbm.history} />
      </section>
    )
  }
  const html = renderToString(<RBMDemo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('layers: <!-- -->undefined')
  expect(html).toContain('No filters yet')
  expect(html).toContain('No Gibbs chain yet: train the model to see it walk.')
  expect(html).toContain('class="lk-gibbs-chain lk-gibbs-chain--empty"')
  expect(html).not.toContain('<canvas')
})

test('GibbsChain renders a given chain as a sized canvas with its steps on the server', () => {
  // 2 chains of 3 frames of 4 × 4 images, at steps 0, 50 and 100.
  const chain: RBMGibbsChain = {
    images: { data: new Float32Array(6 * 16).fill(0.5), shape: [6, 4, 4, 1] },
    chains: 2,
    frames: 3,
    steps: Int32Array.from([0, 50, 100]),
  }
  const html = renderToString(<GibbsChain chain={chain} scale={2} gap={1} />)
  // 3 tiles of 8 pixels and 2 gaps across; 2 rows of 8 and 1 gap down.
  expect(html).toMatch(/<canvas[^>]*width="26"[^>]*height="17"/)
  expect(html).toContain('aria-label="2 Gibbs chains, 3 frames each from step 0 to 100"')
  expect(html).toContain('aria-label="Gibbs step of each column"')
  expect(html.indexOf('step 0')).toBeLessThan(html.indexOf('>50<'))
  expect(html.indexOf('>50<')).toBeLessThan(html.indexOf('>100<'))
  // The server draws nothing; the reveal starts at the first frame once effects run.
  expect(html).toContain('data-lk-revealed="1"')
  expect(renderToString(<GibbsChain chain={chain} showSteps={false} />)).not.toContain('<ol')
})
