/**
 * `npm run train-presets [-- --only <name>[,<name>…]] [--out <folder>]`: trains the presets (every
 * one, or those named by file stem, e.g. `vae-digits`) on TF.js's WASM backend in Node, writes
 * `<folder>/<file>` (default `src/presets/files`), and prints what each took and how good it is, float32 beside the
 * weights as stored and the other quantisations. Run without `--experimental-wasm-relaxed-simd`
 * (scripts/train-presets.mjs does): the fused kernels then use their plain-SIMD build, whose results
 * are the same on every machine, so the same recipe gives the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { encodeModelFile } from '../../src/core/family/modelFile'
import type { QuantizationDtype } from '../../src/core/family/weightQuantization'
import { compileKernels } from '../../src/core/kernels/wasmKernels'
import { PRESETS } from '../../src/presets/presetCatalog'
import type { QualityFigures } from './presetQuality'
import { RECIPES, recipeName, type PresetRecipe } from './recipes'
import { presetQuality, trainPreset } from './trainPreset'

/** Where the preset files go unless `--out` says otherwise. */
const FILES = join('src', 'presets', 'files')
/** The most a preset may weigh after gzip (issue 18). */
const GZIP_LIMIT = 200 * 1024
const STORAGES: readonly (QuantizationDtype | undefined)[] = [undefined, 'float16', 'uint8']

const gzipBytes = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).length
const storageName = (q: QuantizationDtype | undefined): string => q ?? 'float32'
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`

function figures(q: QualityFigures): string {
  return Object.entries(q)
    .map(
      ([name, value]) =>
        `${name} ${Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4)}`,
    )
    .join(', ')
}

/** The value of `--name value` or `--name=value`, if given. */
function flag(argv: readonly string[], name: string): string | undefined {
  const at = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`))
  if (at < 0) return undefined
  return argv[at] === name ? (argv[at + 1] ?? '') : (argv[at] ?? '').slice(name.length + 1)
}

/** The recipes `--only a,b` names (all without it); exits with the valid names on a bad one. */
function chosenRecipes(argv: readonly string[]): readonly PresetRecipe[] {
  const value = flag(argv, '--only')
  if (value === undefined) return RECIPES
  const names = value.split(',').filter(Boolean)
  const known = RECIPES.map(recipeName)
  const unknown = names.filter((name) => !known.includes(name))
  if (names.length === 0 || unknown.length > 0) {
    console.error(`train-presets: --only takes preset names among ${known.join(', ')}`)
    process.exit(2)
  }
  return RECIPES.filter((r) => names.includes(recipeName(r)))
}

/** Every catalog entry has a recipe and every recipe a catalog entry. */
function checkCatalog(): void {
  const files = new Set(RECIPES.map((r) => r.file))
  const missing = PRESETS.filter((p) => !files.has(p.file)).map((p) => p.file)
  const extra = RECIPES.filter((r) => !PRESETS.some((p) => p.file === r.file)).map((r) => r.file)
  if (missing.length + extra.length > 0) {
    throw new Error(
      `recipes and catalog differ: no recipe for [${missing}], no entry for [${extra}]`,
    )
  }
}

checkCatalog()
const chosen = chosenRecipes(process.argv.slice(2))
const folder = flag(process.argv.slice(2), '--out') || FILES
await tf.setBackend('wasm')
await tf.ready()
const kernels = (await compileKernels())?.build ?? 'none'
console.log(`train-presets: TF.js ${tf.getBackend()}, fused kernels ${kernels}`)
if (kernels === 'relaxed-simd') {
  console.warn(
    'train-presets: relaxed SIMD is on (--experimental-wasm-relaxed-simd): results depend on the machine; run without it for the committed files',
  )
}
mkdirSync(folder, { recursive: true })

const rows: string[] = []
const options: string[] = []
let over = 0
for (const recipe of chosen) {
  const name = recipeName(recipe)
  const data = recipe.data()
  const trained = await trainPreset(recipe, data)
  writeFileSync(join(folder, recipe.file), trained.bytes)
  const gzip = gzipBytes(trained.bytes)
  if (gzip > GZIP_LIMIT) over += 1
  const quality = new Map<string, QualityFigures>()
  for (const storage of STORAGES) {
    const q = await presetQuality(recipe, trained.snapshot, storage, data)
    quality.set(storageName(storage), q)
    const size = gzipBytes(encodeModelFile(trained.snapshot, storage ? { quantize: storage } : {}))
    options.push(`| ${name} | ${storageName(storage)} | ${kb(size)} | ${figures(q)} |`)
  }
  const float = quality.get('float32') as QualityFigures
  const stored = quality.get(storageName(recipe.quantize)) as QualityFigures
  const change = Object.keys(float)
    .map((key) => `${key} ${((stored[key] as number) - (float[key] as number)).toPrecision(2)}`)
    .join(', ')
  rows.push(
    `| ${name} | ${trained.steps} | ${trained.seconds.toFixed(1)} | ${storageName(recipe.quantize)} | ${trained.bytes.length} | ${gzip}${gzip > GZIP_LIMIT ? ' (over 200 KB!)' : ''} | ${figures(float)} | ${figures(stored)} | ${change} (${recipe.better} is better) |`,
  )
  console.log(rows[rows.length - 1])
  console.log(
    `train-presets: wrote ${join(folder, recipe.file)}; tensors alive ${tf.memory().numTensors}`,
  )
}

console.log(
  [
    '',
    '| preset | steps | training s | stored as | bytes | gzip bytes | quality, float32 | quality, as stored | stored − float32 |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '| preset | weights | gzip | quality (held out) |',
    '|---|---|---|---|',
    ...options,
  ].join('\n'),
)
if (over > 0) {
  console.error(`train-presets: ${over} preset(s) over ${GZIP_LIMIT} bytes gzipped`)
  process.exit(1)
}
