import { kernelThreadsOf } from '../kernels/kernelThreadSpawner'
import * as tf from '@tensorflow/tfjs-core'
import { DivergedError } from '../errors'
import type { KernelBuild } from '../kernels/wasmKernels'
import type { TrainingKernels } from '../training'
import { captureAdam, checkAdam, restoreAdam, type AdamSettings } from './adamState'
import { applyGradientList } from './trainingLoop'
import type { TrainingStatePart } from './trainingState'

/** What a model's fused WebAssembly trainer tells the training loop. */
interface FusedTrainerLike {
  readonly build: KernelBuild
  resetOptimizer(): void
}

/** `tf.train.adam`'s default β1. */
const DEFAULT_BETA1 = 0.9

/**
 * One Adam optimizer kept across training calls (its moment estimates carry over), rebuilt when the
 * learning rate or β1 changes, dropped after a divergence or a reset. Snapshots keep its state
 * ({@link AdamSlot.trainingPart}).
 */
export class AdamSlot {
  private optimizer: tf.Optimizer | undefined
  private settings: AdamSettings | undefined

  /** True when the slot holds an optimizer made for `learningRate` and `beta1`. */
  holds(learningRate: number, beta1 = DEFAULT_BETA1): boolean {
    return this.settings?.learningRate === learningRate && this.settings.beta1 === beta1
  }

  /** The optimizer for `learningRate` and `beta1` (a new one if either changed). */
  get(learningRate: number, beta1 = DEFAULT_BETA1): tf.Optimizer {
    if (!this.optimizer || !this.holds(learningRate, beta1)) {
      this.optimizer?.dispose()
      this.optimizer = tf.train.adam(learningRate, beta1)
      this.settings = { learningRate, beta1 }
    }
    return this.optimizer
  }

  /** Frees the optimizer's state. */
  dispose(): void {
    this.optimizer?.dispose()
    this.optimizer = undefined
    this.settings = undefined
  }

  /**
   * The slot's state as a part of a model's training state, for the optimizer of `variables` (in
   * the order their gradients are applied): restoring it makes the optimizer it held, moments and
   * all, so the next step with the same settings continues it exactly.
   */
  trainingPart(name: string, variables: readonly tf.Variable[]): TrainingStatePart {
    return {
      name,
      capture: () =>
        this.optimizer && this.settings
          ? captureAdam(this.optimizer, this.settings, variables.length)
          : undefined,
      prepare: (state, arrays, field) => {
        const saved = checkAdam(state, arrays, variables, field)
        return () => {
          this.dispose()
          this.optimizer = restoreAdam(saved, variables)
          this.settings = saved.settings
        }
      },
    }
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
    readonly kernelThreads: () => 1 | 2
    diverged(values: { readonly loss: number }, step: number, epoch: number): DivergedError
  } {
    return {
      kernels: fused ? `wasm-${fused.build}` : 'tfjs',
      kernelThreads: () => kernelThreadsOf(fused),
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
