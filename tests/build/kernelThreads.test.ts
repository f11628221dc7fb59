// The fused kernels' second thread, end to end in Chromium: a page built with Vite from the
// sources (tests/fixtures/kernelThreads) trains a VAE in latentkit's worker with kernelThreads 2
// and 1, served with and without COOP/COEP (the Vitest browser page cannot be isolated).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'
import { build } from 'vite'
import { describe, expect, onTestFinished, test } from 'vitest'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'
import { CROSS_ORIGIN_ISOLATION, serveStatic } from '../../scripts/staticServer.mjs'

interface Run {
  readonly kernelThreads: number | undefined
  readonly kernels: string | undefined
  readonly losses: readonly number[]
  readonly error: string | undefined
}

interface PageState {
  readonly status: string
  readonly isolated: boolean
  readonly two: Run
  readonly one: Run
}

describe('two kernel threads in the worker', () => {
  test('an isolated page trains on two threads with the same losses as one; without isolation, one thread', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'latentkit-threads-'))
    onTestFinished(() => rmSync(outDir, { recursive: true, force: true }))
    await build({
      root: fileURLToPath(new URL('../fixtures/kernelThreads', import.meta.url)),
      logLevel: 'silent',
      configFile: false,
      worker: { format: 'es' },
      build: { outDir, emptyOutDir: true, minify: true, target: 'es2022' },
    })
    const browser = await chromium.launch(chromiumLaunchOptions())
    onTestFinished(() => browser.close())
    const runs: Record<string, { state: PageState; workers: string[]; errors: string[] }> = {}
    for (const isolated of [true, false]) {
      const server = await serveStatic(outDir, isolated ? { headers: CROSS_ORIGIN_ISOLATION } : {})
      try {
        const page = await browser.newPage()
        const workers: string[] = []
        const errors: string[] = []
        page.on('worker', (worker) => workers.push(worker.url()))
        page.on('pageerror', (error) => errors.push(error.message))
        await page.goto(`${server.url}/`)
        await page.waitForFunction(
          () => document.getElementById('state')?.textContent?.includes('"done"'),
          undefined,
          {
            timeout: 240_000,
            polling: 500,
          },
        )
        const text = (await page.locator('#state').textContent()) ?? '{}'
        runs[String(isolated)] = { state: JSON.parse(text) as PageState, workers, errors }
        await page.close()
      } finally {
        await server.close()
      }
    }
    const isolatedRun = runs.true!
    expect(isolatedRun.errors).toEqual([])
    expect(isolatedRun.state.isolated).toBe(true)
    // No blob: workers (the helper is a module worker from a real file). Playwright does not always
    // report nested workers, so the helper is judged by progress.kernelThreads: it turns to 1 when
    // the helper fails to load or start.
    expect(isolatedRun.workers.filter((url) => url.startsWith('blob:'))).toEqual([])
    expect(isolatedRun.state.two.error).toBeUndefined()
    expect(isolatedRun.state.two.kernels).toBe('wasm-relaxed-simd')
    expect(isolatedRun.state.two.kernelThreads).toBe(2)
    expect(isolatedRun.state.one.kernelThreads).toBe(1)
    expect(isolatedRun.state.two.losses.length).toBeGreaterThan(4)
    // Each element of a product is summed in the same order on either thread: the same run.
    expect(isolatedRun.state.two.losses).toEqual(isolatedRun.state.one.losses)

    const plain = runs.false!
    expect(plain.errors).toEqual([])
    expect(plain.state.isolated).toBe(false)
    expect(plain.workers.filter((url) => /kernelThread\.worker/.test(url))).toEqual([])
    expect(plain.state.two.error).toBeUndefined()
    expect(plain.state.two.kernels).toBe('wasm-relaxed-simd')
    expect(plain.state.two.kernelThreads).toBe(1)
    expect(plain.state.two.losses).toEqual(isolatedRun.state.two.losses)
  }, 400_000)
})
