import * as tf from '@tensorflow/tfjs-core'
import { AutoencoderNetwork } from '../../autoencoder/engine/autoencoderNetwork'
import type { ResolvedAutoencoderOptions } from '../../autoencoder/autoencoderOptions'
import { createRandom, deriveSeed } from '../../random'
import type { ResolvedHashingOptions } from '../hashingOptions'
import { BinaryCode } from './binaryCode'
import type { ReconstructionOutput } from '../../engine/reconstructionOutput'

/** What a hashing model's network offers: bits (0/1 floats) of image rows. */
export interface HashNetwork {
  readonly options: ResolvedHashingOptions
  readonly inputSize: number
  /** `[rows, bits]` of 0/1; runs inside `tf.tidy`. */
  bitsOf(x: tf.Tensor2D): tf.Tensor2D
  weights(): tf.Variable[]
  dispose(): void
}

/** The autoencoder options of a learned hashing network: a plain dense autoencoder, `bits` codes. */
function autoencoderOptions(options: ResolvedHashingOptions): ResolvedAutoencoderOptions {
  return {
    kind: 'plain',
    architecture: 'dense',
    codeSize: options.bits,
    hiddenUnits: options.hiddenUnits,
    corruption: 'gaussian',
    corruptionLevel: 0.05,
    sparsity: 0,
    seed: options.seed,
  }
}

/** Semantic hashing's network: the autoencoder family's dense network with a {@link BinaryCode}. */
export class LearnedHashNetwork implements HashNetwork {
  readonly code: BinaryCode
  readonly autoencoder: AutoencoderNetwork

  constructor(
    readonly inputSize: number,
    readonly options: ResolvedHashingOptions,
    output: ReconstructionOutput,
  ) {
    this.code = new BinaryCode(options.binarization, options.noise)
    this.autoencoder = new AutoencoderNetwork(
      inputSize,
      autoencoderOptions(options),
      output,
      this.code,
    )
  }

  bitsOf(x: tf.Tensor2D): tf.Tensor2D {
    return tf.cast(tf.greater(this.autoencoder.encode(x), 0.5), 'float32') as tf.Tensor2D
  }

  weights(): tf.Variable[] {
    return this.autoencoder.variables()
  }

  dispose(): void {
    this.autoencoder.dispose()
  }
}

/**
 * Locality-sensitive hashing (Charikar's random hyperplanes): bit `j` of an image is set when
 * `(x − mean) · w_j > 0`, with `w_j` seeded standard normal and `mean` the training data's mean image
 * (hyperplanes through the data's centre rather than the origin: pixels are all ≥ 0, so planes
 * through the origin would split them unevenly).
 */
export class LSHNetwork implements HashNetwork {
  private readonly planes: tf.Variable
  private readonly centre: tf.Variable

  constructor(
    readonly inputSize: number,
    readonly options: ResolvedHashingOptions,
  ) {
    const random = createRandom(deriveSeed(options.seed, 1))
    const planes = random.normals(inputSize * options.bits)
    // Variables keep copies: the initial tensors are freed inside the tidy.
    this.planes = tf.tidy(() => tf.variable(tf.tensor2d(planes, [inputSize, options.bits]), false))
    this.centre = tf.tidy(() => tf.variable(tf.zeros([1, inputSize]), false))
  }

  /** Sets the centre to the mean of `rows` (`[n, inputSize]` values). */
  centreOn(rows: Float32Array, count: number): void {
    const mean = new Float32Array(this.inputSize)
    for (let r = 0; r < count; r++) {
      for (let i = 0; i < this.inputSize; i++) {
        mean[i] = (mean[i] as number) + (rows[r * this.inputSize + i] as number) / count
      }
    }
    tf.tidy(() => this.centre.assign(tf.tensor2d(mean, [1, this.inputSize])))
  }

  bitsOf(x: tf.Tensor2D): tf.Tensor2D {
    const projected = tf.matMul(tf.sub(x, this.centre), this.planes)
    return tf.cast(tf.greater(projected, 0), 'float32') as tf.Tensor2D
  }

  weights(): tf.Variable[] {
    return [this.planes, this.centre]
  }

  dispose(): void {
    this.planes.dispose()
    this.centre.dispose()
  }
}
