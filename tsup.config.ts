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

/** In the package, the kernels' helper thread sits next to the worker as `latentkit.kernels.js`. */
const builtKernelThreadPlugin: Plugin = {
  name: 'latentkit-built-kernel-thread',
  setup(build) {
    build.onLoad({ filter: /workers[\\/]kernelThreadWorker\.ts$/ }, () => ({
      contents: `export function createKernelThreadWorker() {
  return new Worker(new URL('./latentkit.kernels.js', import.meta.url), { type: 'module', name: 'latentkit-kernels' })
}`,
      loader: 'js',
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
    // The bench builds the package for its JavaScript only; declarations take most of a build.
    dts: process.env.LATENTKIT_SKIP_DTS !== '1',
    sourcemap: true,
    clean: false,
    target: 'es2022',
    treeshake: true,
    splitting: true,
    external: ['react', 'react-dom'],
    // latentkit/worker points TF.js at its WASM binaries, copied beside it (see wasmUrlPlugin).
    noExternal: [/\.(wasm|lkmodel)\?url$/],
    esbuildPlugins: [builtWorkerPlugin, builtKernelThreadPlugin, wasmUrlPlugin],
  },
  {
    entry: {
      'latentkit.worker': 'workers/latentkit.worker.ts',
      'latentkit.kernels': 'workers/kernelThread.worker.ts',
    },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'es2022',
    noExternal: [/\.(wasm|lkmodel)\?url$/],
    esbuildPlugins: [builtKernelThreadPlugin, wasmUrlPlugin],
  },
  // The same worker with everything it imports (Comlink, TF.js, ml-matrix) bundled in and minified,
  // for apps that serve it as static files: `new Worker('/static/latentkit.worker.js', { type:
  // 'module' })`. A folder, split at the dynamic imports as an app's bundler would split it: a WASM
  // start fetches and parses neither the GPU backends (≈ 200 ms of a cold start when inlined, even
  // unevaluated), nor UMAP, nor tfjs-layers. It finds the WASM binaries and presets next to itself
  // (copied from dist/ by the app). No entry imports it.
  {
    entry: {
      'latentkit.worker': 'workers/latentkit.worker.ts',
      'latentkit.kernels': 'workers/kernelThread.worker.ts',
    },
    outDir: 'dist/static-worker',
    format: ['esm'],
    platform: 'browser',
    sourcemap: false,
    clean: false,
    target: 'es2022',
    minify: true,
    splitting: true,
    noExternal: [/.*/],
    esbuildPlugins: [builtKernelThreadPlugin, wasmUrlPlugin],
  },
])
