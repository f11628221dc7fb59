import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import { FusedDenseNet, FusedTrainer, type FusedActivation } from '../../engine/fusedDenseNet'
import type { FusedAutoencoderBatch, FusedAutoencoderLoss } from './fusedAutoencoderTrainer'

/**
 * One greedy pretraining step of a stacked autoencoder in latentkit's WebAssembly kernels: an encoder
 * layer (`inputs → units`) and its decoder mirror (`units → inputs`) trained as a one-hidden-layer
 * autoencoder on squared error, with Adam. Equal to the TF.js path of `GreedyPretraining` (tests
 * check it). Variables: encoder kernel, bias, decoder kernel, bias.
 */
export class FusedLayerPairTrainer extends FusedTrainer<
  FusedAutoencoderBatch,
  FusedAutoencoderLoss
> {
  private readonly input: number
  private readonly target: number
  private readonly gradOut: number
  private readonly gradCode: number
  private readonly scratch: [number, number]

  constructor(
    memory: KernelMemory,
    private readonly inputs: number,
    private readonly units: number,
    encoder: FusedActivation,
    decoder: FusedActivation,
    maxBatch: number,
  ) {
    super(
      new FusedDenseNet(
        memory,
        [
          { inputs, units, activation: encoder },
          { inputs: units, units: inputs, activation: decoder },
        ],
        maxBatch,
      ),
    )
    const widest = Math.max(inputs, units)
    this.input = memory.alloc(maxBatch * inputs)
    this.target = memory.alloc(maxBatch * inputs)
    this.gradOut = memory.alloc(maxBatch * inputs)
    this.gradCode = memory.alloc(maxBatch * units)
    this.scratch = [memory.alloc(maxBatch * widest), memory.alloc(maxBatch * widest)]
  }

  protected lossAndGradients(
    variables: readonly tf.Variable[],
    { input, clean }: FusedAutoencoderBatch,
  ): FusedAutoencoderLoss {
    const { net } = this
    const { k, memory } = net
    const batch = input.length / this.inputs
    const values = input.length
    net.readWeights(variables)
    memory.view(this.input, values).set(input)
    memory.view(this.target, values).set(clean)
    const [encoder, decoder] = net.layers.slice(0, 2)
    if (!encoder || !decoder) throw new RangeError('a layer pair has two layers')
    const code = net.forwardStack([encoder], this.input, batch)
    const out = net.forwardStack([decoder], code, batch)
    const squared = k.squaredError(out, this.target, this.gradOut, values, 2 / batch)
    net.backwardStack([decoder], code, this.gradOut, this.gradCode, this.scratch, batch)
    const codeL1 = k.l1Penalty(code, this.gradCode, batch * this.units, 0) / batch
    net.backwardStack([encoder], this.input, this.gradCode, undefined, this.scratch, batch)
    const reconstruction = squared / batch
    return { loss: reconstruction, reconstruction, codeL1 }
  }
}
