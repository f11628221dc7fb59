/**
 * The linear probe's fit in latentkit's WebAssembly kernels: the same full-batch Adam steps as the
 * TF.js fit ({@link fitProbeWithTF}), each a product for the logits, the softmax cross-entropy and its
 * gradient in one pass, a product for the weights' gradient and Adam's update, in a handful of kernel
 * calls instead of about thirty TF.js operations. A probe's matrices are small (often ten rows per
 * class), so the TF.js fit spent most of its time dispatching operations: about 70 ms per fit of 300
 * steps whatever its size (README: "Judging codes", and the bench's "Linear probe fits"). Pure
 * TypeScript over the kernels.
 */
import { KernelMemory, type CompiledKernels } from '../../kernels/wasmKernels'
import { yieldToEventLoop } from '../../trainingControl'
import {
  PROBE_ADAM,
  PROBE_CHECK_EVERY,
  PROBE_LEARNING_RATE,
  probeConverged,
  type ProbeFit,
  type ProbeProblem,
} from './probeProblem'

const LINEAR = 0

/** Fits `problem` in a kernel memory of its own (dropped with it). */
export async function fitProbeInKernels(
  compiled: CompiledKernels,
  problem: ProbeProblem,
): Promise<ProbeFit> {
  const { rows, size, classCount: classes, testRows } = problem
  const memory = new KernelMemory(compiled)
  const k = memory.kernels
  const weightCount = size * classes
  const x = memory.alloc(rows * size)
  const xT = memory.alloc(rows * size)
  const targets = memory.alloc(Math.max(rows, testRows))
  const logits = memory.alloc(Math.max(rows, testRows) * classes)
  const predicted = memory.alloc(Math.max(rows, testRows))
  // Weights then bias, as one parameter vector for Adam; their gradients and moments alike.
  const parameters = memory.alloc(weightCount + classes)
  const gradients = memory.alloc(weightCount + classes)
  const first = memory.alloc(weightCount + classes)
  const second = memory.alloc(weightCount + classes)
  const test = memory.alloc(testRows * size)
  const panel = memory.alloc(8 * Math.max(rows, size))
  const bias = parameters + 4 * weightCount
  memory.view(x, rows * size).set(problem.x)
  const transposed = memory.view(xT, rows * size)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < size; j++) transposed[j * rows + i] = problem.x[i * size + j] as number
  }
  new Int32Array(memory.kernels.memory.buffer, targets, rows).set(problem.targets)
  memory.view(test, testRows * size).set(problem.test)
  // Nothing is allocated after this, so the memory does not grow and these views stay valid.
  const gradientValues = memory.view(gradients, weightCount)
  const weightValues = memory.view(parameters, weightCount)

  /** Logits of `count` rows at `rowsAt` with the current parameters, in `logits`. */
  const forward = (rowsAt: number, count: number): void => {
    k.gemm(rowsAt, size, 1, parameters, classes, 1, logits, count, size, classes, 0, panel)
    k.addBias(logits, bias, count, classes, LINEAR)
  }
  /** Mean cross-entropy on the fitted rows; leaves their gradient (softmax − one-hot) / rows in `logits`. */
  const loss = (): number => {
    forward(x, rows)
    return k.softmaxCrossEntropy(logits, targets, predicted, rows, classes, 1, 1 / rows, 0) / rows
  }

  const { beta1, beta2, epsilon } = PROBE_ADAM
  let previous = Infinity
  for (let step = 1; step <= problem.maxIterations; step++) {
    loss()
    k.gemm(xT, rows, 1, logits, classes, 1, gradients, size, rows, classes, 0, panel)
    k.columnSums(logits, gradients + 4 * weightCount, rows, classes, 0)
    // The L2 penalty's gradient, on the weights only.
    for (let i = 0; i < weightCount; i++) {
      gradientValues[i] =
        (gradientValues[i] as number) + (weightValues[i] as number) * problem.penalty
    }
    k.adam(
      parameters,
      gradients,
      first,
      second,
      weightCount + classes,
      PROBE_LEARNING_RATE,
      beta1,
      beta2,
      1 - beta1 ** step,
      1 - beta2 ** step,
      epsilon,
    )
    if (step % PROBE_CHECK_EVERY === 0) {
      const current = loss()
      if (probeConverged(previous, current)) break
      previous = current
      await yieldToEventLoop()
    }
  }
  const trainLoss = loss()
  forward(test, testRows)
  // Any targets do: only the arg-max of each row is read.
  new Int32Array(memory.kernels.memory.buffer, targets, testRows).fill(0)
  k.softmaxCrossEntropy(logits, targets, predicted, testRows, classes, 1, 0, 0)
  return {
    trainLoss,
    predicted: new Int32Array(memory.kernels.memory.buffer, predicted, testRows).slice(),
  }
}
