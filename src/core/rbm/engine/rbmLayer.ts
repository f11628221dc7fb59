/**
 * One restricted Boltzmann machine on TF.js: binary hidden units over binary (Bernoulli) or
 * unit-variance Gaussian visible units. Energy `E(v, h) = −b·v − c·h − vᵀWh` (Bernoulli) or
 * `½‖v − b‖² − c·h − vᵀWh` (Gaussian). The methods that return tensors run inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Random } from '../../random'
import { normalsInto, uniformsInto } from './rbmDraws'

/** Binary states drawn with probabilities `p` (seeded). */
export function bernoulli(p: tf.Tensor, seed: number): tf.Tensor {
  return tf.cast(tf.less(tf.randomUniform(p.shape, 0, 1, 'float32', seed), p), 'float32')
}

/**
 * Binary states drawn with probabilities `p` from the uniforms of `seed` ({@link uniformsInto}): the
 * draws of a training step, the same numbers the fused WebAssembly step uses.
 */
export function trainingBernoulli(p: tf.Tensor2D, seed: number): tf.Tensor2D {
  const uniforms = tf.tensor2d(uniformsInto(new Float32Array(p.size), seed), p.shape)
  return tf.cast(tf.less(uniforms, p), 'float32') as tf.Tensor2D
}

/** What a contrastive-divergence step needs besides the batch. */
export interface ContrastiveStep {
  /** Step size on the batch's mean gradient. */
  readonly learningRate: number
  readonly momentum: number
  readonly weightDecay: number
  /** Gibbs steps of the negative phase. */
  readonly gibbsSteps: number
  /** Hidden states the negative chains start from (PCD's kept chains; CD's sampled batch when absent). */
  readonly chains: tf.Tensor2D | undefined
  /** A new seed for each random draw. */
  readonly seed: () => number
}

/** What a contrastive-divergence step leaves: the chains' hidden states and the batch's measures. */
export interface ContrastiveResult {
  /** The negative chains' last hidden states (binary), to persist for PCD. */
  readonly chains: tf.Tensor2D
  /** Squared error per row of the mean-field reconstruction of the batch, `[]`. */
  readonly reconstruction: tf.Scalar
}

/** One RBM's variables and its conditional distributions. */
export class RBMLayer {
  /** `[visible, hidden]`. */
  readonly weights: tf.Variable<tf.Rank.R2>
  readonly hiddenBias: tf.Variable<tf.Rank.R1>
  readonly visibleBias: tf.Variable<tf.Rank.R1>
  private velocities: tf.Tensor[] | undefined

  /** Weights drawn from N(0, 0.01²), biases zero (as scikit-learn and Hinton's guide). */
  constructor(
    readonly visibleUnits: number,
    readonly hiddenUnits: number,
    readonly gaussian: boolean,
    random: Random,
  ) {
    const w = random.normals(visibleUnits * hiddenUnits).map((x) => 0.01 * x)
    // Inside tidy so the initial-value tensors are freed; variables outlive the scope.
    ;[this.weights, this.hiddenBias, this.visibleBias] = tf.tidy(
      () =>
        [
          tf.variable(tf.tensor2d(w, [visibleUnits, hiddenUnits])),
          tf.variable(tf.zeros([hiddenUnits])),
          tf.variable(tf.zeros([visibleUnits])),
        ] as const,
    )
  }

  /** The trained variables, in snapshot order. */
  variables(): tf.Variable[] {
    return [this.weights, this.hiddenBias, this.visibleBias]
  }

  /** Hidden pre-activations `vW + c`, `[rows, hidden]`. */
  hiddenInput(v: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(v, this.weights), this.hiddenBias)
  }

  /** p(h = 1 | v), `[rows, hidden]`. */
  hiddenProbabilities(v: tf.Tensor2D): tf.Tensor2D {
    return tf.sigmoid(this.hiddenInput(v))
  }

  /** E[v | h]: probabilities (Bernoulli) or means (Gaussian), `[rows, visible]`. */
  visibleMeans(h: tf.Tensor2D): tf.Tensor2D {
    const input = tf.add<tf.Tensor2D>(tf.matMul(h, this.weights, false, true), this.visibleBias)
    return this.gaussian ? input : tf.sigmoid(input)
  }

  /** A draw of v around `means` (from {@link RBMLayer.visibleMeans}). */
  drawVisible(means: tf.Tensor2D, seed: number): tf.Tensor2D {
    return (
      this.gaussian
        ? tf.add(means, tf.randomNormal(means.shape, 0, 1, 'float32', seed))
        : bernoulli(means, seed)
    ) as tf.Tensor2D
  }

  /** Free energy `F(v) = −log Σ_h exp(−E(v, h))` of each row, `[rows]`. */
  freeEnergy(v: tf.Tensor2D): tf.Tensor1D {
    const hidden = tf.sum(tf.softplus(this.hiddenInput(v)), 1)
    const visible = this.gaussian
      ? tf.mul(0.5, tf.sum(tf.square(tf.sub(v, this.visibleBias)), 1))
      : tf.neg(tf.sum(tf.mul(v, this.visibleBias), 1))
    return tf.sub(visible, hidden) as tf.Tensor1D
  }

  /**
   * scikit-learn's stochastic pseudo-log-likelihood of each row: one value per row (where `flip`,
   * `[rows, visible]`, holds its single 1) flipped to `1 − v`, then `−D · softplus(F(v) − F(ṽ))`.
   * Binary visible units only.
   */
  pseudoLikelihood(v: tf.Tensor2D, flip: tf.Tensor2D): tf.Tensor1D {
    const flipped = tf.add(v, tf.mul(flip, tf.sub(1, tf.mul(2, v)))) as tf.Tensor2D
    const gap = tf.sub(this.freeEnergy(v), this.freeEnergy(flipped))
    return tf.mul(-this.visibleUnits, tf.softplus(gap)) as tf.Tensor1D
  }

  /**
   * One contrastive-divergence update on the batch `v` (CD-k, or PCD-k from `step.chains`), with
   * momentum and weight decay: `W += ε (⟨vhᵀ⟩_data − ⟨vhᵀ⟩_model − λW)`, each average over its rows.
   * Runs inside `tf.tidy`; the velocities it keeps survive it.
   */
  contrastiveDivergence(v: tf.Tensor2D, step: ContrastiveStep): ContrastiveResult {
    const positive = this.hiddenProbabilities(v)
    let chains = step.chains ?? trainingBernoulli(positive, step.seed())
    let negativeVisible = v
    let negativeHidden = positive
    for (let k = 0; k < step.gibbsSteps; k++) {
      const means = this.visibleMeans(chains)
      const seed = step.seed()
      negativeVisible = this.gaussian
        ? tf.add(means, tf.tensor2d(normalsInto(new Float32Array(means.size), seed), means.shape))
        : trainingBernoulli(means, seed)
      negativeHidden = this.hiddenProbabilities(negativeVisible)
      chains = trainingBernoulli(negativeHidden, step.seed())
    }
    const rows = v.shape[0]
    const chainRows = negativeVisible.shape[0]
    const gradients = [
      tf.sub(
        tf.div(tf.matMul(v, positive, true, false), rows),
        tf.div(tf.matMul(negativeVisible, negativeHidden, true, false), chainRows),
      ),
      tf.sub(tf.mean(positive, 0), tf.mean(negativeHidden, 0)),
      tf.sub(tf.mean(v, 0), tf.mean(negativeVisible, 0)),
    ]
    if (step.weightDecay > 0) {
      gradients[0] = tf.sub(gradients[0] as tf.Tensor, tf.mul(step.weightDecay, this.weights))
    }
    this.applyUpdate(gradients, step)
    const rebuilt = this.visibleMeans(positive)
    const reconstruction = tf.div(tf.sum(tf.square(tf.sub(v, rebuilt))), rows) as tf.Scalar
    return { chains, reconstruction }
  }

  /** `Δ = μΔ + ε·gradient`, `θ += Δ`; the velocities are kept (out of the enclosing tidy). */
  private applyUpdate(gradients: readonly tf.Tensor[], step: ContrastiveStep): void {
    const updates = gradients.map((gradient, i) => {
      const scaled = tf.mul(step.learningRate, gradient)
      const previous = this.velocities?.[i]
      return step.momentum > 0 && previous
        ? tf.add(tf.mul(step.momentum, previous), scaled)
        : scaled
    })
    this.variables().forEach((variable, i) =>
      variable.assign(tf.add(variable, updates[i] as tf.Tensor)),
    )
    if (step.momentum > 0) {
      this.velocities?.forEach((velocity) => velocity.dispose())
      this.velocities = updates.map((update) => tf.keep(update))
    }
  }

  /** Forgets the momentum (a new training run starts without it). */
  resetMomentum(): void {
    this.velocities?.forEach((velocity) => velocity.dispose())
    this.velocities = undefined
  }

  /** Frees every tensor. */
  dispose(): void {
    this.resetMomentum()
    this.variables().forEach((variable) => variable.dispose())
  }
}
