import * as tf from '@tensorflow/tfjs-core'
import {
  applyConvTraced,
  backpropConv,
  createConv,
  applyConv,
  type ConvLayer,
  type ConvTrace,
} from '../../engine/conv'
import {
  applyDense,
  applyDenseTraced,
  backpropDense,
  createDense,
  disposeLayers,
  layerVariables,
  type DenseLayer,
  type WeightedLayer,
} from '../../engine/dense'
import type { ImageShape } from '../../dataset'
import { createRandom, deriveSeed } from '../../random'
import type { AutoencoderLossTerms } from './autoencoderNetwork'
import type { ResolvedAutoencoderOptions } from '../autoencoderOptions'
import type { ReconstructionOutput } from '../../engine/reconstructionOutput'
import type { StackPass } from '../../engine/layerStack'
import { reconstructionLossAndGradients } from './reconstructionObjective'

/** Channels of the two stride-2 convolutions (and, mirrored, of the transposed ones). */
export const CONV_CHANNELS = [16, 32] as const
const CHANNELS = CONV_CHANNELS
const KERNEL = 4

/**
 * A convolutional autoencoder: two 4×4 stride-2 convolutions (16, 32 channels, ReLU) → dense code →
 * dense → two 4×4 stride-2 transposed convolutions back to the image (sigmoid for data in [0, 1]).
 * Takes and returns flat rows like the dense network. Image sides must be multiples of 4.
 */
export class ConvAutoencoderNetwork {
  readonly inputSize: number
  private readonly convs: ConvLayer[]
  private readonly toCode: DenseLayer
  private readonly fromCode: DenseLayer
  private readonly deconvs: ConvLayer[]
  private readonly inner: [number, number, number]

  constructor(
    readonly shape: ImageShape,
    readonly options: ResolvedAutoencoderOptions,
    readonly output: ReconstructionOutput,
  ) {
    const [h, w, c] = shape
    this.inputSize = h * w * c
    this.inner = [h / 4, w / 4, CHANNELS[1]]
    const flat = (h / 4) * (w / 4) * CHANNELS[1]
    const random = createRandom(deriveSeed(options.seed, 1))
    this.convs = [
      createConv(KERNEL, c, CHANNELS[0], 2, false, 'relu', random, 'aeConv0'),
      createConv(KERNEL, CHANNELS[0], CHANNELS[1], 2, false, 'relu', random, 'aeConv1'),
    ]
    this.toCode = createDense(flat, options.codeSize, 'linear', random, 'aeCode')
    this.fromCode = createDense(options.codeSize, flat, 'relu', random, 'aeFromCode')
    this.deconvs = [
      createConv(KERNEL, CHANNELS[1], CHANNELS[0], 2, true, 'relu', random, 'aeDeconv0'),
      createConv(KERNEL, CHANNELS[0], c, 2, true, output, random, 'aeDeconv1'),
    ]
  }

  variables(): tf.Variable[] {
    return layerVariables(this.layers())
  }

  /** What a snapshot saves: the variables (nothing else is learned). */
  weights(): tf.Variable[] {
    return this.variables()
  }

  /** No single decoder matrix: only the linear autoencoder has one. */
  decoderKernel(): tf.Variable | undefined {
    return undefined
  }

  private images(x: tf.Tensor2D): tf.Tensor4D {
    return tf.reshape(x, [x.shape[0], ...this.shape]) as tf.Tensor4D
  }

  encode(x: tf.Tensor2D): tf.Tensor2D {
    const features = this.convs.reduce((h, layer) => applyConv(layer, h), this.images(x))
    return applyDense(this.toCode, tf.reshape(features, [x.shape[0], -1]) as tf.Tensor2D)
  }

  decode(code: tf.Tensor2D): tf.Tensor2D {
    const inner = tf.reshape(applyDense(this.fromCode, code), [
      code.shape[0],
      ...this.inner,
    ]) as tf.Tensor4D
    const out = this.deconvs.reduce((h, layer) => applyConv(layer, h), inner)
    return tf.reshape(out, [code.shape[0], this.inputSize]) as tf.Tensor2D
  }

  /** The encoder's variables (the first ones of {@link ConvAutoencoderNetwork.variables}). */
  encoderVariables(): tf.Variable[] {
    return layerVariables([...this.convs, this.toCode])
  }

  /**
   * The encoder's training-mode pass: convolutions, then the dense code layer. Its backward pass
   * returns gradients in {@link ConvAutoencoderNetwork.encoderVariables} order.
   */
  encoderPass(x: tf.Tensor2D): StackPass {
    const batch = x.shape[0]
    const convTraces: ConvTrace[] = []
    let h = this.images(x)
    for (const layer of this.convs) {
      const trace = applyConvTraced(layer, h)
      convTraces.push(trace)
      h = trace.output
    }
    const features = h
    const codeTrace = applyDenseTraced(
      this.toCode,
      tf.reshape(features, [batch, -1]) as tf.Tensor2D,
    )
    return {
      output: codeTrace.output,
      backward: (gradOutput, needInputGradient) => {
        const toCode = backpropDense(this.toCode, codeTrace, gradOutput, true)
        const grads: tf.Tensor[] = []
        let g = tf.reshape(toCode.input as tf.Tensor2D, features.shape) as tf.Tensor4D
        let input: tf.Tensor4D | undefined
        for (let i = this.convs.length - 1; i >= 0; i--) {
          const needed = i > 0 || needInputGradient
          const result = backpropConv(
            this.convs[i] as ConvLayer,
            convTraces[i] as ConvTrace,
            g,
            needed,
          )
          grads.unshift(result.kernel, result.bias)
          if (i > 0) g = result.input as tf.Tensor4D
          else input = result.input
        }
        return {
          grads: [...grads, toCode.kernel, toCode.bias],
          input: input && (tf.reshape(input, [batch, this.inputSize]) as tf.Tensor2D),
        }
      },
    }
  }

  /**
   * The decoder's training-mode pass: the dense layer from the code, then the transposed
   * convolutions. Its backward pass returns gradients in the order of the decoder's variables (the
   * ones after {@link ConvAutoencoderNetwork.encoderVariables}).
   */
  decoderPass(code: tf.Tensor2D): StackPass {
    const batch = code.shape[0]
    const fromTrace = applyDenseTraced(this.fromCode, code)
    let d = tf.reshape(fromTrace.output, [batch, ...this.inner]) as tf.Tensor4D
    const deconvTraces: ConvTrace[] = []
    for (const layer of this.deconvs) {
      const trace = applyConvTraced(layer, d)
      deconvTraces.push(trace)
      d = trace.output
    }
    const out = d
    return {
      output: tf.reshape(out, [batch, this.inputSize]) as tf.Tensor2D,
      backward: (gradOutput, needInputGradient) => {
        const grads: tf.Tensor[] = []
        let g = tf.reshape(gradOutput, out.shape) as tf.Tensor4D
        for (let i = this.deconvs.length - 1; i >= 0; i--) {
          const result = backpropConv(
            this.deconvs[i] as ConvLayer,
            deconvTraces[i] as ConvTrace,
            g,
            true,
          )
          grads.unshift(result.kernel, result.bias)
          g = result.input as tf.Tensor4D
        }
        const from = backpropDense(
          this.fromCode,
          fromTrace,
          tf.reshape(g, [batch, -1]) as tf.Tensor2D,
          needInputGradient,
        )
        return { grads: [from.kernel, from.bias, ...grads], input: from.input }
      },
    }
  }

  /** Loss and gradients (order of {@link ConvAutoencoderNetwork.variables}), explicit backward pass. */
  lossAndGradients(
    input: tf.Tensor2D,
    target: tf.Tensor2D,
  ): { terms: AutoencoderLossTerms; gradients: tf.Tensor[] } {
    const encoded = this.encoderPass(input)
    const code = encoded.output
    return reconstructionLossAndGradients(
      code,
      this.decoderPass(code),
      target,
      this.options.kind === 'sparse' ? this.options.sparsity : 0,
      (codeGradient) => encoded.backward(codeGradient, false),
    )
  }

  /** Every layer, input to output. */
  private layers(): WeightedLayer[] {
    return [...this.convs, this.toCode, this.fromCode, ...this.deconvs]
  }

  dispose(): void {
    disposeLayers(this.layers())
  }
}
