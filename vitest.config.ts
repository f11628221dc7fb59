import { defineConfig } from 'vitest/config'
import type { BrowserCommand } from 'vitest/node'
import { pathToFileURL } from 'node:url'
import { playwright } from '@vitest/browser-playwright'
import react from '@vitejs/plugin-react'
import { chromiumLaunchOptions } from './scripts/chromium.mjs'
import { PREBUNDLED_DEPS } from './scripts/optimizeDeps.mjs'

/**
 * The bench's browser commands (bench/torchCommands.ts: PyTorch beside a page's steps), bundled by
 * scripts/bench.mjs, which names the file in LATENTKIT_BENCH_COMMANDS for its Chromium session.
 */
const benchCommands: Record<string, BrowserCommand<never[]>> = process.env.LATENTKIT_BENCH_COMMANDS
  ? await import(pathToFileURL(process.env.LATENTKIT_BENCH_COMMANDS).href)
  : {}

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  optimizeDeps: {
    include: [
      ...PREBUNDLED_DEPS,
      // Only the bench's stock comparison and the gradient check use these.
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-dev-runtime',
      'vitest-browser-react',
    ],
  },
  test: {
    projects: [
      ...(process.env.LATENTKIT_BENCH
        ? [
            {
              extends: true as const,
              test: {
                name: 'bench',
                include: ['bench/browser/**/*.bench.{ts,tsx}'],
                testTimeout: 900_000,
                browser: {
                  enabled: true,
                  headless: true,
                  provider: playwright({ launchOptions: chromiumLaunchOptions() }),
                  instances: [{ browser: 'chromium' as const }],
                  screenshotFailures: false,
                  commands: benchCommands,
                },
              },
            },
          ]
        : []),
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          // Node 20's V8 has relaxed SIMD behind a flag; the kernels' relaxed build is tested here too.
          execArgv: ['--experimental-wasm-relaxed-simd'],
          include: [
            'tests/node/**/*.test.ts',
            'tests/ssr/**/*.test.tsx',
            'tests/build/**/*.test.ts',
          ],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.browser.test.{ts,tsx}'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions() }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
    ],
  },
})
