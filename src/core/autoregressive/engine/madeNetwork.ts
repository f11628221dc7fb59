import * as tf from '@tensorflow/tfjs-core'
import { createDense, type DenseLayer } from '../../engine/dense'
import { createRandom, deriveSeed } from '../../random'
import type { ResolvedAutoregressiveOptions } from '../autoregressiveOptions'
import { buildMasks, type MADEMasks } from '../madeMasks'

/** A dense layer whose kernel is multiplied by a fixed 0/1 mask. */
interface MaskedLayer {
  readonly dense: DenseLayer
  readonly mask: tf.Tensor2D
}

/**
 * Draws pixels one at a time without a full pass per pixel (NADE's trick, Larochelle & Murray
 * 2011): the state is the first layer's pre-activation, updated by one kernel row when a pixel is
 * drawn; the deeper layers run in full and the output layer for the one pixel asked for. Methods
 * returning tensors run inside `tf.tidy`; `dispose` frees the masked kernels it holds.
 */
export interface PixelSampler {
  /** The state of `n` rows with no pixel drawn (all pixels 0), `[n, first layer units]`. */
  initial(n: number): tf.Tensor2D
  /** Logit of `p(x_pixel = 1 | pixels drawn so far)` of each row, `[n, 1]`. */
  logit(state: tf.Tensor2D, pixel: number): tf.Tensor2D
  /** The state after `pixel` of each row is set to `bits` (`[n, 1]`, 0 or 1). */
  update(state: tf.Tensor2D, pixel: number, bits: tf.Tensor2D): tf.Tensor2D
  dispose(): void
}

/** What a forward pass keeps for its backward pass. */
interface Trace {
  /** Input of each layer. */
  readonly inputs: tf.Tensor2D[]
  /** Output of each hidden layer (after ReLU). */
  readonly hidden: tf.Tensor2D[]
  /** The output logits, `[n, pixels]`. */
  readonly logits: tf.Tensor2D
  /** The masked kernel of each layer, for the backward pass. */
  readonly kernels: tf.Tensor2D[]
}

/**
 * MADE's network: masked dense layers (ReLU) from the binary pixels to one logit per pixel, the
 * logit of `p(x_d = 1 | x_<d)`. Holds variables and masks; tensor-returning methods must run inside
 * `tf.tidy`.
 */
export class MADENetwork {
  /** The masks and the ordering they follow. */
  readonly masks: MADEMasks
  private readonly layers: MaskedLayer[]

  constructor(
    readonly inputSize: number,
    readonly options: ResolvedAutoregressiveOptions,
  ) {
    this.masks = buildMasks({ pixels: inputSize, ...options })
    const random = createRandom(deriveSeed(options.seed, 1))
    const last = this.masks.layers.length - 1
    this.layers = this.masks.layers.map((m, i) => ({
      dense: createDense(m.inputs, m.units, i === last ? 'linear' : 'relu', random, `made${i}`),
      mask: tf.tensor2d(m.values, [m.inputs, m.units]),
    }))
  }

  /** Every trainable variable (kernel, bias, kernel, …), in a stable order. */
  variables(): tf.Variable[] {
    return this.layers.flatMap(({ dense }) => [dense.kernel, dense.bias])
  }

  /** What a snapshot saves: the variables (the masks follow from the options). */
  weights(): tf.Variable[] {
    return this.variables()
  }

  private kernel(layer: MaskedLayer): tf.Tensor2D {
    return tf.mul(layer.dense.kernel, layer.mask) as tf.Tensor2D
  }

  private forwardTrace(x: tf.Tensor2D): Trace {
    const inputs: tf.Tensor2D[] = []
    const hidden: tf.Tensor2D[] = []
    const kernels: tf.Tensor2D[] = []
    let h = x
    const last = this.layers.length - 1
    this.layers.forEach((layer, i) => {
      inputs.push(h)
      kernels.push(this.kernel(layer))
      h = tf.fused.matMul({
        a: h,
        b: kernels[i] as tf.Tensor2D,
        bias: layer.dense.bias,
        activation: i === last ? 'linear' : 'relu',
      }) as tf.Tensor2D
      if (i < last) hidden.push(h)
    })
    return { inputs, hidden, logits: h, kernels }
  }

  /** Logits of `p(x_d = 1 | x_<d)` for every pixel d of the binary rows `x`, `[n, pixels]`. */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    return this.forwardTrace(x).logits
  }

  /** A {@link PixelSampler} over the current weights (it holds copies of the masked kernels). */
  pixelSampler(): PixelSampler {
    const kernels = tf.tidy(() => this.layers.map((layer) => this.kernel(layer)))
    const biases = this.layers.map(({ dense }) => dense.bias)
    const last = kernels.length - 1
    const first = kernels[0] as tf.Tensor2D
    const units = first.shape[1]
    return {
      initial: (n) =>
        tf.tile(tf.reshape(biases[0] as tf.Tensor, [1, units]), [n, 1]) as tf.Tensor2D,
      logit: (state, pixel) => {
        const n = state.shape[0]
        if (last === 0) return tf.slice(state, [0, pixel], [n, 1])
        let h = tf.relu(state) as tf.Tensor2D
        for (let i = 1; i < last; i++) {
          h = tf.fused.matMul({
            a: h,
            b: kernels[i] as tf.Tensor2D,
            bias: biases[i],
            activation: 'relu',
          }) as tf.Tensor2D
        }
        const kernel = kernels[last] as tf.Tensor2D
        return tf.add(
          tf.matMul(h, tf.slice(kernel, [0, pixel], [kernel.shape[0], 1])),
          tf.slice(biases[last] as tf.Tensor1D, [pixel], [1]),
        ) as tf.Tensor2D
      },
      update: (state, pixel, bits) =>
        tf.add(state, tf.mul(bits, tf.slice(first, [pixel, 0], [1, units]))) as tf.Tensor2D,
      dispose: () => tf.dispose(kernels),
    }
  }

  /** `−log p(x)` in nats of each binary row of `x`, `[n]`: the summed binary cross-entropies. */
  negativeLogLikelihoods(x: tf.Tensor2D): tf.Tensor1D {
    return crossEntropies(this.logits(x), x)
  }

  /**
   * Mean `−log p(x)` over the binary rows `x` (nats per image) and its exact gradients, in
   * {@link MADENetwork.variables} order, by an explicit backward pass through the masked layers.
   */
  lossAndGradients(x: tf.Tensor2D): { loss: tf.Scalar; gradients: tf.Tensor[] } {
    const batch = x.shape[0]
    const trace = this.forwardTrace(x)
    const loss = tf.div(tf.sum(crossEntropies(trace.logits, x)), batch) as tf.Scalar
    // d(loss)/d(logits) = (σ(logits) − x) / batch.
    let g = tf.div(tf.sub(tf.sigmoid(trace.logits), x), batch) as tf.Tensor2D
    const explicit = tf.getBackend() === 'wasm'
    const gradients: tf.Tensor[] = []
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i] as MaskedLayer
      const input = trace.inputs[i] as tf.Tensor2D
      const kernel = explicit ? tf.matMul(tf.transpose(input), g) : tf.matMul(input, g, true, false)
      gradients.unshift(tf.mul(kernel, layer.mask), tf.sum(g, 0))
      if (i === 0) break
      const masked = trace.kernels[i] as tf.Tensor2D
      const back = explicit ? tf.matMul(g, tf.transpose(masked)) : tf.matMul(g, masked, false, true)
      g = tf.mul(back, tf.step(trace.hidden[i - 1] as tf.Tensor2D)) as tf.Tensor2D
    }
    return { loss, gradients }
  }

  dispose(): void {
    for (const { dense, mask } of this.layers) {
      dense.kernel.dispose()
      dense.bias.dispose()
      mask.dispose()
    }
  }
}

/** Summed binary cross-entropy of each row, from logits: `Σ softplus(l) − x·l`, `[n]`. */
function crossEntropies(logits: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1) as tf.Tensor1D
}
