import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { LossChart } from '../../src/components/LossChart'
import { ReconstructionGrid } from '../../src/components/ReconstructionGrid'
import { phaseStarts } from '../../src/components/lossChartPhases'
import { useAutoencoder } from '../../src/react/useAutoencoder'

const points = [
  { step: 1, epoch: 1, phase: 'layer 1', loss: 9, reconstruction: 9, codeL1: 1 },
  { step: 2, epoch: 1, phase: 'layer 1', loss: 8, reconstruction: 8, codeL1: 1 },
  { step: 3, epoch: 2, phase: 'layer 2', loss: 5, reconstruction: 5, codeL1: 1 },
  { step: 4, epoch: 3, phase: 'fine-tune', loss: 4, reconstruction: 4, codeL1: 1 },
  { step: 5, epoch: 3, phase: 'fine-tune', loss: 3, reconstruction: 3, codeL1: 1 },
]

test('phaseStarts finds each run of one phase and its first step; none without phases', () => {
  expect(phaseStarts(points)).toEqual([
    { phase: 'layer 1', step: 1 },
    { phase: 'layer 2', step: 3 },
    { phase: 'fine-tune', step: 4 },
  ])
  expect(phaseStarts([{ step: 1 }, { step: 2 }])).toEqual([])
})

test('LossChart marks the phases of a stacked autoencoder on the server, and can leave them out', () => {
  const html = renderToString(<LossChart history={points} />)
  expect(html.match(/lk-loss-chart__phase"/g)?.length).toBe(3)
  expect(html).toContain('Phases: layer 1 from step 1, layer 2 from step 3, fine-tune from step 4.')
  const plain = renderToString(<LossChart history={points} showPhases={false} />)
  expect(plain).not.toContain('lk-loss-chart__phase')
  const none = renderToString(<LossChart history={points.map(({ phase: _, ...p }) => p)} />)
  expect(none).not.toContain('lk-loss-chart__phase')
})

const images = { data: new Float32Array(2 * 64), shape: [2, 8, 8, 1] as const }

test('useAutoencoder with stacked options renders idle on the server', () => {
  function Demo() {
    const ae = useAutoencoder({
      data: 'digits',
      hiddenUnits: [32, 16],
      stacked: { pretrainEpochs: 2, noise: 0.2 },
      autoTrain: true,
    })
    return (
      <section>
        <p>status: {ae.status}</p>
        <LossChart history={ae.history} />
        <ReconstructionGrid model={ae} images={images} />
      </section>
    )
  }
  const html = renderToString(<Demo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).not.toContain('lk-loss-chart__phase')
})
