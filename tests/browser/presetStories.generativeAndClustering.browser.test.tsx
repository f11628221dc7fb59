/**
 * The playgrounds' variant stories open on presets of their own models in a real worker: ready at
 * mount without training (Train from scratch enabled, which needs a trained model), and drawing what
 * the preset learned — the GAN's samples, k-means clusters that follow the digit classes, the RBM's
 * receptive fields, IDEC's clusters.
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup } from 'vitest-browser-react'
import decMeta, { IDEC } from '../../stories/DECPlayground.stories'
import ganImagesMeta, {
  Digits as GANDigits,
  SpritesDense as GANSpritesDense,
} from '../../stories/GANImages.stories'
import ganPlaneMeta, { Moons, Spiral } from '../../stories/GANPlayground.stories'
import latentTraversalMeta, {
  InfoGANDigits,
  InfoGANSprites,
} from '../../stories/LatentTraversal.stories'
import kmeansMeta, {
  Digits as KMeansDigits,
  ManyClusters,
  MiniBatch,
} from '../../stories/KMeansPlayground.stories'
import rbmMeta, {
  ContrastiveDivergence,
  DeepBeliefNetwork,
  GaussianVisible,
} from '../../stories/RBMPlayground.stories'
import { renderStoryOnWasm, type StoryModule } from './renderStory'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

/** Renders a story (its module's args, then its own) on WASM; resolves once the model is ready. */
async function openStory(meta: StoryModule, story: { readonly args?: object }) {
  const { screen } = await renderStoryOnWasm(meta, story)
  const status = () => screen.getByTestId('model-status').element().textContent ?? ''
  await waitFor(() => /ready|error/.test(status()), 60_000)
  expect(status()).toMatch(/ready/)
  await expect.element(screen.getByRole('button', { name: 'Train from scratch' })).toBeEnabled()
  // Loaded, not trained here: a preset brings no training history, so the loss chart is empty.
  expect(screen.container.textContent).toContain('No training steps yet.')
  return screen
}

/** Waits until `selector`'s first canvas has more than two grey levels painted. */
async function painted(container: HTMLElement, selector: string): Promise<void> {
  await waitFor(() => {
    const canvas = container.querySelector<HTMLCanvasElement>(selector)
    return canvas !== null && canvas.width > 0 && distinctLevels(canvasPixels(canvas)) > 2
  }, 30_000)
}

test.each([
  ['GANImages Digits', ganImagesMeta, GANDigits, 'canvas.lk-sample-grid'],
  ['GANImages SpritesDense', ganImagesMeta, GANSpritesDense, 'canvas.lk-sample-grid'],
  ['GAN 2-D Moons', ganPlaneMeta, Moons, 'canvas'],
  ['GAN 2-D Spiral', ganPlaneMeta, Spiral, 'canvas'],
  [
    'LatentTraversal InfoGANDigits',
    latentTraversalMeta,
    InfoGANDigits,
    'canvas.lk-latent-traversal__images',
  ],
  [
    'LatentTraversal InfoGANSprites',
    latentTraversalMeta,
    InfoGANSprites,
    'canvas.lk-latent-traversal__images',
  ],
] as const)('%s opens on its preset and draws samples', async (_, meta, story, selector) => {
  const screen = await openStory(meta, story)
  await painted(screen.container, selector)
})

test.each([
  ['Digits', KMeansDigits],
  ['MiniBatch', MiniBatch],
  ['ManyClusters', ManyClusters],
] as const)(
  'k-means %s opens on its preset: clusters drawn, and they follow the digit classes',
  async (_, story) => {
    const screen = await openStory(kmeansMeta, story)
    const summary = () => screen.getByTestId('kmeans-summary').element().textContent ?? ''
    await waitFor(() => /adjusted Rand index/.test(summary()), 30_000)
    // The recipes measure 0.44–0.63 on all digits; a fresh, untrained model would show nothing.
    expect(
      Number(/adjusted Rand index vs digit classes (\d\.\d+)/.exec(summary())?.[1]),
    ).toBeGreaterThan(0.35)
    expect(summary()).toMatch(/^inertia \d/)
    await painted(screen.container, 'canvas.lk-sample-grid')
  },
)

test.each([
  ['ContrastiveDivergence', ContrastiveDivergence],
  ['DeepBeliefNetwork', DeepBeliefNetwork],
  ['GaussianVisible', GaussianVisible],
] as const)('RBM %s opens on its preset: receptive fields drawn', async (_, story) => {
  const screen = await openStory(rbmMeta, story)
  await painted(screen.container, 'canvas.lk-filter-grid__canvas')
})

test('DEC IDEC opens on its preset: clusters that match the classes at mount', async () => {
  const screen = await openStory(decMeta, IDEC)
  const summary = () => screen.getByTestId('dec-summary').element().textContent ?? ''
  await waitFor(() => /^accuracy \d/.test(summary()), 60_000)
  // The recipe measures 0.829 on all digits.
  expect(Number(/accuracy (\d\.\d+)/.exec(summary())?.[1])).toBeGreaterThan(0.8)
})
