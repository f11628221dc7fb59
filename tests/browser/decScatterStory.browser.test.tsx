/**
 * The DEC playground story with a short run: once refinement starts, its latent map (the
 * embedding projected with PCA in the worker) shows every digit coloured by its cluster.
 */
import { afterEach, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import meta from '../../stories/DECPlayground.stories'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

test('the DEC playground maps the embedding, coloured by cluster, as refinement runs', async () => {
  const Playground = meta.component as NonNullable<typeof meta.component>
  const args = {
    ...(meta.args as Required<NonNullable<typeof meta.args>>),
    epochs: 2,
    refineSteps: 40,
    updateInterval: 10,
    preset: false,
  }
  const screen = await render(<Playground {...args} backend="wasm" />)
  const summary = () =>
    screen.container.querySelector('[data-testid="dec-scatter"] .lk-latent-scatter__summary')
      ?.textContent ?? ''
  await waitFor(() => /^Scatter plot of 1,797 points in \d+ clusters/.test(summary()), 120_000)
  await waitFor(
    () =>
      screen.container.querySelectorAll('[data-testid="dec-scatter"] li[data-color]').length >= 2,
    10_000,
  )
})
