import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import { FusedDenseNet, FusedTrainer, type FusedLayerSpec } from '../../engine/fusedDenseNet'
import type { ResolvedAutoencoderOptions } from '../autoencoderOptions'
import type { ReconstructionOutput } from '../../engine/reconstructionOutput'

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
 * The dense autoencoder's training step in latentkit's WebAssembly kernels (forward, squared error,
 * the sparse kind's L1 penalty, backward, Adam), equal to {@link AutoencoderNetwork.lossAndGradients}
 * followed by `tf.train.adam` (tests check it).
 */
export class FusedAutoencoderTrainer extends FusedTrainer<
  FusedAutoencoderBatch,
  FusedAutoencoderLoss
> {
  private readonly encoderLayers: number
  private readonly input: number
  private readonly target: number
  private readonly gradOut: number
  private readonly gradCode: number
  private readonly scratch: [number, number]

  constructor(
    memory: KernelMemory,
    private readonly inputSize: number,
    private readonly options: ResolvedAutoencoderOptions,
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
    super(new FusedDenseNet(memory, specs, maxBatch))
    this.encoderLayers = sizes.length - 1
    const widest = Math.max(...sizes)
    this.input = memory.alloc(maxBatch * inputSize)
    this.target = memory.alloc(maxBatch * inputSize)
    this.gradOut = memory.alloc(maxBatch * inputSize)
    this.gradCode = memory.alloc(maxBatch * options.codeSize)
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
    const weight = this.options.kind === 'sparse' ? this.options.sparsity : 0
    const codeL1 =
      k.l1Penalty(code, this.gradCode, batch * this.options.codeSize, weight / batch) / batch
    net.backwardStack(encoder, this.input, this.gradCode, undefined, this.scratch, batch)
    const reconstruction = squared / batch
    return { loss: reconstruction + weight * codeL1, reconstruction, codeL1 }
  }
}
