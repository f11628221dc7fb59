import * as tf from '@tensorflow/tfjs-core'
import type { StackGradients, StackPass } from '../../engine/layerStack'
import type { AutoencoderLossTerms } from './autoencoderNetwork'

/**
 * The autoencoder's objective and its explicit backward pass, for any encoder and decoder: squared
 * error summed over pixels and averaged over images, plus `sparsity` × the code's L1 norm per image
 * (0 for every kind but sparse). `decoded` is the decoder's training pass from `code`;
 * `encoderBackward` carries the code's gradient back through the encoder. Gradients come back
 * encoder first, then decoder. Call inside `tf.tidy`.
 */
export function reconstructionLossAndGradients(
  code: tf.Tensor2D,
  decoded: StackPass,
  target: tf.Tensor2D,
  sparsity: number,
  encoderBackward: (codeGradient: tf.Tensor2D) => StackGradients,
): { terms: AutoencoderLossTerms; gradients: tf.Tensor[] } {
  const batch = code.shape[0]
  const error = tf.sub(decoded.output, target) as tf.Tensor2D
  const reconstruction = tf.div(tf.sum(tf.square(error)), batch) as tf.Scalar
  const codeL1 = tf.div(tf.sum(tf.abs(code)), batch) as tf.Scalar
  const total = tf.add(reconstruction, tf.mul(codeL1, sparsity)) as tf.Scalar
  const decoder = decoded.backward(tf.mul(error, 2 / batch) as tf.Tensor2D, true)
  const fromDecoder = decoder.input as tf.Tensor2D
  const codeGradient =
    sparsity > 0
      ? (tf.add(fromDecoder, tf.mul(tf.sign(code), sparsity / batch)) as tf.Tensor2D)
      : fromDecoder
  const encoder = encoderBackward(codeGradient)
  return {
    terms: { total, reconstruction, codeL1 },
    gradients: [...encoder.grads, ...decoder.grads],
  }
}
