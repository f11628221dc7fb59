/**
 * The stacked autoencoder playground story, rendered as Storybook would with its default args: on the
 * WASM backend every phase is marked on the loss chart, the reconstructions are drawn and the probe
 * reports an accuracy, all from one page load (the time it takes is the bench's business).
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import meta from '../../stories/StackedAutoencoder.stories'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

test('the stacked autoencoder playground trained live marks every phase, draws reconstructions and probes the codes', async () => {
  const Playground = meta.component as NonNullable<typeof meta.component>
  const args = meta.args as Required<NonNullable<typeof meta.args>>
  const screen = await render(<Playground {...args} preset={false} backend="wasm" />)
  const phases =
    /^Phases: layer 1 from step 1, layer 2 from step \d+, layer 3 from step \d+, fine-tune from step \d+\.$/
  await waitFor(
    () =>
      [...screen.container.querySelectorAll('.lk-loss-chart__phases')].some((p) =>
        phases.test(p.textContent ?? ''),
      ),
    60_000,
  )
  await waitFor(
    () =>
      /10 labels per digit: \d+\.\d %/.test(
        screen.getByTestId('probe-summary').element().textContent ?? '',
      ),
    60_000,
  )
  expect(screen.getByTestId('phase-summary').element().textContent).toMatch(
    /fine-tuning the whole autoencoder/,
  )
  const grid = screen.container.querySelector('canvas.lk-reconstruction-grid') as HTMLCanvasElement
  expect(distinctLevels(canvasPixels(grid))).toBeGreaterThan(10)
})

test('the stacked autoencoder playground opens on its preset: reconstructions and a probe at mount, no training', async () => {
  const Playground = meta.component as NonNullable<typeof meta.component>
  const args = meta.args as Required<NonNullable<typeof meta.args>>
  expect(args.preset).toBe(true)
  const screen = await render(<Playground {...args} backend="wasm" />)
  await waitFor(
    () =>
      /10 labels per digit: \d+\.\d %/.test(
        screen.getByTestId('probe-summary').element().textContent ?? '',
      ),
    60_000,
  )
  // The preset's codes separate the digits far better than chance (the recipe measures 0.87).
  const accuracy = Number(
    /(\d+\.\d) %/.exec(screen.getByTestId('probe-summary').element().textContent ?? '')?.[1],
  )
  expect(accuracy).toBeGreaterThan(70)
  expect(screen.getByTestId('phase-summary').element().textContent).toMatch(/shipped preset/)
  const grid = screen.container.querySelector('canvas.lk-reconstruction-grid') as HTMLCanvasElement
  await waitFor(() => distinctLevels(canvasPixels(grid)) > 10, 30_000)
  // Opened on the preset, nothing trained: the loss chart has no points yet.
  expect(screen.container.querySelector('.lk-loss-chart__phases')).toBeNull()
})
