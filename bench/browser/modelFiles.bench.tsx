/**
 * Saving, loading and presets for `npm run bench` (real Chromium): mount → first painted SampleGrid
 * of a hook that starts from a shipped preset, in a cold worker (start, backend, fetch, restore,
 * sample, draw) and in one the page already started; the stages of a cold start; and the reference
 * VAE (784-400-20) saved to and loaded from IndexedDB, exported to and imported from one file. The
 * worker is the built one (dist/static-worker/, as an app serves it by hand) when scripts/bench.mjs
 * serves it, else the dev server's. Writes bench/report.browser-files.json; asserts nothing
 * about time.
 */
import { useEffect } from 'react'
import { test } from 'vitest'
import { commands } from 'vitest/browser'
import { cleanup, render } from 'vitest-browser-react'
import { SampleGrid } from '../../src/components/SampleGrid'
import * as Comlink from 'comlink'
import { VAEClient } from '../../src/client/builtinClients'
import type { CreateWorker } from '../../src/client/workerPool'
import type { WorkerAPI } from '../../src/protocol'
import type { FloorWorkerAPI } from './floorWorker'
import { useGAN } from '../../src/react/useGAN'
import { useRBM } from '../../src/react/useRBM'
import { useVAE } from '../../src/react/useVAE'

const quick = import.meta.env.VITE_BENCH_QUICK === '1'
/**
 * A worker started from `url`, a module on another origin (a static server of scripts/bench.mjs): a
 * worker's script must be same-origin, so a one-line module from a blob URL imports it (its chunks,
 * WASM and presets then resolve against the static server).
 */
function crossOriginWorker(url: string): CreateWorker {
  return () => {
    const entry = new Blob([`import ${JSON.stringify(url)}`], { type: 'text/javascript' })
    return new Worker(URL.createObjectURL(entry), { type: 'module' })
  }
}
/**
 * The package's static worker (dist/static-worker/, minified, split at its dynamic imports) as an app
 * serves it by hand: the folder and the WASM binaries and presets beside it, copied by
 * scripts/bench.mjs to a static server of its own.
 */
const STATIC_ORIGIN = import.meta.env.VITE_STATIC_WORKER_ORIGIN as string | undefined
const STATIC_WORKER = STATIC_ORIGIN ? `${STATIC_ORIGIN}/latentkit.worker.js` : undefined
/**
 * The package's module worker (dist/latentkit.worker.js) as an app's bundler emits it: its imports
 * bundled, minified, split at the dynamic imports (backends and families loaded when used), built by
 * scripts/bench.mjs into dist/app-worker/ and served from a static server of its own (the dev server
 * would rewrite its dynamic imports for Vitest's module mocking, which a worker cannot run).
 */
const APP_ORIGIN = import.meta.env.VITE_APP_WORKER_ORIGIN as string | undefined
const APP_WORKER = APP_ORIGIN ? `${APP_ORIGIN}/latentkit.worker.js` : undefined
/** The built worker when the package was built, else latentkit's worker from the dev server. */
let createWorker: CreateWorker | undefined
const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve))
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

async function until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = performance.now()
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out')
    await nextFrame()
  }
}

type Family = 'vae' | 'gan' | 'rbm'
interface Drawn {
  status: string
  steps: number
}

interface GridProps {
  preset: string
  onState: (state: Drawn) => void
}

const hookOptions = (preset: string) =>
  ({ preset, backend: 'wasm', ...(createWorker ? { createWorker } : {}) }) as const

/** `model`'s status reported to `onState`, and its samples drawn. */
function Reported({
  model,
  onState,
}: {
  model: Parameters<typeof SampleGrid>[0]['model'] & {
    status: string
    model?: { trainedSteps: number } | undefined
  }
  onState: (state: Drawn) => void
}) {
  useEffect(() => {
    onState({ status: model.status, steps: model.model?.trainedSteps ?? 0 })
  }, [model.status, model.model, onState])
  return <SampleGrid model={model} rows={2} columns={4} />
}

function VAEGrid({ preset, onState }: GridProps) {
  return <Reported model={useVAE(hookOptions(preset))} onState={onState} />
}

function GANGrid({ preset, onState }: GridProps) {
  return <Reported model={useGAN(hookOptions(preset))} onState={onState} />
}

function RBMGrid({ preset, onState }: GridProps) {
  return <Reported model={useRBM(hookOptions(preset))} onState={onState} />
}

const GRIDS: Record<Family, (props: GridProps) => React.JSX.Element> = {
  vae: VAEGrid,
  gan: GANGrid,
  rbm: RBMGrid,
}

/**
 * Milliseconds from mount to the first painted grid of `preset`: in a cold worker, or (`warm`) in the
 * one a model kept alive by the page already started.
 */
async function presetStart(family: Family, preset: string, warm = false): Promise<number> {
  let state: Drawn = { status: 'idle', steps: 0 }
  const started = performance.now()
  const Grid = GRIDS[family]
  const screen = await render(<Grid preset={preset} onState={(s) => (state = s)} />)
  await until(() => screen.container.querySelector('canvas.lk-sample-grid') !== null)
  await nextFrame()
  const drawn = performance.now() - started
  if (state.steps === 0) throw new Error(`${family}/${preset} drew before it was loaded`)
  await cleanup()
  // Let the pool terminate the idle worker, so the next measurement starts cold.
  if (!warm) await new Promise((resolve) => setTimeout(resolve, 300))
  return drawn
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const result = await work()
  return [result, performance.now() - started]
}

/** Milliseconds of each stage of a cold start: the worker's script, its backend, the preset, its model, 8 samples. */
async function coldStages(): Promise<Record<string, number>> {
  const worker = (
    createWorker ??
    (() =>
      new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), { type: 'module' }))
  )()
  const api = Comlink.wrap<WorkerAPI>(worker)
  try {
    const [, script] = await timed(() => api.ping())
    const [, backend] = await timed(() => api.init('wasm'))
    const [snapshot, preset] = await timed(() => api.loadPreset('vae', 'digits'))
    const [, model] = await timed(() =>
      api.create('stages', 'vae', snapshot.modelOptions, snapshot),
    )
    const [, sample] = await timed(() => api.call('stages', 'sample', [8, { seed: 0 }]))
    return { script, backend, preset, model, sample }
  } finally {
    worker.terminate()
  }
}

const FLOOR_WORKER = new URL('/dist/bench-floor.worker.js', location.origin)

/**
 * Milliseconds of the first two stages for the least a TF.js worker on WASM can be (see
 * floorWorker.ts), started cold like {@link coldStages}; undefined when scripts/bench.mjs did not
 * build it.
 */
async function floorStages(): Promise<Record<string, number> | undefined> {
  if (!(await fetch(FLOOR_WORKER, { method: 'HEAD' })).ok) return undefined
  const worker = new Worker(FLOOR_WORKER, { type: 'module' })
  const api = Comlink.wrap<FloorWorkerAPI>(worker)
  try {
    const [, script] = await timed(() => api.ping())
    const [backendName, backend] = await timed(() => api.init())
    if (backendName !== 'wasm') throw new Error(`the floor worker runs on ${backendName}`)
    return { script, backend }
  } finally {
    worker.terminate()
  }
}

/** Medians, key by key, of `runs`. */
function medians(runs: readonly Record<string, number>[]): Record<string, number> {
  return Object.fromEntries(
    Object.keys(runs[0] ?? {}).map((key) => [key, median(runs.map((r) => r[key] ?? NaN))]),
  )
}

/** The reference VAE on 28×28 sprites, trained one short epoch, then saved and loaded `runs` times. */
async function referenceVAE(runs: number) {
  const options = {
    data: { name: 'sprites', count: 256, size: 28 },
    hiddenUnits: [400],
    latentDim: 20,
    epochs: 1,
    batchSize: 128,
    backend: 'wasm',
  } as const
  const source = new VAEClient(options)
  const target = new VAEClient({ backend: 'wasm' })
  const unsubscribes = [source.subscribe(() => {}), target.subscribe(() => {})]
  const times = {
    save: [] as number[],
    load: [] as number[],
    exportFile: [] as number[],
    importFile: [] as number[],
  }
  try {
    await source.trainAsync()
    let weightBytes = 0
    let fileBytes = 0
    for (let run = 0; run < runs; run += 1) {
      const [info, save] = await timed(() => source.saveAsync('indexeddb://latentkit-bench-vae'))
      weightBytes = info.weightBytes
      times.save.push(save)
      times.load.push((await timed(() => target.loadAsync('indexeddb://latentkit-bench-vae')))[1])
      const [file, exported] = await timed(() => source.exportModelAsync())
      fileBytes = file.size
      times.exportFile.push(exported)
      times.importFile.push((await timed(() => target.importModelAsync(file)))[1])
    }
    await target.removeSavedModelAsync('indexeddb://latentkit-bench-vae')
    return {
      weightBytes,
      fileBytes,
      runs,
      saveMs: median(times.save),
      loadMs: median(times.load),
      exportMs: median(times.exportFile),
      importMs: median(times.importFile),
      all: times,
    }
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe()
  }
}

test('saving, loading and presets in Chromium', async () => {
  const built = STATIC_WORKER !== undefined && (await fetch(STATIC_WORKER)).ok
  const builtWorker = built ? crossOriginWorker(STATIC_WORKER) : undefined
  createWorker = builtWorker
  // A quick run (CI's smoke check) starts each cold once; its first warm start is slower than the
  // next, so it takes two. The full run's five of each hold the figures.
  const runs = quick ? 1 : 5
  const warmRuns = quick ? 2 : 5
  const presets: { family: Family; preset: string }[] = [
    { family: 'vae', preset: 'digits' },
    { family: 'vae', preset: 'sprites' },
    { family: 'gan', preset: 'sprites' },
    { family: 'rbm', preset: 'digits' },
  ]
  const workers: { worker: string; create: CreateWorker | undefined }[] = [
    { worker: built ? 'static folder' : 'dev server', create: createWorker },
  ]
  if (APP_WORKER !== undefined && (await fetch(APP_WORKER)).ok) {
    workers.push({ worker: 'app-bundled', create: crossOriginWorker(APP_WORKER) })
  }
  const presetRows = []
  for (const [{ family, preset }, { worker, create }] of presets.flatMap((p) =>
    workers.map((w) => [p, w] as const),
  )) {
    createWorker = create
    const times: number[] = []
    for (let run = 0; run < runs; run += 1) times.push(await presetStart(family, preset))
    // Warm: a model the page keeps alive has started the worker already.
    const keeper = new VAEClient({ backend: 'wasm', ...(createWorker ? { createWorker } : {}) })
    const release = keeper.subscribe(() => {})
    await keeper.listSavedModelsAsync()
    const warmTimes: number[] = []
    for (let run = 0; run < warmRuns; run += 1) {
      warmTimes.push(await presetStart(family, preset, true))
    }
    release()
    await new Promise((resolve) => setTimeout(resolve, 300))
    presetRows.push({
      family,
      preset,
      worker,
      firstGridMs: median(times),
      runs: times,
      warmFirstGridMs: median(warmTimes),
      warmRuns: warmTimes,
    })
  }
  createWorker = builtWorker
  const stageRuns: Record<string, number>[] = []
  for (let run = 0; run < runs; run += 1) stageRuns.push(await coldStages())
  const stages = medians(stageRuns)
  const floorRuns: Record<string, number>[] = []
  for (let run = 0; run < runs; run += 1) {
    const floor = await floorStages()
    if (floor) floorRuns.push(floor)
  }
  const floor = floorRuns.length > 0 ? medians(floorRuns) : undefined
  const vae = await referenceVAE(runs)
  await commands.writeFile(
    'bench/report.browser-files.json',
    JSON.stringify(
      {
        quick,
        worker: built ? 'built' : 'dev',
        presets: presetRows,
        stages,
        floor,
        referenceVAE: vae,
      },
      null,
      2,
    ),
  )
}, 600_000)
