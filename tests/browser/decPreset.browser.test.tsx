/**
 * The DEC preset in a real worker: `useDEC({ preset: 'digits' })` is ready at mount with its
 * clusters placed (the preset's smaller network, not the hook's default), assigns the digits in
 * clusters that match the classes, trains further from the preset rather than from scratch, and
 * `reset()` forgets it; the DEC story opens on it with its clusters and embedding map drawn.
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import meta from '../../stories/DECPlayground.stories'
import { clusteringAccuracy } from '../../src/core/kmeans/clusterAgreement'
import { loadDigits } from '../../src/data/digits'
import { useDEC } from '../../src/react/useDEC'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

test('useDEC with the digits preset: clusters at mount, trains on from them, reset() forgets it', async () => {
  const digits = loadDigits()
  let hook: ReturnType<typeof useDEC> | undefined
  function Demo() {
    hook = useDEC({
      preset: 'digits',
      data: 'digits',
      refineSteps: 20,
      updateInterval: 10,
      backend: 'wasm',
    })
    return <p>{hook.status}</p>
  }
  await render(<Demo />)
  await waitFor(() => hook?.status === 'ready' || hook?.status === 'error', 30_000)
  expect(hook!.error).toBeUndefined()
  expect(hook!.phase).toBe('refine')
  expect(hook!.clusters).toBe(10)
  const steps = hook!.model?.trainedSteps ?? 0
  expect(steps).toBeGreaterThan(0)

  const assignment = await hook!.assignAsync(digits.images)
  expect(assignment.labels).toHaveLength(1797)
  // The recipe measures 0.83 on all digits; labels are evaluation only.
  expect(clusteringAccuracy(assignment.labels, digits.labels)).toBeGreaterThan(0.8)
  // The preset's network (64-128-128-512-10), not the hook's default one: a 10-value embedding.
  const codes = await hook!.encodeAsync(digits.images)
  expect(codes.shape).toEqual([1797, 10])

  // Trained further: refinement continues from the preset (pretraining is already done).
  const summary = await hook!.trainAsync()
  const after = summary?.model.trainedSteps ?? 0
  expect(after).toBeGreaterThan(steps)
  expect(after - steps).toBeLessThanOrEqual(20)
  expect(hook!.history.every((point) => point.phase === 'refine')).toBe(true)

  await hook!.resetAsync()
  expect(hook!.status).toBe('idle')
  expect(hook!.model?.trainedSteps ?? 0).toBe(0)
})

test('the DEC story opens on the preset: clusters, accuracy and the embedding map at mount', async () => {
  const Playground = meta.component as NonNullable<typeof meta.component>
  const args = meta.args as Required<NonNullable<typeof meta.args>>
  expect(args.preset).toBe(true)
  const screen = await render(<Playground {...args} backend="wasm" />)
  const summary = () =>
    screen.container.querySelector('[data-testid="dec-scatter"] .lk-latent-scatter__summary')
      ?.textContent ?? ''
  await waitFor(() => /^Scatter plot of 1,797 points in 10 clusters/.test(summary()), 60_000)
  const text = screen.getByTestId('dec-summary').element().textContent ?? ''
  const accuracy = Number(/accuracy (\d\.\d+)/.exec(text)?.[1])
  expect(accuracy).toBeGreaterThan(0.8)
  expect(text).toMatch(/Train from scratch/)
  await expect.element(screen.getByRole('button', { name: 'Train from scratch' })).toBeEnabled()
})
