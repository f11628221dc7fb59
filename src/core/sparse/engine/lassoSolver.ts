/**
 * One entry point for lasso codes: coordinate descent on the CPU (on the CPU and WASM backends, where
 * it is several times faster) or batched FISTA in TF.js (on GPU backends, where one matrix product
 * per iteration suits the device). Same inputs and result either way.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { LassoSolver } from '../sparseOptions'
import { coordinateDescentLasso } from '../lassoCoordinateDescent'
import { kernelLasso } from '../lassoKernels'
import { largestEigenvalue } from '../dictionaryMath'
import { fista, type FistaOptions, type FistaResult, type LassoDictionary } from './fista'

/** Backends whose tensors already live in main memory, where coordinate descent wins. */
const CPU_BACKENDS = new Set(['cpu', 'wasm'])

/** The solver `solver` means on the current backend. */
export function resolveLassoSolver(solver: LassoSolver): Exclude<LassoSolver, 'auto'> {
  if (solver !== 'auto') return solver
  return CPU_BACKENDS.has(tf.getBackend()) ? 'coordinate-descent' : 'fista'
}

/**
 * Lasso codes of every row of `x` (`[n, m]`, not disposed) over `dictionary`, by `solver`. The caller
 * owns the returned codes.
 */
export async function solveLassoCodes(
  x: tf.Tensor2D,
  dictionary: LassoDictionary,
  options: FistaOptions & { readonly solver?: LassoSolver },
): Promise<FistaResult> {
  if (resolveLassoSolver(options.solver ?? 'auto') === 'fista') return fista(x, dictionary, options)
  const [n] = x.shape
  const k = dictionary.atoms.shape[0]
  const [patches, atoms, initial] = await Promise.all([
    x.data() as Promise<Float32Array>,
    dictionary.atoms.data() as Promise<Float32Array>,
    options.initial?.data() as Promise<Float32Array> | undefined,
  ])
  const descent = {
    lambda: options.lambda,
    nonNegative: options.nonNegative,
    tolerance: options.tolerance,
    maxIterations: options.maxIterations,
  }
  // latentkit's kernels where a build runs here (the same bits), else the TypeScript solver.
  const result =
    (await kernelLasso(patches, atoms, k, descent, initial)) ??
    coordinateDescentLasso(patches, atoms, k, descent, initial)
  return {
    codes: tf.tensor2d(result.codes, [n, k]),
    iterations: result.iterations,
    meanIterations: result.meanIterations,
    converged: result.converged,
  }
}

/**
 * {@link solveLassoCodes} on plain arrays: codes of `patches` (`n × m`) over `atoms` (`k × m`),
 * row-major, by `options.solver` (default `'auto'`).
 */
export async function solveLasso(
  patches: Float32Array,
  atoms: Float32Array,
  k: number,
  options: Omit<FistaOptions, 'initial'> & {
    readonly initial?: Float32Array
    readonly solver?: LassoSolver
  },
): Promise<{
  codes: Float32Array
  iterations: number
  meanIterations: number
  converged: boolean
}> {
  const m = atoms.length / k
  const atomTensor = tf.tensor2d(atoms, [k, m])
  const gram: tf.Tensor2D = tf.tidy(() => tf.matMul(atomTensor, atomTensor, false, true))
  const start = new Float64Array(m).fill(1)
  const dictionary = { atoms: atomTensor, gram, lipschitz: largestEigenvalue(atoms, k, m, start) }
  const x = tf.tensor2d(patches, [patches.length / m, m])
  const initial = options.initial
    ? tf.tensor2d(options.initial, [patches.length / m, k])
    : undefined
  try {
    const result = await solveLassoCodes(x, dictionary, {
      lambda: options.lambda,
      nonNegative: options.nonNegative,
      tolerance: options.tolerance,
      maxIterations: options.maxIterations,
      ...(options.checkEvery === undefined ? {} : { checkEvery: options.checkEvery }),
      ...(options.solver === undefined ? {} : { solver: options.solver }),
      ...(initial ? { initial } : {}),
    })
    const codes = (await result.codes.data()) as Float32Array
    result.codes.dispose()
    return {
      codes,
      iterations: result.iterations,
      meanIterations: result.meanIterations,
      converged: result.converged,
    }
  } finally {
    x.dispose()
    initial?.dispose()
    atomTensor.dispose()
    gram.dispose()
  }
}
