import type { KernelMemory } from '../../kernels/wasmKernels'
import type { FusedActivation } from '../../engine/fusedDenseNet'
import { FusedReconstructionTrainer } from './fusedReconstructionTrainer'

/**
 * One greedy pretraining step of a stacked autoencoder in latentkit's WebAssembly kernels: an encoder
 * layer (`inputs → units`) and its decoder mirror (`units → inputs`) trained as a one-hidden-layer
 * autoencoder on squared error, with Adam. Equal to the TF.js path of `GreedyPretraining` (tests
 * check it). Variables: encoder kernel, bias, decoder kernel, bias.
 */
export class FusedLayerPairTrainer extends FusedReconstructionTrainer {
  constructor(
    memory: KernelMemory,
    inputs: number,
    units: number,
    encoder: FusedActivation,
    decoder: FusedActivation,
    maxBatch: number,
  ) {
    const specs = [
      { inputs, units, activation: encoder },
      { inputs: units, units: inputs, activation: decoder },
    ]
    super(memory, specs, 1, 0, maxBatch)
  }
}
