/**
 * The "Wake-sleep vs the VAE" story, rendered as Storybook would with its default args (fewer
 * epochs): both models' samples are drawn, both bounds are lines of one chart, and the held-out
 * table fills its four rows.
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import meta from '../../stories/WakeSleepVsVAE.stories'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

test('wake-sleep vs the VAE trained live: two sample grids, both bounds on one chart, four held-out rows', async () => {
  const Comparison = meta.component as NonNullable<typeof meta.component>
  const args = {
    ...(meta.args as Required<NonNullable<typeof meta.args>>),
    epochs: 3,
    heldOutSamples: 5,
    preset: false,
  }
  const screen = await render(<Comparison {...args} backend="wasm" />)
  const grids = () =>
    Array.from(screen.container.querySelectorAll('canvas.lk-sample-grid')) as HTMLCanvasElement[]
  await waitFor(() => grids().length === 2, 60_000)
  for (const grid of grids()) {
    await waitFor(() => distinctLevels(canvasPixels(grid)) > 8, 60_000)
  }
  await waitFor(
    () => /4 models; highest log-likelihood/.test(screen.container.textContent ?? ''),
    120_000,
  )
  expect(screen.container.querySelector('.lk-loss-chart__line--helmholtz')).not.toBeNull()
  expect(screen.container.querySelector('.lk-loss-chart__line--vae')).not.toBeNull()
  expect(screen.container.textContent).not.toContain('computing…')
})

test('wake-sleep vs the VAE opens on two presets of the same sizes: samples and the held-out table at mount', async () => {
  const Comparison = meta.component as NonNullable<typeof meta.component>
  const args = {
    ...(meta.args as Required<NonNullable<typeof meta.args>>),
    heldOutSamples: 5,
  }
  expect(args.preset).toBe(true)
  const screen = await render(<Comparison {...args} backend="wasm" />)
  const grids = () =>
    Array.from(screen.container.querySelectorAll('canvas.lk-sample-grid')) as HTMLCanvasElement[]
  await waitFor(() => grids().length === 2, 60_000)
  for (const grid of grids()) {
    await waitFor(() => distinctLevels(canvasPixels(grid)) > 8, 60_000)
  }
  await waitFor(
    () => /4 models; highest log-likelihood/.test(screen.container.textContent ?? ''),
    120_000,
  )
  // Nothing trained at mount: both statuses are the presets, ready.
  await expect
    .element(screen.getByRole('button', { name: 'Train both from scratch' }))
    .toBeEnabled()
})
