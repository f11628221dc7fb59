/**
 * A linear probe: multinomial logistic regression on a model's features, fitted on a few labelled
 * rows and scored on held-out ones — how the field judges a representation learned without labels.
 * Features are standardised with the fitted rows' statistics; full-batch Adam with an L2 penalty as
 * scikit-learn's `LogisticRegression(C)` (explicit gradients: no gradient registry needed).
 */
import * as tf from '@tensorflow/tfjs-core'
import { assertFinite, type LatentBatch } from '../../dataset'
import { ShapeMismatchError } from '../../errors'
import { checkRows, hostLimit } from '../../engine/memoryBudget'
import { yieldToEventLoop } from '../../trainingControl'
import {
  probeLabels,
  resolveProbeOptions,
  splitForProbe,
  type ProbeOptions,
  type ProbeResult,
  type ProbeSplit,
  type ResolvedProbeOptions,
} from '../probeOptions'

const LEARNING_RATE = 0.05
const CHECK_EVERY = 25
/** Relative change of the loss over {@link CHECK_EVERY} steps under which the fit has converged. */
const TOLERANCE = 1e-6

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

interface Parameters {
  weights: tf.Tensor2D
  bias: tf.Tensor1D
  moments: tf.Tensor[]
}

/**
 * One Adam step on the penalised cross-entropy; returns the new parameters (the old are disposed).
 * `xT` is `x` transposed, held for the weights' gradient: TF.js's WASM kernel multiplies a transposed
 * left operand about 5–7× slower than a stored one (measured at 1,437 × 576).
 */
function adamStep(
  x: tf.Tensor2D,
  xT: tf.Tensor2D,
  y: tf.Tensor2D,
  penalty: number,
  step: number,
  { weights, bias, moments }: Parameters,
): Parameters {
  const next = tf.tidy(() => {
    const rows = x.shape[0]
    const probabilities = tf.softmax(tf.add(tf.matMul(x, weights), bias))
    const residual = tf.div(tf.sub(probabilities, y), rows)
    const gradients = [
      tf.add(tf.matMul(xT, residual), tf.mul(weights, penalty)),
      tf.sum(residual, 0),
    ]
    const parameters: tf.Tensor[] = [weights, bias]
    const out: tf.Tensor[] = []
    const firstMoments: tf.Tensor[] = []
    const secondMoments: tf.Tensor[] = []
    gradients.forEach((gradient, i) => {
      const m = tf.add(tf.mul(moments[2 * i] as tf.Tensor, 0.9), tf.mul(gradient, 0.1))
      const v = tf.add(
        tf.mul(moments[2 * i + 1] as tf.Tensor, 0.999),
        tf.mul(tf.square(gradient), 0.001),
      )
      const mHat = tf.div(m, 1 - 0.9 ** step)
      const vHat = tf.div(v, 1 - 0.999 ** step)
      const update = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), 1e-8)), LEARNING_RATE)
      out.push(tf.sub(parameters[i] as tf.Tensor, update))
      firstMoments.push(m)
      secondMoments.push(v)
    })
    return [
      out[0],
      out[1],
      firstMoments[0],
      secondMoments[0],
      firstMoments[1],
      secondMoments[1],
    ] as tf.Tensor[]
  })
  weights.dispose()
  bias.dispose()
  moments.forEach((m) => m.dispose())
  const [w, b, ...rest] = next
  return { weights: w as tf.Tensor2D, bias: b as tf.Tensor1D, moments: rest }
}

/** Mean cross-entropy of `y` under the parameters. */
async function crossEntropy(x: tf.Tensor2D, y: tf.Tensor2D, p: Parameters): Promise<number> {
  const loss = tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(tf.add(tf.matMul(x, p.weights), p.bias))
    return tf.neg(tf.mean(tf.sum(tf.mul(y, logProbabilities), 1)))
  })
  const [value = NaN] = await loss.data()
  loss.dispose()
  return value
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
 * {@link fitLinearProbe} does); only `C` and `maxIterations` of `options` are used. Leaves no tensor
 * behind.
 */
export async function fitProbeOnSplit(
  features: LatentBatch,
  labels: ArrayLike<number>,
  split: ProbeSplit,
  options: Pick<ResolvedProbeOptions, 'C' | 'maxIterations'>,
): Promise<ProbeResult> {
  const resolved = options
  const size = features.shape[1]
  const classIndex = new Map<number, number>()
  split.classes.forEach((label, i) => classIndex.set(label, i))
  const classOf = (row: number): number => classIndex.get(labels[row] as number) as number
  const classCount = split.classes.length
  const { mean, scale } = columnStatistics(features, split.train)

  const oneHot = new Float32Array(split.train.length * classCount)
  split.train.forEach((row, i) => (oneHot[i * classCount + classOf(row)] = 1))
  const x = tf.tensor2d(standardisedRows(features, split.train, mean, scale), [
    split.train.length,
    size,
  ])
  const xT = tf.transpose(x)
  const y = tf.tensor2d(oneHot, [split.train.length, classCount])
  const zeros = (): tf.Tensor[] => [
    tf.zeros([size, classCount]),
    tf.zeros([size, classCount]),
    tf.zeros([classCount]),
    tf.zeros([classCount]),
  ]
  let parameters: Parameters = {
    weights: tf.zeros([size, classCount]),
    bias: tf.zeros([classCount]),
    moments: zeros(),
  }
  const penalty = 1 / (resolved.C * split.train.length)
  try {
    let previous = Infinity
    for (let step = 1; step <= resolved.maxIterations; step++) {
      parameters = adamStep(x, xT, y, penalty, step, parameters)
      if (step % CHECK_EVERY === 0) {
        const loss = await crossEntropy(x, y, parameters)
        if (Math.abs(previous - loss) <= TOLERANCE * Math.max(1, Math.abs(loss))) break
        previous = loss
        await yieldToEventLoop()
      }
    }
    const trainLoss = await crossEntropy(x, y, parameters)
    const predicted = tf.tidy(() => {
      const test = tf.tensor2d(standardisedRows(features, split.test, mean, scale), [
        split.test.length,
        size,
      ])
      return tf.argMax(tf.add(tf.matMul(test, parameters.weights), parameters.bias), 1)
    })
    const guesses = await predicted.data()
    predicted.dispose()
    const right = new Float32Array(classCount)
    const seen = new Float32Array(classCount)
    let correct = 0
    split.test.forEach((row, i) => {
      const truth = classOf(row)
      seen[truth] = (seen[truth] as number) + 1
      if (guesses[i] === truth) {
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
  } finally {
    x.dispose()
    xT.dispose()
    y.dispose()
    parameters.weights.dispose()
    parameters.bias.dispose()
    parameters.moments.forEach((m) => m.dispose())
  }
}
