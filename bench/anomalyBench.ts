/**
 * Anomaly detection part of `npm run bench` (Node, WASM): image- and pixel-level ROC AUC on the
 * built-in defect benchmark for each model's defaults, and the held-out-class AUROC on the digits.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { Autoencoder } from '../src/core/autoencoder/engine/autoencoder'
import { VAE } from '../src/core/vae/engine/vae'
import { rocAuc, type AnomalyScorer } from '../src/core/anomaly/anomalyScoring'
import { generateAnomalyBenchmark } from '../src/data/anomalies'
import { loadDigits } from '../src/data/digits'
import { gatherRows, type ImageBatch } from '../src/core/dataset'
import type { AutoencoderModelOptions } from '../src/core/autoencoder/autoencoderOptions'

export interface DefectRow {
  readonly model: string
  readonly epochs: number
  readonly seconds: number
  readonly imageAuroc: number
  readonly pixelAuroc: number
  readonly perDefect: Readonly<Record<string, number>>
}

export interface HeldOutRow {
  readonly digit: number
  readonly auroc: number
}

interface Scorable {
  fit(data: ImageBatch, options: { epochs: number }): Promise<unknown>
  readonly anomaly: AnomalyScorer
  dispose(): void
}

const AUTOENCODERS: readonly [string, AutoencoderModelOptions][] = [
  ['autoencoder, plain', {}],
  ['autoencoder, denoising (Gaussian)', { kind: 'denoising' }],
  ['autoencoder, denoising (masking)', { kind: 'denoising', corruption: 'mask' }],
  ['autoencoder, sparse', { kind: 'sparse' }],
  ['autoencoder, linear', { kind: 'linear' }],
  ['autoencoder, convolutional', { architecture: 'conv' }],
]

async function defectRow(name: string, model: Scorable, epochs: number): Promise<DefectRow> {
  const bench = generateAnomalyBenchmark({ seed: 1 })
  const started = performance.now()
  await model.fit(bench.train, { epochs })
  const seconds = (performance.now() - started) / 1000
  const { scores, maps } = await model.anomaly.score(bench.test)
  const perDefect: Record<string, number> = {}
  for (const kind of new Set(bench.defects.filter((d) => d !== undefined))) {
    const rows = bench.defects.flatMap((d, i) => (d === undefined || d === kind ? [i] : []))
    perDefect[kind as string] = rocAuc(
      rows.map((i) => scores[i] as number),
      rows.map((i) => bench.labels[i] as number),
    )
  }
  model.dispose()
  return {
    model: name,
    epochs,
    seconds,
    imageAuroc: rocAuc(scores, bench.labels),
    pixelAuroc: rocAuc(maps.data, bench.masks.data),
    perDefect,
  }
}

/** Train on the first 1,500 digits without `digit`; score the other 297: AUROC of `digit` among them. */
async function heldOut(digit: number, epochs: number): Promise<HeldOutRow> {
  const { images, labels } = loadDigits()
  const train: number[] = []
  for (let i = 0; i < 1500; i++) if (labels[i] !== digit) train.push(i)
  const pick = (rows: number[]): ImageBatch => {
    const data = new Float32Array(rows.length * 64)
    gatherRows(data, images.data, rows, 64)
    return { data, shape: [rows.length, 8, 8, 1] }
  }
  const test = Array.from({ length: labels.length - 1500 }, (_, i) => 1500 + i)
  const model = new Autoencoder({ seed: 1 })
  await model.fit(pick(train), { epochs })
  const { scores } = await model.anomaly.score(pick(test))
  model.dispose()
  return {
    digit,
    auroc: rocAuc(
      scores,
      test.map((r) => (labels[r] === digit ? 1 : 0)),
    ),
  }
}

export async function runAnomalyBench(
  quick: boolean,
): Promise<{ defects: DefectRow[]; heldOut: HeldOutRow[] }> {
  await tf.setBackend('wasm')
  await tf.ready()
  const epochs = quick ? 4 : 40
  const defects: DefectRow[] = []
  for (const [name, options] of quick ? AUTOENCODERS.slice(0, 1) : AUTOENCODERS) {
    defects.push(await defectRow(name, new Autoencoder({ seed: 1, ...options }), epochs))
  }
  if (!quick) defects.push(await defectRow('VAE', new VAE({ seed: 1 }), epochs))
  const heldOutRows: HeldOutRow[] = []
  for (const digit of quick ? [0] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
    heldOutRows.push(await heldOut(digit, quick ? 5 : 40))
  }
  return { defects, heldOut: heldOutRows }
}
