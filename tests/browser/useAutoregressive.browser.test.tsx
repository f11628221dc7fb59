import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import {
  useAutoregressive,
  type UseAutoregressiveOptions,
  type UseAutoregressiveResult,
} from '../../src/react/useAutoregressive'
import { LossChart } from '../../src/components/LossChart'
import { loadDigits } from '../../src/data/digits'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function Demo(props: {
  options: UseAutoregressiveOptions
  onResult: (model: UseAutoregressiveResult) => void
}) {
  const model = useAutoregressive(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(model)
  }, [model, onResult])
  return <LossChart history={model.history} />
}

/** Held-out NLL (nats per image) of independent pixels fitted on `train`, both thresholded at 0.5. */
function independentPixelsNLL(train: Float32Array, test: Float32Array): number {
  const on = new Float64Array(64)
  const n = train.length / 64
  for (let i = 0; i < train.length; i++) on[i % 64]! += train[i]! >= 0.5 ? 1 : 0
  let total = 0
  for (let i = 0; i < test.length; i++) {
    const q = (on[i % 64]! + 1) / (n + 2)
    total -= Math.log(test[i]! >= 0.5 ? q : 1 - q)
  }
  return total / (test.length / 64)
}

describe('useAutoregressive in real Chromium', () => {
  test('trains MADE on the digits in the worker; exact held-out nats beat independent pixels; samples are drawn pixel by pixel', async () => {
    const { images } = loadDigits()
    const train = { data: images.data.slice(0, 1500 * 64), shape: [1500, 8, 8, 1] }
    const heldOut = { data: images.data.slice(1500 * 64), shape: [297, 8, 8, 1] }
    let model: UseAutoregressiveResult | undefined
    await render(
      <Demo
        options={{
          data: train,
          hiddenUnits: [128],
          epochs: 15,
          batchSize: 32,
          learningRate: 0.003,
          backend: 'wasm',
          autoTrain: true,
        }}
        onResult={(result) => (model = result)}
      />,
    )
    await waitFor(() => model?.status === 'ready', 90_000)
    expect(model!.family).toBe('autoregressive')
    const losses = model!.history.map((p) => p.loss)
    expect(losses.at(-1)!).toBeLessThan(losses[0]!)

    const { meanLogLikelihood, logLikelihoods } = await model!.logLikelihoodAsync(heldOut)
    expect(logLikelihoods.length).toBe(297)
    const baseline = independentPixelsNLL(train.data, heldOut.data)
    expect(-meanLogLikelihood).toBeLessThan(baseline - 3)

    const steps = await model!.sampleStepsAsync(2, { frames: 9, seed: 4 })
    expect([...steps.pixels]).toEqual([0, 8, 16, 24, 32, 40, 48, 56, 64])
    const first = steps.images.data.subarray(0, 64)
    const last = steps.images.data.subarray(8 * 64, 9 * 64)
    expect(first.every((v) => v === 0.5)).toBe(true)
    expect(last.every((v) => v === 0 || v === 1)).toBe(true)
    const sample = await model!.sampleAsync(2, { seed: 4 })
    expect([...sample.data.subarray(0, 64)]).toEqual([...last])
  })
})
