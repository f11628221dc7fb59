import * as tf from '@tensorflow/tfjs-core'
import { createDense, type DenseLayer } from '../../engine/dense'
import { createRandom, deriveSeed } from '../../random'
import type { ResolvedHelmholtzOptions } from '../helmholtzOptions'

/** States of every layer of a batch, bottom first: the pixels, then each hidden layer. */
export type LayerStates = readonly tf.Tensor2D[]

/** `aᵀ·b`; on WASM with an explicit transpose (a transposed `matMul` is ~10× slower there). */
function transposedProduct(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.getBackend() === 'wasm' ? tf.matMul(tf.transpose(a), b) : tf.matMul(a, b, true, false)
}

/** Summed binary cross-entropy of each row from logits, `Σ softplus(l) − t·l`: `−log p(t)`, `[n]`. */
function crossEntropies(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.sub(tf.softplus(logits), tf.mul(targets, logits)), 1) as tf.Tensor1D
}

/** 1 where `uniforms` fall below `probabilities`, else 0: Bernoulli draws. */
function bernoulli(probabilities: tf.Tensor2D, uniforms: tf.Tensor2D): tf.Tensor2D {
  return tf.cast(tf.less(uniforms, probabilities), 'float32') as tf.Tensor2D
}

/** `x·kernel + bias` of a dense layer: the logits of the units it feeds. */
function logitsOf(layer: DenseLayer, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D
}

/**
 * A Helmholtz machine's two networks over stochastic binary layers `sizes = [pixels, …layers]`: the
 * recognition network (bottom-up, `q(h_l | h_{l−1})`, sigmoid Bernoulli units) and the generative
 * network (top-down, `p(h_{l−1} | h_l)`, with a learned bias as the top layer's prior). Holds the
 * variables; tensor-returning methods must run inside `tf.tidy`. Random draws come in as uniforms
 * (`[n, Σ sizes of the layers drawn]`, bottom layer first) so that a seeded host stream decides them.
 */
export class HelmholtzNetwork {
  /** Units of every layer, pixels first. */
  readonly sizes: readonly number[]
  /** Recognition layer l (from 0): layer l → layer l + 1. */
  readonly recognition: readonly DenseLayer[]
  /** Generative layer l (from 0): layer l + 1 → layer l. */
  readonly generative: readonly DenseLayer[]
  /** Logits of the top layer's independent prior. */
  readonly topBias: tf.Variable

  constructor(
    readonly inputSize: number,
    readonly options: ResolvedHelmholtzOptions,
  ) {
    this.sizes = [inputSize, ...options.layers]
    const random = createRandom(deriveSeed(options.seed, 1))
    const pairs = options.layers.map((units, l) => [this.sizes[l] as number, units] as const)
    this.recognition = pairs.map(([below, above], l) =>
      createDense(below, above, 'sigmoid', random, `helmholtzRecognition${l}`),
    )
    this.generative = pairs.map(([below, above], l) =>
      createDense(above, below, 'sigmoid', random, `helmholtzGenerative${l}`),
    )
    this.topBias = tf.tidy(() => tf.variable(tf.zeros([this.topSize]), true))
  }

  /** Units of the top layer. */
  get topSize(): number {
    return this.sizes.at(-1) as number
  }

  /** Hidden units in all: the uniforms one bottom-up draw takes per row. */
  get hiddenSize(): number {
    return this.options.layers.reduce((sum, units) => sum + units, 0)
  }

  /** Units of every layer: the uniforms one dream takes per row. */
  get dreamSize(): number {
    return this.inputSize + this.hiddenSize
  }

  /** Every variable, in a stable order: recognition (kernel, bias, …), generative, top bias. */
  variables(): tf.Variable[] {
    return [
      ...this.recognition.flatMap((layer) => [layer.kernel, layer.bias]),
      ...this.generative.flatMap((layer) => [layer.kernel, layer.bias]),
      this.topBias,
    ]
  }

  /** What a snapshot saves: the variables. */
  weights(): tf.Variable[] {
    return this.variables()
  }

  /** Sets the pixels' generative bias to the logits of `rates` (each pixel's rate of 1s). */
  setPixelRates(rates: Float32Array): void {
    const bottom = this.generative[0] as DenseLayer
    tf.tidy(() => {
      const clipped = tf.clipByValue(tf.tensor1d(rates), 1e-3, 1 - 1e-3)
      bottom.bias.assign(tf.log(tf.div(clipped, tf.sub(1, clipped))))
    })
  }

  /** The `units` columns of `uniforms` from column `offset`: the draws of one layer. */
  private columns(uniforms: tf.Tensor2D, offset: number, units: number): tf.Tensor2D {
    return tf.slice(uniforms, [0, offset], [uniforms.shape[0], units])
  }

  /**
   * Hidden states drawn bottom-up by the recognition network from the binary rows `x`, with
   * `uniforms` `[n, hiddenSize]`: `[x, h₁, …, h_L]`.
   */
  recognize(x: tf.Tensor2D, uniforms: tf.Tensor2D): LayerStates {
    const states = [x]
    let offset = 0
    this.recognition.forEach((layer, l) => {
      const units = this.sizes[l + 1] as number
      const p = tf.sigmoid(logitsOf(layer, states[l] as tf.Tensor2D)) as tf.Tensor2D
      states.push(bernoulli(p, this.columns(uniforms, offset, units)))
      offset += units
    })
    return states
  }

  /** The top prior's logits for `n` rows, `[n, top]`. */
  private topLogits(n: number): tf.Tensor2D {
    return tf.tile(tf.reshape(this.topBias, [1, this.topSize]), [n, 1]) as tf.Tensor2D
  }

  /**
   * A fantasy drawn top-down from the generative model with `uniforms` `[n, dreamSize]` (the top
   * layer's columns last): `[x, h₁, …, h_L]`, `x` binary.
   */
  dream(uniforms: tf.Tensor2D): LayerStates {
    const n = uniforms.shape[0]
    const offsets = this.sizes.map((_, l) =>
      this.sizes.slice(0, l).reduce((sum, units) => sum + units, 0),
    )
    const states: tf.Tensor2D[] = []
    const last = this.sizes.length - 1
    states[last] = bernoulli(
      tf.sigmoid(this.topLogits(n)) as tf.Tensor2D,
      this.columns(uniforms, offsets[last] as number, this.topSize),
    )
    for (let l = last - 1; l >= 0; l--) {
      const p = tf.sigmoid(
        logitsOf(this.generative[l] as DenseLayer, states[l + 1] as tf.Tensor2D),
      ) as tf.Tensor2D
      states[l] = bernoulli(
        p,
        this.columns(uniforms, offsets[l] as number, this.sizes[l] as number),
      )
    }
    return states
  }

  /** `−log p(x, h)` of each row of `states` under the generative network, `[n]`. */
  generativeNLL(states: LayerStates): tf.Tensor1D {
    const n = (states[0] as tf.Tensor2D).shape[0]
    let total = crossEntropies(this.topLogits(n), states.at(-1) as tf.Tensor2D)
    this.generative.forEach((layer, l) => {
      const logits = logitsOf(layer, states[l + 1] as tf.Tensor2D)
      total = tf.add(total, crossEntropies(logits, states[l] as tf.Tensor2D)) as tf.Tensor1D
    })
    return total
  }

  /** `−log q(h | x)` of each row of `states` under the recognition network, `[n]`. */
  recognitionNLL(states: LayerStates): tf.Tensor1D {
    const n = (states[0] as tf.Tensor2D).shape[0]
    let total = tf.zeros([n]) as tf.Tensor1D
    this.recognition.forEach((layer, l) => {
      const logits = logitsOf(layer, states[l] as tf.Tensor2D)
      total = tf.add(total, crossEntropies(logits, states[l + 1] as tf.Tensor2D)) as tf.Tensor1D
    })
    return total
  }

  /** `log p(x, h) − log q(h | x)` of each row: the log importance weight of a recognition draw, `[n]`. */
  logWeights(x: tf.Tensor2D, uniforms: tf.Tensor2D): tf.Tensor1D {
    const states = this.recognize(x, uniforms)
    return tf.sub(this.recognitionNLL(states), this.generativeNLL(states)) as tf.Tensor1D
  }

  /**
   * The delta rule's updates of the generative variables from a wake phase's `states` (each layer
   * predicted from the one above), in {@link HelmholtzNetwork.generativeVariables} order, as
   * ascent directions on the mean `log p(x, h)`; and that phase's loss.
   */
  wakeUpdates(states: LayerStates): { loss: tf.Scalar; updates: tf.Tensor[] } {
    const n = (states[0] as tf.Tensor2D).shape[0]
    const updates: tf.Tensor[] = []
    let loss = tf.mean(crossEntropies(this.topLogits(n), states.at(-1) as tf.Tensor2D))
    this.generative.forEach((layer, l) => {
      const above = states[l + 1] as tf.Tensor2D
      const below = states[l] as tf.Tensor2D
      const logits = logitsOf(layer, above)
      loss = tf.add(loss, tf.mean(crossEntropies(logits, below)))
      const error = tf.sub(below, tf.sigmoid(logits)) as tf.Tensor2D
      updates.push(tf.div(transposedProduct(above, error), n), tf.mean(error, 0))
    })
    const top = states.at(-1) as tf.Tensor2D
    updates.push(tf.mean(tf.sub(top, tf.sigmoid(this.topBias)), 0))
    return { loss: loss as tf.Scalar, updates }
  }

  /**
   * The delta rule's updates of the recognition variables from a dream's `states` (each layer's
   * causes recovered from the layer below), in {@link HelmholtzNetwork.recognitionVariables}
   * order, as ascent directions on the mean `log q(h | x)`; and that phase's loss.
   */
  sleepUpdates(states: LayerStates): { loss: tf.Scalar; updates: tf.Tensor[] } {
    const n = (states[0] as tf.Tensor2D).shape[0]
    const updates: tf.Tensor[] = []
    let loss: tf.Tensor = tf.scalar(0)
    this.recognition.forEach((layer, l) => {
      const below = states[l] as tf.Tensor2D
      const above = states[l + 1] as tf.Tensor2D
      const logits = logitsOf(layer, below)
      loss = tf.add(loss, tf.mean(crossEntropies(logits, above)))
      const error = tf.sub(above, tf.sigmoid(logits)) as tf.Tensor2D
      updates.push(tf.div(transposedProduct(below, error), n), tf.mean(error, 0))
    })
    return { loss: loss as tf.Scalar, updates }
  }

  /** The generative variables (kernel, bias per layer, then the top bias). */
  generativeVariables(): tf.Variable[] {
    return [...this.generative.flatMap((layer) => [layer.kernel, layer.bias]), this.topBias]
  }

  /** The recognition variables (kernel, bias per layer). */
  recognitionVariables(): tf.Variable[] {
    return this.recognition.flatMap((layer) => [layer.kernel, layer.bias])
  }

  /** The top layer's recognition probabilities, propagated mean-field (probabilities, no draws), `[n, top]`. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    let h = x
    for (const layer of this.recognition) h = tf.sigmoid(logitsOf(layer, h)) as tf.Tensor2D
    return h
  }

  /** Probabilities of the pixels given the top layer's values `top`, passed down mean-field, `[n, pixels]`. */
  decode(top: tf.Tensor2D): tf.Tensor2D {
    let h = top
    for (let l = this.generative.length - 1; l >= 0; l--) {
      h = tf.sigmoid(logitsOf(this.generative[l] as DenseLayer, h)) as tf.Tensor2D
    }
    return h
  }

  /**
   * Ancestral samples from `uniforms` `[n, dreamSize]`: the binary pixels (`binary`), or the pixels'
   * probabilities given the drawn layer above them.
   */
  sample(uniforms: tf.Tensor2D, binary: boolean): tf.Tensor2D {
    const states = this.dream(uniforms)
    if (binary) return states[0] as tf.Tensor2D
    return tf.sigmoid(
      logitsOf(this.generative[0] as DenseLayer, states[1] as tf.Tensor2D),
    ) as tf.Tensor2D
  }

  dispose(): void {
    for (const layer of [...this.recognition, ...this.generative]) {
      layer.kernel.dispose()
      layer.bias.dispose()
    }
    this.topBias.dispose()
  }
}
