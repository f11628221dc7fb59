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
  type JudgedBatch,
} from './fusedGANTrainerBase'
import type { ResolvedGANModelOptions } from '../ganOptions'

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
 * non-saturating losses, gradients and Adam updates as {@link GANNetwork}'s passes and
 * `tf.train.adam(rate, β1)` (tests check them).
 */
export class FusedGANTrainer extends FusedGANTrainerBase {
  protected readonly generator: FusedDenseNet
  protected readonly discriminator: FusedDenseNet
  private readonly x: number
  private readonly z: number
  private readonly labels: number
  private readonly zeros: number
  private readonly ones: number
  private readonly gradLogits: number
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
    const discriminatorSizes = [inputSize, ...discriminatorUnits, 1]
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
    this.gradLogits = memory.alloc(maxBatch)
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

  /** Gradients of both passes, without updating anything, for checks. */
  gradients(
    generatorVariables: readonly tf.Variable[],
    discriminatorVariables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
    discriminatorNoise: Float32Array,
    generatorNoise: Float32Array,
    realLabel: number,
  ): { discriminator: Float32Array[]; generator: Float32Array[]; discriminatorLoss: number } {
    const batch = this.load(generatorVariables, discriminatorVariables, data, rows)
    const judged = this.discriminatorGradients(discriminatorNoise, batch, realLabel)
    const discriminator = this.discriminator.gradients()
    this.generatorGradients(generatorNoise, batch)
    return { discriminator, generator: this.generator.gradients(), discriminatorLoss: judged.loss }
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

  /** BCE(D(x), realLabel) + BCE(D(G(z)), 0) and the discriminator's gradients (summed over both). */
  protected discriminatorGradients(z: Float32Array, batch: number, realLabel: number): JudgedBatch {
    const { generator, discriminator } = this
    const { k, memory } = discriminator
    memory.view(this.z, z.length).set(z)
    const fake = generator.forwardStack(generator.layers, this.z, batch)
    memory.view(this.labels, batch).fill(realLabel)
    let logits = discriminator.forwardStack(discriminator.layers, this.x, batch)
    const realLoss = k.bernoulliLoss(logits, this.labels, this.gradLogits, batch, 1 / batch)
    // The gradient is (sigmoid(l) − label)/batch: the mean probability follows from it.
    const realScore = meanOf(memory.view(this.gradLogits, batch)) * batch + realLabel
    discriminator.backwardStack(
      discriminator.layers,
      this.x,
      this.gradLogits,
      undefined,
      this.discriminatorScratch,
      batch,
    )
    logits = discriminator.forwardStack(discriminator.layers, fake, batch)
    const fakeLoss = k.bernoulliLoss(logits, this.zeros, this.gradLogits, batch, 1 / batch)
    const fakeScore = meanOf(memory.view(this.gradLogits, batch)) * batch
    discriminator.backwardStack(
      discriminator.layers,
      fake,
      this.gradLogits,
      undefined,
      this.discriminatorScratch,
      batch,
      true,
    )
    return { loss: (realLoss + fakeLoss) / batch, realScore, fakeScore }
  }

  /** −log D(G(z)) and the generator's gradients (through the discriminator, whose own are discarded). */
  protected generatorGradients(z: Float32Array, batch: number): number {
    const { generator, discriminator } = this
    const { k, memory } = generator
    memory.view(this.z, z.length).set(z)
    const fake = generator.forwardStack(generator.layers, this.z, batch)
    const logits = discriminator.forwardStack(discriminator.layers, fake, batch)
    const loss = k.bernoulliLoss(logits, this.ones, this.gradLogits, batch, 1 / batch) / batch
    discriminator.backwardStack(
      discriminator.layers,
      fake,
      this.gradLogits,
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
    return loss
  }
}

function meanOf(values: Float32Array): number {
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}
