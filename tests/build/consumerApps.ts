// Helpers for the consumer fixtures (tests/fixtures/*): apps built from the packed package and opened
// in Chromium, with and without cross-origin isolation.
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, parse } from 'node:path'
import type { Browser } from 'playwright'

/** The repository's folder (where `npm pack` runs and whose node_modules the consumers link to). */
export const repoRoot = new URL('../..', import.meta.url).pathname

/** A consumer folder: `node_modules/latentkit` is the packed tarball, unpacked. */
export interface ConsumerFolder {
  readonly dir: string
  /** The folder Turbopack must treat as its root: it holds this folder and the repository. */
  readonly commonRoot: string
  /** Copies `tests/fixtures/<name>` into the folder and returns where it went. */
  readonly addApp: (name: string) => string
  /** Deletes the folder (the links only, never what they point to). */
  readonly remove: () => void
}

/**
 * Packs the package as `npm publish` would (`npm pack`) and lays out a consumer folder around it.
 * Every other package (React, TF.js, Comlink, webpack, Next.js) is a link into the repository's
 * node_modules, so nothing is installed: the versions are the ones `npm ci` put there, which satisfy
 * the package's ranges. (packedConsumer.test.ts installs from the registry instead.)
 */
export function consumerFolder(prefix: string): ConsumerFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1) as string
  const modules = join(dir, 'node_modules')
  mkdirSync(join(modules, 'latentkit'), { recursive: true })
  execFileSync('tar', [
    '-xzf',
    join(dir, tarball),
    '-C',
    join(modules, 'latentkit'),
    '--strip-components=1',
  ])
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry.startsWith('.') || entry === 'latentkit') continue
    symlinkSync(join(repoRoot, 'node_modules', entry), join(modules, entry), 'dir')
  }
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'latentkit-consumers', private: true, type: 'module' }),
  )
  return {
    dir,
    commonRoot: commonAncestor(realpathSync(dir), realpathSync(join(repoRoot, 'node_modules'))),
    addApp: (name) => {
      const app = join(dir, name)
      cpSync(join(repoRoot, 'tests', 'fixtures', name), app, { recursive: true })
      return app
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

function commonAncestor(a: string, b: string): string {
  const partsA = a.split('/')
  const partsB = b.split('/')
  let i = 0
  while (i < partsA.length && partsA[i] === partsB[i]) i += 1
  return partsA.slice(0, i).join('/') || parse(a).root
}

/** What a fixture page prints in `#state` (see tests/fixtures/webpack5/src/demo.js). */
export interface DemoState {
  readonly status: string
  readonly backend?: string
  readonly skipped: readonly { backend: string; reason: string }[]
  readonly steps: number
  readonly stepsPerEpoch?: number
  readonly error?: string
  /** The imported-model page: the model's kind and its decoding of fixed latents (or an error). */
  readonly kind?: string
  readonly decoded?: readonly number[] | string
}

/** One page load: its final state and what the browser reported on the way. */
export interface PageRun {
  readonly state: DemoState
  /** `crossOriginIsolated` in the page. */
  readonly isolated: boolean
  /** Console errors and uncaught exceptions, in order. */
  readonly errors: readonly string[]
  /** URLs of the workers the page started (blob: ones would be TF.js's threaded WASM helpers). */
  readonly workers: readonly string[]
  /** URLs the page and its workers requested, in order. */
  readonly requests: readonly string[]
  /** Distinct red levels in the sample grid's canvas (a blank canvas has 1). */
  readonly sampleLevels: number
}

/**
 * Opens `url`, waits until the fixture's state says `ready` or `error`, and reads the page.
 * `cookies` are set first (the Next.js fixture turns isolation on with one).
 */
export async function openDemo(
  browser: Browser,
  url: string,
  cookies: Record<string, string> = {},
): Promise<PageRun> {
  const context = await browser.newContext()
  try {
    await context.addCookies(Object.entries(cookies).map(([name, value]) => ({ name, value, url })))
    const page = await context.newPage()
    const errors: string[] = []
    const workers: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
    page.on('worker', (worker) => workers.push(worker.url()))
    const requests: string[] = []
    page.on('request', (request) => requests.push(request.url()))
    await page.goto(url)
    await page.waitForFunction(
      () => {
        const text = document.getElementById('state')?.textContent
        const status = text ? (JSON.parse(text) as { status: string }).status : ''
        return status === 'ready' || status === 'error'
      },
      undefined,
      { timeout: 120_000, polling: 250 },
    )
    const state = JSON.parse((await page.locator('#state').textContent()) ?? '{}') as DemoState
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated)
    // The grid draws its samples once the model is ready; give it a moment.
    await page
      .locator('canvas.lk-sample-grid')
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined)
    const sampleLevels = await page.evaluate(async () => {
      for (let attempt = 0; attempt < 40; attempt += 1) {
        const canvas = document.querySelector<HTMLCanvasElement>('canvas.lk-sample-grid')
        const context = canvas?.getContext('2d')
        if (canvas && context && canvas.width > 0) {
          const data = context.getImageData(0, 0, canvas.width, canvas.height).data
          const seen = new Set<number>()
          for (let i = 0; i < data.length; i += 4) seen.add(data[i] as number)
          if (seen.size > 1) return seen.size
        }
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      return 0
    })
    return { state, isolated, errors, workers, requests, sampleLevels }
  } finally {
    await context.close()
  }
}
