/**
 * Node part of `npm run bench`: the engine's training throughput per backend, first-step time, and
 * tensor drift over many steps. Figures only, measured side by side in one run; nothing asserts a time.
 */
import { writeFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { VAE } from '../src/core/vae/vae'
import { loadDigits } from '../src/data/digits'
import { generateSprites } from '../src/data/sprites'
import type { ImageBatch } from '../src/core/dataset'
import type { VAEModelOptions } from '../src/core/vae/vaeOptions'
import { median } from './lassoProblem'
import { createRandom } from '../src/core/random'

export interface ThroughputRow {
  readonly model: string
  readonly backend: string
  readonly samplesPerSecond: number
  readonly firstStepMs: number
  readonly runs: readonly number[]
}

export interface DriftRow {
  readonly backend: string
  readonly steps: number
  readonly tensorsBefore: number
  readonly tensorsAfter: number
  readonly bytesDrift: number
}

async function throughput(
  name: string,
  backend: 'cpu' | 'wasm',
  data: ImageBatch,
  options: VAEModelOptions,
  batchSize: number,
  steps: number,
): Promise<ThroughputRow> {
  await tf.setBackend(backend)
  await tf.ready()
  const runs: number[] = []
  let firstStepMs = NaN
  for (let r = 0; r < 3; r++) {
    const vae = new VAE(options)
    const slice: ImageBatch = {
      data: data.data.subarray(0, batchSize * (steps + 1) * (data.data.length / data.shape[0])),
      shape: [
        Math.min(data.shape[0], batchSize * (steps + 1)),
        data.shape[1],
        data.shape[2],
        data.shape[3],
      ],
    }
    // Warm-up: one step (builds the network and compiles kernels); timed for the first run only.
    const warm: ImageBatch = {
      data: slice.data.subarray(0, batchSize * (slice.data.length / slice.shape[0])),
      shape: [batchSize, slice.shape[1], slice.shape[2], slice.shape[3]],
    }
    const t0 = performance.now()
    await vae.fit(warm, { epochs: 1, batchSize })
    if (r === 0) firstStepMs = performance.now() - t0
    const t1 = performance.now()
    const result = await vae.fit(slice, { epochs: 1, batchSize })
    const seconds = (performance.now() - t1) / 1000
    runs.push((result.steps * batchSize) / seconds)
    vae.dispose()
  }
  return { model: name, backend, samplesPerSecond: median(runs), firstStepMs, runs }
}

async function drift(backend: 'cpu' | 'wasm', steps: number): Promise<DriftRow> {
  await tf.setBackend(backend)
  await tf.ready()
  const digits = loadDigits().images
  const vae = new VAE({ seed: 1 })
  await vae.fit(digits, { epochs: 1, batchSize: 64 })
  const before = tf.memory()
  const epochs = Math.max(1, Math.round(steps / 29))
  await vae.fit(digits, { epochs, batchSize: 64 })
  const after = tf.memory()
  vae.dispose()
  return {
    backend,
    steps: epochs * 29,
    tensorsBefore: before.numTensors,
    tensorsAfter: after.numTensors,
    bytesDrift: after.numBytes - before.numBytes,
  }
}

/** The five large matrix products of one reference-VAE step on WASM, timed alone. */
export interface GemmFloorRow {
  /** Milliseconds for the five products, median over repetitions. */
  readonly milliseconds: number
  /** 128 samples / that time: what a step could reach if nothing but these products ran. */
  readonly samplesPerSecondBound: number
}

/**
 * Times, on WASM, the five 128 × 784 × 400 matrix products every training step of the reference
 * VAE needs (encoder and decoder forward, the decoder's input gradient, two kernel gradients), with
 * operands laid out as the engine lays them out (no transpose flags). A ceiling for the engine.
 */
async function gemmFloor(reps: number): Promise<GemmFloorRow> {
  await tf.setBackend('wasm')
  await tf.ready()
  const random = createRandom(1)
  const tensor = (rows: number, columns: number): tf.Tensor2D =>
    tf.tensor2d(random.normals(rows * columns), [rows, columns])
  const x = tensor(128, 784)
  const xT = tensor(784, 128)
  const w1 = tensor(784, 400)
  const w2 = tensor(400, 784)
  const w2T = tensor(784, 400)
  const h = tensor(128, 400)
  const hT = tensor(400, 128)
  const g = tensor(128, 784)
  const gh = tensor(128, 400)
  const products = (): tf.Tensor =>
    tf.tidy(() =>
      tf.addN([
        tf.sum(tf.matMul(x, w1)),
        tf.sum(tf.matMul(h, w2)),
        tf.sum(tf.matMul(g, w2T)),
        tf.sum(tf.matMul(hT, g)),
        tf.sum(tf.matMul(xT, gh)),
      ]),
    )
  const times: number[] = []
  for (let r = 0; r < reps + 2; r++) {
    const started = performance.now()
    const result = products()
    await result.data()
    result.dispose()
    if (r >= 2) times.push(performance.now() - started)
  }
  for (const t of [x, xT, w1, w2, w2T, h, hT, g, gh]) t.dispose()
  const milliseconds = median(times)
  return { milliseconds, samplesPerSecondBound: (128 * 1000) / milliseconds }
}

/** Writes the reference model's training rows (28×28 sprites) as raw float32, for the PyTorch side. */
export function writeReferenceRows(path: string, count: number): void {
  const images = generateSprites({ count, size: 28, seed: 1 }).images
  writeFileSync(
    path,
    Buffer.from(images.data.buffer, images.data.byteOffset, images.data.byteLength),
  )
}

/** Runs the Node benchmarks. `quick` keeps each figure to a few seconds (for CI). */
export async function runNodeBench(
  quick: boolean,
): Promise<{ throughput: ThroughputRow[]; drift: DriftRow[]; gemmFloor: GemmFloorRow }> {
  const digits = loadDigits().images
  const sprites = generateSprites({ count: quick ? 600 : 2000, size: 28, seed: 1 }).images
  const rows: ThroughputRow[] = []
  for (const backend of ['wasm', 'cpu'] as const) {
    rows.push(
      await throughput(
        'digits VAE 64-128-8, batch 64',
        backend,
        digits,
        { seed: 1 },
        64,
        quick ? 5 : 25,
      ),
    )
    rows.push(
      await throughput(
        'reference VAE 784-400-20, batch 128',
        backend,
        sprites,
        { seed: 1, hiddenUnits: [400], latentDim: 20 },
        128,
        quick ? 2 : backend === 'cpu' ? 6 : 14,
      ),
    )
  }
  const driftRows = [await drift('wasm', quick ? 100 : 1000)]
  return { throughput: rows, drift: driftRows, gemmFloor: await gemmFloor(quick ? 5 : 30) }
}
