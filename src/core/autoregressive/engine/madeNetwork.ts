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

/** What a forward pass keeps for its backward pass. */
interface Trace {
  /** Input of each layer. */
  readonly inputs: tf.Tensor2D[]
  /** Output of each hidden layer (after ReLU). */
  readonly hidden: tf.Tensor2D[]
  /** The output logits, `[n, pixels]`. */
  readonly logits: tf.Tensor2D
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
    let h = x
    const last = this.layers.length - 1
    this.layers.forEach((layer, i) => {
      inputs.push(h)
      h = tf.fused.matMul({
        a: h,
        b: this.kernel(layer),
        bias: layer.dense.bias,
        activation: i === last ? 'linear' : 'relu',
      }) as tf.Tensor2D
      if (i < last) hidden.push(h)
    })
    return { inputs, hidden, logits: h }
  }

  /** Logits of `p(x_d = 1 | x_<d)` for every pixel d of the binary rows `x`, `[n, pixels]`. */
  logits(x: tf.Tensor2D): tf.Tensor2D {
    return this.forwardTrace(x).logits
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
      const back = explicit
        ? tf.matMul(g, tf.transpose(this.kernel(layer)))
        : tf.matMul(g, this.kernel(layer), false, true)
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
