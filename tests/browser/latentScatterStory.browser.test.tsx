/**
 * The LatentScatter stories, rendered as Storybook would: the digits VAE preset's latent map opens
 * with PCA and then with UMAP (its epochs shown), coloured by digit, and the digits separate; the
 * synthetic story draws 20,000 points.
 */
import { afterEach, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { TwentyThousandPoints, VAEDigits } from '../../stories/LatentScatter.stories'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function separationOf(text: string): number {
  return Number(/separation \(between\/within spread\) (\d+\.\d+)/.exec(text)?.[1] ?? NaN)
}

test('the VAE latent map opens on the preset with PCA, then maps with UMAP, coloured by digit', async () => {
  const renderStory = VAEDigits.render as (args: typeof VAEDigits.args) => React.ReactElement
  const pca = await render(renderStory({ ...VAEDigits.args!, method: 'pca' }))
  await waitFor(
    () =>
      /^PCA map of 1797 posterior means/.test(
        pca.getByTestId('projection-status').element().textContent ?? '',
      ),
    60_000,
  )
  const summary = () =>
    pca.container.querySelector('.lk-latent-scatter__summary')?.textContent ?? ''
  await waitFor(() => /Scatter plot of 1,797 points in 10 clusters/.test(summary()), 10_000)
  const pcaSeparation = separationOf(summary())
  expect(pcaSeparation).toBeGreaterThan(0.5)
  await cleanup()

  const umap = await render(renderStory({ ...VAEDigits.args!, method: 'umap' }))
  const status = () => umap.getByTestId('projection-status').element().textContent ?? ''
  await waitFor(() => /epoch \d+ of 500/.test(status()), 60_000)
  await waitFor(() => /^UMAP map of 1797 posterior means/.test(status()), 120_000)
  const umapSummary = umap.container.querySelector('.lk-latent-scatter__summary')?.textContent ?? ''
  // UMAP pulls the digits apart further than the linear map does.
  expect(separationOf(umapSummary)).toBeGreaterThan(pcaSeparation)
})

test('the synthetic story draws 20,000 points in 10 coloured clusters', async () => {
  const renderStory = TwentyThousandPoints.render as (
    args: typeof TwentyThousandPoints.args,
  ) => React.ReactElement
  const screen = await render(renderStory(TwentyThousandPoints.args))
  await expect
    .element(screen.getByText(/Scatter plot of 20,000 points in 10 clusters/))
    .toBeVisible()
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  await waitFor(() => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    let coloured = 0
    for (let i = 0; i < data.length; i += 4) if (data[i] !== data[i + 2]) coloured++
    return coloured > 5000
  }, 10_000)
})
