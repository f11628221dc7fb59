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

test('the stacked autoencoder playground marks every phase, draws reconstructions and probes the codes', async () => {
  const Playground = meta.component as NonNullable<typeof meta.component>
  const args = meta.args as Required<NonNullable<typeof meta.args>>
  const screen = await render(<Playground {...args} backend="wasm" />)
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
