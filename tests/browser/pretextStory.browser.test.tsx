/**
 * The pretext playground story, rendered as Storybook would: it opens on the shipped jigsaw model
 * (shuffled digits and the model's guesses, right ones marked, most of them right), the relative-position
 * story opens on its preset too, and, trained
 * live on the rotation task, draws its examples, both charts and a probe result.
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import meta from '../../stories/PretextPlayground.stories'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

const Playground = meta.component as NonNullable<typeof meta.component>
const defaults = meta.args as Required<NonNullable<typeof meta.args>>

test('the jigsaw story opens on the preset: shuffled tiles drawn, guesses marked, most of them right', async () => {
  const screen = await render(<Playground {...defaults} backend="wasm" />)
  await waitFor(
    () => screen.container.querySelectorAll('[data-testid="pretext-guess"]').length === 12,
    60_000,
  )
  const guesses = [...screen.container.querySelectorAll('[data-testid="pretext-guess"]')]
  const right = guesses.filter((g) => g.getAttribute('data-right') === 'true').length
  expect(right).toBeGreaterThanOrEqual(6)
  // Each guess draws the shuffled digit and the digit put back: two canvases with ink on them.
  const canvases = guesses[0]?.querySelectorAll('canvas.lk-sample-grid') ?? []
  expect(canvases.length).toBe(2)
  for (const canvas of canvases) {
    expect(distinctLevels(canvasPixels(canvas as HTMLCanvasElement))).toBeGreaterThan(2)
  }
  // A right guess puts the tiles back: its second canvas equals a digit, unlike its shuffled first.
  const rightOne = guesses.find((g) => g.getAttribute('data-right') === 'true')
  const [shuffled, restored] = [...(rightOne?.querySelectorAll('canvas.lk-sample-grid') ?? [])]
  expect(canvasPixels(shuffled as HTMLCanvasElement)).not.toEqual(
    canvasPixels(restored as HTMLCanvasElement),
  )
  expect(screen.getByTestId('guess-summary').element().textContent).toMatch(/\d+ of 12 right/)
})

test('the rotation task trained live draws examples, charts and a probe result', async () => {
  const screen = await render(
    <Playground {...defaults} task="rotation" preset={false} epochs={2} backend="wasm" />,
  )
  await waitFor(
    () =>
      /10 labels per digit: \d+\.\d %/.test(
        screen.getByTestId('probe-summary').element().textContent ?? '',
      ),
    120_000,
  )
  await waitFor(
    () => screen.container.querySelectorAll('[data-testid="pretext-guess"]').length === 12,
    60_000,
  )
  expect(screen.container.querySelectorAll('svg').length).toBeGreaterThanOrEqual(2)
  await expect.element(screen.getByRole('button', { name: 'New examples' })).toBeVisible()
})

test('the relative-position story opens on its preset: neighbour pairs drawn, guesses better than chance', async () => {
  const screen = await render(<Playground {...defaults} task="relativePosition" backend="wasm" />)
  await waitFor(
    () => screen.container.querySelectorAll('[data-testid="pretext-guess"]').length === 12,
    60_000,
  )
  const guesses = [...screen.container.querySelectorAll('[data-testid="pretext-guess"]')]
  const right = guesses.filter((g) => g.getAttribute('data-right') === 'true').length
  // 8 neighbours: chance is 1.5 of 12; the preset's held-out task accuracy is 0.54.
  expect(right).toBeGreaterThanOrEqual(4)
  expect(screen.getByTestId('guess-summary').element().textContent).toMatch(/\d+ of 12 right/)
})
