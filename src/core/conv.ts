/**
 * Strided 2-D convolution and transposed convolution layers ('same' padding, NHWC) with an explicit
 * backward pass built only from kernels every backend has — WASM included, which lacks
 * Conv2DBackpropFilter: the filter gradient is a dilated convolution of the input with the output
 * gradient, batch and channels swapped.
 */
import * as tf from '@tensorflow/tfjs-core'
import { activationSlope, type Activation } from './dense'
import type { Random } from './random'

/** A convolution (`transposed: false`) or transposed convolution layer. */
export interface ConvLayer {
  /** `[k, k, in, out]` for a convolution; `[k, k, out, in]` for a transposed one (TF.js's layout). */
  readonly kernel: tf.Variable
  readonly bias: tf.Variable
  readonly stride: number
  readonly transposed: boolean
  readonly activation: Activation
}

let nextConvId = 1

/** A layer with Glorot-uniform weights drawn from `random` and zero biases. */
export function createConv(
  size: number,
  inputs: number,
  outputs: number,
  stride: number,
  transposed: boolean,
  activation: Activation,
  random: Random,
  name: string,
): ConvLayer {
  const fanIn = size * size * inputs
  const fanOut = size * size * outputs
  const limit = Math.sqrt(6 / (fanIn + fanOut))
  const values = new Float32Array(size * size * inputs * outputs)
  for (let i = 0; i < values.length; i++) values[i] = (random.uniform() * 2 - 1) * limit
  const shape: [number, number, number, number] = transposed
    ? [size, size, outputs, inputs]
    : [size, size, inputs, outputs]
  const id = nextConvId++
  return tf.tidy(() => ({
    kernel: tf.variable(tf.tensor4d(values, shape), true, `${name}/kernel_c${id}`),
    bias: tf.variable(tf.zeros([outputs]), true, `${name}/bias_c${id}`),
    stride,
    transposed,
    activation,
  }))
}

function activate(activation: Activation, x: tf.Tensor4D): tf.Tensor4D {
  switch (activation) {
    case 'relu':
      return tf.relu(x)
    case 'leakyRelu':
      return tf.leakyRelu(x, 0.2)
    case 'tanh':
      return tf.tanh(x)
    case 'sigmoid':
      return tf.sigmoid(x)
    case 'linear':
      return x
  }
}

/** Output shape of `layer` for input `[n, h, w, c]`. */
function outputShape(layer: ConvLayer, input: readonly number[]): [number, number, number, number] {
  const [n = 0, h = 0, w = 0] = input
  const outputs = layer.kernel.shape[layer.transposed ? 2 : 3] as number
  return layer.transposed
    ? [n, h * layer.stride, w * layer.stride, outputs]
    : [n, Math.ceil(h / layer.stride), Math.ceil(w / layer.stride), outputs]
}

/** `activation(conv(x) + bias)`. Call inside `tf.tidy`. */
export function applyConv(layer: ConvLayer, x: tf.Tensor4D): tf.Tensor4D {
  const kernel = layer.kernel as tf.Tensor4D
  const pre = layer.transposed
    ? tf.conv2dTranspose(x, kernel, outputShape(layer, x.shape), layer.stride, 'same')
    : tf.conv2d(x, kernel, layer.stride, 'same')
  return activate(layer.activation, tf.add(pre, layer.bias) as tf.Tensor4D)
}

/**
 * Gradient of a 'same'-padded, strided convolution's filter (`[k, k, c, f]`) given its input
 * `[n, h, w, c]` and output gradient `[n, ho, wo, f]`: a convolution of the padded input (channels
 * as batch, batch as channels) with the output gradient dilated by the stride.
 */
export function convFilterGradient(
  input: tf.Tensor4D,
  gradOutput: tf.Tensor4D,
  size: number,
  stride: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = input.shape
    const [, ho, wo] = gradOutput.shape
    const padH = Math.max((ho - 1) * stride + size - h, 0)
    const padW = Math.max((wo - 1) * stride + size - w, 0)
    const top = Math.floor(padH / 2)
    const left = Math.floor(padW / 2)
    const padded = tf.pad(input, [
      [0, 0],
      [top, padH - top],
      [left, padW - left],
      [0, 0],
    ])
    const swapped = tf.transpose(padded, [3, 1, 2, 0]) // [c, hp, wp, n]
    const filter = tf.transpose(gradOutput, [1, 2, 0, 3]) // [ho, wo, n, f]
    const full = tf.conv2d(swapped, filter, 1, 'valid', 'NHWC', stride) // [c, ≥k, ≥k, f]
    const cropped = tf.slice(full, [0, 0, 0, 0], [-1, size, size, -1])
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D // [k, k, c, f]
  })
}

/** What a forward pass keeps for the backward pass. */
export interface ConvTrace {
  readonly input: tf.Tensor4D
  readonly output: tf.Tensor4D
}

/** Applies `layer` and keeps its trace. Call inside `tf.tidy`. */
export function applyConvTraced(layer: ConvLayer, x: tf.Tensor4D): ConvTrace {
  return { input: x, output: applyConv(layer, x) }
}

/** Gradients of the kernel, bias and (when asked) input of `layer`. Call inside `tf.tidy`. */
export function backpropConv(
  layer: ConvLayer,
  trace: ConvTrace,
  gradOutput: tf.Tensor4D,
  needInputGradient: boolean,
): { kernel: tf.Tensor4D; bias: tf.Tensor1D; input: tf.Tensor4D | undefined } {
  const slope = activationSlope(layer.activation, trace.output)
  const gradPre = slope ? (tf.mul(gradOutput, slope) as tf.Tensor4D) : gradOutput
  const kernel = layer.kernel as tf.Tensor4D
  const size = kernel.shape[0]
  const bias = tf.sum(gradPre, [0, 1, 2]) as tf.Tensor1D
  if (layer.transposed) {
    // y = convT(x, W) is the input gradient of z = conv(y', W): its roles swap.
    return {
      kernel: convFilterGradient(gradPre, trace.input, size, layer.stride),
      bias,
      input: needInputGradient ? tf.conv2d(gradPre, kernel, layer.stride, 'same') : undefined,
    }
  }
  return {
    kernel: convFilterGradient(trace.input, gradPre, size, layer.stride),
    bias,
    input: needInputGradient
      ? tf.conv2dTranspose(gradPre, kernel, trace.input.shape, layer.stride, 'same')
      : undefined,
  }
}
