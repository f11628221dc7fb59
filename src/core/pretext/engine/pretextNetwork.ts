import * as tf from '@tensorflow/tfjs-core'
import { convEncoderStack } from '../../engine/convEncoder'
import { createStack } from '../../engine/dense'
import { denseStack, type LayerStack } from '../../engine/layerStack'
import type { ImageShape } from '../../dataset'
import { createRandom, deriveSeed } from '../../random'
import type { ResolvedPretextOptions } from '../pretextOptions'
import type { TaskLayout } from '../pretextTasks'

/** Channels of the convolutional encoder's two convolutions. */
export const PRETEXT_CONV_CHANNELS = [16, 32] as const

/** Loss terms of one batch. */
export interface PretextTerms {
  /** Cross-entropy of the task's classes, mean over the batch (nats). */
  readonly loss: tf.Scalar
  /** Fraction of the batch whose most probable class is its target. */
  readonly accuracy: tf.Scalar
}

const sizeOf = (shape: ImageShape): number => shape[0] * shape[1] * shape[2]

/**
 * One encoder (dense or convolutional; its output is the features) that reads every view of an
 * example, and a task head (ReLU hidden layers, linear to the task's classes) over the views'
 * features side by side, trained with softmax cross-entropy. Holds variables only;
 * tensor-returning methods must run inside `tf.tidy`.
 */
export class PretextNetwork {
  private readonly encoder: LayerStack
  private readonly head: LayerStack
  /** Values in one view. */
  readonly viewSize: number

  constructor(
    readonly layout: TaskLayout,
    readonly options: ResolvedPretextOptions,
  ) {
    const random = createRandom(deriveSeed(options.seed, 1))
    const { hiddenUnits, featureSize, headUnits } = options
    this.viewSize = sizeOf(layout.viewShape)
    this.encoder =
      options.architecture === 'convolutional'
        ? convEncoderStack(
            {
              shape: layout.viewShape,
              channels: PRETEXT_CONV_CHANNELS,
              activation: 'relu',
              outputSize: featureSize,
              outputActivation: 'relu',
              name: 'ptConv',
            },
            random,
          )
        : denseStack(
            createStack(
              this.viewSize,
              hiddenUnits,
              featureSize,
              'relu',
              'relu',
              random,
              'ptEncoder',
            ),
          )
    this.head = denseStack(
      createStack(
        layout.views * featureSize,
        headUnits,
        layout.classes,
        'relu',
        'linear',
        random,
        'ptHead',
      ),
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

  /** The encoder's features of views `[m, viewSize]` → `[m, featureSize]`. */
  encode(views: tf.Tensor2D): tf.Tensor2D {
    return this.encoder.infer(views)
  }

  /** Class probabilities of examples given as their views side by side, `[n, views · viewSize]`. */
  probabilities(examples: tf.Tensor2D): tf.Tensor2D {
    const n = examples.shape[0]
    const { views } = this.layout
    const features = this.encoder.infer(tf.reshape(examples, [n * views, this.viewSize]))
    const logits = this.head.infer(tf.reshape(features, [n, views * this.options.featureSize]))
    return tf.softmax(logits)
  }

  /**
   * Cross-entropy of the examples' views (`[n · views, viewSize]`, each example's views in order)
   * against `targets` (`[n]`, int32), with exact gradients in {@link PretextNetwork.variables} order.
   */
  lossAndGradients(
    views: tf.Tensor2D,
    targets: tf.Tensor1D,
  ): { terms: PretextTerms; gradients: tf.Tensor[] } {
    const n = targets.shape[0]
    const featureSize = this.options.featureSize
    const encoded = this.encoder.forward(views, false)
    const joined = tf.reshape(encoded.output, [n, this.layout.views * featureSize]) as tf.Tensor2D
    const headed = this.head.forward(joined, false)
    const logProbabilities = tf.logSoftmax(headed.output)
    const target = tf.cast(tf.oneHot(targets, this.layout.classes), 'float32') as tf.Tensor2D
    const loss = tf.neg(tf.div(tf.sum(tf.mul(target, logProbabilities)), n)) as tf.Scalar
    const hits = tf.equal(tf.argMax(headed.output, 1), targets)
    const accuracy = tf.mean(tf.cast(hits, 'float32')) as tf.Scalar
    const gradient = tf.div(tf.sub(tf.exp(logProbabilities), target), n) as tf.Tensor2D
    const head = headed.backward(gradient, true)
    const encoder = encoded.backward(
      tf.reshape(head.input as tf.Tensor2D, encoded.output.shape) as tf.Tensor2D,
      false,
    )
    return { terms: { loss, accuracy }, gradients: [...encoder.grads, ...head.grads] }
  }

  dispose(): void {
    this.encoder.dispose()
    this.head.dispose()
  }
}
