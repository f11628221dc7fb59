import * as tf from '@tensorflow/tfjs-core'
import {
  backpropStack,
  createStack,
  disposeLayers,
  forwardStack,
  layerVariables,
  stackOutput,
  type DenseLayer,
} from '../dense'
import { createRandom, deriveSeed } from '../random'
import type { ResolvedGANModelOptions } from './ganOptions'

/** Result of one discriminator update's forward and backward pass. */
export interface DiscriminatorPass {
  readonly loss: tf.Scalar
  readonly realScore: tf.Scalar
  readonly fakeScore: tf.Scalar
  readonly gradients: tf.Tensor[]
}

/** Result of one generator update's forward and backward pass. */
export interface GeneratorPass {
  readonly loss: tf.Scalar
  readonly gradients: tf.Tensor[]
}

/**
 * A dense GAN: generator `noise → hidden (ReLU)… → data` and discriminator
 * `data → hidden (leaky ReLU)… → logit`. Losses are the non-saturating ones of Goodfellow et al.
 * (2014); gradients come from an explicit backward pass. Methods returning tensors run inside `tf.tidy`.
 */
export class GANNetwork {
  readonly inputSize: number
  readonly options: ResolvedGANModelOptions
  private readonly generator: DenseLayer[]
  private readonly discriminator: DenseLayer[]

  constructor(inputSize: number, options: ResolvedGANModelOptions) {
    this.inputSize = inputSize
    this.options = options
    const random = createRandom(deriveSeed(options.seed, 11))
    this.generator = createStack(
      options.noiseDim,
      options.generatorUnits,
      inputSize,
      'relu',
      options.output,
      random,
      'generator',
    )
    this.discriminator = createStack(
      inputSize,
      options.discriminatorUnits,
      1,
      'leakyRelu',
      'linear',
      random,
      'discriminator',
    )
  }

  /** Generator variables, in a stable order. */
  generatorVariables(): tf.Variable[] {
    return layerVariables(this.generator)
  }

  /** Discriminator variables, in a stable order. */
  discriminatorVariables(): tf.Variable[] {
    return layerVariables(this.discriminator)
  }

  /** Generated samples for noise `z` (`[n, noiseDim]`). */
  generate(z: tf.Tensor2D): tf.Tensor2D {
    return stackOutput(forwardStack(this.generator, z), z)
  }

  /** Discriminator logits for samples `x`. */
  discriminate(x: tf.Tensor2D): tf.Tensor2D {
    return stackOutput(forwardStack(this.discriminator, x), x)
  }

  /**
   * Discriminator loss `BCE(D(x), realLabel) + BCE(D(G(z)), 0)` (batch means) and its gradients with
   * respect to {@link GANNetwork.discriminatorVariables}.
   */
  discriminatorPass(x: tf.Tensor2D, z: tf.Tensor2D, realLabel: number): DiscriminatorPass {
    const fake = this.generate(z)
    const realTraces = forwardStack(this.discriminator, x)
    const fakeTraces = forwardStack(this.discriminator, fake)
    const realLogits = stackOutput(realTraces, x)
    const fakeLogits = stackOutput(fakeTraces, fake)
    const realLoss = tf.mean(tf.sub(tf.softplus(realLogits), tf.mul(realLogits, realLabel)))
    const fakeLoss = tf.mean(tf.softplus(fakeLogits))
    const realProbability = tf.sigmoid(realLogits)
    const fakeProbability = tf.sigmoid(fakeLogits)
    // d BCE(l, y)/dl = sigmoid(l) − y, divided by the batch for the mean.
    const gradReal = tf.div(tf.sub(realProbability, realLabel), x.shape[0]) as tf.Tensor2D
    const gradFake = tf.div(fakeProbability, fake.shape[0]) as tf.Tensor2D
    const fromReal = backpropStack(this.discriminator, realTraces, gradReal, false).grads
    const fromFake = backpropStack(this.discriminator, fakeTraces, gradFake, false).grads
    return {
      loss: tf.add(realLoss, fakeLoss) as tf.Scalar,
      realScore: tf.mean(realProbability) as tf.Scalar,
      fakeScore: tf.mean(fakeProbability) as tf.Scalar,
      gradients: fromReal.map((g, i) => tf.add(g, fromFake[i] as tf.Tensor)),
    }
  }

  /** Non-saturating generator loss `−log D(G(z))` and its gradients for the generator's variables. */
  generatorPass(z: tf.Tensor2D): GeneratorPass {
    const generatorTraces = forwardStack(this.generator, z)
    const fake = stackOutput(generatorTraces, z)
    const discriminatorTraces = forwardStack(this.discriminator, fake)
    const logits = stackOutput(discriminatorTraces, fake)
    const loss = tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar
    const gradLogits = tf.div(tf.sub(tf.sigmoid(logits), 1), z.shape[0]) as tf.Tensor2D
    const gradFake = backpropStack(this.discriminator, discriminatorTraces, gradLogits, true)
      .input as tf.Tensor2D
    return {
      loss,
      gradients: backpropStack(this.generator, generatorTraces, gradFake, false).grads,
    }
  }

  /** Frees every variable. */
  dispose(): void {
    disposeLayers([...this.generator, ...this.discriminator])
  }
}
