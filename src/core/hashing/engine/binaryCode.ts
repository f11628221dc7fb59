import * as tf from '@tensorflow/tfjs-core'
import type { CodeActivation } from '../../autoencoder/engine/autoencoderNetwork'
import type { CodeBinarization } from '../hashingOptions'

/**
 * The binary code layer of semantic hashing, on an autoencoder's code: `sigmoid(pre)` read as bits
 * (set above 0.5). In training, `'noise'` adds `noise × N(0, 1)` before the sigmoid (Salakhutdinov &
 * Hinton: only activations far from 0.5 survive it, so the codes become bimodal and thresholding them
 * loses little); `'straight-through'` passes the thresholded bits forward and the sigmoid's gradient
 * back. Keeps, for the step's report, the share of activations within 0.1 of 0 or 1 (`binary`, a
 * tensor of the current `tf.tidy`).
 */
export class BinaryCode implements CodeActivation {
  readonly noisy: boolean
  /** The last training step's share of near-binary activations (valid inside its `tf.tidy`). */
  binary: tf.Scalar | undefined

  constructor(
    private readonly binarization: CodeBinarization,
    private readonly noise: number,
  ) {
    this.noisy = binarization === 'noise'
  }

  infer(pre: tf.Tensor2D): tf.Tensor2D {
    return tf.sigmoid(pre)
  }

  train(
    pre: tf.Tensor2D,
    noise: tf.Tensor2D | undefined,
  ): { code: tf.Tensor2D; backward(gradCode: tf.Tensor2D): tf.Tensor2D } {
    const clean = tf.sigmoid(pre)
    this.binary = tf.mean(
      tf.cast(tf.greater(tf.abs(tf.sub(clean, 0.5)), 0.4), 'float32'),
    ) as tf.Scalar
    if (this.binarization === 'straight-through') {
      const code = tf.cast(tf.greater(clean, 0.5), 'float32') as tf.Tensor2D
      const slope = tf.mul(clean, tf.sub(1, clean))
      return { code, backward: (gradCode) => tf.mul(gradCode, slope) as tf.Tensor2D }
    }
    const code = noise ? tf.sigmoid(tf.add(pre, tf.mul(noise, this.noise))) : clean
    const slope = tf.mul(code, tf.sub(1, code))
    return {
      code: code as tf.Tensor2D,
      backward: (gradCode) => tf.mul(gradCode, slope) as tf.Tensor2D,
    }
  }
}
