import * as tf from '@tensorflow/tfjs-core'
import { createStack } from '../../engine/dense'
import type { ImageShape } from '../../dataset'
import { createRandom, deriveSeed } from '../../random'
import { convDiscriminator, convGenerator } from './convGanStacks'
import { denseStack, type LayerStack } from '../../engine/layerStack'
import type { ResolvedGANModelOptions } from '../ganOptions'

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

function buildStacks(
  shape: ImageShape,
  options: ResolvedGANModelOptions,
): [generator: LayerStack, discriminator: LayerStack] {
  const random = createRandom(deriveSeed(options.seed, 11))
  if (options.architecture === 'conv') {
    return [
      convGenerator(shape, options.noiseDim, options.filters, options.output, random),
      convDiscriminator(shape, options.filters, random),
    ]
  }
  const inputSize = shape[0] * shape[1] * shape[2]
  return [
    denseStack(
      createStack(
        options.noiseDim,
        options.generatorUnits,
        inputSize,
        'relu',
        options.output,
        random,
        'generator',
      ),
    ),
    denseStack(
      createStack(
        inputSize,
        options.discriminatorUnits,
        1,
        'leakyRelu',
        'linear',
        random,
        'discriminator',
      ),
    ),
  ]
}

/**
 * A GAN's two networks — dense, or DCGAN-style convolutional — and its non-saturating losses
 * (Goodfellow et al., 2014), with gradients from an explicit backward pass. Methods returning tensors
 * run inside `tf.tidy`.
 */
export class GANNetwork {
  readonly inputSize: number
  private readonly generator: LayerStack
  private readonly discriminator: LayerStack

  constructor(
    readonly shape: ImageShape,
    readonly options: ResolvedGANModelOptions,
  ) {
    this.inputSize = shape[0] * shape[1] * shape[2]
    ;[this.generator, this.discriminator] = buildStacks(shape, options)
  }

  /** Generator variables, in a stable order. */
  generatorVariables(): tf.Variable[] {
    return this.generator.variables()
  }

  /** Discriminator variables, in a stable order. */
  discriminatorVariables(): tf.Variable[] {
    return this.discriminator.variables()
  }

  /** Running statistics of both networks (not trained; restored with the weights). */
  statistics(): tf.Variable[] {
    return [...this.generator.statistics(), ...this.discriminator.statistics()]
  }

  /** What a snapshot saves: generator and discriminator variables, then running statistics. */
  weights(): tf.Variable[] {
    return [...this.generatorVariables(), ...this.discriminatorVariables(), ...this.statistics()]
  }

  /**
   * Generated samples for noise `z` (`[n, noiseDim]`). `training` normalises by the batch's own
   * statistics, as the training passes do; by default the running ones are used.
   */
  generate(z: tf.Tensor2D, training = false): tf.Tensor2D {
    return training ? this.generator.forward(z, false).output : this.generator.infer(z)
  }

  /** Discriminator logits for samples `x`. */
  discriminate(x: tf.Tensor2D): tf.Tensor2D {
    return this.discriminator.infer(x)
  }

  /**
   * Discriminator loss `BCE(D(x), realLabel) + BCE(D(G(z)), 0)` (batch means) and its gradients with
   * respect to {@link GANNetwork.discriminatorVariables}.
   */
  discriminatorPass(x: tf.Tensor2D, z: tf.Tensor2D, realLabel: number): DiscriminatorPass {
    const fake = this.generate(z, true)
    const n = x.shape[0]
    const m = fake.shape[0]
    // One pass over real and generated rows together: the discriminator has no batch statistics,
    // so this equals two passes, with half the operations.
    const judged = this.discriminator.forward(tf.concat([x, fake]), false)
    const [real, generated] = tf.split(judged.output, [n, m]) as [tf.Tensor2D, tf.Tensor2D]
    const realLoss = tf.mean(tf.sub(tf.softplus(real), tf.mul(real, realLabel)))
    const fakeLoss = tf.mean(tf.softplus(generated))
    const realProbability = tf.sigmoid(real)
    const fakeProbability = tf.sigmoid(generated)
    // d BCE(l, y)/dl = sigmoid(l) − y, divided by each batch for its mean.
    const gradReal = tf.div(tf.sub(realProbability, realLabel), n)
    const gradFake = tf.div(fakeProbability, m)
    return {
      loss: tf.add(realLoss, fakeLoss) as tf.Scalar,
      realScore: tf.mean(realProbability) as tf.Scalar,
      fakeScore: tf.mean(fakeProbability) as tf.Scalar,
      gradients: judged.backward(tf.concat([gradReal, gradFake]) as tf.Tensor2D, false).grads,
    }
  }

  /**
   * Non-saturating generator loss `−log D(G(z))` and its gradients for the generator's variables.
   * Folds the batch's statistics into the generator's running ones unless `updateStatistics` is
   * false (a pass that only measures memory).
   */
  generatorPass(z: tf.Tensor2D, updateStatistics = true): GeneratorPass {
    const generated = this.generator.forward(z, updateStatistics)
    const judged = this.discriminator.forward(generated.output, false)
    const loss = tf.mean(tf.softplus(tf.neg(judged.output))) as tf.Scalar
    const gradLogits = tf.div(tf.sub(tf.sigmoid(judged.output), 1), z.shape[0]) as tf.Tensor2D
    const gradFake = judged.backward(gradLogits, true).input as tf.Tensor2D
    return { loss, gradients: generated.backward(gradFake, false).grads }
  }

  /** Frees every variable. */
  dispose(): void {
    this.generator.dispose()
    this.discriminator.dispose()
  }
}
