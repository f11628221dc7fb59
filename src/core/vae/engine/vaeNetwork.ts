import * as tf from '@tensorflow/tfjs-core'
import { createDense } from '../../engine/dense'
import { denseStack, type LayerStack } from '../../engine/layerStack'
import { createRandom, deriveSeed } from '../../random'
import type { ResolvedVAEModelOptions } from '../vaeOptions'

const LOG_2PI = Math.log(2 * Math.PI)

/** Loss terms of one batch, each a scalar mean per image, in nats. */
export interface VAELossTerms {
  readonly total: tf.Scalar
  readonly reconstruction: tf.Scalar
  readonly kl: tf.Scalar
}

/**
 * The dense VAE: encoder → (mean, log-variance) → reparameterised sample → decoder.
 * Holds variables only; every method that returns tensors must run inside `tf.tidy`.
 */
export class VAENetwork {
  readonly inputSize: number
  readonly options: ResolvedVAEModelOptions
  /** Hidden layers before the heads (none when `hiddenUnits` is empty). */
  private readonly encoder: LayerStack
  /** One linear layer each. */
  private readonly meanHead: LayerStack
  private readonly logVarHead: LayerStack
  /** Hidden layers and the (linear) output layer. */
  private readonly decoder: LayerStack

  constructor(inputSize: number, options: ResolvedVAEModelOptions) {
    this.inputSize = inputSize
    this.options = options
    const random = createRandom(deriveSeed(options.seed, 1))
    let width = inputSize
    const encoderLayers = options.hiddenUnits.map((units, i) => {
      const layer = createDense(width, units, 'relu', random, `encoder${i}`)
      width = units
      return layer
    })
    this.encoder = denseStack(encoderLayers)
    this.meanHead = denseStack([createDense(width, options.latentDim, 'linear', random, 'mean')])
    this.logVarHead = denseStack([
      createDense(width, options.latentDim, 'linear', random, 'logVar'),
    ])
    width = options.latentDim
    const decoderLayers = [...options.hiddenUnits].reverse().map((units, i) => {
      const layer = createDense(width, units, 'relu', random, `decoder${i}`)
      width = units
      return layer
    })
    decoderLayers.push(createDense(width, inputSize, 'linear', random, 'output'))
    this.decoder = denseStack(decoderLayers)
  }

  /** Every trainable variable, in a stable order. */
  variables(): tf.Variable[] {
    return [
      ...this.encoder.variables(),
      ...this.meanHead.variables(),
      ...this.logVarHead.variables(),
      ...this.decoder.variables(),
    ]
  }

  /** What a snapshot saves: the variables (nothing else is learned). */
  weights(): tf.Variable[] {
    return this.variables()
  }

  /** Posterior mean and log-variance of `x` (`[n, inputSize]`). */
  encode(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const h = this.encoder.infer(x)
    return { mean: this.meanHead.infer(h), logVar: this.logVarHead.infer(h) }
  }

  /** Decoder output before the link function (logits for Bernoulli, means for Gaussian). */
  decodeRaw(z: tf.Tensor2D): tf.Tensor2D {
    return this.decoder.infer(z)
  }

  /** Decoded images: Bernoulli means (sigmoid of logits) or Gaussian means. */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    const raw = this.decodeRaw(z)
    return this.options.likelihood === 'bernoulli' ? tf.sigmoid(raw) : raw
  }

  /**
   * Loss of a batch given standard-normal noise `epsilon` (`[n, latentDim]`): reconstruction
   * negative log-likelihood plus β·KL(q(z|x) ‖ N(0, I)), each averaged over images.
   */
  loss(x: tf.Tensor2D, epsilon: tf.Tensor2D): VAELossTerms {
    const { mean, logVar } = this.encode(x)
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), epsilon)) as tf.Tensor2D
    const raw = this.decodeRaw(z)
    const reconstructionPerImage = this.reconstructionNLL(x, raw)
    const reconstruction = tf.mean(reconstructionPerImage) as tf.Scalar
    const kl = tf.mean(klDivergence(mean, logVar)) as tf.Scalar
    const total = tf.add(reconstruction, tf.mul(kl, this.options.beta)) as tf.Scalar
    return { total, reconstruction, kl }
  }

  /**
   * Log importance weights `log p(x|z) + log p(z) − log q(z|x)` of each row, with `z` drawn from
   * the encoder by the standard-normal noise `epsilon` (`[n, latentDim]`); `[n]`, nats.
   */
  importanceLogWeights(x: tf.Tensor2D, epsilon: tf.Tensor2D): tf.Tensor1D {
    const { mean, logVar } = this.encode(x)
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), epsilon)) as tf.Tensor2D
    const logLikelihood = tf.neg(this.reconstructionNLL(x, this.decodeRaw(z)))
    // log N(z; 0, I) − log N(z; μ, σ²): the 2π terms cancel, and (z − μ)/σ is epsilon.
    const logPrior = tf.mul(tf.sum(tf.square(z), 1), -0.5)
    const logPosterior = tf.mul(tf.sum(tf.add(tf.square(epsilon), logVar), 1), -0.5)
    return tf.add(logLikelihood, tf.sub(logPrior, logPosterior)) as tf.Tensor1D
  }

  /**
   * The loss of a batch and its exact gradients with respect to {@link VAENetwork.variables} (same
   * order), by an explicit backward pass. Needs no gradient registry (so the engine runs on plain
   * `@tensorflow/tfjs-core` in Node) and avoids transposed matrix products. A test checks it against
   * TF.js's automatic differentiation.
   */
  lossAndGradients(
    x: tf.Tensor2D,
    epsilon: tf.Tensor2D,
  ): { terms: VAELossTerms; gradients: tf.Tensor[] } {
    const batch = x.shape[0]
    const { beta, likelihood, observationNoise } = this.options
    const encoded = this.encoder.forward(x, false)
    const hidden = encoded.output
    const meanPass = this.meanHead.forward(hidden, false)
    const logVarPass = this.logVarHead.forward(hidden, false)
    const mean = meanPass.output
    const logVar = logVarPass.output
    const std = tf.exp(tf.mul(logVar, 0.5))
    const z = tf.add(mean, tf.mul(std, epsilon)) as tf.Tensor2D
    const decoded = this.decoder.forward(z, false)
    const raw = decoded.output
    const reconstruction = tf.mean(this.reconstructionNLL(x, raw)) as tf.Scalar
    const kl = tf.mean(klDivergence(mean, logVar)) as tf.Scalar
    const total = tf.add(reconstruction, tf.mul(kl, beta)) as tf.Scalar

    // d(mean loss)/d(raw output): Bernoulli (sigmoid(l) − x)/B, Gaussian (μ − x)/(σ²B).
    const gradRaw =
      likelihood === 'bernoulli'
        ? (tf.div(tf.sub(tf.sigmoid(raw), x), batch) as tf.Tensor2D)
        : (tf.div(tf.sub(raw, x), observationNoise * observationNoise * batch) as tf.Tensor2D)
    const decoder = decoded.backward(gradRaw, true)
    const gradZ = decoder.input as tf.Tensor2D
    // KL = −½Σ(1 + lv − μ² − e^lv): ∂/∂μ = μ, ∂/∂lv = ½(e^lv − 1); averaged over the batch.
    const gradMean = tf.add(gradZ, tf.mul(mean, beta / batch)) as tf.Tensor2D
    const gradLogVar = tf.add(
      tf.mul(tf.mul(gradZ, epsilon), tf.mul(std, 0.5)),
      tf.mul(tf.sub(tf.exp(logVar), 1), (0.5 * beta) / batch),
    ) as tf.Tensor2D
    const hasEncoder = this.options.hiddenUnits.length > 0
    const meanGrads = meanPass.backward(gradMean, hasEncoder)
    const logVarGrads = logVarPass.backward(gradLogVar, hasEncoder)
    const encoder = hasEncoder
      ? encoded.backward(
          tf.add(meanGrads.input as tf.Tensor2D, logVarGrads.input as tf.Tensor2D) as tf.Tensor2D,
          false,
        )
      : { grads: [] }
    return {
      terms: { total, reconstruction, kl },
      gradients: [...encoder.grads, ...meanGrads.grads, ...logVarGrads.grads, ...decoder.grads],
    }
  }

  private reconstructionNLL(x: tf.Tensor2D, raw: tf.Tensor2D): tf.Tensor1D {
    if (this.options.likelihood === 'bernoulli') {
      // −log p(x|z) for Bernoulli with logits l: softplus(l) − x·l, stable for large |l|.
      return tf.sum(tf.sub(tf.softplus(raw), tf.mul(x, raw)), 1) as tf.Tensor1D
    }
    const sigma = this.options.observationNoise
    const squared = tf.sum(tf.square(tf.sub(x, raw)), 1)
    const constant = this.inputSize * (Math.log(sigma) + 0.5 * LOG_2PI)
    return tf.add(tf.mul(squared, 0.5 / (sigma * sigma)), constant) as tf.Tensor1D
  }

  /** Frees every variable. */
  dispose(): void {
    this.encoder.dispose()
    this.meanHead.dispose()
    this.logVarHead.dispose()
    this.decoder.dispose()
  }
}

/** KL(N(mean, exp(logVar)) ‖ N(0, I)) per row, in nats: −½ Σ (1 + logVar − mean² − exp(logVar)). */
export function klDivergence(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  const inner = tf.sub(tf.sub(tf.add(logVar, 1), tf.square(mean)), tf.exp(logVar))
  return tf.mul(tf.sum(inner, 1), -0.5) as tf.Tensor1D
}
