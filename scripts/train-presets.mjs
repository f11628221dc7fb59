// `npm run train-presets [-- --only <name>[,<name>...]] [--out <folder>]`: bundles scripts/presets/trainPresets.ts with
// esbuild into node_modules/.cache (so it resolves the project's packages) and runs it in this Node
// process. Run Node WITHOUT --experimental-wasm-relaxed-simd: the fused kernels then take their
// plain-SIMD build, whose results do not depend on the machine, so the preset files are reproducible.
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const outfile = join('node_modules', '.cache', 'latentkit-presets', 'trainPresets.mjs')
await build({
  entryPoints: ['scripts/presets/trainPresets.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile,
  logLevel: 'error',
})
await import(pathToFileURL(resolve(outfile)).href)
