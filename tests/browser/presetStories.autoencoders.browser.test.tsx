/**
 * The story variants that open on presets of their own (anomaly: convolutional, masked denoising,
 * the heatmap's VAE; ReconstructionGrid: plain and linear; stacked denoising; random-order MADE;
 * contrastive: crop only, convolutional), rendered as Storybook would with their args in a real
 * worker: each reaches `ready` without ever training, draws its trained output, and offers Train from
 * scratch. With `preset: false` the same stories train live (their own tests and the Storybook test).
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup } from 'vitest-browser-react'
import anomalyMeta, {
  Convolutional,
  MaskedDenoising,
} from '../../stories/AnomalyPlayground.stories'
import heatmapMeta, { WithAVAE } from '../../stories/AnomalyHeatmap.stories'
import gridMeta, { Digits, Linear } from '../../stories/ReconstructionGrid.stories'
import stackedMeta, { Denoising } from '../../stories/StackedAutoencoder.stories'
import madeMeta, { RandomOrdering } from '../../stories/AutoregressivePlayground.stories'
import contrastiveMeta, {
  Convolutional as ContrastiveConvolutional,
  CropOnly,
} from '../../stories/ContrastivePlayground.stories'
import hashingMeta, { EightBits } from '../../stories/SemanticHashing.stories'
import sparseMeta, { SmallPatches } from '../../stories/SparseCodingPlayground.stories'
import { renderStoryOnWasm, type StoryModule } from './renderStory'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

/**
 * Renders `meta`'s component with the story's args on WASM and waits until its model is `ready`,
 * recording every status its `TrainingStatus` showed on the way.
 */
async function openStory(meta: StoryModule, story: { readonly args?: object }) {
  const { screen, args } = await renderStoryOnWasm(meta, story)
  expect(args.preset).toBe(true)
  const seen = new Set<string>()
  const status = () => screen.container.querySelector('.lk-training-status')
  const watch = setInterval(() => {
    const value = status()?.getAttribute('data-lk-status')
    if (value) seen.add(value)
  }, 10)
  try {
    await waitFor(() => status()?.getAttribute('data-lk-status') === 'ready', 60_000)
  } finally {
    clearInterval(watch)
  }
  // Opened on a preset: never trained, trained steps to start over from.
  expect([...seen]).not.toContain('training')
  await expect.element(screen.getByRole('button', { name: 'Train from scratch' })).toBeEnabled()
  return screen
}

type OpenedStory = Awaited<ReturnType<typeof openStory>>

/** Waits for the story's probe summary and returns its 10-labels-per-class accuracy in percent. */
async function probePercent(screen: OpenedStory): Promise<number> {
  const summary = () => screen.getByTestId('probe-summary').element().textContent ?? ''
  await waitFor(() => /10 labels per digit: \d+\.\d %/.test(summary()), 60_000)
  return Number(/(\d+\.\d) %/.exec(summary())?.[1])
}

const drawn = (canvas: Element | null) =>
  canvas !== null && distinctLevels(canvasPixels(canvas as HTMLCanvasElement)) > 10

test.each([
  ['Convolutional', Convolutional],
  ['MaskedDenoising', MaskedDenoising],
] as const)(
  'the anomaly playground %s opens on its preset: a verdict and reconstructions, no training',
  async (_, story) => {
    const screen = await openStory(anomalyMeta, story)
    await waitFor(
      () =>
        /anomaly score [\d.e-]+, threshold [\d.e-]+: (anomalous|normal)/.test(
          screen.container.textContent ?? '',
        ),
      30_000,
    )
    await waitFor(
      () => drawn(screen.container.querySelector('canvas.lk-reconstruction-grid')),
      30_000,
    )
  },
)

test('the heatmap story WithAVAE opens on the VAE preset: a verdict at once, no training', async () => {
  const screen = await openStory(heatmapMeta, WithAVAE)
  await waitFor(
    () =>
      /anomaly score [\d.e-]+, threshold [\d.e-]+: (anomalous|normal)/.test(
        screen.container.textContent ?? '',
      ),
    30_000,
  )
})

test.each([
  ['Digits', Digits],
  ['Linear', Linear],
] as const)(
  'the ReconstructionGrid story %s opens on its preset: reconstructions drawn, no training',
  async (_, story) => {
    const screen = await openStory(gridMeta, story)
    await waitFor(
      () => drawn(screen.container.querySelector('canvas.lk-reconstruction-grid')),
      30_000,
    )
  },
)

test('the stacked playground Denoising opens on its preset: reconstructions and a probe, no training', async () => {
  const screen = await openStory(stackedMeta, Denoising)
  // The recipe measures 0.877 with 10 labels per class.
  expect(await probePercent(screen)).toBeGreaterThan(70)
  expect(screen.getByTestId('phase-summary').element().textContent).toMatch(/shipped preset/)
})

test('the autoregressive playground RandomOrdering opens on its preset: samples and its held-out nats', async () => {
  const screen = await openStory(madeMeta, RandomOrdering)
  await waitFor(() => /64 of 64 pixels drawn/.test(screen.container.textContent ?? ''), 30_000)
  // The random-order preset's own figure (its recipe: −17.57 nats; the natural order's is −18.03).
  await waitFor(
    () =>
      /17\.5\d nats per digit/.test(
        screen.getByTestId('held-out-nats').element().textContent ?? '',
      ),
    30_000,
  )
})

test.each([
  ['CropOnly', CropOnly],
  ['Convolutional', ContrastiveConvolutional],
] as const)(
  'the contrastive playground %s opens on its preset: a probe accuracy at once, no training',
  async (_, story) => {
    const screen = await openStory(contrastiveMeta, story)
    // Both recipes measure 0.89 with 10 labels per class.
    expect(await probePercent(screen)).toBeGreaterThan(80)
  },
)

test('the semantic-hashing playground EightBits opens on its preset: a held-out precision at once, no training', async () => {
  const screen = await openStory(hashingMeta, EightBits)
  const table = () => screen.getByTestId('hashing-precision').element().textContent ?? ''
  await waitFor(() => /learned \(noise\), 8 bits\d\.\d{3}/.test(table()), 30_000)
  // The recipe measures 0.768; an untrained 8-bit model would sit near chance (about 0.1).
  expect(Number(/8 bits(\d\.\d{3})/.exec(table())?.[1])).toBeGreaterThan(0.7)
})

test('the sparse-coding playground SmallPatches opens on its preset: atoms drawn and digits denoised, no training', async () => {
  const screen = await openStory(sparseMeta, SmallPatches)
  await waitFor(
    () => drawn(screen.container.querySelector('canvas.lk-dictionary-grid__canvas')),
    30_000,
  )
  await waitFor(
    () =>
      /→ denoised \d+\.\d dB/.test(
        screen.getByTestId('denoise-summary').element().textContent ?? '',
      ),
    30_000,
  )
})
