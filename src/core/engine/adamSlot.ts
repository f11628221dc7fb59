import * as tf from '@tensorflow/tfjs-core'
import { DivergedError } from '../errors'
import type { KernelBuild } from '../kernels/wasmKernels'
import type { TrainingKernels } from '../training'
import { applyGradientList } from './trainingLoop'

/** What a model's fused WebAssembly trainer tells the training loop. */
interface FusedTrainerLike {
  readonly build: KernelBuild
  resetOptimizer(): void
}

/**
 * One Adam optimizer kept across training calls (its moment estimates carry over), rebuilt when the
 * learning rate changes, dropped after a divergence or a reset.
 */
export class AdamSlot {
  private optimizer: tf.Optimizer | undefined
  private rate: number | undefined

  /** The optimizer for `learningRate` (a new one if the rate changed). */
  get(learningRate: number): tf.Optimizer {
    if (!this.optimizer || this.rate !== learningRate) {
      this.optimizer?.dispose()
      this.optimizer = tf.train.adam(learningRate)
      this.rate = learningRate
    }
    return this.optimizer
  }

  /** Frees the optimizer's state. */
  dispose(): void {
    this.optimizer?.dispose()
    this.optimizer = undefined
    this.rate = undefined
  }

  /**
   * One step on TF.js operations: `compute` (run inside `tf.tidy`) returns the step's loss terms and
   * the gradients of `variables` in their order; the gradients are applied with Adam at
   * `learningRate` and the terms are read back in one transfer.
   */
  async step(
    learningRate: number,
    variables: readonly tf.Variable[],
    compute: () => {
      readonly terms: readonly tf.Scalar[]
      readonly gradients: readonly tf.Tensor[]
    },
  ): Promise<Float32Array> {
    const read = tf.tidy(() => {
      const { terms, gradients } = compute()
      applyGradientList(this.get(learningRate), variables, gradients)
      return tf.stack([...terms])
    })
    const values = (await read.data()) as Float32Array
    read.dispose()
    return values
  }

  /**
   * The training loop's `kernels` and `diverged` for a model trained by this slot, or by `fused` on
   * WASM: after a divergence both optimizers' moments are dropped.
   */
  loopParts(
    fused: FusedTrainerLike | undefined,
    learningRate: number,
  ): {
    readonly kernels: TrainingKernels
    diverged(values: { readonly loss: number }, step: number, epoch: number): DivergedError
  } {
    return {
      kernels: fused ? `wasm-${fused.build}` : 'tfjs',
      diverged: (values, step, epoch) => {
        fused?.resetOptimizer()
        return this.diverged(values.loss, step, epoch, learningRate)
      },
    }
  }

  /** Drops the optimizer's state (its moments may hold non-finite values) and builds the `DIVERGED` error. */
  diverged(loss: number, step: number, epoch: number, learningRate: number): DivergedError {
    this.dispose()
    return new DivergedError(
      `training diverged at step ${step} (loss ${loss}); the weights from the start of epoch ${epoch} were restored. Lower learningRate (now ${learningRate}) or check the data scale`,
      { step, learningRate },
    )
  }
}
