import * as tf from '@tensorflow/tfjs-core'
import type { Random } from '../random'

/** Activation of a dense layer. */
export type Activation = 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'linear'

/** Slope of `leakyRelu` for negative inputs (the DCGAN paper's 0.2). */
export const LEAKY_SLOPE = 0.2

/** A fully connected layer with its own variables, built outside any optimizer call. */
export interface DenseLayer extends WeightedLayer {
  readonly activation: Activation
}

const FUSED: Partial<Record<Activation, 'relu' | 'leakyrelu' | 'sigmoid' | 'linear'>> = {
  relu: 'relu',
  leakyRelu: 'leakyrelu',
  sigmoid: 'sigmoid',
  linear: 'linear',
}

/**
 * Applies a dense layer: `activation(x·kernel + bias)`, in one fused kernel where the backend has one
 * (not for tanh). Call inside `tf.tidy`.
 */
export function applyDense(layer: DenseLayer, x: tf.Tensor2D): tf.Tensor2D {
  const kernel = layer.kernel as tf.Tensor2D
  const fused = FUSED[layer.activation]
  if (fused) {
    return tf.fused.matMul({
      a: x,
      b: kernel,
      bias: layer.bias,
      activation: fused,
      leakyreluAlpha: LEAKY_SLOPE,
    }) as tf.Tensor2D
  }
  return tf.tanh(tf.add(tf.matMul(x, kernel), layer.bias)) as tf.Tensor2D
}

/**
 * d(activation)/d(pre-activation) as a tensor to multiply the output gradient by, from the output
 * alone (so the forward pass can stay fused): ReLU and leaky ReLU are positive exactly where their
 * input is.
 */
export function activationSlope<T extends tf.Tensor>(
  activation: Activation,
  out: T,
): T | undefined {
  switch (activation) {
    case 'relu':
      return tf.step(out)
    case 'leakyRelu':
      return tf.add(tf.mul(tf.step(out), 1 - LEAKY_SLOPE), LEAKY_SLOPE) as T
    case 'tanh':
      return tf.sub(1, tf.square(out)) as T
    case 'sigmoid':
      return tf.mul(out, tf.sub(1, out)) as T
    case 'linear':
      return undefined
  }
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

/** What every layer (dense or convolutional) holds: a kernel and a bias. */
export interface WeightedLayer {
  readonly kernel: tf.Variable
  readonly bias: tf.Variable
}

/** The variables of a list of layers (kernel, bias, kernel, …), in a stable order. */
export function layerVariables(layers: readonly WeightedLayer[]): tf.Variable[] {
  return layers.flatMap((layer) => [layer.kernel, layer.bias])
}

/** Disposes a list of layers. */
export function disposeLayers(layers: readonly WeightedLayer[]): void {
  for (const layer of layers) {
    layer.kernel.dispose()
    layer.bias.dispose()
  }
}

/** What a forward pass through a dense layer keeps for its backward pass. */
export interface DenseTrace {
  readonly input: tf.Tensor2D
  readonly output: tf.Tensor2D
}

/** Applies a dense layer and keeps what {@link backpropDense} needs. Call inside `tf.tidy`. */
export function applyDenseTraced(layer: DenseLayer, x: tf.Tensor2D): DenseTrace {
  return { input: x, output: applyDense(layer, x) }
}

/** Gradients of a dense layer given the gradient at its output. */
export interface DenseGradients {
  readonly kernel: tf.Tensor2D
  readonly bias: tf.Tensor1D
  /** Gradient at the layer's input; absent when not asked for (first layer). */
  readonly input: tf.Tensor2D | undefined
}

/**
 * Backward pass of a dense layer. On WASM the transposes are explicit, before plain matrix products:
 * there a `matMul` with a transpose flag is about ten times slower than one without. Other backends
 * (WebGL, WebGPU, CPU) transpose for free inside the product, so they get the flags.
 * Call inside `tf.tidy`.
 */
export function backpropDense(
  layer: DenseLayer,
  trace: DenseTrace,
  gradOutput: tf.Tensor2D,
  needInputGradient: boolean,
): DenseGradients {
  const slope = activationSlope(layer.activation, trace.output)
  const gradPre = slope ? (tf.mul(gradOutput, slope) as tf.Tensor2D) : gradOutput
  const kernel = layer.kernel as tf.Tensor2D
  const explicit = tf.getBackend() === 'wasm'
  return {
    kernel: (explicit
      ? tf.matMul(tf.transpose(trace.input), gradPre)
      : tf.matMul(trace.input, gradPre, true, false)) as tf.Tensor2D,
    bias: tf.sum(gradPre, 0) as tf.Tensor1D,
    input: needInputGradient
      ? ((explicit
          ? tf.matMul(gradPre, tf.transpose(kernel))
          : tf.matMul(gradPre, kernel, false, true)) as tf.Tensor2D)
      : undefined,
  }
}

/** Runs `x` through `layers`, keeping every layer's trace. Call inside `tf.tidy`. */
export function forwardStack(layers: readonly DenseLayer[], x: tf.Tensor2D): DenseTrace[] {
  const traces: DenseTrace[] = []
  let h = x
  for (const layer of layers) {
    const trace = applyDenseTraced(layer, h)
    traces.push(trace)
    h = trace.output
  }
  return traces
}

/** The output of a traced stack (its input when the stack is empty). */
export function stackOutput(traces: readonly DenseTrace[], input: tf.Tensor2D): tf.Tensor2D {
  return traces[traces.length - 1]?.output ?? input
}

/**
 * Backward pass through a stack: gradients of every layer's kernel and bias (in layer order) and,
 * when asked, the gradient at the stack's input. Call inside `tf.tidy`.
 */
export function backpropStack(
  layers: readonly DenseLayer[],
  traces: readonly DenseTrace[],
  gradOutput: tf.Tensor2D,
  needInputGradient: boolean,
): { grads: tf.Tensor[]; input: tf.Tensor2D | undefined } {
  const grads: tf.Tensor[] = []
  let g: tf.Tensor2D | undefined = gradOutput
  for (let i = layers.length - 1; i >= 0; i--) {
    const result = backpropDense(
      layers[i] as DenseLayer,
      traces[i] as DenseTrace,
      g as tf.Tensor2D,
      needInputGradient || i > 0,
    )
    grads.unshift(result.kernel, result.bias)
    g = result.input
  }
  return { grads, input: layers.length > 0 ? g : gradOutput }
}

/** Creates a stack of dense layers `inputs → hidden… → outputs`. */
export function createStack(
  inputs: number,
  hidden: readonly number[],
  outputs: number,
  hiddenActivation: Activation,
  outputActivation: Activation,
  random: Random,
  name: string,
): DenseLayer[] {
  const sizes = [inputs, ...hidden, outputs]
  return sizes
    .slice(1)
    .map((units, i) =>
      createDense(
        sizes[i] as number,
        units,
        i === sizes.length - 2 ? outputActivation : hiddenActivation,
        random,
        `${name}${i}`,
      ),
    )
}
