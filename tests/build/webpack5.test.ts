import { copyFileSync, cpSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright'
import webpack from 'webpack'
import { describe, expect, onTestFinished, test } from 'vitest'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'
import { CROSS_ORIGIN_ISOLATION, serveStatic } from '../../scripts/staticServer.mjs'
import { consumerFolder, openDemo, type PageRun } from './consumerApps'

/** A run that trained one epoch in the worker on single-threaded WASM, drew samples, no errors. */
function expectTrained(run: PageRun, isolated: boolean): void {
  expect(run.errors).toEqual([])
  expect(run.isolated).toBe(isolated)
  expect(run.state.error).toBeUndefined()
  expect(run.state.status).toBe('ready')
  expect(run.state.backend).toBe('wasm')
  expect(run.state.skipped.filter((s) => s.backend === 'wasm')).toEqual([])
  expect(run.state.steps).toBeGreaterThan(0)
  expect(run.state.steps).toBe(run.state.stepsPerEpoch)
  expect(run.sampleLevels).toBeGreaterThan(8)
  // TF.js's threaded WASM build would start its helper threads from blob: URLs.
  expect(run.workers.filter((url) => url.startsWith('blob:'))).toEqual([])
}

// The issue this guards: on a cross-origin-isolated page, TF.js picked its threaded WASM build,
// whose helper threads die once terser has minified the worker (`ReferenceError: n is not defined`),
// and the worker crashed (WORKER_CRASHED).
describe('the packed package in a webpack 5 app (production build, terser)', () => {
  test('trains in the bundled worker and in the static worker folder, with and without COOP/COEP', async () => {
    const consumers = consumerFolder('latentkit-webpack-')
    onTestFinished(() => consumers.remove())
    const app = consumers.addApp('webpack5')
    const { default: config } = (await import(join(app, 'webpack.config.js'))) as {
      default: webpack.Configuration
    }
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      webpack({ ...config, context: app }, (error, result) =>
        error || !result ? reject(error ?? new Error('no stats')) : resolve(result),
      ),
    )
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false)
    const build = join(app, 'build')
    cpSync(join(app, 'public'), build, { recursive: true })
    // The README's static-worker recipe: the static worker's folder and the WASM binaries, side by side.
    const dist = join(consumers.dir, 'node_modules', 'latentkit', 'dist')
    cpSync(join(dist, 'static-worker'), join(build, 'static'), { recursive: true })
    for (const file of readdirSync(dist).filter((name) => name.endsWith('.wasm'))) {
      copyFileSync(join(dist, file), join(build, 'static', file))
    }

    const browser = await chromium.launch(chromiumLaunchOptions())
    try {
      for (const isolated of [false, true]) {
        const server = await serveStatic(build, isolated ? { headers: CROSS_ORIGIN_ISOLATION } : {})
        try {
          const bundled = await openDemo(browser, `${server.url}/`)
          expectTrained(bundled, isolated)
          expect(bundled.workers.some((url) => /\/static\//.test(url))).toBe(false)

          const standalone = await openDemo(browser, `${server.url}/static.html`)
          expectTrained(standalone, isolated)
          // Isolated, the fused kernels may start their helper thread beside the worker (Playwright
          // does not always report nested workers); never anything else.
          expect(
            standalone.workers.filter((url) => url !== `${server.url}/static/latentkit.kernels.js`),
          ).toEqual([`${server.url}/static/latentkit.worker.js`])
          if (!isolated) expect(standalone.workers).toHaveLength(1)
        } finally {
          await server.close()
        }
      }
    } finally {
      await browser.close()
    }
  }, 400_000)
})
