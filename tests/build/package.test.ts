import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { buildConsumerApp } from './consumerBuild'

const distIndex = new URL('../../dist/index.js', import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, { types: string; import: string }>
  typesVersions: Record<string, Record<string, string[]>>
  sideEffects: boolean
}

/**
 * Every file `entry` imports from its own folder, statically or (unless `staticOnly`) dynamically,
 * transitively (the entry included); `dir` is a folder of dist/.
 */
function reachableModules(entry: string, { dir = '', staticOnly = false } = {}): string[] {
  const pattern = staticOnly
    ? /(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g
    : /(?:from|import)\s*\(?\s*["']\.\/([\w.-]+\.js)["']/g
  const seen = new Set<string>()
  const queue = [entry]
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    const text = readFileSync(new URL(`../../dist/${dir}${file}`, import.meta.url), 'utf8')
    for (const match of text.matchAll(pattern)) queue.push(match[1] as string)
  }
  return [...seen]
}

/**
 * What a worker of dist/`dir` parses as it starts: its entry, the part the entry imports at once
 * (latentkit's worker takes its lifeline first, then loads the rest with `import()`), and their
 * static imports.
 */
function workerStartModules(dir = ''): string[] {
  const entry = 'latentkit.worker.js'
  const text = readFileSync(new URL(`../../dist/${dir}${entry}`, import.meta.url), 'utf8')
  const atOnce = [...text.matchAll(/import\(\s*["']\.\/([\w.-]+\.js)["']\s*\)/g)].map((m) => m[1]!)
  return [
    ...new Set(
      [entry, ...atOnce].flatMap((file) => reachableModules(file, { dir, staticOnly: true })),
    ),
  ]
}

describe('the built package', () => {
  test('was built (npm test builds it first)', () => {
    expect(existsSync(distIndex), 'run `npm run build` first').toBe(true)
  })

  test("the main entry starts with 'use client' (React Server Components); the others do not", () => {
    expect(readFileSync(distIndex, 'utf8').startsWith("'use client';")).toBe(true)
    for (const entry of ['core.js', 'data.js', 'worker.js']) {
      const code = readFileSync(new URL(`../../dist/${entry}`, import.meta.url), 'utf8')
      expect(code, entry).not.toMatch(/^['"]use client['"]/)
    }
  })

  test('every subpath has types under node10 resolution too (typesVersions)', () => {
    const subpaths = Object.keys(pkg.exports)
      .filter((entry) => entry !== '.' && entry !== './package.json')
      .map((entry) => entry.slice(2))
    expect(Object.keys(pkg.typesVersions['*'] ?? {}).sort()).toEqual(subpaths.sort())
    for (const [subpath, [file]] of Object.entries(pkg.typesVersions['*'] ?? {})) {
      expect(file, subpath).toBe(pkg.exports[`./${subpath}`]?.types)
      expect(existsSync(new URL(`../../${file}`, import.meta.url)), file).toBe(true)
    }
  })

  test('exports map lists types first and every file exists', () => {
    expect(pkg.sideEffects).toBe(false)
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target !== 'object') continue
      expect(Object.keys(target)[0], entry).toBe('types')
      for (const file of Object.values(target))
        expect(existsSync(new URL(`../../${file}`, import.meta.url)), file).toBe(true)
    }
  })

  test('the main entry and the data entry load no TF.js through any chunk they import, however deep; the worker does, with its WASM files beside it', () => {
    for (const entry of ['index.js', 'data.js']) {
      const reached = reachableModules(entry)
      expect(reached.length, entry).toBeGreaterThan(1)
      for (const file of reached) {
        expect(
          readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8'),
          file,
        ).not.toMatch(/@tensorflow/)
      }
    }
    // The walk itself finds TF.js where it is: the core entry reaches it.
    expect(
      reachableModules('core.js').some((file) =>
        readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8').includes(
          '@tensorflow',
        ),
      ),
    ).toBe(true)
    const worker = workerStartModules()
      .map((file) => readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8'))
      .join('\n')
    expect(worker).toMatch(/@tensorflow\/tfjs-core/)
    for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
      expect(worker).toContain(`new URL("./${file}", import.meta.url)`)
      expect(existsSync(new URL(`../../dist/${file}`, import.meta.url))).toBe(true)
    }
    // The worker keeps TF.js on its single-threaded WASM build (README: cross-origin isolation), so
    // the threaded binary is neither referenced nor shipped.
    expect(worker).toMatch(/\.set\(\s*"WASM_HAS_MULTITHREAD_SUPPORT",\s*false\s*\)/)
    expect(worker).not.toContain('new URL("./tfjs-backend-wasm-threaded-simd.wasm"')
    expect(
      existsSync(new URL('../../dist/tfjs-backend-wasm-threaded-simd.wasm', import.meta.url)),
    ).toBe(false)
  })

  test('the worker loads tfjs-layers only when a model is imported: its main file holds none of it, a split chunk imports it', () => {
    const read = (file: string): string =>
      readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8')
    const worker = workerStartModules().map(read).join('\n')
    // Strings of tfjs-layers' own code (its container and its loader), never in latentkit's.
    expect(worker).not.toContain('Cannot find SymbolicTensors for output name(s)')
    expect(worker).not.toContain('loadLayersModel')
    expect(worker).not.toMatch(/from\s*["']@tensorflow\/tfjs-layers["']/)
    // The imported family's model code is a chunk of its own, reached by dynamic imports (the
    // family's engine is one too), and that chunk is where tfjs-layers is imported (a bare import the
    // app's bundler splits too).
    const dynamicChunks = (source: string): string[] =>
      [...source.matchAll(/import\(\s*["']\.\/([\w.-]+\.js)["']\s*\)/g)].map((m) => m[1]!)
    const lazy: string[] = []
    for (let next = dynamicChunks(worker); next.length > 0;) {
      const fresh = next.filter((file) => !lazy.includes(file))
      lazy.push(...fresh)
      next = fresh.flatMap((file) => dynamicChunks(read(file)))
    }
    const importing = lazy.filter((file) =>
      /import\(\s*["']@tensorflow\/tfjs-layers["']\s*\)/.test(read(file)),
    )
    expect(importing.length, `dynamic chunks: ${lazy.join(', ')}`).toBeGreaterThan(0)
    for (const file of importing) expect(read(file)).toContain('loadLayersModel')
  })

  test("UMAP loads only in the worker, and only when a projection asks for it: no entry reaches its layout, the worker's static imports don't either, its dynamic ones do", () => {
    const read = (file: string): string =>
      readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8')
    // A property of the layout (src/core/projection/engine/umapLayout.ts) that minifiers keep.
    const marker = 'epochsPerNegativeSample'
    for (const entry of ['index.js', 'data.js']) {
      for (const file of reachableModules(entry)) expect(read(file), file).not.toContain(marker)
    }
    const atStart = reachableModules('latentkit.worker.js', { staticOnly: true }).map(read)
    expect(atStart.join('\n')).not.toContain(marker)
    expect(reachableModules('latentkit.worker.js').map(read).join('\n')).toContain(marker)
  })

  test('the static worker folder is self-contained (no bare imports), starts without the GPU backends, UMAP or tfjs-layers, finds its WASM beside it, and no entry reaches it', () => {
    const dir = 'static-worker/'
    const read = (file: string): string =>
      readFileSync(new URL(`../../dist/${dir}${file}`, import.meta.url), 'utf8')
    const files = readdirSync(new URL(`../../dist/${dir}`, import.meta.url))
    // Nothing left for a bundler to resolve: only imports of files of the same folder. The patterns
    // need a module name after the quote, so prose such as "interpolate from" is no match.
    const bareImport = /\bimport\s*\(\s*["'][@\w]|\b(?:import|from)\s*["'][@\w]/
    expect(read('latentkit.worker.js')).toMatch(/\bfrom\s*["']\.\//)
    for (const file of files) expect(read(file), file).not.toMatch(bareImport)
    // What a WASM start parses: the entry, the rest it imports at once, and their static imports.
    const start = workerStartModules(dir).map(read)
    const startText = start.join('\n')
    expect(startText).toContain('new URL("./tfjs-backend-wasm.wasm",import.meta.url)')
    expect(startText).toContain('new URL("./tfjs-backend-wasm-simd.wasm",import.meta.url)')
    expect(startText).toContain('Comlink.proxy')
    expect(startText).toMatch(/\.set\("WASM_HAS_MULTITHREAD_SUPPORT",!1\)/)
    const lazyOnly = {
      webgl: 'registerFlag("WEBGL_VERSION"',
      webgpu: 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE',
      'tfjs-layers': 'Cannot find SymbolicTensors for output name(s)',
      umap: 'epochsPerNegativeSample',
    }
    const everything = reachableModules('latentkit.worker.js', { dir }).map(read).join('\n')
    for (const [name, marker] of Object.entries(lazyOnly)) {
      expect(startText, `${name} parsed at start`).not.toContain(marker)
      expect(everything, `${name} reachable when asked`).toContain(marker)
    }
    // latentkit's kernel builds (about 33 KB of base64 each) load only when a fused model trains,
    // and only the one that runs: none is parsed at start, each is reachable. The same for the
    // kernels' helper thread, which is sent its compiled build.
    const helperStart = reachableModules('latentkit.kernels.js', { dir, staticOnly: true })
      .map(read)
      .join('\n')
    for (const file of readdirSync(new URL('../../src/core/kernels/binaries/', import.meta.url))) {
      const source = readFileSync(
        new URL(`../../src/core/kernels/binaries/${file}`, import.meta.url),
        'utf8',
      )
      const base64 = /'([A-Za-z0-9+/=]{1000,})'/.exec(source)?.[1] ?? ''
      // A stretch from the middle: the builds share their first bytes (the module's header).
      const marker = base64.slice(base64.length / 2, base64.length / 2 + 200)
      expect(marker, file).toHaveLength(200)
      expect(startText.includes(marker), `${file} parsed at start`).toBe(false)
      expect(helperStart.includes(marker), `${file} parsed by the helper thread`).toBe(false)
      expect(everything.includes(marker), `${file} reachable when asked`).toBe(true)
    }
    // 720 KB on 2026-12-01 (709,117 bytes, with the two kernel builds on their own memory parsed at
    // start); 643,758 bytes once every build loaded only when used (2026-12-02): the budget is just
    // above that, so any new start-up weight shows here.
    expect(startText.length).toBeLessThan(650_000)
    for (const entry of ['index.js', 'core.js', 'data.js', 'worker.js']) {
      for (const file of reachableModules(entry)) {
        expect(
          readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8'),
          file,
        ).not.toContain('static-worker')
      }
    }
  })

  test("the worker's entry takes its lifeline before it loads anything heavy: a few hundred bytes, then one import() of the rest", () => {
    for (const dir of ['', 'static-worker/']) {
      const first = reachableModules('latentkit.worker.js', { dir, staticOnly: true })
      const firstText = first
        .map((file) => readFileSync(new URL(`../../dist/${dir}${file}`, import.meta.url), 'utf8'))
        .join('\n')
      expect(firstText, dir).toContain('latentkitLifeline')
      expect(firstText, dir).not.toMatch(/@tensorflow|comlink/i)
      expect(firstText.length, dir).toBeLessThan(4000)
      expect(workerStartModules(dir).length, dir).toBeGreaterThan(first.length)
    }
  })

  test('latentkit/core trains in plain Node (no bundler) on tfjs-core and the CPU backend', () => {
    const script = `
      import * as tf from '@tensorflow/tfjs-core'
      import '@tensorflow/tfjs-backend-cpu'
      import { VAE } from '${new URL('../../dist/core.js', import.meta.url).href}'
      import { loadDigits } from '${new URL('../../dist/data.js', import.meta.url).href}'
      await tf.setBackend('cpu')
      const vae = new VAE({ seed: 1, hiddenUnits: [16], latentDim: 2 })
      const result = await vae.fit(loadDigits({ limit: 128 }).images, { epochs: 2, batchSize: 32 })
      const images = await vae.sample(3, { seed: 1 })
      vae.dispose()
      console.log(JSON.stringify({ steps: result.steps, shape: images.shape, tensors: tf.memory().numTensors }))
    `
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url),
      encoding: 'utf8',
    })
    expect(run.stderr).not.toMatch(/Error/)
    const last = run.stdout.trim().split('\n').at(-1) ?? ''
    expect(JSON.parse(last)).toEqual({ steps: 8, shape: [3, 8, 8, 1], tensors: 0 })
  })

  test("latentkit/worker serves the built-in families and a package user's own, in plain Node", () => {
    const dist = (file: string) => new URL(`../../dist/${file}`, import.meta.url).href
    const script = `
      import '@tensorflow/tfjs-backend-cpu'
      import { WorkerHost, startWorker } from '${dist('worker.js')}'
      import { BUILTIN_ENGINES, defineAction, defineEngine, defineFamily } from '${dist('core.js')}'
      // A family of the user's: counts the images it was trained on.
      const spec = defineFamily()({
        kind: 'counter', noun: 'counter', modelKeys: [], trainKeys: [],
        validateModel: () => {}, validateTrain: () => {},
        chart: { series: [{ key: 'seen', label: 'seen' }], unit: 'images' },
        actions: { seen: defineAction()(() => []) },
      })
      class Counter {
        trainedSteps = 0; trainedEpochs = 0; imageShape = undefined; seen = 0
        async fit(data) { this.seen += data.shape[0]; this.trainedSteps += 1; this.trainedEpochs += 1; return { steps: 1, stopped: false, last: undefined } }
        reset() {} dispose() {}
      }
      const counter = defineEngine(spec, {
        create: () => new Counter(), facts: () => ({ latentDim: undefined }),
        actions: { seen: ({ model }) => model.seen },
      })
      const host = new WorkerHost([...BUILTIN_ENGINES, counter])
      await host.init('cpu')
      await host.create('v', 'vae', { hiddenUnits: [8], latentDim: 2 })
      const vae = await host.train('v', { name: 'digits', limit: 64 }, { epochs: 1, batchSize: 32 })
      await host.create('c', 'counter', {})
      await host.train('c', { name: 'digits', limit: 10 }, {})
      const seen = await host.call('c', 'seen', [])
      console.log(JSON.stringify({ families: await host.families(), vaeSteps: vae.steps, seen: seen.result, start: typeof startWorker }))
    `
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url),
      encoding: 'utf8',
    })
    expect(run.stderr).not.toMatch(/Error/)
    const last = run.stdout.trim().split('\n').at(-1) ?? ''
    expect(JSON.parse(last)).toEqual({
      families: [
        'vae',
        'gan',
        'sparse',
        'autoencoder',
        'kmeans',
        'pca',
        'rbm',
        'imported',
        'autoregressive',
        'contrastive',
        'dec',
        'hashing',
        'pretext',
        'helmholtz',
        'counter',
      ],
      vaeSteps: 2,
      seen: 10,
      start: 'function',
    })
  })

  test('an app that uses one family bundles only that family: the others shake out', async () => {
    const { build } = await import('esbuild')
    const bundled = await build({
      stdin: {
        contents: "export { useVAE, SampleGrid } from './dist/index.js'",
        resolveDir: new URL('../..', import.meta.url).pathname,
        loader: 'js',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
      external: ['react', 'react-dom', 'react/jsx-runtime'],
      logLevel: 'error',
      plugins: [
        {
          name: 'worker-url',
          setup: (b) =>
            b.onResolve({ filter: /latentkit\.worker\.js$/ }, (a) => ({
              path: a.path,
              external: true,
            })),
        },
      ],
    })
    const code = new TextDecoder().decode(bundled.outputFiles[0]?.contents)
    expect(code).toContain('observationNoise') // the VAE's own option keys
    for (const other of [
      'discriminatorLearningRate',
      'sparse coding model',
      'corruptionLevel',
      'reassignmentRatio',
      'powerIterations',
      'gibbsSteps',
      'autoregressive model',
      'boundSamples',
    ]) {
      expect(code, other).not.toContain(other)
    }
  })

  test('a Vite app importing it bundles the worker and WASM, and its main chunk holds no TF.js module', async () => {
    const out = mkdtempSync(join(tmpdir(), 'latentkit-consumer-'))
    const built = await buildConsumerApp(out)
    const mainModules = built.chunks.flatMap((c) => c.moduleIds)
    expect(mainModules.some((id) => id.includes('/dist/index.js'))).toBe(true)
    expect(mainModules.filter((id) => id.includes('@tensorflow'))).toEqual([])
    const names = built.assets.map((a) => a.fileName)
    expect(names.some((n) => /latentkit\.worker.*\.js$/.test(n))).toBe(true)
    expect(names.some((n) => /tfjs-backend-wasm-simd.*\.wasm$/.test(n))).toBe(true)
    const workerAsset = built.assets.find((a) => /latentkit\.worker.*\.js$/.test(a.fileName))
    // The worker's entry takes its lifeline, then imports the rest: a chunk of its own.
    const workerText = String(workerAsset?.source)
    const rest = built.assets.find((a) => /latentkitMain.*\.js$/.test(a.fileName))
    expect(workerText).toContain(rest?.fileName.split('/').at(-1))
    expect(workerText).not.toMatch(/setWasmPaths|tfjs-backend-wasm/)
    expect(String(rest?.source)).toMatch(/setWasmPaths|tfjs-backend-wasm/)
  }, 120_000)
})
