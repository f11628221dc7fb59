/**
 * The LikelihoodTable side-by-side story, rendered as Storybook would (fewer RBM epochs and AIS
 * steps): MADE, the VAE and the Helmholtz machine open on their presets, trained on the same 1,500
 * binarised digits, with no training; the RBM trains live; the table fills all five rows.
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { TrainedSideBySide } from '../../stories/LikelihoodTable.stories'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

test('the side-by-side likelihood table opens three models on their presets and fills five rows', async () => {
  const story = TrainedSideBySide
  const args = {
    ...(story.args as Required<NonNullable<typeof story.args>>),
    epochs: 4,
    iwaeSamples: 10,
    aisRuns: 10,
    aisSteps: 100,
  }
  expect(args.presets).toBe(true)
  const screen = await render(<>{story.render!(args, {} as never)}</>)
  await waitFor(
    () => /5 models; highest log-likelihood/.test(screen.container.textContent ?? ''),
    180_000,
  )
  expect(screen.container.textContent).not.toContain('computing…')
  // The presets trained 50 (MADE) and 100 (VAE, Helmholtz) epochs: each is far above independent
  // fair coins (−44.4 nats per digit); every row's figure is a finite number of nats.
  const figures = [...screen.container.querySelectorAll('tbody tr')].map((row) =>
    Number.parseFloat(row.querySelectorAll('td')[1]?.textContent?.replace('−', '-') ?? 'NaN'),
  )
  expect(figures).toHaveLength(5)
  expect(figures.filter((value) => value > -30).length).toBeGreaterThanOrEqual(3)
})
