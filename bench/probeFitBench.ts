/**
 * The linear probe's fit timed (Node, WASM, one thread): the fit in latentkit's WebAssembly kernels
 * against the same fit as TF.js operations on the WASM backend (what every probe ran on before),
 * on the digits' raw pixels (64 values) and on the pixels through a fixed random ReLU layer 400 wide
 * (the width of the clustering-learning features), with 1, 10 and all labels per class. Both fits
 * take the same Adam steps; the table also says whether their held-out accuracies agree. Timed: it
 * runs alone, as the other timed Node parts.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { fitProbeOnSplit } from '../src/core/probe/engine/linearProbe'
import { resolveProbeOptions, splitForProbe } from '../src/core/probe/probeOptions'
import { compileKernels } from '../src/core/kernels/wasmKernels'
import { loadDigits } from '../src/data/digits'
import { createRandom } from '../src/core/random'
import type { LatentBatch } from '../src/core/dataset'
import { median } from './stepRate'

const WIDE = 400

/** The digits' pixels through a fixed random layer (seed 0) and a ReLU: `[rows, 400]`. */
function randomFeatures(pixels: LatentBatch): LatentBatch {
  const [rows, size] = pixels.shape
  const random = createRandom(0)
  const weights = Float32Array.from({ length: size * WIDE }, () => random.uniform() - 0.5)
  const data = new Float32Array(rows * WIDE)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < WIDE; j++) {
      let sum = 0
      for (let q = 0; q < size; q++) {
        sum += (pixels.data[i * size + q] as number) * (weights[q * WIDE + j] as number)
      }
      data[i * WIDE + j] = Math.max(0, sum)
    }
  }
  return { data, shape: [rows, WIDE] }
}

/** Runs the part; `quick`: one fit of each kind per row instead of 9. */
export async function runProbeFitBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  await tf.setBackend('wasm')
  await tf.ready()
  const compiled = await compileKernels()
  if (!compiled) throw new Error('no WebAssembly SIMD here: the probe cannot fit in the kernels')
  const digits = loadDigits()
  const labels = Int32Array.from(digits.labels)
  const pixels: LatentBatch = { data: digits.images.data, shape: [labels.length, 64] }
  const features = [
    { name: 'raw pixels', batch: pixels },
    { name: `random ReLU features (${WIDE})`, batch: randomFeatures(pixels) },
  ]
  const fits = options.quick ? 1 : 9
  const rows = []
  for (const { name, batch } of features) {
    for (const labelsPerClass of [1, 10, undefined]) {
      const probeOptions = resolveProbeOptions({ labelsPerClass })
      const split = splitForProbe(labels, probeOptions)
      const times = { kernels: [] as number[], tfjs: [] as number[] }
      let accuracies = { kernels: NaN, tfjs: NaN }
      // Alternated, so a slow stretch of the machine falls on both.
      for (let fit = 0; fit < fits; fit++) {
        for (const kind of ['kernels', 'tfjs'] as const) {
          const t0 = performance.now()
          const result = await fitProbeOnSplit(
            batch,
            labels,
            split,
            probeOptions,
            kind === 'kernels' ? compiled : null,
          )
          times[kind].push(performance.now() - t0)
          accuracies = { ...accuracies, [kind]: result.accuracy }
        }
      }
      rows.push({
        features: name,
        size: batch.shape[1],
        labelsPerClass: labelsPerClass ?? 'all',
        trainRows: split.train.length,
        kernelsMs: median(times.kernels),
        tfjsMs: median(times.tfjs),
        accuracies,
        times,
      })
    }
  }
  const fmt = (x: number, digits = 1) => x.toFixed(digits)
  const markdown = [
    '## Linear probe fits: latentkit’s kernels against TF.js operations (WASM, Node, one thread)',
    '',
    `One fit = up to 300 full-batch Adam steps on a stratified split of the digits (20 % held out, seed 0), as \`probe\` and the few-labels report run it; median of ${fits} fits of each kind, alternated. *TF.js*: the same fit as TF.js operations on the WASM backend (how every probe ran before, and still runs where WebAssembly SIMD does not). Accuracy: held-out, kernels / TF.js (the fits take the same steps; with few labels per class the classes are balanced and Adam's first steps on the bias follow rounding, so the two may differ by a row or two).`,
    '',
    '| features | size | labels per class | rows fitted | kernels (ms) | TF.js (ms) | speed-up | accuracy |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.features} | ${r.size} | ${r.labelsPerClass} | ${r.trainRows} | ${fmt(r.kernelsMs)} | ${fmt(r.tfjsMs)} | ${fmt(r.tfjsMs / r.kernelsMs)}× | ${fmt(r.accuracies.kernels, 3)} / ${fmt(r.accuracies.tfjs, 3)} |`,
    ),
  ]
  return { json: { fits, rows }, markdown }
}
