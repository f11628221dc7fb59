/**
 * A convolutional encoder as a {@link LayerStack}: two 4×4 stride-2 convolutions, then a dense layer
 * — `image → conv (channels[0]) → conv (channels[1]) → dense (outputSize)`. Shared by the networks
 * that read images into a vector: the DCGAN discriminator (one logit) and the pretext tasks'
 * encoder (features). Image sides must be multiples of 4 (see `assertConvolutionalShape`).
 */
import * as tf from '@tensorflow/tfjs-core'
import { applyConv, applyConvTraced, backpropConv, createConv, type ConvLayer } from './conv'
import {
  applyDense,
  applyDenseTraced,
  backpropDense,
  createDense,
  disposeLayers,
  layerVariables,
  type Activation,
} from './dense'
import type { ImageShape } from '../dataset'
import type { Random } from '../random'
import type { LayerStack } from './layerStack'

const KERNEL = 4

/** What a convolutional encoder is made of. */
export interface ConvEncoderSpec {
  /** Shape of the images it reads (sides multiples of 4). */
  readonly shape: ImageShape
  /** Channels of the two convolutions. */
  readonly channels: readonly [number, number]
  /** Activation of the convolutions. */
  readonly activation: Activation
  /** Values out of the dense layer. */
  readonly outputSize: number
  /** Activation of the dense layer. */
  readonly outputActivation: Activation
  /** Layer names are `${name}0`, `${name}1` (convolutions) and `${name}2` (dense). */
  readonly name: string
}

/**
 * The encoder of `spec`, weights drawn from `random` (convolutions first, then the dense layer).
 * Takes and returns flat rows; variables in the order kernel, bias of each layer, input to output.
 */
export function convEncoderStack(spec: ConvEncoderSpec, random: Random): LayerStack {
  const [h, w, c] = spec.shape
  const [first, second] = spec.channels
  const down0: ConvLayer = createConv(
    KERNEL,
    c,
    first,
    2,
    false,
    spec.activation,
    random,
    `${spec.name}0`,
  )
  const down1: ConvLayer = createConv(
    KERNEL,
    first,
    second,
    2,
    false,
    spec.activation,
    random,
    `${spec.name}1`,
  )
  const out = createDense(
    (h / 4) * (w / 4) * second,
    spec.outputSize,
    spec.outputActivation,
    random,
    `${spec.name}2`,
  )
  const images = (x: tf.Tensor2D): tf.Tensor4D => tf.reshape(x, [x.shape[0], h, w, c])
  return {
    variables: () => layerVariables([down0, down1, out]),
    statistics: () => [],
    infer: (x) => {
      const features = applyConv(down1, applyConv(down0, images(x)))
      return applyDense(out, tf.reshape(features, [x.shape[0], -1]))
    },
    forward: (x) => {
      const c0 = applyConvTraced(down0, images(x))
      const c1 = applyConvTraced(down1, c0.output)
      const outTrace = applyDenseTraced(out, tf.reshape(c1.output, [x.shape[0], -1]))
      return {
        output: outTrace.output,
        backward: (gradOutput, needInputGradient) => {
          const l = backpropDense(out, outTrace, gradOutput, true)
          const g1 = backpropConv(
            down1,
            c1,
            tf.reshape(l.input as tf.Tensor2D, c1.output.shape),
            true,
          )
          const g0 = backpropConv(down0, c0, g1.input as tf.Tensor4D, needInputGradient)
          return {
            grads: [g0.kernel, g0.bias, g1.kernel, g1.bias, l.kernel, l.bias],
            input: g0.input && (tf.reshape(g0.input, x.shape) as tf.Tensor2D),
          }
        },
      }
    },
    dispose: () => {
      disposeLayers([down0, down1, out])
    },
  }
}
