/**
 * Browser part of `npm run bench` (real Chromium): training throughput per backend through
 * latentkit's worker and for the same engine on the main thread, and main-thread health (frames,
 * long tasks) while each trains. Writes bench/browser-report.json; asserts nothing about time.
 */
import { test } from 'vitest'
import { commands } from 'vitest/browser'
import * as tf from '@tensorflow/tfjs-core'
import './pageBackends'
import { createStockVAE, stockVAEThroughput } from './stockVAE'
import { median } from '../lassoProblem'
import { VAEClient } from '../../src/client/builtinClients'
import { VAE } from '../../src/core/vae/engine/vae'
import { initBackend } from '../../src/core/engine/backendChoice'
import type { BackendName } from '../../src/core/backend'
import { generateSprites } from '../../src/data/sprites'
import type { ImageBatch } from '../../src/core/dataset'
import type { TrainingKernels } from '../../src/core/training'

const quick = import.meta.env.VITE_BENCH_QUICK === '1'
const BATCH = 128
const REFERENCE = { hiddenUnits: [400], latentDim: 20, seed: 1 }
/**
 * The backends measured. `--quick` keeps WASM and the CPU: here WebGL and WebGPU are software
 * (SwiftShader), and compiling their shaders for each side's warm-up was most of the quick run.
 */
const backends: BackendName[] = quick ? ['wasm', 'cpu'] : ['wasm', 'webgl', 'webgpu', 'cpu']
/**
 * Steps per timed run (three runs after a warm-up run, median reported): about a second or more per
 * run where a step is fast, so the worker / main-thread ratio is not lost in the machine's noise.
 * `--quick` takes at most 2, and no more than a full run: the CPU backend's step (about 3 s here)
 * is one, as in a full run (2 made the CPU rows most of the quick session's time).
 */
const stepsFor = (backend: BackendName, fusedKernels: boolean): number => {
  const full = backend === 'wasm' ? (fusedKernels ? 96 : 24) : backend === 'webgl' ? 6 : 1
  return quick ? Math.min(2, full) : full
}
const RUNS = 3
/**
 * Timed runs of `backend`: {@link RUNS}, but one on the CPU backend in a quick run, where its one-step
 * runs (about 3 s a step here: warm-up and three runs on each side and the stock loop's took about
 * 30 s, most of the quick throughput file) are a smoke check; the full run's three pairs hold its figures.
 */
const runsFor = (backend: BackendName): number => (quick && backend === 'cpu' ? 1 : RUNS)

function sprites(batches: number): ImageBatch {
  return generateSprites({ count: BATCH * batches, size: 28, seed: 3 }).images
}

/**
 * Samples/s of the same training through latentkit's worker and with the engine on this page's main
 * thread: a warm-up training on each side (starts the worker and backend, sends the data, compiles
 * kernels), then {@link runsFor} timed trainings on the same `steps` batches, alternating sides so drift
 * in the machine's speed falls on both; medians reported.
 */
async function workerAndMainThread(
  backend: BackendName,
  steps: number,
  fusedKernels: boolean,
): Promise<{
  worker: number
  mainThread: number
  workerToMain: number
  kernels: TrainingKernels | undefined
}> {
  const runs = runsFor(backend)
  const data = sprites(steps)
  const client = new VAEClient({
    ...REFERENCE,
    backend,
    batchSize: BATCH,
    epochs: 1,
    fusedKernels,
    data,
  })
  const unsubscribe = client.subscribe(() => {})
  await tf.setBackend(backend)
  await tf.ready()
  const vae = new VAE(REFERENCE)
  const options = { batchSize: BATCH, epochs: 1, fusedKernels }
  try {
    await client.trainAsync()
    await vae.fit(data, options)
    const worker: number[] = []
    const mainThread: number[] = []
    for (let r = 0; r < runs; r++) {
      let started = performance.now()
      const summary = await client.trainAsync()
      worker.push(((summary?.steps ?? 0) * BATCH * 1000) / (performance.now() - started))
      started = performance.now()
      const result = await vae.fit(data, options)
      mainThread.push((result.steps * BATCH * 1000) / (performance.now() - started))
    }
    return {
      worker: median(worker),
      mainThread: median(mainThread),
      // Per pair, so a slow stretch of the machine cancels out.
      workerToMain: median(worker.map((rate, r) => rate / (mainThread[r] as number))),
      kernels: client.getSnapshot().progress?.kernels,
    }
  } finally {
    unsubscribe()
    vae.dispose()
  }
}

interface Health {
  readonly frames: number
  readonly rafP50: number
  readonly rafP95: number
  readonly rafMax: number
  readonly longTasks: number
  readonly longTaskTotalMs: number
  readonly longTaskMaxMs: number
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

/** Watches frames and long tasks while `work` runs for about `ms`. */
async function watchMainThread(
  ms: number,
  start: () => void,
  stop: () => Promise<void>,
): Promise<Health> {
  const intervals: number[] = []
  const longTasks: number[] = []
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration)
  })
  observer.observe({ type: 'longtask', buffered: false })
  let last = performance.now()
  let running = true
  const frame = (time: number): void => {
    intervals.push(time - last)
    last = time
    if (running) requestAnimationFrame(frame)
  }
  requestAnimationFrame((time) => {
    last = time
    requestAnimationFrame(frame)
  })
  start()
  await new Promise((resolve) => setTimeout(resolve, ms))
  running = false
  await stop()
  observer.disconnect()
  return {
    frames: intervals.length,
    rafP50: percentile(intervals, 50),
    rafP95: percentile(intervals, 95),
    rafMax: Math.max(0, ...intervals),
    longTasks: longTasks.length,
    longTaskTotalMs: longTasks.reduce((a, b) => a + b, 0),
    longTaskMaxMs: Math.max(0, ...longTasks),
  }
}

async function healthInWorker(backend: BackendName, ms: number): Promise<Health> {
  const client = new VAEClient({
    ...REFERENCE,
    backend,
    batchSize: BATCH,
    epochs: 10_000,
    data: sprites(4),
  })
  const unsubscribe = client.subscribe(() => {})
  // Start the worker first, so start-up is not counted.
  client.setOptions({ ...REFERENCE, backend, batchSize: BATCH, epochs: 1, data: sprites(4) })
  await client.trainAsync()
  client.setOptions({ ...REFERENCE, backend, batchSize: BATCH, epochs: 10_000, data: sprites(4) })
  const health = await watchMainThread(
    ms,
    () => void client.train(),
    async () => {
      await client.stop()
      unsubscribe()
    },
  )
  return health
}

/** The stock loop on the main thread: `for (…) await step()`, optionally `await tf.nextFrame()` between steps. */
async function healthOfStockLoop(
  backend: BackendName,
  ms: number,
  nextFrame: boolean,
): Promise<Health> {
  await tf.setBackend(backend)
  await tf.ready()
  const vae = createStockVAE(sprites(4).data, 784, BATCH)
  await vae.step(0)
  let loop: Promise<void> = Promise.resolve()
  // The loop ends on a clock of its own: on WASM without nextFrame it never yields a macrotask, so a
  // timer could not stop it (that freeze is what this measures).
  const health = await watchMainThread(
    ms,
    () => {
      const deadline = performance.now() + ms
      loop = (async () => {
        for (let s = 1; performance.now() < deadline; s++) {
          await vae.step(s)
          if (nextFrame) await tf.nextFrame()
        }
      })()
    },
    () => loop,
  )
  vae.dispose()
  return health
}

test('browser benchmarks', async () => {
  const throughput: {
    backend: BackendName
    kernels: TrainingKernels | undefined
    worker: number
    mainThread: number
    workerToMain: number
    stock: number
  }[] = []
  for (const backend of backends) {
    await tf.setBackend(backend)
    // Stock TF.js on WASM takes ~0.2 s a step: a third of the TF.js path's steps is enough.
    const stockSteps =
      backend === 'wasm'
        ? Math.max(1, Math.round(stepsFor(backend, false) / 3))
        : stepsFor(backend, true)
    const stock = await stockVAEThroughput(
      sprites(stockSteps + 1).data,
      784,
      BATCH,
      stockSteps,
      runsFor(backend),
    )
    // On WASM, the fused kernels (the default) and the same step as TF.js operations.
    for (const fusedKernels of backend === 'wasm' ? [true, false] : [true]) {
      throughput.push({
        backend,
        ...(await workerAndMainThread(backend, stepsFor(backend, fusedKernels), fusedKernels)),
        stock,
      })
    }
  }
  const ms = quick ? 1500 : 10_000
  const health = {
    workerWasm: await healthInWorker('wasm', ms),
    workerWebgl: quick ? undefined : await healthInWorker('webgl', ms),
    stockWasm: await healthOfStockLoop('wasm', ms, false),
    stockWasmNextFrame: await healthOfStockLoop('wasm', ms, true),
    stockWebgl: quick ? undefined : await healthOfStockLoop('webgl', ms, false),
    stockWebglNextFrame: quick ? undefined : await healthOfStockLoop('webgl', ms, true),
  }
  const auto = await initBackend('auto')
  await commands.writeFile(
    'bench/report.browser.json',
    JSON.stringify(
      {
        quick,
        userAgent: navigator.userAgent,
        autoBackend: auto,
        throughput,
        health,
        windowMs: ms,
      },
      null,
      2,
    ),
  )
}, 900_000)
