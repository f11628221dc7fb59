/**
 * The linear probe's fit as TF.js operations: full-batch Adam on the penalised cross-entropy
 * (explicit gradients: no gradient registry needed). Used where latentkit's WebAssembly kernels do
 * not run ({@link fitProbeInKernels} is the same fit in them). Leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs-core'
import { yieldToEventLoop } from '../../trainingControl'
import {
  PROBE_ADAM,
  PROBE_CHECK_EVERY,
  PROBE_LEARNING_RATE,
  probeConverged,
  type ProbeFit,
  type ProbeProblem,
} from './probeProblem'

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
  const { beta1, beta2, epsilon } = PROBE_ADAM
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
      const m = tf.add(tf.mul(moments[2 * i] as tf.Tensor, beta1), tf.mul(gradient, 1 - beta1))
      const v = tf.add(
        tf.mul(moments[2 * i + 1] as tf.Tensor, beta2),
        tf.mul(tf.square(gradient), 1 - beta2),
      )
      const mHat = tf.div(m, 1 - beta1 ** step)
      const vHat = tf.div(v, 1 - beta2 ** step)
      const update = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), PROBE_LEARNING_RATE)
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

/** Fits `problem` with TF.js operations on the current backend. */
export async function fitProbeWithTF(problem: ProbeProblem): Promise<ProbeFit> {
  const { rows, size, classCount } = problem
  const oneHot = new Float32Array(rows * classCount)
  problem.targets.forEach((target, i) => (oneHot[i * classCount + target] = 1))
  const x = tf.tensor2d(problem.x, [rows, size])
  const xT = tf.transpose(x)
  const y = tf.tensor2d(oneHot, [rows, classCount])
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
  try {
    let previous = Infinity
    for (let step = 1; step <= problem.maxIterations; step++) {
      parameters = adamStep(x, xT, y, problem.penalty, step, parameters)
      if (step % PROBE_CHECK_EVERY === 0) {
        const loss = await crossEntropy(x, y, parameters)
        if (probeConverged(previous, loss)) break
        previous = loss
        await yieldToEventLoop()
      }
    }
    const trainLoss = await crossEntropy(x, y, parameters)
    const predicted = tf.tidy(() => {
      const test = tf.tensor2d(problem.test, [problem.testRows, size])
      return tf.argMax(tf.add(tf.matMul(test, parameters.weights), parameters.bias), 1)
    })
    const guesses = await predicted.data()
    predicted.dispose()
    return { trainLoss, predicted: Int32Array.from(guesses) }
  } finally {
    x.dispose()
    xT.dispose()
    y.dispose()
    parameters.weights.dispose()
    parameters.bias.dispose()
    parameters.moments.forEach((m) => m.dispose())
  }
}
