import type { KernelMemory } from '../../kernels/wasmKernels'
import type { FusedLayerSpec } from '../../engine/fusedDenseNet'
import { FusedReconstructionTrainer } from './fusedReconstructionTrainer'
import type { ResolvedAutoencoderOptions } from '../autoencoderOptions'
import type { ReconstructionOutput } from '../../engine/reconstructionOutput'

export type { FusedAutoencoderBatch, FusedAutoencoderLoss } from './fusedReconstructionTrainer'

/**
 * The dense autoencoder's training step in latentkit's WebAssembly kernels (forward, squared error,
 * the sparse kind's L1 penalty, backward, Adam), equal to {@link AutoencoderNetwork.lossAndGradients}
 * followed by `tf.train.adam` (tests check it).
 */
export class FusedAutoencoderTrainer extends FusedReconstructionTrainer {
  constructor(
    memory: KernelMemory,
    inputSize: number,
    options: ResolvedAutoencoderOptions,
    output: ReconstructionOutput,
    maxBatch: number,
  ) {
    const linear = options.kind === 'linear'
    const hidden = linear ? 'linear' : 'relu'
    const sizes = [inputSize, ...options.hiddenUnits, options.codeSize]
    const specs: FusedLayerSpec[] = []
    sizes.slice(1).forEach((units, i) =>
      specs.push({
        inputs: sizes[i] as number,
        units,
        activation: i === sizes.length - 2 ? 'linear' : hidden,
      }),
    )
    const back = [...sizes].reverse()
    back.slice(1).forEach((units, i) =>
      specs.push({
        inputs: back[i] as number,
        units,
        activation: i === back.length - 2 ? (linear ? 'linear' : output) : hidden,
      }),
    )
    super(
      memory,
      specs,
      sizes.length - 1,
      options.kind === 'sparse' ? options.sparsity : 0,
      maxBatch,
    )
  }
}
