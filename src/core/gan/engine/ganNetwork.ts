import * as tf from '@tensorflow/tfjs-core'
import { createStack } from '../../engine/dense'
import type { ImageShape } from '../../dataset'
import { createRandom, deriveSeed } from '../../random'
import { convDiscriminator, convGenerator } from './convGanStacks'
import { denseStack, type LayerStack } from '../../engine/layerStack'
import type { ResolvedGANModelOptions } from '../ganOptions'
import { infoCodeSize } from '../infoCodes'
import { informationTerm, weightedInformationGradient } from './infoTerm'

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
  /** InfoGAN: L_I on the batch (before the weight). */
  readonly informationLoss?: tf.Scalar
  /** InfoGAN with categorical codes: share of them Q recovers. */
  readonly codeAccuracy?: tf.Scalar
}

/** Values of an InfoGAN's codes (the Q head's outputs); 0 for a plain GAN. */
function codeSize(options: ResolvedGANModelOptions): number {
  return options.info ? infoCodeSize(options.info) : 0
}

function buildStacks(
  shape: ImageShape,
  options: ResolvedGANModelOptions,
): [generator: LayerStack, discriminator: LayerStack] {
  const random = createRandom(deriveSeed(options.seed, 11))
  if (options.architecture === 'conv') {
    return [
      convGenerator(shape, options.noiseDim, options.filters, options.output, random),
      convDiscriminator(shape, options.filters, random, 1 + codeSize(options)),
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
        1 + codeSize(options),
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
 * (Goodfellow et al., 2014), with gradients from an explicit backward pass. An InfoGAN's Q head is
 * more columns of the discriminator's last layer (the logit is column 0), so Q shares every hidden
 * layer with the discriminator. Methods returning tensors run inside `tf.tidy`.
 */
export class GANNetwork {
  readonly inputSize: number
  /** Values of the InfoGAN codes at the start of the noise (0 for a plain GAN). */
  readonly codeSize: number
  private readonly generator: LayerStack
  private readonly discriminator: LayerStack

  constructor(
    readonly shape: ImageShape,
    readonly options: ResolvedGANModelOptions,
  ) {
    this.inputSize = shape[0] * shape[1] * shape[2]
    this.codeSize = codeSize(options)
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
    const output = this.discriminator.infer(x)
    return this.codeSize > 0 ? this.logits(output) : output
  }

  /** InfoGAN: Q's outputs for samples `x` (a block of logits per categorical code, then means). */
  qOutputs(x: tf.Tensor2D): tf.Tensor2D {
    return this.qColumns(this.discriminator.infer(x))
  }

  private logits(output: tf.Tensor2D): tf.Tensor2D {
    return tf.slice(output, [0, 0], [output.shape[0], 1])
  }

  private qColumns(output: tf.Tensor2D): tf.Tensor2D {
    return tf.slice(output, [0, 1], [output.shape[0], this.codeSize])
  }

  private codes(z: tf.Tensor2D): tf.Tensor2D {
    return tf.slice(z, [0, 0], [z.shape[0], this.codeSize])
  }

  /**
   * The gradient at the discriminator's output: `gradLogits` in column 0, and for an InfoGAN the
   * weighted L_I gradient of rows `from…` (the generated ones) in the Q columns, over `batch`.
   */
  private outputGradient(
    gradLogits: tf.Tensor2D,
    output: tf.Tensor2D,
    z: tf.Tensor2D,
    from: number,
    batch: number,
  ): { gradient: tf.Tensor2D; term: ReturnType<typeof informationTerm> | undefined } {
    const info = this.options.info
    if (!info) return { gradient: gradLogits, term: undefined }
    const rows = output.shape[0]
    const q = tf.slice(this.qColumns(output), [from, 0], [rows - from, this.codeSize])
    const term = informationTerm(info, q, this.codes(z))
    let gradQ = weightedInformationGradient(info, term.gradient, batch)
    if (from > 0) gradQ = tf.concat([tf.zeros([from, this.codeSize]), gradQ])
    return { gradient: tf.concat([gradLogits, gradQ], 1), term }
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
    const logits = this.codeSize > 0 ? this.logits(judged.output) : judged.output
    const [real, generated] = tf.split(logits, [n, m]) as [tf.Tensor2D, tf.Tensor2D]
    const realLoss = tf.mean(tf.sub(tf.softplus(real), tf.mul(real, realLabel)))
    const fakeLoss = tf.mean(tf.softplus(generated))
    const realProbability = tf.sigmoid(real)
    const fakeProbability = tf.sigmoid(generated)
    // d BCE(l, y)/dl = sigmoid(l) − y, divided by each batch for its mean.
    const gradReal = tf.div(tf.sub(realProbability, realLabel), n)
    const gradFake = tf.div(fakeProbability, m)
    // InfoGAN: Q learns the codes of the generated rows, weighted as in the generator's loss.
    const { gradient } = this.outputGradient(
      tf.concat([gradReal, gradFake]) as tf.Tensor2D,
      judged.output,
      z,
      n,
      m,
    )
    return {
      // The GAN's part only: the history reports L_I apart (the generator's pass measures it).
      loss: tf.add(realLoss, fakeLoss) as tf.Scalar,
      realScore: tf.mean(realProbability) as tf.Scalar,
      fakeScore: tf.mean(fakeProbability) as tf.Scalar,
      gradients: judged.backward(gradient, false).grads,
    }
  }

  /**
   * Non-saturating generator loss `−log D(G(z))` (plus, for an InfoGAN, λ·L_I: the codes in `z` must
   * be recoverable by Q) and its gradients for the generator's variables.
   * Folds the batch's statistics into the generator's running ones unless `updateStatistics` is
   * false (a pass that only measures memory).
   */
  generatorPass(z: tf.Tensor2D, updateStatistics = true): GeneratorPass {
    const generated = this.generator.forward(z, updateStatistics)
    const judged = this.discriminator.forward(generated.output, false)
    const logits = this.codeSize > 0 ? this.logits(judged.output) : judged.output
    const ganLoss = tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar
    const gradLogits = tf.div(tf.sub(tf.sigmoid(logits), 1), z.shape[0]) as tf.Tensor2D
    const { gradient, term } = this.outputGradient(gradLogits, judged.output, z, 0, z.shape[0])
    const gradFake = judged.backward(gradient, true).input as tf.Tensor2D
    const gradients = generated.backward(gradFake, false).grads
    if (!term) return { loss: ganLoss, gradients }
    return {
      // The GAN's part only: L_I is reported apart.
      loss: ganLoss,
      gradients,
      informationLoss: term.loss,
      ...(term.accuracy ? { codeAccuracy: term.accuracy } : {}),
    }
  }

  /** Frees every variable. */
  dispose(): void {
    this.generator.dispose()
    this.discriminator.dispose()
  }
}
