import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright'
import { describe, expect, test } from 'vitest'
import type * as Vite from 'vite'
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs'
import { CROSS_ORIGIN_ISOLATION } from '../../scripts/staticServer.mjs'

const root = new URL('../..', import.meta.url).pathname
const fixture = new URL('./fixture/', import.meta.url).pathname

/**
 * Opens `url` and waits for the fixture's status line to read `ready:<backend>`; with `isolated`,
 * first checks that the page is cross-origin isolated.
 */
async function statusOf(url: string, isolated = false): Promise<string> {
  const browser = await chromium.launch(chromiumLaunchOptions())
  try {
    const page = await browser.newPage()
    await page.goto(url)
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(isolated)
    const status = page.locator('#status')
    await status.getByText(/^(ready|error)/).waitFor({ timeout: 90_000 })
    return (await status.textContent()) ?? ''
  } finally {
    await browser.close()
  }
}

// The path a user takes: `npm install latentkit` into a Vite app, then the dev server and a build.
describe('the packed package in a Vite app', () => {
  test('trains in its worker under the dev server (README settings) and in production builds with React 19 and 18, cross-origin isolated too', async () => {
    const app = mkdtempSync(join(tmpdir(), 'latentkit-app-'))
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', app], {
      cwd: root,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1) as string
    const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>
    }
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'latentkit-consumer',
        private: true,
        type: 'module',
        dependencies: {
          latentkit: `file:./${tarball}`,
          react: rootPackage.devDependencies.react,
          'react-dom': rootPackage.devDependencies['react-dom'],
        },
        devDependencies: {
          vite: rootPackage.devDependencies.vite,
          '@vitejs/plugin-react': rootPackage.devDependencies['@vitejs/plugin-react'],
        },
      }),
    )
    mkdirSync(join(app, 'src'))
    copyFileSync(join(fixture, 'main.tsx'), join(app, 'src', 'main.tsx'))
    writeFileSync(
      join(app, 'index.html'),
      readFileSync(join(fixture, 'index.html'), 'utf8').replace('./main.tsx', './src/main.tsx'),
    )
    // The configuration the README documents.
    writeFileSync(
      join(app, 'vite.config.js'),
      `import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
const workerDeps = ['core', 'backend-cpu', 'backend-webgl', 'backend-webgpu', 'backend-wasm'].map((name) => \`latentkit > @tensorflow/tfjs-\${name}\`)
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['latentkit'], include: [...workerDeps, 'latentkit > comlink', 'latentkit > ml-matrix'] },
})
`,
    )
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      stdio: 'ignore',
    })
    const vite = (await import(
      join(app, 'node_modules', 'vite', 'dist', 'node', 'index.js')
    )) as typeof Vite

    const server = await vite.createServer({
      root: app,
      configFile: join(app, 'vite.config.js'),
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1' },
    })
    await server.listen()
    try {
      const url = server.resolvedUrls?.local[0] as string
      expect(await statusOf(url)).toBe('ready:wasm')
    } finally {
      await server.close()
    }

    const open = async (isolated = false): Promise<string> => {
      const preview = await vite.preview({
        root: app,
        configFile: join(app, 'vite.config.js'),
        logLevel: 'silent',
        preview: {
          port: 0,
          host: '127.0.0.1',
          ...(isolated ? { headers: CROSS_ORIGIN_ISOLATION } : {}),
        },
      })
      try {
        return await statusOf(preview.resolvedUrls?.local[0] as string, isolated)
      } finally {
        await new Promise<void>((resolve) => preview.httpServer.close(() => resolve()))
      }
    }
    const buildAndOpen = async (): Promise<string> => {
      await vite.build({ root: app, configFile: join(app, 'vite.config.js'), logLevel: 'silent' })
      return open()
    }
    expect(await buildAndOpen()).toBe('ready:wasm')
    // Cross-origin isolated (COOP/COEP): the worker stays on single-threaded WASM and trains.
    expect(await open(true)).toBe('ready:wasm')
    // React 18 is a supported peer too.
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', 'react@18', 'react-dom@18'],
      {
        cwd: app,
        stdio: 'ignore',
      },
    )
    expect(
      JSON.parse(readFileSync(join(app, 'node_modules', 'react', 'package.json'), 'utf8')).version,
    ).toMatch(/^18\./)
    expect(await buildAndOpen()).toBe('ready:wasm')
  }, 300_000)
})
