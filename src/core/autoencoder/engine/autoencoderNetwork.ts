import type * as tf from '@tensorflow/tfjs-core'
import { createStack, forwardStack, stackOutput, type DenseLayer } from '../../engine/dense'
import { denseStack, type LayerStack, type StackPass } from '../../engine/layerStack'
import { createRandom, deriveSeed } from '../../random'
import type { ResolvedAutoencoderOptions } from '../autoencoderOptions'
import type { ReconstructionOutput } from '../../engine/reconstructionOutput'
import { reconstructionLossAndGradients } from './reconstructionObjective'

/** Loss terms of one batch, scalar means per image. */
export interface AutoencoderLossTerms {
  /** Reconstruction + sparsity penalty. */
  readonly total: tf.Scalar
  /** Sum of squared errors per image, against the clean input. */
  readonly reconstruction: tf.Scalar
  /** Sum of |code| per image (reported for every kind; weighted into the loss for `'sparse'`). */
  readonly codeL1: tf.Scalar
}

/**
 * What may sit on the code layer of a dense autoencoder instead of the identity (the extension point
 * semantic hashing uses): the encoder's linear output `pre` goes in, the code the decoder sees comes
 * out. Tensor-returning methods run inside `tf.tidy`.
 */
export interface CodeActivation {
  /** Inference: the code of `pre`, deterministic. */
  infer(pre: tf.Tensor2D): tf.Tensor2D
  /**
   * Training: the code of `pre` given this step's `noise` (standard normal, shape of `pre`, when the
   * activation asks for it) and the gradient at `pre` given the gradient at the code.
   */
  train(
    pre: tf.Tensor2D,
    noise: tf.Tensor2D | undefined,
  ): { code: tf.Tensor2D; backward(gradCode: tf.Tensor2D): tf.Tensor2D }
  /** True when {@link CodeActivation.train} takes standard normal noise each step. */
  readonly noisy: boolean
}

/**
 * A dense autoencoder: encoder stack → code (linear) → decoder stack → output (sigmoid for data in
 * [0, 1], else linear). Holds variables only; tensor-returning methods must run inside `tf.tidy`.
 */
export class AutoencoderNetwork {
  private readonly encoderLayers: DenseLayer[]
  private readonly encoder: LayerStack
  private readonly decoderLayers: DenseLayer[]
  private readonly decoder: LayerStack

  constructor(
    readonly inputSize: number,
    readonly options: ResolvedAutoencoderOptions,
    readonly output: ReconstructionOutput,
    /** The code layer's activation; default none (a linear code). */
    readonly codeActivation?: CodeActivation,
  ) {
    const random = createRandom(deriveSeed(options.seed, 1))
    const hidden = options.kind === 'linear' ? 'linear' : 'relu'
    this.encoderLayers = createStack(
      inputSize,
      options.hiddenUnits,
      options.codeSize,
      hidden,
      'linear',
      random,
      'aeEncoder',
    )
    this.encoder = denseStack(this.encoderLayers)
    this.decoderLayers = createStack(
      options.codeSize,
      [...options.hiddenUnits].reverse(),
      inputSize,
      hidden,
      options.kind === 'linear' ? 'linear' : output,
      random,
      'aeDecoder',
    )
    this.decoder = denseStack(this.decoderLayers)
  }

  /** Every trainable variable, in a stable order. */
  variables(): tf.Variable[] {
    return [...this.encoder.variables(), ...this.decoder.variables()]
  }

  /** The encoder's variables (the first ones of {@link AutoencoderNetwork.variables}). */
  encoderVariables(): tf.Variable[] {
    return this.encoder.variables()
  }

  /** The encoder's training-mode pass (gradients in {@link AutoencoderNetwork.encoderVariables} order). */
  encoderPass(x: tf.Tensor2D): StackPass {
    return this.encoder.forward(x, false)
  }

  /** The decoder's training-mode pass (gradients in the order of the decoder's variables). */
  decoderPass(code: tf.Tensor2D): StackPass {
    return this.decoder.forward(code, false)
  }

  /** Layers of the encoder (hidden layers and the code layer). */
  get layerCount(): number {
    return this.encoderLayers.length
  }

  /**
   * Encoder layer `index` (from 0) and its mirror in the decoder: the one-hidden-layer autoencoder
   * that greedy layer-wise pretraining trains on the codes of the layers below.
   */
  greedyPair(index: number): { readonly encoder: DenseLayer; readonly decoder: DenseLayer } {
    const encoder = this.encoderLayers[index]
    const decoder = this.decoderLayers[this.decoderLayers.length - 1 - index]
    if (!encoder || !decoder) throw new RangeError(`no encoder layer ${index}`)
    return { encoder, decoder }
  }

  /** Units of encoder layer `index` (from 0); the input size for `-1`. */
  layerUnits(index: number): number {
    return index < 0 ? this.inputSize : (this.encoderLayers[index]?.kernel.shape[1] ?? 0)
  }

  /** Activations of `x` after the first `count` encoder layers (`x` itself for 0). Inference. */
  encodeLayers(x: tf.Tensor2D, count: number): tf.Tensor2D {
    return stackOutput(forwardStack(this.encoderLayers.slice(0, count), x), x)
  }

  /** What a snapshot saves: the variables (nothing else is learned). */
  weights(): tf.Variable[] {
    return this.variables()
  }

  /** The decoder's weights as the rows of a `codeSize × inputSize` matrix (a linear autoencoder's subspace). */
  decoderKernel(): tf.Variable | undefined {
    return this.decoderLayers.length === 1 ? this.decoderLayers[0]?.kernel : undefined
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    const pre = this.encoder.infer(x)
    return this.codeActivation ? this.codeActivation.infer(pre) : pre
  }

  decode(code: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.infer(code)
  }

  /**
   * Loss and exact gradients (same order as {@link AutoencoderNetwork.variables}) for `input` (what the
   * encoder sees, possibly corrupted) against `target` (the clean images), by an explicit backward pass.
   * `codeNoise`: this step's noise for a noisy {@link CodeActivation}.
   */
  lossAndGradients(
    input: tf.Tensor2D,
    target: tf.Tensor2D,
    codeNoise?: tf.Tensor2D,
  ): { terms: AutoencoderLossTerms; gradients: tf.Tensor[] } {
    const encoded = this.encoder.forward(input, false)
    const activated = this.codeActivation?.train(encoded.output, codeNoise)
    const code = activated ? activated.code : encoded.output
    return reconstructionLossAndGradients(
      code,
      this.decoder.forward(code, false),
      target,
      this.options.kind === 'sparse' ? this.options.sparsity : 0,
      (codeGradient) =>
        encoded.backward(activated ? activated.backward(codeGradient) : codeGradient, false),
    )
  }

  dispose(): void {
    this.encoder.dispose()
    this.decoder.dispose()
  }
}
