// Bundle figures for `npm run bench`: what `import { useVAE, SampleGrid, InterpolationSlider } from
// 'latentkit'` adds to an app beyond React (minified and gzipped), and the worker with its WASM files.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length

async function bundle(input, external, plugins = []) {
  const result = await build({
    ...input,
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    external,
    metafile: true,
    logLevel: 'error',
    plugins,
  })
  const code = result.outputFiles[0].contents
  const inputs = Object.keys(result.metafile.inputs)
  return {
    min: code.length,
    gzip: gzip(code),
    tensorflowModules: inputs.filter((i) => i.includes('@tensorflow')).length,
  }
}

/** @returns {Promise<{ mainEntry: object, worker: object, wasm: object[] }>} */
export async function runBundleBench() {
  const mainEntry = await bundle(
    {
      stdin: {
        contents: "export { useVAE, SampleGrid, InterpolationSlider } from './dist/index.js'",
        resolveDir: process.cwd(),
        loader: 'js',
      },
    },
    ['react', 'react-dom', 'react/jsx-runtime'],
    // The worker URL is an asset for the app's bundler, not code of the main bundle.
    [
      {
        name: 'worker-url',
        setup: (b) =>
          b.onResolve({ filter: /latentkit\.worker\.js$/ }, (a) => ({
            path: a.path,
            external: true,
          })),
      },
    ],
  )
  // The worker is an entry of its own in the app's build, so it is measured as one.
  const worker = await bundle({ entryPoints: ['dist/latentkit.worker.js'] }, [])
  // The WASM binaries the package ships beside its worker (the threaded build is not among them).
  const wasm = readdirSync('dist')
    .filter((file) => file.endsWith('.wasm'))
    .sort()
    .map((file) => {
      const bytes = readFileSync(`dist/${file}`)
      return { file, bytes: statSync(`dist/${file}`).size, gzip: gzip(bytes) }
    })
  return { mainEntry, worker, wasm }
}
