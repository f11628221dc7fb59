import * as tf from '@tensorflow/tfjs-core'
import type { Random } from './random'

/** Activation of a dense layer. */
export type Activation = 'relu' | 'linear'

/** A fully connected layer with its own variables, built outside any optimizer call. */
export interface DenseLayer {
  readonly kernel: tf.Variable
  readonly bias: tf.Variable
  readonly activation: Activation
}

/**
 * Creates a dense layer with Glorot-uniform weights drawn from `random` (the same seed gives the
 * same weights on every backend) and zero biases.
 */
// TF.js requires variable names to be unique in the whole engine.
let nextLayerId = 1

export function createDense(
  inputs: number,
  units: number,
  activation: Activation,
  random: Random,
  name: string,
): DenseLayer {
  const limit = Math.sqrt(6 / (inputs + units))
  const values = new Float32Array(inputs * units)
  for (let i = 0; i < values.length; i++) values[i] = (random.uniform() * 2 - 1) * limit
  // Inside tidy so the initial-value tensors are freed; variables outlive the scope.
  return tf.tidy(() => ({
    kernel: tf.variable(
      tf.tensor2d(values, [inputs, units]),
      true,
      `${name}/kernel_${nextLayerId}`,
    ),
    bias: tf.variable(tf.zeros([units]), true, `${name}/bias_${nextLayerId++}`),
    activation,
  }))
}

/** Applies a dense layer. Call inside `tf.tidy`. */
export function applyDense(layer: DenseLayer, x: tf.Tensor2D): tf.Tensor2D {
  const y = tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D
  return layer.activation === 'relu' ? tf.relu(y) : y
}

/** The variables of a list of layers, in a stable order. */
export function layerVariables(layers: readonly DenseLayer[]): tf.Variable[] {
  return layers.flatMap((layer) => [layer.kernel, layer.bias])
}

/** Disposes a list of layers. */
export function disposeLayers(layers: readonly DenseLayer[]): void {
  for (const layer of layers) {
    layer.kernel.dispose()
    layer.bias.dispose()
  }
}
