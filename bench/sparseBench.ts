/**
 * Sparse coding part of `npm run bench` (Node): lasso codes per second per solver on the shared
 * lasso problem, and dictionary learning time on the digits to a stated objective. Writes the
 * problem as raw float32 files so scikit-learn can solve the very same matrices.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { SparseCoding } from '../src/core/sparse/engine/sparseCoding'
import { loadDigits } from '../src/data/digits'
import { codingThroughput, type CodingRow, type LassoProblem } from './lassoProblem'

export interface LearningRow {
  readonly backend: string
  readonly target: number
  readonly reached: boolean
  readonly epochs: number
  readonly steps: number
  readonly seconds: number
  readonly objective: number
  readonly nonZeroFraction: number
  readonly psnr: number
}

/** Epochs of dictionary learning on the digits (defaults: 128 atoms, λ 0.5) until the objective ≤ target. */
async function learningTime(
  backend: string,
  target: number,
  maxEpochs: number,
): Promise<LearningRow> {
  await tf.setBackend(backend)
  await tf.ready()
  const digits = loadDigits().images
  const model = new SparseCoding({ seed: 1 })
  let seconds = 0
  let epochs = 0
  let evaluation = { objective: Infinity, nonZeroFraction: NaN, psnr: NaN }
  try {
    while (epochs < maxEpochs && evaluation.objective > target) {
      const started = performance.now()
      await model.fit(digits, { epochs: 1 })
      seconds += (performance.now() - started) / 1000
      epochs += 1
      evaluation = await model.evaluate(digits)
    }
    return {
      backend,
      target,
      reached: evaluation.objective <= target,
      epochs,
      steps: model.trainedSteps,
      seconds,
      objective: evaluation.objective,
      nonZeroFraction: evaluation.nonZeroFraction,
      psnr: evaluation.psnr,
    }
  } finally {
    model.dispose()
  }
}

/** Writes the problem for Python: patches, atoms (float32, row-major). */
export function writeLassoProblem(
  problem: LassoProblem,
  folder: string,
): { patches: string; atoms: string } {
  mkdirSync(folder, { recursive: true })
  const patches = join(folder, 'lasso-patches.f32')
  const atoms = join(folder, 'lasso-atoms.f32')
  writeFileSync(
    patches,
    Buffer.from(problem.patches.buffer, problem.patches.byteOffset, problem.patches.byteLength),
  )
  writeFileSync(
    atoms,
    Buffer.from(problem.atoms.buffer, problem.atoms.byteOffset, problem.atoms.byteLength),
  )
  return { patches, atoms }
}

/**
 * Target objective per patch for the learning benchmark: the defaults reach 5.99 after 10 epochs;
 * the starting dictionary (data patches) scores ≈ 8.8 on the benchmark problem.
 */
export const LEARNING_TARGET = 6.05

export async function runSparseBench(
  quick: boolean,
): Promise<{ coding: CodingRow[]; learning: LearningRow[] }> {
  // TF.js's plain-JS CPU backend needs over a minute per solve here; the browser bench covers it.
  const runs = quick ? 1 : 3
  const coding = [
    await codingThroughput('wasm', runs, 'coordinate-descent'),
    await codingThroughput('wasm', runs, 'fista'),
  ]
  const learning = [await learningTime('wasm', LEARNING_TARGET, quick ? 6 : 30)]
  return { coding, learning }
}
export { buildLassoProblem, lassoObjective, type CodingRow } from './lassoProblem'
