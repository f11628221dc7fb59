import { copyFileSync, mkdirSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { defineConfig } from 'tsup'
import type { Plugin } from 'esbuild'

const require = createRequire(import.meta.url)

/**
 * `import url from 'pkg/file.wasm?url'` (Vite's syntax, used in the worker source; also the preset
 * `.lkmodel` files) becomes a copy of the file in dist/ and `new URL('./file.wasm',
 * import.meta.url).href`, a pattern Vite, webpack 5 and Next.js all follow to emit the asset.
 */
const wasmUrlPlugin: Plugin = {
  name: 'latentkit-wasm-url',
  setup(build) {
    build.onResolve({ filter: /\.(wasm|lkmodel)\?url$/ }, (args) => {
      const path = args.path.replace(/\?url$/, '')
      return {
        path: path.startsWith('.') ? resolve(args.resolveDir, path) : require.resolve(path),
        namespace: 'wasm-url',
      }
    })
    build.onLoad({ filter: /.*/, namespace: 'wasm-url' }, (args) => {
      mkdirSync('dist', { recursive: true })
      copyFileSync(args.path, resolve('dist', basename(args.path)))
      return {
        contents: `export default new URL('./${basename(args.path)}', import.meta.url).href`,
        loader: 'js',
      }
    })
  },
}

/**
 * The standalone worker is one file an app copies by hand, so it cannot fetch a chunk of its own:
 * tfjs-layers (only for imported models, ~80 KB gzip and ~150 ms more start-up inlined) is left out,
 * and importing a model there fails with a message that says to use the module worker.
 */
const noLayersPlugin: Plugin = {
  name: 'latentkit-no-layers',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs-layers$/ }, () => ({
      path: 'tfjs-layers',
      namespace: 'no-layers',
    }))
    build.onLoad({ filter: /.*/, namespace: 'no-layers' }, () => ({
      contents: `export function loadLayersModel() {
  throw new Error('the single-file worker does not include @tensorflow/tfjs-layers: import models with latentkit\\'s module worker (the default, bundled by your app)')
}`,
      loader: 'js',
    }))
  },
}

/** In the package, the worker sits next to the entry as `latentkit.worker.js`. */
const builtWorkerPlugin: Plugin = {
  name: 'latentkit-built-worker',
  setup(build) {
    build.onLoad({ filter: /src[\\/]client[\\/]defaultWorker\.ts$/ }, () => ({
      contents: `export function createDefaultWorker() {
  return new Worker(new URL('./latentkit.worker.js', import.meta.url), { type: 'module', name: 'latentkit' })
}`,
      loader: 'js',
      resolveDir: dirname(resolve('src/client/defaultWorker.ts')),
    }))
  },
}

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      core: 'src/core/index.ts',
      data: 'src/data/index.ts',
      worker: 'workers/index.ts',
    },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    treeshake: true,
    splitting: true,
    external: ['react', 'react-dom'],
    // latentkit/worker points TF.js at its WASM binaries, copied beside it (see wasmUrlPlugin).
    noExternal: [/\.(wasm|lkmodel)\?url$/],
    esbuildPlugins: [builtWorkerPlugin, wasmUrlPlugin],
  },
  {
    entry: { 'latentkit.worker': 'workers/latentkit.worker.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'es2022',
    noExternal: [/\.(wasm|lkmodel)\?url$/],
    esbuildPlugins: [wasmUrlPlugin],
  },
  // The same worker with everything it imports (Comlink, TF.js, ml-matrix) bundled in and minified,
  // for apps that serve it as a static file: `new Worker('/static/latentkit.worker.js', { type:
  // 'module' })`. It finds the WASM binaries next to itself. An extra file: no entry imports it.
  {
    entry: { 'latentkit.worker.standalone': 'workers/latentkit.worker.ts' },
    format: ['esm'],
    platform: 'browser',
    sourcemap: false,
    clean: false,
    target: 'es2022',
    minify: true,
    // One file, always (see noLayersPlugin).
    splitting: false,
    noExternal: [/.*/],
    esbuildPlugins: [noLayersPlugin, wasmUrlPlugin],
  },
])
