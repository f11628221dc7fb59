/**
 * The contrastive playground story, rendered as Storybook would with its default args (fewer
 * epochs): the augmented pairs are drawn, both charts appear, and the probe reports an accuracy.
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import meta, { Convolutional } from '../../stories/ContrastivePlayground.stories'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

test('the contrastive playground draws augmented pairs, loss and accuracy charts, and a probe result', async () => {
  const Playground = meta.component as NonNullable<typeof meta.component>
  const args = {
    ...(meta.args as Required<NonNullable<typeof meta.args>>),
    epochs: 2,
    preset: false,
  }
  const screen = await render(<Playground {...args} backend="wasm" />)
  await waitFor(() => screen.container.querySelector('canvas.lk-sample-grid') !== null, 60_000)
  const grid = screen.container.querySelector('canvas.lk-sample-grid') as HTMLCanvasElement
  await waitFor(() => distinctLevels(canvasPixels(grid)) > 10, 60_000)
  await waitFor(
    () =>
      /10 labels per digit: \d+\.\d %/.test(
        screen.getByTestId('probe-summary').element().textContent ?? '',
      ),
    120_000,
  )
  expect(screen.container.querySelectorAll('svg').length).toBeGreaterThanOrEqual(2)
  await expect.element(screen.getByRole('button', { name: 'New pairs' })).toBeVisible()
})

test('the Convolutional story trains the conv encoder live: pairs drawn, then a probe result', async () => {
  const Playground = meta.component as NonNullable<typeof meta.component>
  const args = {
    ...(meta.args as Required<NonNullable<typeof meta.args>>),
    ...Convolutional.args,
    epochs: 2,
  }
  expect(args.architecture).toBe('conv')
  expect(args.preset).toBe(false)
  const screen = await render(<Playground {...args} backend="wasm" />)
  await waitFor(() => screen.container.querySelector('canvas.lk-sample-grid') !== null, 60_000)
  const grid = screen.container.querySelector('canvas.lk-sample-grid') as HTMLCanvasElement
  await waitFor(() => distinctLevels(canvasPixels(grid)) > 10, 60_000)
  await waitFor(
    () =>
      /10 labels per digit: \d+\.\d %/.test(
        screen.getByTestId('probe-summary').element().textContent ?? '',
      ),
    120_000,
  )
  expect(screen.getByTestId('model-status').element().textContent).toMatch(/ready|trained/i)
})
