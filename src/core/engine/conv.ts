/**
 * Strided 2-D convolution and transposed convolution layers ('same' padding, NHWC) with an explicit
 * backward pass built only from kernels every backend has — WASM included, which lacks
 * Conv2DBackpropFilter: the filter gradient is a dilated convolution of the input with the output
 * gradient, batch and channels swapped.
 */
import * as tf from '@tensorflow/tfjs-core'
import { activationSlope, type Activation } from './dense'
import { ShapeMismatchError } from '../errors'
import type { Random } from '../random'

/**
 * Throws `SHAPE_MISMATCH` unless images of `shape` (`[n, h, w, c]`) fit two stride-2 layers: sides
 * that are multiples of 4.
 */
export function assertConvolutionalShape(shape: readonly number[], model: string): void {
  const [, height = 0, width = 0] = shape
  if (height % 4 !== 0 || width % 4 !== 0 || height < 4 || width < 4) {
    throw new ShapeMismatchError(
      `${model} needs images whose sides are multiples of 4; got ${height}×${width}. Crop or pad the images, or use architecture 'dense'`,
      { height, width },
    )
  }
}

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

/**
 * Taps of a 4×4 kernel that each output phase of a stride-2 'same' transposed convolution reads from
 * input offsets −1, 0, +1 (−1 = none). Output row `2m` is `x[m]·W[1] + x[m−1]·W[3]`; row `2m+1` is
 * `x[m]·W[2] + x[m+1]·W[0]`.
 */
const PHASE_TAPS = [
  [3, 1, -1],
  [-1, 2, 0],
] as const

/** 0/1 matrix `[3·3·2·2, 16]`: row (u, v, a, b) picks the 4×4 tap phase (a, b) reads at offset (u, v). */
const PHASE_SELECTION = (() => {
  const rows = new Float32Array(36 * 16)
  for (let u = 0; u < 3; u++)
    for (let v = 0; v < 3; v++)
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 2; b++) {
          const row = PHASE_TAPS[a]?.[u] ?? -1
          const column = PHASE_TAPS[b]?.[v] ?? -1
          if (row >= 0 && column >= 0)
            rows[(((u * 3 + v) * 2 + a) * 2 + b) * 16 + row * 4 + column] = 1
        }
  return rows
})()

/**
 * The 3×3 kernel `[3, 3, in, 4·out]` that computes all four output phases of a 4×4 stride-2
 * transposed convolution (kernel `[4, 4, out, in]`) at once, phases ordered (a, b, out).
 */
function phaseKernel(kernel: tf.Tensor4D): tf.Tensor4D {
  const [, , out, inputs] = kernel.shape
  const selected = tf.matMul(
    tf.tensor2d(PHASE_SELECTION, [36, 16]),
    tf.reshape(kernel, [16, out * inputs]),
  ) // [(u, v, a, b), (out, in)]
  const arranged = tf.transpose(tf.reshape(selected, [3, 3, 4, out, inputs]), [0, 1, 4, 2, 3])
  return tf.reshape(arranged, [3, 3, inputs, 4 * out])
}

/** Interleaves the four phases `[n, h, w, (a, b, c)]` into `[n, 2h, 2w, c]`. */
function interleavePhases(phases: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, channels] = phases.shape
  const c = channels / 4
  const split = tf.reshape(phases, [n, h, w, 2, 2, c])
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4, 5]), [n, 2 * h, 2 * w, c])
}

/** Rows (and columns) of a 4×4 kernel that output phases 0 and 1 read: [3, 1] and [2, 0]. */
const PHASE_ROWS = PHASE_TAPS.map((taps) => taps.filter((tap) => tap >= 0))

/**
 * Output channels from which four 2×2 convolutions, one per phase, beat one 3×3 convolution to all
 * four phases on WASM: that one multiplies 9 taps where each phase reads 4. Measured (batch 64, 7×7
 * inputs): 16 and 32 outputs 1.5–1.8× faster; 1 output (14×14) 2× slower.
 */
const SEPARATE_PHASES_FROM = 16

/** One 2×2 convolution per output phase, interleaved: `x` `[n, h, w, in]`, kernel `[4, 4, out, in]`. */
function separatePhases(x: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w] = x.shape
  const out = kernel.shape[2]
  const inputs = kernel.shape[3]
  const taps16 = tf.reshape(tf.transpose(kernel, [0, 1, 3, 2]), [16, inputs, out])
  const phase = (a: 0 | 1, b: 0 | 1): tf.Tensor4D => {
    const rows = PHASE_ROWS[a] ?? []
    const columns = PHASE_ROWS[b] ?? []
    const index = rows.flatMap((row) => columns.map((column) => row * 4 + column))
    const taps = tf.reshape(tf.gather(taps16, index), [2, 2, inputs, out]) as tf.Tensor4D
    // Phase 0 reads offsets (−1, 0): one row of zeros above; phase 1 reads (0, +1): one below.
    return tf.conv2d(x, taps, 1, [
      [0, 0],
      [1 - a, a],
      [1 - b, b],
      [0, 0],
    ])
  }
  const phaseRows = [0, 1].map((a) => tf.stack([phase(a as 0 | 1, 0), phase(a as 0 | 1, 1)], 3))
  return tf.reshape(tf.stack(phaseRows, 2), [n, 2 * h, 2 * w, out]) // [n, h, 2, w, 2, out] → [n, 2h, 2w, out]
}

/**
 * Stride-2 'same' transposed convolution of `x` (`[n, h, w, in]`) with `kernel` (`[k, k, out, in]`).
 * A 4×4 kernel runs as convolutions to its four interleaved output phases ("sub-pixel"): on WASM,
 * TF.js's Conv2DBackpropInput is a plain loop about ten times slower than its XNNPACK convolution.
 * Call inside `tf.tidy`.
 */
export function transposedConv(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [n, h, w] = x.shape
  const out = kernel.shape[2]
  if (kernel.shape[0] === 4 && kernel.shape[1] === 4 && stride === 2) {
    if (out >= SEPARATE_PHASES_FROM && tf.getBackend() === 'wasm') return separatePhases(x, kernel)
    return interleavePhases(tf.conv2d(x, phaseKernel(kernel), 1, 'same'))
  }
  return tf.conv2dTranspose(x, kernel, [n, h * stride, w * stride, out], stride, 'same')
}

/** `activation(conv(x) + bias)`. Call inside `tf.tidy`. */
export function applyConv(layer: ConvLayer, x: tf.Tensor4D): tf.Tensor4D {
  const kernel = layer.kernel as tf.Tensor4D
  const pre = layer.transposed
    ? transposedConv(x, kernel, layer.stride)
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
    const swapped = tf.transpose(input, [3, 1, 2, 0]) // [c, h, w, n]
    const filter = tf.transpose(gradOutput, [1, 2, 0, 3]) // [ho, wo, n, f]
    // The convolution pads (explicitly) instead of a PadV2 first: a plain loop on WASM.
    const padding: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [top, padH - top],
      [left, padW - left],
      [0, 0],
    ]
    const full = tf.conv2d(swapped, filter, 1, padding, 'NHWC', stride) // [c, ≥k, ≥k, f]
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
    input: needInputGradient ? transposedConv(gradPre, kernel, layer.stride) : undefined,
  }
}
