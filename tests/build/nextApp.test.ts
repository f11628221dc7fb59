import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { chromium } from 'playwright'
import { describe, expect, onTestFinished, test } from 'vitest'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'
import { consumerFolder, openDemo } from './consumerApps'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

/** `next start` on a free port; resolves once it answers. */
async function nextStart(next: string, app: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort()
  const child = spawn(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: app,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  })
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt += 1) {
    try {
      await fetch(url)
      break
    } catch (error) {
      if (attempt > 100 || child.exitCode !== null) {
        child.kill()
        throw error
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  return { url, stop: () => child.kill() }
}

/**
 * `next build` of tests/fixtures/nextApp with Next's default bundler (Turbopack), or with webpack
 * too when LATENTKIT_NEXT_WEBPACK=1 (`next build --webpack` takes about 3 minutes here, so it is
 * not part of every run).
 */
const BUNDLERS =
  process.env.LATENTKIT_NEXT_WEBPACK === '1' ? ['turbopack', 'webpack'] : ['turbopack']

// The issue this guards: with COOP/COEP headers, TF.js picked its threaded WASM build, whose helper
// threads die once Next.js has minified the worker (`ReferenceError: a is not defined`), and the
// worker crashed (WORKER_CRASHED).
describe('the packed package in a Next.js App Router app', () => {
  test(`server-renders and hydrates latentkit components, and trains in the worker with and without COOP/COEP (${BUNDLERS.join(', ')})`, async () => {
    const consumers = consumerFolder('latentkit-next-')
    onTestFinished(() => consumers.remove())
    const app = consumers.addApp('nextApp')
    const next = join(consumers.dir, 'node_modules', 'next', 'dist', 'bin', 'next')
    const browser = await chromium.launch(chromiumLaunchOptions())
    try {
      for (const bundler of BUNDLERS) {
        const built = spawnSync(
          process.execPath,
          [next, 'build', ...(bundler === 'webpack' ? ['--webpack'] : [])],
          {
            cwd: app,
            encoding: 'utf8',
            env: {
              ...process.env,
              NEXT_TELEMETRY_DISABLED: '1',
              LATENTKIT_TURBOPACK_ROOT: consumers.commonRoot,
            },
          },
        )
        expect(built.status, `${built.stdout}\n${built.stderr}`).toBe(0)
        expect(built.stdout).toContain(bundler === 'webpack' ? 'webpack' : 'Turbopack')

        const server = await nextStart(next, app)
        try {
          // The Server Component's HTML holds the chart, drawn on the server.
          const home = await fetch(`${server.url}/`)
          const html = await home.text()
          expect(html).toContain('Loss from the server')
          expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-label="Loss from the server"/)
          expect(html).toMatch(
            /<polyline class="lk-loss-chart__line[^"]*" points="(?:[\d.]+,[\d.]+ ){3}/,
          )
          expect(html).toContain('After step 4: loss 1.40')
          expect(home.headers.get('cross-origin-embedder-policy')).toBeNull()
          // The client page renders on the server too (idle: no worker there).
          expect(await (await fetch(`${server.url}/train`)).text()).toContain(
            '&quot;status&quot;:&quot;idle&quot;',
          )
          const isolatedHome = await fetch(`${server.url}/`, { headers: { cookie: 'isolated=1' } })
          expect(isolatedHome.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
          expect(isolatedHome.headers.get('cross-origin-opener-policy')).toBe('same-origin')

          // Hydration of the server-rendered page: no error of any kind in the console.
          const context = await browser.newContext()
          try {
            const page = await context.newPage()
            const errors: string[] = []
            page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
            page.on('pageerror', (error) => errors.push(error.message))
            await page.goto(`${server.url}/`)
            await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 30_000 })
            await expect(
              page.locator('svg[aria-label="Loss from the server"] polyline').count(),
            ).resolves.toBe(1)
            expect(errors).toEqual([])
          } finally {
            await context.close()
          }

          for (const isolated of [false, true]) {
            const run = await openDemo(
              browser,
              `${server.url}/train`,
              isolated ? { isolated: '1' } : {},
            )
            const label = `${bundler}, ${isolated ? 'isolated' : 'not isolated'}`
            expect(run.errors, label).toEqual([])
            expect(run.isolated, label).toBe(isolated)
            expect(run.state.error, label).toBeUndefined()
            expect(run.state.status, label).toBe('ready')
            expect(run.state.backend, label).toBe('wasm')
            expect(run.state.steps, label).toBeGreaterThan(0)
            expect(run.state.steps, label).toBe(run.state.stepsPerEpoch)
            expect(run.sampleLevels, label).toBeGreaterThan(8)
            expect(
              run.workers.filter((url) => url.startsWith('blob:')),
              label,
            ).toEqual([])
          }
        } finally {
          server.stop()
        }
      }
    } finally {
      await browser.close()
    }
  }, 600_000)
})
