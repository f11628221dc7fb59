import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright'
import { describe, expect, test } from 'vitest'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'
import { serveStatic } from '../../scripts/staticServer.mjs'

/** Pixels of the canvas at `selector` clearly red (negative) and clearly blue (positive). */
function divergingPixels(page: Page, selector: string): Promise<{ red: number; blue: number }> {
  return page.locator(selector).evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    let red = 0
    let blue = 0
    for (let i = 0; i < data.length; i += 4) {
      if (data[i]! > data[i + 2]! + 60) red += 1
      if (data[i + 2]! > data[i]! + 60) blue += 1
    }
    return { red, blue }
  })
}

// What `npm start` serves, built statically and opened in Chromium: the VAE playground must open on
// its preset, and (preset off) train
// live in its worker on the embedded digits and draw samples; the sparse coding playground must learn
// and draw atoms, code a patch and denoise; the RBM playground must draw receptive fields and a Gibbs
// chain and estimate a log-likelihood; a model saved from the ModelFiles story must load after a reload.
describe('Storybook', () => {
  test('the VAE, sparse coding, anomaly, convolutional GAN, RBM and autoregressive playgrounds train in the worker and draw', async () => {
    const out = mkdtempSync(join(tmpdir(), 'latentkit-storybook-'))
    const built = spawnSync('npx', ['storybook', 'build', '--quiet', '-o', out], {
      encoding: 'utf8',
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
    })
    expect(built.status, built.stderr).toBe(0)
    const server = await serveStatic(out)
    const browser = await chromium.launch(chromiumLaunchOptions())
    try {
      const page = await browser.newPage()
      const pageErrors: string[] = []
      page.on('pageerror', (error) => pageErrors.push(error.message))

      // Opened as a designer would, the VAE playground shows its preset's samples without training.
      const opened = performance.now()
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-vae-playground--digits&viewMode=story`,
      )
      await page.getByTestId('model-status').getByText('ready').waitFor({ timeout: 30_000 })
      await page.locator('canvas.lk-sample-grid').waitFor()
      expect(performance.now() - opened).toBeLessThan(30_000)
      expect(await page.getByRole('button', { name: 'Train from scratch' }).isEnabled()).toBe(true)

      // Component stories open on presets too: something drawn, nothing thrown, within seconds.
      for (const [id, canvas] of [
        ['components-samplegrid--live-from-model', 'canvas.lk-sample-grid'],
        ['components-interpolationslider--between-two-digits', 'canvas'],
        ['components-gibbschain--from-noise', 'canvas'],
        ['components-sparsecodeview--digits', 'canvas'],
        ['components-filtergrid--learned-in-the-worker', 'canvas.lk-filter-grid__canvas'],
        ['components-anomalyheatmap--scratch', 'canvas'],
        ['components-latenttraversal--info-gan-digits', 'canvas.lk-latent-traversal__images'],
        ['components-latenttraversal-vae--digits-preset', 'canvas.lk-latent-traversal__images'],
        ['components-anomalyheatmap--with-avae', 'canvas'],
        ['components-reconstructiongrid--digits', 'canvas.lk-reconstruction-grid'],
        ['components-reconstructiongrid--linear', 'canvas.lk-reconstruction-grid'],
      ] as const) {
        const started = performance.now()
        await page.goto(`${server.url}/iframe.html?id=${id}&viewMode=story`)
        await page.locator(canvas).first().waitFor({ timeout: 30_000 })
        expect(performance.now() - started, id).toBeLessThan(30_000)
      }

      // The playgrounds' variant stories open on presets of their own models: trained (ready, Train
      // from scratch enabled, so not training live) and drawn.
      for (const [id, canvas] of [
        ['playgrounds-gan-on-images--digits', 'canvas.lk-sample-grid'],
        ['playgrounds-gan-on-2-d-data--moons', 'canvas'],
        ['playgrounds-gan-on-2-d-data--spiral', 'canvas'],
        ['playgrounds-k-means-playground--digits', 'canvas.lk-sample-grid'],
        ['playgrounds-k-means-playground--mini-batch', 'canvas.lk-sample-grid'],
        ['playgrounds-k-means-playground--many-clusters', 'canvas.lk-sample-grid'],
        ['playgrounds-rbm-playground--contrastive-divergence', 'canvas.lk-filter-grid__canvas'],
        ['playgrounds-rbm-playground--deep-belief-network', 'canvas.lk-filter-grid__canvas'],
        ['playgrounds-rbm-playground--gaussian-visible', 'canvas.lk-filter-grid__canvas'],
        ['playgrounds-dec-playground--idec', 'canvas'],
        ['components-latenttraversal--info-gan-sprites', 'canvas.lk-latent-traversal__images'],
      ] as const) {
        await page.goto(`${server.url}/iframe.html?id=${id}&viewMode=story`)
        await page.getByTestId('model-status').getByText('ready').waitFor({ timeout: 30_000 })
        await page.locator(canvas).first().waitFor({ timeout: 30_000 })
        expect(await page.getByRole('button', { name: 'Train from scratch' }).isEnabled(), id).toBe(
          true,
        )
      }
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-vae-playground--digits&viewMode=story&args=epochs:3;preset:!false`,
      )
      const status = page.getByTestId('model-status')
      await status.getByText('ready').waitFor({ timeout: 90_000 })
      expect(await status.textContent()).toMatch(
        /ready on \w+( \(fused kernels, wasm-[\w-]+\))? · epoch 3\/3 · step 87/,
      )
      const levels = await page
        .locator('canvas.lk-sample-grid')
        .evaluate((canvas: HTMLCanvasElement) => {
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
          const seen = new Set<number>()
          for (let i = 0; i < data.length; i += 4) seen.add(data[i]!)
          return seen.size
        })
      expect(levels).toBeGreaterThan(8)
      await expect(page.getByText(/After step 87: loss/).count()).resolves.toBe(1)

      // The sparse coding playground learns atoms live, draws them, codes a patch and denoises.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-sparse-coding-playground--digits&viewMode=story&args=epochs:2;preset:!false`,
      )
      const sparseStatus = page.getByTestId('model-status')
      await sparseStatus.getByText('ready').waitFor({ timeout: 90_000 })
      expect(await sparseStatus.textContent()).toMatch(/ready on \w+ · epoch 2\/2 · step 14/)
      await page.getByText(/→ denoised \d+\.\d dB/).waitFor({ timeout: 30_000 })
      await page.getByText(/Patch at row 9, column 9: \d+ of 128 atoms used/).waitFor()
      const atomColours = await divergingPixels(page, 'canvas.lk-dictionary-grid__canvas')
      expect(atomColours.red).toBeGreaterThan(100)
      expect(atomColours.blue).toBeGreaterThan(100)

      // LikelihoodTable: MADE, a VAE, a Helmholtz machine and an RBM train on the same binarised
      // digits; every row fills.
      await page.goto(
        `${server.url}/iframe.html?id=components-likelihoodtable--trained-side-by-side&viewMode=story&args=epochs:2;iwaeSamples:5;aisRuns:10;aisSteps:100`,
      )
      await page
        .getByText(/^5 models; highest log-likelihood: .+ nats per image/)
        .waitFor({ timeout: 90_000 })
      expect(await page.getByText('computing…').count()).toBe(0)

      // The few-labels report opens on raw pixels' row within seconds; every encoder's row follows.
      const reportOpened = performance.now()
      await page.goto(
        `${server.url}/iframe.html?id=components-representationreport--all-encoders-on-digits&viewMode=story&args=draws:2`,
      )
      await page.getByRole('rowheader', { name: 'raw pixels' }).waitFor({ timeout: 30_000 })
      expect(performance.now() - reportOpened).toBeLessThan(30_000)
      await page
        .getByTestId('report-status')
        .getByText(/^11 encoders, 2 draws per column/)
        .waitFor({ timeout: 180_000 })
      expect(await page.locator('.lk-report__line').count()).toBe(11)
      // The same report on the sprites, the shape kind as the label: raw pixels first, every row follows.
      await page.goto(
        `${server.url}/iframe.html?id=components-representationreport--sprites-by-shape-kind&viewMode=story&args=draws:2;epochs:2;perKind:20`,
      )
      await page.getByRole('rowheader', { name: 'raw pixels' }).waitFor({ timeout: 30_000 })
      await page
        .getByTestId('report-status')
        .getByText(/^7 encoders, 2 draws per column, 16 held-out sprites/)
        .waitFor({ timeout: 180_000 })
      expect(await page.locator('.lk-report__line').count()).toBe(7)

      // Wake-sleep vs the VAE: both train three epochs on the same digits, both sample grids draw,
      // both bounds are on one chart, and the held-out table fills its four rows.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-wake-sleep-vs-the-vae--digits&viewMode=story&args=epochs:3;heldOutSamples:5;preset:!false`,
      )
      await page
        .getByText(/^4 models; highest log-likelihood: .+ nats per image/)
        .waitFor({ timeout: 90_000 })
      expect(await page.locator('canvas.lk-sample-grid').count()).toBe(2)
      expect(await page.locator('.lk-loss-chart__line--helmholtz').count()).toBe(1)
      expect(await page.locator('.lk-loss-chart__line--vae').count()).toBe(1)

      // The anomaly playground trains on normal sprites, calibrates and shows the heatmap's verdict.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-anomaly-detection-playground--sprites&viewMode=story&args=epochs:2;preset:!false`,
      )
      await page
        .getByText(/anomaly score [\d.e-]+, threshold [\d.e-]+: (anomalous|normal)/)
        .waitFor({ timeout: 90_000 })
      await page.locator('canvas.lk-reconstruction-grid').waitFor()

      // The convolutional GAN story trains one epoch of sprites (32 steps) and draws its samples.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-gan-on-images--sprites&viewMode=story&args=epochs:1;preset:!false`,
      )
      await page.getByText(/ready.*epoch 1\/1 · step 32/).waitFor({ timeout: 90_000 })
      await page.locator('canvas.lk-sample-grid').waitFor()

      // The RBM playground trains two epochs of 1,530 digits (10 % of 1,700 held out, batches of 10),
      // draws its receptive fields on the diverging scale and a Gibbs chain, and runs AIS on demand.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-rbm-playground--digits&viewMode=story&args=epochs:2;preset:!false`,
      )
      const rbmStatus = page.getByTestId('model-status')
      await rbmStatus.getByText('ready').waitFor({ timeout: 90_000 })
      expect(await rbmStatus.textContent()).toMatch(
        /ready on \w+( \(fused kernels, wasm-[\w-]+\))? · epoch 2\/2 · step 306/,
      )
      await page
        .getByRole('img', { name: '4 Gibbs chains from noise, 11 frames each from step 0 to 100' })
        .waitFor()
      const fieldColours = await divergingPixels(page, 'canvas.lk-filter-grid__canvas')
      expect(fieldColours.red).toBeGreaterThan(100)
      expect(fieldColours.blue).toBeGreaterThan(100)
      await page.getByRole('button', { name: /Estimate on 97 held-out digits/ }).click()
      await page.getByText(/-\d+\.\d\d ± \d+\.\d\d nats per digit/).waitFor({ timeout: 60_000 })

      // The semantic-hashing playground opens on its preset: neighbours found and precision measured.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-semantic-hashing--search-by-example&viewMode=story`,
      )
      await page
        .getByRole('img', { name: /^\d+ nearest images by Hamming distance/ })
        .waitFor({ timeout: 30_000 })
      await page
        .getByTestId('hashing-precision')
        .getByText(/^0\.[5-9]\d\d$/)
        .waitFor({ timeout: 30_000 })

      // The contrastive playground opens on its preset: pairs drawn and the probe's accuracy at once.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-contrastive-playground--digits&viewMode=story`,
      )
      await page
        .getByTestId('probe-summary')
        .getByText(/10 labels per digit: [6-9]\d\.\d % held-out accuracy/)
        .waitFor({ timeout: 30_000 })

      // The stacked autoencoder playground trains live on 600 digits: every phase marked on the loss
      // chart, then the probe's accuracy on the codes.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-stacked-autoencoder-playground--digits&viewMode=story&args=preset:!false`,
      )
      await page
        .getByText(
          /^Phases: layer 1 from step 1, layer 2 from step \d+, layer 3 from step \d+, fine-tune from step \d+\.$/,
        )
        .waitFor({ timeout: 60_000 })
      await page
        .getByTestId('probe-summary')
        .getByText(/10 labels per digit: [5-9]\d\.\d % held-out accuracy/)
        .waitFor({ timeout: 60_000 })

      // The pretext playground opens on its jigsaw preset: shuffled digits and the model's guesses.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-pretext-playground--jigsaw&viewMode=story`,
      )
      await page
        .getByTestId('guess-summary')
        .getByText(/^([6-9]|1[0-2]) of 12 right$/)
        .waitFor({ timeout: 30_000 })

      // LatentScatter: the digits VAE preset's latent map opens with PCA within seconds, coloured by
      // digit; with UMAP it shows its epochs, then the map. The synthetic story draws 20,000 points.
      const mapOpened = performance.now()
      await page.goto(
        `${server.url}/iframe.html?id=components-latentscatter--vae-digits&viewMode=story`,
      )
      await page
        .getByTestId('projection-status')
        .getByText(/^PCA map of 1797 posterior means/)
        .waitFor({ timeout: 30_000 })
      await page.getByText(/Scatter plot of 1,797 points in 10 clusters/).waitFor()
      expect(performance.now() - mapOpened).toBeLessThan(30_000)
      await page.goto(
        `${server.url}/iframe.html?id=components-latentscatter--vae-digits&viewMode=story&args=method:umap`,
      )
      await page
        .getByTestId('projection-status')
        .getByText(/^UMAP map of 1797 posterior means/)
        .waitFor({ timeout: 180_000 })
      await page.goto(
        `${server.url}/iframe.html?id=components-latentscatter--twenty-thousand-points&viewMode=story`,
      )
      await page
        .getByText(/Scatter plot of 20,000 points in 10 clusters/)
        .waitFor({ timeout: 30_000 })

      // The autoregressive playground opens on its preset: a sample drawn to the last pixel at once.
      const madeOpened = performance.now()
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-autoregressive-playground--digits&viewMode=story`,
      )
      await page.getByText(/64 of 64 pixels drawn/).waitFor({ timeout: 30_000 })
      expect(performance.now() - madeOpened).toBeLessThan(30_000)

      // The playgrounds' variants open on presets of their own: each one's trained output at once.
      for (const [id, shown] of [
        ['playgrounds-autoregressive-playground--random-ordering', /17\.5\d nats per digit/],
        [
          'playgrounds-anomaly-detection-playground--convolutional',
          /threshold [\d.e-]+: (anomalous|normal)/,
        ],
        [
          'playgrounds-anomaly-detection-playground--masked-denoising',
          /threshold [\d.e-]+: (anomalous|normal)/,
        ],
        ['playgrounds-stacked-autoencoder-playground--denoising', /^The shipped preset: /],
        [
          'playgrounds-contrastive-playground--crop-only',
          /10 labels per digit: [6-9]\d\.\d % held-out accuracy/,
        ],
        [
          'playgrounds-contrastive-playground--convolutional',
          /10 labels per digit: [6-9]\d\.\d % held-out accuracy/,
        ],
      ] as const) {
        await page.goto(`${server.url}/iframe.html?id=${id}&viewMode=story`)
        await page.getByText(shown).first().waitFor({ timeout: 30_000 })
      }

      // The autoregressive playground trains three epochs of 1,500 digits (batches of 32), draws
      // samples pixel by pixel to the last pixel and shows the exact held-out nats of the trained model.
      await page.goto(
        `${server.url}/iframe.html?id=playgrounds-autoregressive-playground--digits&viewMode=story&args=epochs:3;preset:!false`,
      )
      const madeStatus = page.getByTestId('model-status')
      await madeStatus.getByText('ready').waitFor({ timeout: 90_000 })
      expect(await madeStatus.textContent()).toMatch(/ready on \w+ · epoch 3\/3 · step 141/)
      await page.getByText(/64 of 64 pixels drawn/).waitFor({ timeout: 30_000 })
      await page
        .getByTestId('held-out-nats')
        .getByText(/\d+\.\d\d nats per digit .* after epoch 3/)
        .waitFor({ timeout: 30_000 })

      // ModelFiles: a VAE saved in IndexedDB survives a page reload; after Reset, Load brings back
      // the same samples.
      await page.goto(
        `${server.url}/iframe.html?id=components-modelfiles--keep-a-trained-vae&viewMode=story&args=epochs:2;preset:!false`,
      )
      const filesStatus = page.getByTestId('model-status')
      await filesStatus.getByText('ready').waitFor({ timeout: 90_000 })
      const samplePixels = () =>
        page.locator('canvas.lk-sample-grid').evaluate((canvas: HTMLCanvasElement) => {
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
          return Array.from(data.filter((_, i) => i % 4 === 0)).join(',')
        })
      await page.waitForTimeout(1000)
      const trainedPixels = await samplePixels()
      await page.getByRole('button', { name: 'Save in this browser' }).click()
      await page.getByText('Saved as “digits-vae” in this browser.').waitFor()
      await page.reload()
      await page.getByRole('button', { name: 'Load digits-vae' }).waitFor()
      await filesStatus.getByText('ready').waitFor({ timeout: 90_000 })
      await page.getByRole('button', { name: 'Reset' }).click()
      await page.locator('canvas.lk-sample-grid').waitFor({ state: 'detached' })
      await page.getByRole('button', { name: 'Load digits-vae' }).click()
      await page.getByText('Loaded “digits-vae”.').waitFor()
      await expect.poll(samplePixels, { timeout: 15_000 }).toBe(trainedPixels)
      await page.getByRole('button', { name: 'Delete digits-vae' }).click()
      await page.getByText('No models saved in this browser yet.').waitFor()
      expect(pageErrors).toEqual([])
    } finally {
      await browser.close()
      await server.close()
    }
    // A Storybook build and six playgrounds' training: about 125 s alone on 2 cores, past 300 s
    // beside the other test files and other work.
  }, 600_000)
})
