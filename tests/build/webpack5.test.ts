import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import type * as tfl from '@tensorflow/tfjs-layers'
import { chromium } from 'playwright'
import webpack from 'webpack'
import { describe, expect, onTestFinished, test } from 'vitest'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'
import { CROSS_ORIGIN_ISOLATION, serveStatic } from '../../scripts/staticServer.mjs'
import { smallDecoder } from '../fixtures/smallDecoder'
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

/** A small Keras-style decoder (4 → 32 → 8×8×1), as tfjs-layers writes it: model.json and one shard. */
async function writeDecoder(folder: string): Promise<tfl.Sequential> {
  await tf.setBackend('cpu')
  const decoder = smallDecoder()
  await decoder.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(folder, { recursive: true })
      writeFileSync(
        join(folder, 'weights.bin'),
        new Uint8Array(artifacts.weightData as ArrayBuffer),
      )
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }]
      const json = { format: 'layers-model', modelTopology: artifacts.modelTopology }
      writeFileSync(
        join(folder, 'model.json'),
        JSON.stringify({ ...json, weightsManifest: manifest }),
      )
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
    }),
  )
  return decoder
}

/** The static worker folder's files that hold TF.js's layers code (loaded only to import a model). */
const layersFiles = (folder: string): string[] =>
  readdirSync(folder).filter(
    (name) =>
      name.endsWith('.js') && readFileSync(join(folder, name), 'utf8').includes('loadLayersModel'),
  )

// The issue this guards: on a cross-origin-isolated page, TF.js picked its threaded WASM build,
// whose helper threads die once terser has minified the worker (`ReferenceError: n is not defined`),
// and the worker crashed (WORKER_CRASHED).
describe('the packed package in a webpack 5 app (production build, terser)', () => {
  test('trains in the bundled worker and in the static worker folder, and imports a tfjs-layers model through that folder, with and without COOP/COEP', async () => {
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

    const decoder = await writeDecoder(join(build, 'model'))
    const latents = Float32Array.from({ length: 8 }, (_, i) => Math.sin(i + 1))
    const expected = tf.tidy(() =>
      Array.from((decoder.predict(tf.tensor2d(latents, [2, 4])) as tf.Tensor).dataSync()),
    )
    const layersCode = layersFiles(join(build, 'static'))
    expect(layersCode.length).toBeGreaterThan(0)
    const requestedLayersCode = (run: PageRun): string[] =>
      run.requests.filter((url) => layersCode.some((name) => url.endsWith(`/static/${name}`)))

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
          expect(requestedLayersCode(standalone)).toEqual([])

          // A tfjs-layers decoder imported through the same folder: the layers code comes now, and
          // the worker's decoding is the model's own prediction.
          const imported = await openDemo(browser, `${server.url}/imported.html`)
          expect(imported.errors).toEqual([])
          expect(imported.state).toMatchObject({
            status: 'ready',
            backend: 'wasm',
            kind: 'imported',
          })
          expect(
            imported.workers.filter((url) => url !== `${server.url}/static/latentkit.kernels.js`),
          ).toEqual([`${server.url}/static/latentkit.worker.js`])
          expect(requestedLayersCode(imported).length).toBeGreaterThan(0)
          expect(imported.sampleLevels).toBeGreaterThan(8)
          const decoded = imported.state.decoded
          expect(Array.isArray(decoded) ? decoded.length : decoded).toBe(expected.length)
          expected.forEach((value, i) => {
            expect(Math.abs((decoded as number[])[i]! - value)).toBeLessThan(1e-5)
          })
        } finally {
          await server.close()
        }
      }
    } finally {
      await browser.close()
    }
  }, 600_000)
})
