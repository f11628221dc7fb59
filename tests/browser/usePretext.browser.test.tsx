import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import {
  usePretext,
  type UsePretextOptions,
  type UsePretextResult,
} from '../../src/react/usePretext'
import { LossChart } from '../../src/components/LossChart'
import { loadDigits } from '../../src/data/digits'
import { unshuffleTiles } from '../../src/core/pretext/permutations'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function Demo(props: { options: UsePretextOptions; onResult: (r: UsePretextResult) => void }) {
  const model = usePretext(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(model)
  }, [model, onResult])
  return <LossChart history={model.history} />
}

describe('usePretext in real Chromium', () => {
  test('the jigsaw learns in the worker: task accuracy rises; examples, guesses, features and a probe come back', async () => {
    let hook: UsePretextResult | undefined
    await render(
      <Demo
        options={{
          data: { name: 'digits', limit: 1024 },
          task: 'jigsaw',
          epochs: 6,
          batchSize: 64,
          learningRate: 0.003,
          seed: 2,
          backend: 'wasm',
          autoTrain: true,
        }}
        onResult={(result) => (hook = result)}
      />,
    )
    await waitFor(() => hook?.status === 'ready', 120_000)
    expect(hook!.task).toBe('jigsaw')
    expect(hook!.classCount).toBe(24)
    expect(hook!.latentDim).toBe(4 * 64)
    const history = hook!.history
    expect(history).toHaveLength(96)
    const mean = (points: typeof history): number =>
      points.reduce((sum, p) => sum + p.accuracy, 0) / points.length
    expect(mean(history.slice(-8))).toBeGreaterThan(0.25)
    expect(mean(history.slice(-8))).toBeGreaterThan(3 * mean(history.slice(0, 4)))

    const examples = await hook!.makeTaskAsync(40, { seed: 5 })
    expect(examples.inputs.shape).toEqual([40, 8, 8, 1])
    expect(examples.permutations).toHaveLength(24)
    const guess = await hook!.predictAsync(examples.inputs)
    const right = guess.classes.filter((c, i) => c === examples.targets[i]).length
    expect(right).toBeGreaterThan(10)
    // A right guess un-shuffles the example into its digit.
    const digits = loadDigits()
    const i = guess.classes.findIndex((c, k) => c === examples.targets[k])
    const input = examples.inputs.data.slice(i * 64, i * 64 + 64)
    const back = unshuffleTiles(
      input,
      [8, 8, 1],
      2,
      examples.permutations[guess.classes[i] ?? 0] ?? [],
    )
    const row = examples.indices[i] ?? 0
    expect(Array.from(back)).toEqual(Array.from(digits.images.data.slice(row * 64, row * 64 + 64)))

    const features = await hook!.encodeAsync(loadDigits({ limit: 10 }).images)
    expect(features.shape).toEqual([10, 256])
    const probe = await hook!.probeAsync(digits.images, digits.labels, { labelsPerClass: 10 })
    expect(probe.accuracy).toBeGreaterThan(0.5)
  })
})
