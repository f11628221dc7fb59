/**
 * A stack of RBMs: one RBM, or a deep belief network whose layers are trained greedily. The bottom
 * layer sees the images (standardised per value for Gaussian units); each layer above sees the
 * hidden probabilities of the one below. Tensor methods run inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core'
import { createRandom, deriveSeed } from '../../random'
import type { NetworkWeight } from '../../engine/modelSnapshot'
import type { ModelNetwork } from '../../engine/trainableModel'
import type { ResolvedRBMOptions } from '../rbmOptions'
import { bernoulli, RBMLayer } from './rbmLayer'

/** Standardisation of Gaussian visible units: the training data's mean and deviation per value. */
export interface VisibleScaling {
  readonly mean: Float32Array
  readonly deviation: Float32Array
}

/**
 * Mean and deviation of each value of `rows` rows of `size` values; deviations below a tenth of
 * their mean are raised to it, so a value constant in training cannot blow up on new images.
 */
export function visibleScaling(data: Float32Array, rows: number, size: number): VisibleScaling {
  const mean = new Float64Array(size)
  const square = new Float64Array(size)
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < size; i++) {
      const value = data[r * size + i] as number
      mean[i] = (mean[i] as number) + value
      square[i] = (square[i] as number) + value * value
    }
  }
  const deviation = new Float32Array(size)
  for (let i = 0; i < size; i++) {
    const m = (mean[i] as number) / rows
    mean[i] = m
    deviation[i] = Math.sqrt(Math.max((square[i] as number) / rows - m * m, 0))
  }
  const floor = Math.max(deviation.reduce((sum, d) => sum + d, 0) / size / 10, 1e-6)
  return { mean: Float32Array.from(mean), deviation: deviation.map((d) => Math.max(d, floor)) }
}

/** The RBMs of a model, bottom first, with the bottom layer's scaling. */
export class RBMNetwork implements ModelNetwork {
  readonly layers: readonly RBMLayer[]
  private readonly shift: tf.Variable<tf.Rank.R1> | undefined
  private readonly scale: tf.Variable<tf.Rank.R1> | undefined

  constructor(
    readonly inputSize: number,
    readonly options: ResolvedRBMOptions,
  ) {
    const gaussian = options.visible === 'gaussian'
    const random = createRandom(deriveSeed(options.seed, 1))
    const sizes = [inputSize, ...options.layers]
    this.layers = options.layers.map(
      (hidden, i) => new RBMLayer(sizes[i] as number, hidden, gaussian && i === 0, random),
    )
    if (gaussian) {
      ;[this.shift, this.scale] = tf.tidy(
        () =>
          [
            tf.variable(tf.zeros([inputSize]), false),
            tf.variable(tf.ones([inputSize]), false),
          ] as const,
      )
    }
  }

  /** Sets the Gaussian units' standardisation (a first fit takes it from the training data). */
  setScaling(scaling: VisibleScaling): void {
    tf.tidy(() => {
      this.shift?.assign(tf.tensor1d(scaling.mean))
      this.scale?.assign(tf.tensor1d(scaling.deviation))
    })
  }

  /** The top RBM. */
  get top(): RBMLayer {
    return this.layers[this.layers.length - 1] as RBMLayer
  }

  /** Every trained variable, layer by layer. */
  variables(): tf.Variable[] {
    return this.layers.flatMap((layer) => layer.variables())
  }

  /** The trained variables, then the Gaussian scaling (not trained, saved with them). */
  weights(): readonly NetworkWeight[] {
    return [...this.variables(), ...(this.shift && this.scale ? [this.shift, this.scale] : [])]
  }

  /** The Gaussian units' standardisation as numbers; undefined for Bernoulli units. */
  scalingValues(): VisibleScaling | undefined {
    if (!this.shift || !this.scale) return undefined
    return {
      mean: this.shift.dataSync() as Float32Array,
      deviation: this.scale.dataSync() as Float32Array,
    }
  }

  /** Images as the bottom layer sees them (standardised for Gaussian units). */
  toVisible(images: tf.Tensor2D): tf.Tensor2D {
    return this.shift && this.scale ? tf.div(tf.sub(images, this.shift), this.scale) : images
  }

  /** Bottom-layer visible values back on the images' scale. */
  fromVisible(v: tf.Tensor2D): tf.Tensor2D {
    return this.shift && this.scale ? tf.add(tf.mul(v, this.scale), this.shift) : v
  }

  /** Values each layer takes per row: the image size, then every layer's hidden units but the top's. */
  inputSizeOf(layer: number): number {
    return layer === 0 ? this.inputSize : (this.options.layers[layer - 1] as number)
  }

  /** Images up to the input of layer `layer` (hidden probabilities of the layers below it). */
  upTo(images: tf.Tensor2D, layer: number): tf.Tensor2D {
    let x = this.toVisible(images)
    for (let i = 0; i < layer; i++) x = (this.layers[i] as RBMLayer).hiddenProbabilities(x)
    return x
  }

  /** Images up the whole network: the top layer's hidden probabilities. */
  transform(images: tf.Tensor2D): tf.Tensor2D {
    return this.top.hiddenProbabilities(this.upTo(images, this.layers.length - 1))
  }

  /** The top RBM's visible values down to images (mean-field through every lower layer). */
  downFrom(topVisible: tf.Tensor2D): tf.Tensor2D {
    let x = topVisible
    for (let i = this.layers.length - 2; i >= 0; i--) {
      x = (this.layers[i] as RBMLayer).visibleMeans(x)
    }
    return this.fromVisible(x)
  }

  /** Images up the network and back down, mean-field. */
  reconstruct(images: tf.Tensor2D): tf.Tensor2D {
    return this.downFrom(this.top.visibleMeans(this.transform(images)))
  }

  /**
   * Chains at the top RBM's visible layer, started from `start` (top-layer visible values, sampled
   * when binary) or from noise: uniform binary states, or standard normal for Gaussian units.
   */
  startChains(rows: number, seed: number, start?: tf.Tensor2D): tf.Tensor2D {
    const top = this.top
    if (start) return top.gaussian ? start : (bernoulli(start, seed) as tf.Tensor2D)
    const size = top.visibleUnits
    return top.gaussian
      ? tf.randomNormal([rows, size], 0, 1, 'float32', seed)
      : (bernoulli(tf.fill([rows, size], 0.5), seed) as tf.Tensor2D)
  }

  /**
   * One Gibbs step at the top RBM: h ~ p(h | v), then v ~ p(v | h). Returns the new visible state
   * and the means it was drawn from (what is shown).
   */
  gibbsStep(v: tf.Tensor2D, seed: () => number): { state: tf.Tensor2D; means: tf.Tensor2D } {
    const top = this.top
    const h = bernoulli(top.hiddenProbabilities(v), seed()) as tf.Tensor2D
    const means = top.visibleMeans(h)
    return { state: top.drawVisible(means, seed()), means }
  }

  dispose(): void {
    this.layers.forEach((layer) => layer.dispose())
    this.shift?.dispose()
    this.scale?.dispose()
  }
}
