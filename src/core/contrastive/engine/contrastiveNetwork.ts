import type * as tf from '@tensorflow/tfjs-core'
import { convEncoderStack } from '../../engine/convEncoder'
import { createStack } from '../../engine/dense'
import { denseStack, type LayerStack } from '../../engine/layerStack'
import { createRandom, deriveSeed } from '../../random'
import type { ImageShape } from '../../dataset'
import type { ResolvedContrastiveOptions } from '../contrastiveOptions'
import { ntXent } from './ntXent'

/** Loss terms of one batch. */
export interface ContrastiveTerms {
  /** NT-Xent, mean over the `2n` views. */
  readonly loss: tf.Scalar
  /** Top-1 accuracy of the pair task among the batch's views. */
  readonly pairAccuracy: tf.Scalar
}

/**
 * An encoder (dense or convolutional, ReLU; its output is the features) and a projection head (ReLU hidden layers, a
 * linear projection) trained with NT-Xent. Holds variables only; tensor-returning methods must run
 * inside `tf.tidy`.
 */
export class ContrastiveNetwork {
  private readonly encoder: LayerStack
  private readonly head: LayerStack
  /** Values in one image. */
  readonly inputSize: number

  /** A network for images of `shape` (sides multiples of 4 for a `'conv'` encoder). */
  constructor(
    shape: ImageShape,
    readonly options: ResolvedContrastiveOptions,
  ) {
    const random = createRandom(deriveSeed(options.seed, 1))
    const { hiddenUnits, featureSize, headUnits, projectionSize } = options
    this.inputSize = shape[0] * shape[1] * shape[2]
    this.encoder =
      options.architecture === 'conv'
        ? convEncoderStack(
            {
              shape,
              channels: options.convChannels,
              activation: 'relu',
              outputSize: featureSize,
              outputActivation: 'relu',
              name: 'clConv',
            },
            random,
          )
        : denseStack(
            createStack(
              this.inputSize,
              hiddenUnits,
              featureSize,
              'relu',
              'relu',
              random,
              'clEncoder',
            ),
          )
    this.head = denseStack(
      createStack(featureSize, headUnits, projectionSize, 'relu', 'linear', random, 'clHead'),
    )
  }

  /** Every trainable variable, in a stable order (encoder, then head). */
  variables(): tf.Variable[] {
    return [...this.encoder.variables(), ...this.head.variables()]
  }

  /** What a snapshot saves: the variables. */
  weights(): tf.Variable[] {
    return this.variables()
  }

  /** The encoder's features of image rows `[n, inputSize]` → `[n, featureSize]`. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    return this.encoder.infer(x)
  }

  /** The head's projections of image rows. */
  project(x: tf.Tensor2D): tf.Tensor2D {
    return this.head.infer(this.encoder.infer(x))
  }

  /**
   * NT-Xent of `views` (`[2n, inputSize]`: the first views of n images, then their second views)
   * and exact gradients in {@link ContrastiveNetwork.variables} order.
   */
  lossAndGradients(views: tf.Tensor2D): { terms: ContrastiveTerms; gradients: tf.Tensor[] } {
    const encoded = this.encoder.forward(views, false)
    const projected = this.head.forward(encoded.output, false)
    const { loss, accuracy, gradient } = ntXent(projected.output, this.options.temperature)
    const head = projected.backward(gradient, true)
    const encoder = encoded.backward(head.input as tf.Tensor2D, false)
    return {
      terms: { loss, pairAccuracy: accuracy },
      gradients: [...encoder.grads, ...head.grads],
    }
  }

  dispose(): void {
    this.encoder.dispose()
    this.head.dispose()
  }
}
