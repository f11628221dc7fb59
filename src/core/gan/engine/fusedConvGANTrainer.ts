import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import { gatherRows, type ImageShape } from '../../dataset'
import {
  ACTIVATION_CODE,
  FusedDenseNet,
  type FusedLayer,
  type FusedLayerSpec,
} from '../../engine/fusedDenseNet'
import {
  convBackward,
  convForward,
  convGeometry,
  panelValues,
  patchValues,
  transposedConvBackward,
  transposedConvForward,
  type ConvGeometry,
  type ConvScratch,
} from '../../kernels/convKernels'
import { KernelVariables } from '../../engine/kernelVariables'
import type { ResolvedGANModelOptions } from '../ganOptions'
import { DiscriminatorOutput } from './discriminatorOutput'
import {
  FusedGANTrainerBase,
  type FusedGANSettings,
  type FusedGANStep,
  type GeneratorLoss,
  type JudgedBatch,
} from './fusedGANTrainerBase'

const KERNEL = 4
const STRIDE = 2
/** batchNorm.ts's variance floor and running-average momentum (the generator's layers use both). */
const BN_EPSILON = 1e-5
const BN_MOMENTUM = 0.9

/** One batch normalisation's per-channel batch statistics and its normalised values. */
interface NormBuffers {
  readonly mean: number
  readonly variance: number
  readonly invStd: number
  readonly normalised: number
}

/**
 * The convolutional GAN's training step (convGanStacks.ts: the DCGAN generator with batch
 * normalisation, the leaky-ReLU convolutional discriminator) in latentkit's WebAssembly kernels:
 * discriminator updates on a real and a generated batch, then a generator update through the
 * discriminator, equal to {@link GANNetwork}'s passes followed by `tf.train.adam(rate, β1)` (tests
 * check them). The generator's running statistics are folded in as its TF.js pass folds them (in the
 * generator update only) and written back to their variables after every step, so sampling sees them.
 *
 * Weights, gradients and moments sit in one {@link FusedDenseNet} per network: a convolution's kernel
 * is its (k·k·in)×out matrix in TF.js's layout, a batch normalisation's scale and shift a 1×C "layer".
 */
export class FusedConvGANTrainer extends FusedGANTrainerBase {
  protected readonly generator: FusedDenseNet
  protected readonly discriminator: FusedDenseNet
  private readonly inputSize: number
  private readonly noiseDim: number
  /** Real rows, then generated ones: the discriminator judges both in one pass, as TF.js does. */
  private readonly pair: number
  private readonly z: number
  private readonly labels: number
  private readonly ones: number
  /** The logit (and an InfoGAN's Q head beside it): losses and the gradient at the output. */
  private readonly output: DiscriminatorOutput
  private readonly gradImage: number
  /** The generator's two normalisations, and its activations and gradients. */
  private readonly norms: [NormBuffers, NormBuffers]
  private readonly projectedOut: number
  private readonly deconvOut: number
  private readonly normOut: [number, number]
  private readonly gradNorm: [number, number]
  /** The discriminator's two convolutions' outputs and gradients. */
  private readonly convOut: [number, number]
  private readonly gradConv: [number, number]
  private readonly statistics: KernelVariables
  private readonly scratch: ConvScratch
  /**
   * The discriminator's convolutions' own patch matrices (with the shared panel): the forward pass
   * leaves them for the backward pass, which then need not build them again.
   */
  private readonly judgeScratch: [ConvScratch, ConvScratch]
  constructor(
    memory: KernelMemory,
    private readonly shape: ImageShape,
    private readonly options: ResolvedGANModelOptions,
    maxBatch: number,
  ) {
    super()
    const [h, w, c] = shape
    const { noiseDim, filters: f, output } = options
    const quarter = (h / 4) * (w / 4)
    const half = (h / 2) * (w / 2)
    const area = KERNEL * KERNEL
    this.inputSize = h * w * c
    this.noiseDim = noiseDim
    const norm = (channels: number): FusedLayerSpec => ({
      inputs: 1,
      units: channels,
      activation: 'relu',
    })
    // A transposed kernel [k, k, out, in] has as many values as the spec (k·k·in)×out, and its bias
    // `out`: the specs size the buffers, the convolution functions read the layout.
    this.generator = new FusedDenseNet(
      memory,
      [
        { inputs: noiseDim, units: quarter * 2 * f, activation: 'linear' },
        norm(2 * f),
        { inputs: area * 2 * f, units: f, activation: 'linear' },
        norm(f),
        { inputs: area * f, units: c, activation: output },
      ],
      maxBatch,
    )
    this.output = new DiscriminatorOutput(memory, options.info, noiseDim, 2 * maxBatch)
    this.discriminator = new FusedDenseNet(
      memory,
      [
        { inputs: area * c, units: f, activation: 'leakyRelu' },
        { inputs: area * f, units: 2 * f, activation: 'leakyRelu' },
        { inputs: quarter * 2 * f, units: this.output.units, activation: 'linear' },
      ],
      2 * maxBatch,
    )
    const buffers = (channels: number, rows: number): NormBuffers => ({
      mean: memory.alloc(channels),
      variance: memory.alloc(channels),
      invStd: memory.alloc(channels),
      normalised: memory.alloc(rows * channels),
    })
    this.norms = [buffers(2 * f, maxBatch * quarter), buffers(f, maxBatch * half)]
    this.projectedOut = memory.alloc(maxBatch * quarter * 2 * f)
    this.deconvOut = memory.alloc(maxBatch * half * f)
    this.normOut = [memory.alloc(maxBatch * quarter * 2 * f), memory.alloc(maxBatch * half * f)]
    this.gradNorm = [memory.alloc(maxBatch * quarter * 2 * f), memory.alloc(maxBatch * half * f)]
    this.pair = memory.alloc(2 * maxBatch * this.inputSize)
    this.z = memory.alloc(maxBatch * noiseDim)
    this.labels = memory.alloc(2 * maxBatch)
    this.ones = memory.alloc(maxBatch)
    memory.view(this.ones, maxBatch).fill(1)
    this.gradImage = memory.alloc(maxBatch * this.inputSize)
    this.convOut = [
      memory.alloc(2 * maxBatch * half * f),
      memory.alloc(2 * maxBatch * quarter * 2 * f),
    ]
    this.gradConv = [
      memory.alloc(2 * maxBatch * half * f),
      memory.alloc(2 * maxBatch * quarter * 2 * f),
    ]
    this.statistics = new KernelVariables(memory, [2 * f, 2 * f, f, f])
    const largest = [...this.geometries(2 * maxBatch), ...this.geometries(maxBatch)]
    this.scratch = {
      patches: memory.alloc(Math.max(...largest.map(patchValues))),
      panel: memory.alloc(Math.max(...largest.map(panelValues))),
    }
    const [judge0, judge1] = this.geometries(2 * maxBatch)
    this.judgeScratch = [
      { patches: memory.alloc(patchValues(judge0)), panel: this.scratch.panel },
      { patches: memory.alloc(patchValues(judge1)), panel: this.scratch.panel },
    ]
  }

  /**
   * One training step on `rows` of `data`: a discriminator update per noise batch but the last, then a
   * generator update with the last (`noise` holds `discriminatorSteps + 1` batches of
   * `rows.length × noiseDim` normals). Updates the TF.js variables of both networks and the
   * generator's running statistics (`statistics`, in {@link GANNetwork.statistics} order).
   */
  step(
    generatorVariables: readonly tf.Variable[],
    discriminatorVariables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
    noise: readonly Float32Array[],
    settings: FusedGANSettings,
    statistics: readonly tf.Variable[],
  ): FusedGANStep {
    return this.runStep(generatorVariables, discriminatorVariables, data, rows, noise, settings, {
      loaded: () => this.statistics.read(statistics),
      written: () => this.statistics.write(statistics),
    })
  }

  /** The discriminator's two convolutions for `batch` images (the generator's are their adjoints). */
  private geometries(batch: number): [ConvGeometry, ConvGeometry] {
    const [h, w, c] = this.shape
    const f = this.options.filters
    return [
      convGeometry(batch, h, w, c, f, KERNEL, STRIDE),
      convGeometry(batch, h / 2, w / 2, f, 2 * f, KERNEL, STRIDE),
    ]
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
      this.generator.memory.view(this.pair, rows.length * this.inputSize),
      data,
      rows,
      this.inputSize,
    )
    return rows.length
  }

  /** Byte offset of the generated rows, right after `batch` real ones. */
  private fake(batch: number): number {
    return this.pair + batch * this.inputSize * 4
  }

  /**
   * The generator in training mode (batch statistics) on `z`, writing the images at
   * {@link FusedConvGANTrainer.fake}; folds the statistics into the running ones when `update`.
   */
  private generate(z: Float32Array, batch: number, update: boolean): void {
    const net = this.generator
    const { k, memory } = net
    const [project, norm0, up0, norm1, up1] = net.layers as FusedLayer[] as [
      FusedLayer,
      FusedLayer,
      FusedLayer,
      FusedLayer,
      FusedLayer,
    ]
    const [inner, outer] = this.geometries(batch).reverse() as [ConvGeometry, ConvGeometry]
    memory.view(this.z, z.length).set(z)
    const projected = net.forward(project, this.z, batch)
    this.normalise(norm0, 0, projected, batch * inner.outHeight * inner.outWidth, update)
    transposedConvForward(k, inner, this.normOut[0], up0.kernel, this.deconvOut, this.scratch)
    k.addBias(this.deconvOut, up0.bias, batch * inner.height * inner.width, inner.channels, 0)
    this.normalise(norm1, 1, this.deconvOut, batch * inner.height * inner.width, update)
    const out = this.fake(batch)
    transposedConvForward(k, outer, this.normOut[1], up1.kernel, out, this.scratch)
    const pixels = batch * outer.height * outer.width
    k.addBias(out, up1.bias, pixels, outer.channels, ACTIVATION_CODE[up1.activation])
  }

  /** relu(batchNorm(x)) into `normOut[i]` for the normalisation `layer` (scale = kernel, shift = bias). */
  private normalise(layer: FusedLayer, i: 0 | 1, x: number, rows: number, update: boolean): void {
    const { k } = this.generator
    const b = this.norms[i]
    const out = this.normOut[i]
    const channels = layer.units
    k.batchNormForward(
      x,
      rows,
      channels,
      layer.kernel,
      layer.bias,
      BN_EPSILON,
      b.mean,
      b.variance,
      b.invStd,
      b.normalised,
      out,
      ACTIVATION_CODE.relu,
    )
    if (!update) return
    const offsets = this.statistics.offsets
    k.batchNormRunning(
      offsets[2 * i] as number,
      offsets[2 * i + 1] as number,
      b.mean,
      b.variance,
      channels,
      rows,
      BN_MOMENTUM,
    )
  }

  /** The discriminator's logits for `rows` images at `input`; returns their offset. */
  private judge(input: number, rows: number): number {
    const net = this.discriminator
    const { k } = net
    const [conv0, conv1, dense] = net.layers as [FusedLayer, FusedLayer, FusedLayer]
    const [g0, g1] = this.geometries(rows)
    const leaky = ACTIVATION_CODE.leakyRelu
    const [scratch0, scratch1] = this.judgeScratch
    convForward(k, g0, input, conv0.kernel, this.convOut[0], scratch0)
    k.addBias(this.convOut[0], conv0.bias, rows * g0.outHeight * g0.outWidth, g0.filters, leaky)
    convForward(k, g1, this.convOut[0], conv1.kernel, this.convOut[1], scratch1)
    k.addBias(this.convOut[1], conv1.bias, rows * g1.outHeight * g1.outWidth, g1.filters, leaky)
    return net.forward(dense, this.convOut[1], rows)
  }

  /**
   * Backward through the discriminator from the gradient at its output (left by
   * {@link DiscriminatorOutput.judge}) for the `rows` images at `input`, right after
   * {@link FusedConvGANTrainer.judge} of them (whose patches it reuses): its weight gradients when
   * `weights`, the gradient at the images into `gradInput` when not 0.
   */
  private judgeBackward(input: number, rows: number, weights: boolean, gradInput: number): void {
    const net = this.discriminator
    const { k } = net
    const [conv0, conv1, dense] = net.layers as [FusedLayer, FusedLayer, FusedLayer]
    const [g0, g1] = this.geometries(rows)
    const [a0, a1] = this.convOut
    const [gradA0, gradA1] = this.gradConv
    const leaky = ACTIVATION_CODE.leakyRelu
    const [scratch0, scratch1] = this.judgeScratch
    const cells = (g: ConvGeometry): number => rows * g.outHeight * g.outWidth
    net.backward(dense, a1, this.output.gradient, gradA1, rows)
    k.activationBackward(gradA1, a1, cells(g1) * g1.filters, leaky)
    if (weights) {
      const gradKernel = net.gradientOf(conv1.kernel)
      convBackward(k, g1, a0, conv1.kernel, gradA1, gradKernel, gradA0, scratch1, true)
      k.columnSums(gradA1, net.gradientOf(conv1.bias), cells(g1), g1.filters, 0)
    } else {
      // Only the input's gradient: the transposed convolution of gradA1.
      transposedConvForward(k, g1, gradA1, conv1.kernel, gradA0, scratch1)
    }
    k.activationBackward(gradA0, a0, cells(g0) * g0.filters, leaky)
    if (weights) {
      const gradKernel = net.gradientOf(conv0.kernel)
      convBackward(k, g0, input, conv0.kernel, gradA0, gradKernel, gradInput, scratch0, true)
      k.columnSums(gradA0, net.gradientOf(conv0.bias), cells(g0), g0.filters, 0)
    } else if (gradInput !== 0) {
      transposedConvForward(k, g0, gradA0, conv0.kernel, gradInput, scratch0)
    }
  }

  /**
   * BCE(D(x), realLabel) + BCE(D(G(z)), 0) (batch means) and the discriminator's gradients, real and
   * generated rows in one pass (and an InfoGAN's Q head learning the generated rows' codes).
   */
  protected discriminatorGradients(z: Float32Array, batch: number, realLabel: number): JudgedBatch {
    const { memory } = this.discriminator
    this.generate(z, batch, false)
    const labels = memory.view(this.labels, 2 * batch)
    labels.fill(realLabel, 0, batch)
    labels.fill(0, batch)
    const output = this.judge(this.pair, 2 * batch)
    const { loss } = this.output.judge(output, this.labels, 2 * batch, 1 / batch, {
      z,
      from: batch,
    })
    // The gradient is (sigmoid(l) − label)/batch: each half's mean probability follows from it.
    const grad = memory.view(this.output.gradLogits, 2 * batch)
    const realScore = sumOf(grad.subarray(0, batch)) + realLabel
    const fakeScore = sumOf(grad.subarray(batch))
    this.judgeBackward(this.pair, 2 * batch, true, 0)
    return { loss: loss / batch, realScore, fakeScore }
  }

  /**
   * −log D(G(z)) (plus an InfoGAN's λ·L_I) and the generator's gradients (through the discriminator,
   * whose weights' gradients are not needed); folds the batch statistics into the running ones.
   */
  protected generatorGradients(z: Float32Array, batch: number): GeneratorLoss {
    const net = this.generator
    const { k } = net
    const [project, norm0, up0, norm1, up1] = net.layers as FusedLayer[] as [
      FusedLayer,
      FusedLayer,
      FusedLayer,
      FusedLayer,
      FusedLayer,
    ]
    const [inner, outer] = this.geometries(batch).reverse() as [ConvGeometry, ConvGeometry]
    this.generate(z, batch, true)
    const fake = this.fake(batch)
    const output = this.judge(fake, batch)
    const judged = this.output.judge(output, this.ones, batch, 1 / batch, { z, from: 0 })
    this.judgeBackward(fake, batch, false, this.gradImage)
    const grad = this.gradImage
    const [gradR0, gradR1] = this.gradNorm
    const outPixels = batch * outer.height * outer.width
    const innerPixels = batch * inner.height * inner.width
    const innerCells = batch * inner.outHeight * inner.outWidth
    if (up1.activation !== 'linear') {
      k.activationBackward(grad, fake, outPixels * outer.channels, ACTIVATION_CODE[up1.activation])
    }
    this.upBlockBackward(outer, up1, grad, outPixels, gradR1, norm1, 1, innerPixels)
    this.upBlockBackward(inner, up0, gradR1, innerPixels, gradR0, norm0, 0, innerCells)
    net.backward(project, this.z, gradR0, undefined, batch)
    return { loss: judged.loss / batch, information: judged.information }
  }

  /**
   * Back through one upsampling block of the generator, from the gradient at the transposed
   * convolution's output (`gradOut`, `outPixels` rows of `g.channels`) to the gradient at the input
   * of the batch normalisation `norm` (normalisation `i`, `normPixels` rows) ahead of it, written to
   * `gradIn`: the convolution's kernel and bias gradients, ReLU, then batch norm's scale and shift.
   */
  private upBlockBackward(
    g: ConvGeometry,
    up: FusedLayer,
    gradOut: number,
    outPixels: number,
    gradIn: number,
    norm: FusedLayer,
    i: 0 | 1,
    normPixels: number,
  ): void {
    const net = this.generator
    const { k } = net
    const normalised = this.normOut[i]
    const buffers = this.norms[i]
    transposedConvBackward(
      k,
      g,
      normalised,
      up.kernel,
      gradOut,
      net.gradientOf(up.kernel),
      gradIn,
      this.scratch,
    )
    k.columnSums(gradOut, net.gradientOf(up.bias), outPixels, g.channels, 0)
    k.activationBackward(gradIn, normalised, normPixels * norm.units, ACTIVATION_CODE.relu)
    k.batchNormBackward(
      gradIn,
      buffers.normalised,
      normPixels,
      norm.units,
      norm.kernel,
      buffers.invStd,
      net.gradientOf(norm.kernel),
      net.gradientOf(norm.bias),
      gradIn,
    )
  }
}

function sumOf(values: Float32Array): number {
  let sum = 0
  for (const v of values) sum += v
  return sum
}
