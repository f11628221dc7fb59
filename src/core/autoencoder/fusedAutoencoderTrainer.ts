import type * as tf from '@tensorflow/tfjs-core'
import type { KernelBuild, KernelMemory } from '../kernels/wasmKernels'
import { FusedDenseNet, type FusedLayerSpec } from '../kernels/fusedDenseNet'
import type { ResolvedAutoencoderOptions } from './autoencoderOptions'

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
export class FusedAutoencoderTrainer {
  private readonly net: FusedDenseNet
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
    output: 'sigmoid' | 'linear',
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
    this.encoderLayers = sizes.length - 1
    this.net = new FusedDenseNet(memory, specs, maxBatch)
    const widest = Math.max(...sizes)
    this.input = memory.alloc(maxBatch * inputSize)
    this.target = memory.alloc(maxBatch * inputSize)
    this.gradOut = memory.alloc(maxBatch * inputSize)
    this.gradCode = memory.alloc(maxBatch * options.codeSize)
    this.scratch = [memory.alloc(maxBatch * widest), memory.alloc(maxBatch * widest)]
  }

  /** Which kernel build runs the steps. */
  get build(): KernelBuild {
    return this.net.build
  }

  /** The largest batch this trainer holds buffers for. */
  get maxBatch(): number {
    return this.net.maxBatch
  }

  /**
   * One training step: `input` is what the encoder sees (possibly corrupted), `clean` the images to
   * reconstruct (`batch × inputSize` each), updating `variables` with Adam at `learningRate`.
   */
  step(
    variables: readonly tf.Variable[],
    input: Float32Array,
    clean: Float32Array,
    learningRate: number,
  ): FusedAutoencoderLoss {
    const loss = this.lossAndGradients(variables, input, clean)
    this.net.applyAdam(learningRate)
    this.net.writeWeights(variables)
    return loss
  }

  /** The loss of a batch and a copy of its gradients (same order as `variables`), for checks. */
  gradients(
    variables: readonly tf.Variable[],
    input: Float32Array,
    clean: Float32Array,
  ): { loss: FusedAutoencoderLoss; gradients: Float32Array[] } {
    const loss = this.lossAndGradients(variables, input, clean)
    return { loss, gradients: this.net.gradients() }
  }

  /** Forgets the Adam moments (after a divergence). */
  resetOptimizer(): void {
    this.net.resetOptimizer()
  }

  private lossAndGradients(
    variables: readonly tf.Variable[],
    input: Float32Array,
    clean: Float32Array,
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
