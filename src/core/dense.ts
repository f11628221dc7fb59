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

/** What a forward pass through a dense layer keeps for its backward pass. */
export interface DenseTrace {
  readonly input: tf.Tensor2D
  readonly preActivation: tf.Tensor2D
  readonly output: tf.Tensor2D
}

/** Applies a dense layer and keeps what {@link backpropDense} needs. Call inside `tf.tidy`. */
export function applyDenseTraced(layer: DenseLayer, x: tf.Tensor2D): DenseTrace {
  const preActivation = tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D
  const output = layer.activation === 'relu' ? tf.relu(preActivation) : preActivation
  return { input: x, preActivation, output }
}

/** Gradients of a dense layer given the gradient at its output. */
export interface DenseGradients {
  readonly kernel: tf.Tensor2D
  readonly bias: tf.Tensor1D
  /** Gradient at the layer's input; absent when not asked for (first layer). */
  readonly input: tf.Tensor2D | undefined
}

/**
 * Backward pass of a dense layer. Transposes are explicit before plain matrix products: on the WASM
 * backend a `matMul` with a transpose flag is about ten times slower than one without.
 * Call inside `tf.tidy`.
 */
export function backpropDense(
  layer: DenseLayer,
  trace: DenseTrace,
  gradOutput: tf.Tensor2D,
  needInputGradient: boolean,
): DenseGradients {
  const gradPre =
    layer.activation === 'relu'
      ? (tf.mul(gradOutput, tf.step(trace.preActivation)) as tf.Tensor2D)
      : gradOutput
  return {
    kernel: tf.matMul(tf.transpose(trace.input), gradPre) as tf.Tensor2D,
    bias: tf.sum(gradPre, 0) as tf.Tensor1D,
    input: needInputGradient
      ? (tf.matMul(gradPre, tf.transpose(layer.kernel as tf.Tensor2D)) as tf.Tensor2D)
      : undefined,
  }
}
