/**
 * The default convolutional autoencoder's fused training step as the bench times it: 28×28 sprites,
 * batch 64, the trainer on a given kernel memory, one step per call. bench/convStepBench.ts times it,
 * bench/convAutoencoderProfile.ts takes it apart per kernel call.
 */
import { ConvAutoencoderNetwork } from '../src/core/autoencoder/engine/convAutoencoderNetwork'
import {
  resolveAutoencoderOptions,
  resolveAutoencoderTrainOptions,
} from '../src/core/autoencoder/autoencoderOptions'
import { FusedConvAutoencoderTrainer } from '../src/core/autoencoder/engine/fusedConvAutoencoderTrainer'
import type { KernelMemory } from '../src/core/kernels/wasmKernels'
import { CONV_STEP_BATCH, CONV_STEP_SIDE } from './convStepSprites'

/** One default conv autoencoder and its fused trainer, ready to step. */
export interface ConvAutoencoderStepFixture {
  /** The fused trainer (its kernels: `memory.modelKernels`). */
  readonly trainer: FusedConvAutoencoderTrainer
  /** Step `s`: one fused training step on the `s`-th batch of the data (wrapping around). */
  step(s: number): void
  /** Disposes the TF.js network the trainer syncs its weights into. */
  dispose(): void
}

/**
 * The default conv autoencoder (`architecture: 'conv'`, default train options) on `memory`,
 * stepping over `data` (rows of 28×28 values) in batches of 64.
 */
export function convAutoencoderStepFixture(
  memory: KernelMemory,
  data: Float32Array,
): ConvAutoencoderStepFixture {
  const side = CONV_STEP_SIDE
  const batch = CONV_STEP_BATCH
  const size = side * side
  const options = resolveAutoencoderOptions({ architecture: 'conv' }, size)
  const { learningRate } = resolveAutoencoderTrainOptions({})
  const network = new ConvAutoencoderNetwork([side, side, 1], options, 'sigmoid')
  const trainer = new FusedConvAutoencoderTrainer(
    memory,
    [side, side, 1],
    options,
    'sigmoid',
    batch,
  )
  const variables = network.variables()
  const rows = data.length / size
  return {
    trainer,
    step(s) {
      const start = (s * batch) % Math.max(1, rows - batch)
      const x = data.subarray(start * size, (start + batch) * size)
      trainer.step(variables, { input: x, clean: x }, learningRate)
    },
    dispose: () => network.dispose(),
  }
}
