import * as tf from '@tensorflow/tfjs-core'
import { expect } from 'vitest'
import { relativeGap } from './relativeGap'

/** What a fused step computed: its loss, its task's accuracy and one gradient per variable. */
export interface FusedStepResult {
  readonly loss: number
  readonly accuracy: number
  readonly gradients: readonly ArrayLike<number>[]
}

const flat = (arrays: readonly ArrayLike<number>[]): Float32Array =>
  Float32Array.from(arrays.flatMap((a) => Array.from(a)))

/**
 * Expects a fused step's loss (relative 1e-5), accuracy (6 digits) and gradients (relative 1e-4,
 * all together and every variable's on its own) to equal TF.js's: `terms` builds the TF.js loss and
 * accuracy, differentiated by `tf.variableGrads` with respect to `variables`. Leaves no tensor.
 */
export function expectMatchesAutodiff(
  ours: FusedStepResult,
  terms: () => { readonly loss: tf.Scalar; readonly accuracy: tf.Tensor },
  variables: tf.Variable[],
): void {
  const reference = tf.tidy(() => {
    const accuracy = terms().accuracy
    const { value, grads } = tf.variableGrads(() => terms().loss, variables)
    return [value, accuracy, ...variables.map((v) => grads[v.name] as tf.Tensor)]
  })
  const [loss, accuracy, ...grads] = reference
  const expected = (loss as tf.Tensor).dataSync()[0] as number
  expect(Math.abs(ours.loss - expected) / expected).toBeLessThan(1e-5)
  expect(ours.accuracy).toBeCloseTo((accuracy as tf.Tensor).dataSync()[0] as number, 6)
  const expectedGradients = grads.map((g) => g.dataSync())
  expect(relativeGap(flat(ours.gradients), flat(expectedGradients))).toBeLessThan(1e-4)
  // Every variable's gradient agrees on its own, not only the largest.
  ours.gradients.forEach((gradient, i) => {
    expect(relativeGap(gradient, expectedGradients[i] as Float32Array)).toBeLessThan(1e-4)
  })
  tf.dispose(reference)
}
