import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import { FusedDenseNet, FusedTrainer, type FusedLayerSpec } from '../../engine/fusedDenseNet'

/** An autoencoder training batch (`batch × inputSize` values each). */
export interface FusedAutoencoderBatch {
  /** What the encoder sees (possibly corrupted). */
  readonly input: Float32Array
  /** The images to reconstruct. */
  readonly clean: Float32Array
}

/** Loss terms of one step, per image. */
export interface FusedAutoencoderLoss {
  readonly loss: number
  readonly reconstruction: number
  readonly codeL1: number
}

/**
 * A dense autoencoder's training step in latentkit's WebAssembly kernels: the encoder's layers (the
 * first `encoderLayers` of `specs`; the last one's output is the code), the decoder's, squared error
 * against the clean images, an L1 penalty of weight `sparsity` on the code, backward, Adam. The
 * whole autoencoder and one greedy layer pair of a stacked one are both this step.
 */
export class FusedReconstructionTrainer extends FusedTrainer<
  FusedAutoencoderBatch,
  FusedAutoencoderLoss
> {
  private readonly inputSize: number
  private readonly codeSize: number
  private readonly input: number
  private readonly target: number
  private readonly gradOut: number
  private readonly gradCode: number
  private readonly scratch: [number, number]

  constructor(
    memory: KernelMemory,
    specs: readonly FusedLayerSpec[],
    private readonly encoderLayers: number,
    private readonly sparsity: number,
    maxBatch: number,
  ) {
    super(new FusedDenseNet(memory, specs, maxBatch))
    const first = specs[0]
    const code = specs[encoderLayers - 1]
    if (!first || !code || encoderLayers >= specs.length) {
      throw new RangeError('an autoencoder has encoder and decoder layers')
    }
    this.inputSize = first.inputs
    this.codeSize = code.units
    const widest = Math.max(...specs.flatMap((spec) => [spec.inputs, spec.units]))
    this.input = memory.alloc(maxBatch * this.inputSize)
    this.target = memory.alloc(maxBatch * this.inputSize)
    this.gradOut = memory.alloc(maxBatch * this.inputSize)
    this.gradCode = memory.alloc(maxBatch * this.codeSize)
    this.scratch = [memory.alloc(maxBatch * widest), memory.alloc(maxBatch * widest)]
  }

  protected lossAndGradients(
    variables: readonly tf.Variable[],
    { input, clean }: FusedAutoencoderBatch,
  ): FusedAutoencoderLoss {
    const { net } = this
    const { k, memory } = net
    const batch = input.length / this.inputSize
    const values = input.length
    net.readWeights(variables)
    memory.view(this.input, values).set(input)
    memory.view(this.target, values).set(clean)
    const encoder = net.layers.slice(0, this.encoderLayers)
    const decoder = net.layers.slice(this.encoderLayers)
    const code = net.forwardStack(encoder, this.input, batch)
    const out = net.forwardStack(decoder, code, batch)
    const squared = k.squaredError(out, this.target, this.gradOut, values, 2 / batch)
    net.backwardStack(decoder, code, this.gradOut, this.gradCode, this.scratch, batch)
    const codeL1 =
      k.l1Penalty(code, this.gradCode, batch * this.codeSize, this.sparsity / batch) / batch
    net.backwardStack(encoder, this.input, this.gradCode, undefined, this.scratch, batch)
    const reconstruction = squared / batch
    return { loss: reconstruction + this.sparsity * codeL1, reconstruction, codeL1 }
  }
}
