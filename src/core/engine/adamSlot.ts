import * as tf from '@tensorflow/tfjs-core'
import { DivergedError } from '../errors'

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

  /** Drops the optimizer's state (its moments may hold non-finite values) and builds the `DIVERGED` error. */
  diverged(loss: number, step: number, epoch: number, learningRate: number): DivergedError {
    this.dispose()
    return new DivergedError(
      `training diverged at step ${step} (loss ${loss}); the weights from the start of epoch ${epoch} were restored. Lower learningRate (now ${learningRate}) or check the data scale`,
      { step, learningRate },
    )
  }
}
