/**
 * A linear probe: multinomial logistic regression on a model's features, fitted on a few labelled
 * rows and scored on held-out ones — how the field judges a representation learned without labels.
 * Features are standardised with the fitted rows' statistics; full-batch Adam with an L2 penalty as
 * scikit-learn's `LogisticRegression(C)`, in latentkit's WebAssembly kernels where WebAssembly SIMD
 * runs (kernelProbe.ts), else as TF.js operations (tfProbe.ts): the same steps either way.
 */
import { assertFinite, type LatentBatch } from '../../dataset'
import { ShapeMismatchError } from '../../errors'
import { checkRows, hostLimit } from '../../engine/memoryBudget'
import { compileKernels, type CompiledKernels } from '../../kernels/wasmKernels'
import {
  probeLabels,
  resolveProbeOptions,
  splitForProbe,
  type ProbeOptions,
  type ProbeResult,
  type ProbeSplit,
  type ResolvedProbeOptions,
} from '../probeOptions'
import { fitProbeInKernels } from './kernelProbe'
import { fitProbeWithTF } from './tfProbe'

/** Rows `rows` of `features`, standardised by `mean` and `scale`. */
function standardisedRows(
  features: LatentBatch,
  rows: Int32Array,
  mean: Float64Array,
  scale: Float64Array,
): Float32Array {
  const size = features.shape[1]
  const out = new Float32Array(rows.length * size)
  rows.forEach((row, i) => {
    for (let j = 0; j < size; j++) {
      const value = features.data[row * size + j] as number
      out[i * size + j] = (value - (mean[j] as number)) / (scale[j] as number)
    }
  })
  return out
}

/** Per-column mean and standard deviation of `rows` (a constant column is left unscaled). */
function columnStatistics(
  features: LatentBatch,
  rows: Int32Array,
): { mean: Float64Array; scale: Float64Array } {
  const size = features.shape[1]
  const mean = new Float64Array(size)
  const scale = new Float64Array(size)
  for (const row of rows) {
    for (let j = 0; j < size; j++)
      mean[j] = (mean[j] as number) + (features.data[row * size + j] as number)
  }
  for (let j = 0; j < size; j++) mean[j] = (mean[j] as number) / rows.length
  for (const row of rows) {
    for (let j = 0; j < size; j++) {
      const d = (features.data[row * size + j] as number) - (mean[j] as number)
      scale[j] = (scale[j] as number) + d * d
    }
  }
  for (let j = 0; j < size; j++) {
    const deviation = Math.sqrt((scale[j] as number) / rows.length)
    scale[j] = deviation > 1e-8 ? deviation : 1
  }
  return { mean, scale }
}

/**
 * Fits a multinomial logistic regression on `features` (`[rows, size]`) with `labels` (one integer
 * ≥ 0 per row) on a stratified, seeded split, and measures held-out accuracy. `SHAPE_MISMATCH` when
 * the labels do not match the rows, `NON_FINITE_INPUT` for NaN features, `INVALID_OPTION` for bad
 * options, `INVALID_INPUT` when fewer than two classes can be split. Leaves no tensor behind.
 */
export async function fitLinearProbe(
  features: LatentBatch,
  labels: ArrayLike<number>,
  options?: ProbeOptions,
): Promise<ProbeResult> {
  const resolved = resolveProbeOptions(options)
  const [rows, size] = features.shape
  if (features.data.length !== rows * size) {
    throw new ShapeMismatchError(
      `features hold ${features.data.length} values, not ${rows} × ${size}`,
      { expected: [rows, size], actual: [features.data.length] },
    )
  }
  assertFinite(features.data, 'features')
  // Held beside the features: their standardised copy and its transpose, the one-hot labels and the
  // predictions.
  checkRows(
    {
      what: 'probe row count',
      actual: rows,
      owner: 'the probe’s',
      advice: (most) => `probe at most ${most} images per call, or fewer features per image`,
    },
    hostLimit(2 * size + 16),
  )
  const split = splitForProbe(probeLabels(Array.from(labels), rows), resolved)
  return fitProbeOnSplit(features, labels, split, resolved)
}

/**
 * Fits the probe on the rows `split.train` and scores it on `split.test` — the split chosen by the
 * caller (the few-labels report draws its own). Features and labels must already be checked (as
 * {@link fitLinearProbe} does); only `C` and `maxIterations` of `options` are used. Fits in
 * latentkit's WebAssembly kernels where they compile, else as TF.js operations; `kernels` chooses
 * (`null`: TF.js; tests compare the two). Leaves no tensor behind.
 */
export async function fitProbeOnSplit(
  features: LatentBatch,
  labels: ArrayLike<number>,
  split: ProbeSplit,
  options: Pick<ResolvedProbeOptions, 'C' | 'maxIterations'>,
  kernels?: CompiledKernels | null,
): Promise<ProbeResult> {
  const size = features.shape[1]
  const classIndex = new Map<number, number>()
  split.classes.forEach((label, i) => classIndex.set(label, i))
  const classOf = (row: number): number => classIndex.get(labels[row] as number) as number
  const classCount = split.classes.length
  const { mean, scale } = columnStatistics(features, split.train)
  const problem = {
    x: standardisedRows(features, split.train, mean, scale),
    rows: split.train.length,
    size,
    targets: Int32Array.from(split.train, classOf),
    classCount,
    test: standardisedRows(features, split.test, mean, scale),
    testRows: split.test.length,
    penalty: 1 / (options.C * split.train.length),
    maxIterations: options.maxIterations,
  }
  const compiled = kernels === undefined ? await compileKernels() : kernels
  const { trainLoss, predicted } = compiled
    ? await fitProbeInKernels(compiled, problem)
    : await fitProbeWithTF(problem)
  const right = new Float32Array(classCount)
  const seen = new Float32Array(classCount)
  let correct = 0
  split.test.forEach((row, i) => {
    const truth = classOf(row)
    seen[truth] = (seen[truth] as number) + 1
    if (predicted[i] === truth) {
      correct += 1
      right[truth] = (right[truth] as number) + 1
    }
  })
  return {
    accuracy: correct / split.test.length,
    classAccuracy: right.map((r, i) => ((seen[i] as number) > 0 ? r / (seen[i] as number) : NaN)),
    classes: split.classes,
    trainCount: split.train.length,
    testCount: split.test.length,
    featureSize: size,
    trainLoss,
  }
}
