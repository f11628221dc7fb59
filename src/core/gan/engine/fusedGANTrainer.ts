import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import { gatherRows } from '../../dataset'
import {
  FusedDenseNet,
  type FusedActivation,
  type FusedLayerSpec,
} from '../../engine/fusedDenseNet'
import {
  FusedGANTrainerBase,
  type FusedGANSettings,
  type FusedGANStep,
  type GeneratorLoss,
  type JudgedBatch,
} from './fusedGANTrainerBase'
import type { ResolvedGANModelOptions } from '../ganOptions'
import { DiscriminatorOutput } from './discriminatorOutput'

function stackSpecs(
  sizes: readonly number[],
  hidden: FusedActivation,
  output: FusedActivation,
): FusedLayerSpec[] {
  return sizes.slice(1).map((units, i) => ({
    inputs: sizes[i] as number,
    units,
    activation: i === sizes.length - 2 ? output : hidden,
  }))
}

/**
 * The dense GAN's training step in latentkit's WebAssembly kernels: discriminator updates on a real
 * and a generated batch, then a generator update through the discriminator, with the same
 * non-saturating losses (and an InfoGAN's L_I through the Q head), gradients and Adam updates as
 * {@link GANNetwork}'s passes and `tf.train.adam(rate, β1)` (tests check them).
 */
export class FusedGANTrainer extends FusedGANTrainerBase {
  protected readonly generator: FusedDenseNet
  protected readonly discriminator: FusedDenseNet
  private readonly x: number
  private readonly z: number
  private readonly labels: number
  private readonly zeros: number
  private readonly ones: number
  /** The logit (and an InfoGAN's Q head beside it): losses and the gradient at the output. */
  private readonly output: DiscriminatorOutput
  private readonly gradFake: number
  private readonly generatorScratch: [number, number]
  private readonly discriminatorScratch: [number, number]
  constructor(
    memory: KernelMemory,
    private readonly inputSize: number,
    private readonly options: ResolvedGANModelOptions,
    maxBatch: number,
  ) {
    super()
    const { noiseDim, generatorUnits, discriminatorUnits, output } = options
    const generatorSizes = [noiseDim, ...generatorUnits, inputSize]
    this.output = new DiscriminatorOutput(memory, options.info, noiseDim, maxBatch)
    const discriminatorSizes = [inputSize, ...discriminatorUnits, this.output.units]
    this.generator = new FusedDenseNet(memory, stackSpecs(generatorSizes, 'relu', output), maxBatch)
    this.discriminator = new FusedDenseNet(
      memory,
      stackSpecs(discriminatorSizes, 'leakyRelu', 'linear'),
      maxBatch,
    )
    this.x = memory.alloc(maxBatch * inputSize)
    this.z = memory.alloc(maxBatch * noiseDim)
    this.labels = memory.alloc(maxBatch)
    this.zeros = memory.alloc(maxBatch)
    this.ones = memory.alloc(maxBatch)
    memory.view(this.ones, maxBatch).fill(1)
    this.gradFake = memory.alloc(maxBatch * inputSize)
    const widest = (sizes: number[]) => maxBatch * Math.max(...sizes)
    this.generatorScratch = [
      memory.alloc(widest(generatorSizes)),
      memory.alloc(widest(generatorSizes)),
    ]
    this.discriminatorScratch = [
      memory.alloc(widest(discriminatorSizes)),
      memory.alloc(widest(discriminatorSizes)),
    ]
  }

  /**
   * One training step on `rows` of `data`: a discriminator update per noise batch but the last, then a
   * generator update with the last (`noise` holds `discriminatorSteps + 1` batches of
   * `rows.length × noiseDim` normals). Updates the TF.js variables of both networks.
   */
  step(
    generatorVariables: readonly tf.Variable[],
    discriminatorVariables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
    noise: readonly Float32Array[],
    settings: FusedGANSettings,
  ): FusedGANStep {
    return this.runStep(generatorVariables, discriminatorVariables, data, rows, noise, settings)
  }

  /** Generator output for `z` (`rows × noiseDim`, rows ≤ maxBatch), copied out. */
  generate(generatorVariables: readonly tf.Variable[], z: Float32Array): Float32Array {
    const rows = z.length / this.options.noiseDim
    this.generator.readWeights(generatorVariables)
    this.generator.memory.view(this.z, z.length).set(z)
    const out = this.generator.forwardStack(this.generator.layers, this.z, rows)
    return this.generator.memory.view(out, rows * this.inputSize).slice()
  }

  /** Reads in both networks' weights (where changed) and the real batch; returns its size. */
  protected load(
    generatorVariables: readonly tf.Variable[],
    discriminatorVariables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
  ): number {
    this.generator.readWeights(generatorVariables)
    this.discriminator.readWeights(discriminatorVariables)
    gatherRows(
      this.generator.memory.view(this.x, rows.length * this.inputSize),
      data,
      rows,
      this.inputSize,
    )
    return rows.length
  }

  /**
   * BCE(D(x), realLabel) + BCE(D(G(z)), 0) and the discriminator's gradients (summed over both; an
   * InfoGAN's Q head learns the generated rows' codes).
   */
  protected discriminatorGradients(z: Float32Array, batch: number, realLabel: number): JudgedBatch {
    const { generator, discriminator, output } = this
    const { memory } = discriminator
    memory.view(this.z, z.length).set(z)
    const fake = generator.forwardStack(generator.layers, this.z, batch)
    memory.view(this.labels, batch).fill(realLabel)
    let judged = discriminator.forwardStack(discriminator.layers, this.x, batch)
    const realLoss = output.judge(judged, this.labels, batch, 1 / batch).loss
    // The gradient is (sigmoid(l) − label)/batch: the mean probability follows from it.
    const realScore = meanOf(memory.view(output.gradLogits, batch)) * batch + realLabel
    discriminator.backwardStack(
      discriminator.layers,
      this.x,
      output.gradient,
      undefined,
      this.discriminatorScratch,
      batch,
    )
    judged = discriminator.forwardStack(discriminator.layers, fake, batch)
    const fakeLoss = output.judge(judged, this.zeros, batch, 1 / batch, { z, from: 0 }).loss
    const fakeScore = meanOf(memory.view(output.gradLogits, batch)) * batch
    discriminator.backwardStack(
      discriminator.layers,
      fake,
      output.gradient,
      undefined,
      this.discriminatorScratch,
      batch,
      true,
    )
    return { loss: (realLoss + fakeLoss) / batch, realScore, fakeScore }
  }

  /**
   * −log D(G(z)) (plus an InfoGAN's λ·L_I) and the generator's gradients (through the discriminator,
   * whose own are discarded).
   */
  protected generatorGradients(z: Float32Array, batch: number): GeneratorLoss {
    const { generator, discriminator, output } = this
    const { memory } = generator
    memory.view(this.z, z.length).set(z)
    const fake = generator.forwardStack(generator.layers, this.z, batch)
    const judged = discriminator.forwardStack(discriminator.layers, fake, batch)
    const { loss, information } = output.judge(judged, this.ones, batch, 1 / batch, { z, from: 0 })
    discriminator.backwardStack(
      discriminator.layers,
      fake,
      output.gradient,
      this.gradFake,
      this.discriminatorScratch,
      batch,
    )
    generator.backwardStack(
      generator.layers,
      this.z,
      this.gradFake,
      undefined,
      this.generatorScratch,
      batch,
    )
    return { loss: loss / batch, information }
  }
}

function meanOf(values: Float32Array): number {
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}
