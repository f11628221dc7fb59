import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import {
  ACTIVATION_CODE,
  FusedDenseNet,
  FusedTrainer,
  type FusedActivation,
  type FusedLayer,
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
import type { ImageShape } from '../../dataset'
import type { ResolvedAutoencoderOptions } from '../autoencoderOptions'
import type { ReconstructionOutput } from '../../engine/reconstructionOutput'
import { CONV_CHANNELS } from './convAutoencoderNetwork'
import type { FusedAutoencoderBatch, FusedAutoencoderLoss } from './fusedAutoencoderTrainer'

const KERNEL = 4
const STRIDE = 2

/** The four convolutions' geometries for `batch` images of `shape` (transposed ones as adjoints). */
function geometries(
  shape: ImageShape,
  batch: number,
): [ConvGeometry, ConvGeometry, ConvGeometry, ConvGeometry] {
  const [h, w, c] = shape
  const [first, second] = CONV_CHANNELS
  const outer = convGeometry(batch, h, w, c, first, KERNEL, STRIDE)
  const inner = convGeometry(batch, h / 2, w / 2, first, second, KERNEL, STRIDE)
  // The decoder's transposed convolutions are the adjoints of the same two convolutions.
  return [outer, inner, inner, outer]
}

/**
 * The convolutional autoencoder's training step in latentkit's WebAssembly kernels (convolutions as
 * im2col and the SIMD matrix product, their patches kept for the backward pass, transposed ones as
 * the product added straight into the image (col2im for the grey output), dense layers, squared
 * error, the sparse kind's L1 penalty, Adam), equal to {@link ConvAutoencoderNetwork.lossAndGradients}
 * followed by `tf.train.adam` (tests check it).
 * Weights, gradients and moments sit in one {@link FusedDenseNet}: a convolution's kernel is its
 * (k·k·in)×out matrix there, in TF.js's layout.
 */
export class FusedConvAutoencoderTrainer extends FusedTrainer<
  FusedAutoencoderBatch,
  FusedAutoencoderLoss
> {
  private readonly inputSize: number
  private readonly input: number
  private readonly target: number
  /** Activated outputs of the two convolutions, the first transposed one and the image. */
  private readonly outputs: [number, number, number, number]
  /** Gradients at those outputs (then at their pre-activations, in place), and at the code. */
  private readonly gradients4: [number, number, number, number]
  private readonly gradCode: number
  private readonly gradInner: number
  private readonly scratch: ConvScratch
  /**
   * The two convolutions' scratch with their own patch matrices: the forward pass's patches of their
   * inputs stay there for the backward pass (no second im2col).
   */
  private readonly convScratch: [ConvScratch, ConvScratch]

  constructor(
    memory: KernelMemory,
    private readonly shape: ImageShape,
    private readonly options: ResolvedAutoencoderOptions,
    private readonly output: ReconstructionOutput,
    maxBatch: number,
  ) {
    const [h, w, c] = shape
    const [first, second] = CONV_CHANNELS
    const flat = (h / 4) * (w / 4) * second
    const area = KERNEL * KERNEL
    const conv = (inputs: number, units: number, activation: FusedActivation) => ({
      inputs: area * inputs,
      units,
      activation,
    })
    super(
      new FusedDenseNet(
        memory,
        [
          conv(c, first, 'relu'),
          conv(first, second, 'relu'),
          { inputs: flat, units: options.codeSize, activation: 'linear' },
          { inputs: options.codeSize, units: flat, activation: 'relu' },
          // A transposed kernel [k, k, out, in] has as many values as the spec (k·k·in)×out, and its
          // bias `out`: the specs size the buffers, the convolution functions read the layout.
          conv(second, first, 'relu'),
          conv(first, c, output),
        ],
        maxBatch,
      ),
    )
    this.inputSize = h * w * c
    const sizes = [
      maxBatch * (h / 2) * (w / 2) * first,
      maxBatch * flat,
      maxBatch * (h / 2) * (w / 2) * first,
      maxBatch * this.inputSize,
    ]
    this.input = memory.alloc(maxBatch * this.inputSize)
    this.target = memory.alloc(maxBatch * this.inputSize)
    this.outputs = sizes.map((size) => memory.alloc(size)) as [number, number, number, number]
    this.gradients4 = sizes.map((size) => memory.alloc(size)) as [number, number, number, number]
    this.gradCode = memory.alloc(maxBatch * options.codeSize)
    this.gradInner = memory.alloc(maxBatch * flat)
    const largest = geometries(shape, maxBatch)
    const panel = memory.alloc(Math.max(...largest.map(panelValues)))
    this.scratch = { patches: memory.alloc(Math.max(...largest.map(patchValues))), panel }
    this.convScratch = [
      { patches: memory.alloc(patchValues(largest[0])), panel },
      { patches: memory.alloc(patchValues(largest[1])), panel },
    ]
  }

  protected lossAndGradients(
    variables: readonly tf.Variable[],
    { input, clean }: FusedAutoencoderBatch,
  ): FusedAutoencoderLoss {
    const { net, scratch } = this
    const [scratch0, scratch1] = this.convScratch
    const { k, memory } = net
    const values = input.length
    const batch = values / this.inputSize
    const [g0, g1, g2, g3] = geometries(this.shape, batch)
    const [conv0, conv1, toCode, fromCode, deconv0, deconv1] = net.layers as [
      FusedLayer,
      FusedLayer,
      FusedLayer,
      FusedLayer,
      FusedLayer,
      FusedLayer,
    ]
    const [a0, a1, d0, out] = this.outputs
    const [gradA0, gradA1, gradD0, gradOut] = this.gradients4
    const relu = ACTIVATION_CODE.relu
    const outCode = ACTIVATION_CODE[this.output]
    const pixels = (g: ConvGeometry): number => g.batch * g.height * g.width
    const cells = (g: ConvGeometry): number => g.batch * g.outHeight * g.outWidth
    net.readWeights(variables)
    memory.view(this.input, values).set(input)
    memory.view(this.target, values).set(clean)

    // Forward: two convolutions, the code, back out, two transposed convolutions.
    convForward(k, g0, this.input, conv0.kernel, a0, scratch0)
    k.addBias(a0, conv0.bias, cells(g0), g0.filters, relu)
    convForward(k, g1, a0, conv1.kernel, a1, scratch1)
    k.addBias(a1, conv1.bias, cells(g1), g1.filters, relu)
    const code = net.forward(toCode, a1, batch)
    const inner = net.forward(fromCode, code, batch)
    transposedConvForward(k, g2, inner, deconv0.kernel, d0, scratch)
    k.addBias(d0, deconv0.bias, pixels(g2), g2.channels, relu)
    transposedConvForward(k, g3, d0, deconv1.kernel, out, scratch)
    k.addBias(out, deconv1.bias, pixels(g3), g3.channels, outCode)

    // Loss: summed squared error per image, and the sparse kind's L1 on the code.
    const squared = k.squaredError(out, this.target, gradOut, values, 2 / batch)

    // Backward, output to input.
    if (outCode !== ACTIVATION_CODE.linear) k.activationBackward(gradOut, out, values, outCode)
    transposedConvBackward(
      k,
      g3,
      d0,
      deconv1.kernel,
      gradOut,
      net.gradientOf(deconv1.kernel),
      gradD0,
      scratch,
    )
    k.columnSums(gradOut, net.gradientOf(deconv1.bias), pixels(g3), g3.channels, 0)
    k.activationBackward(gradD0, d0, pixels(g2) * g2.channels, relu)
    transposedConvBackward(
      k,
      g2,
      inner,
      deconv0.kernel,
      gradD0,
      net.gradientOf(deconv0.kernel),
      this.gradInner,
      scratch,
    )
    k.columnSums(gradD0, net.gradientOf(deconv0.bias), pixels(g2), g2.channels, 0)
    net.backward(fromCode, code, this.gradInner, this.gradCode, batch)
    const weight = this.options.kind === 'sparse' ? this.options.sparsity : 0
    const codeL1 =
      k.l1Penalty(code, this.gradCode, batch * this.options.codeSize, weight / batch) / batch
    net.backward(toCode, a1, this.gradCode, gradA1, batch)
    k.activationBackward(gradA1, a1, cells(g1) * g1.filters, relu)
    const [gradConv1, gradConv0] = [net.gradientOf(conv1.kernel), net.gradientOf(conv0.kernel)]
    convBackward(k, g1, a0, conv1.kernel, gradA1, gradConv1, gradA0, scratch1, true)
    k.columnSums(gradA1, net.gradientOf(conv1.bias), cells(g1), g1.filters, 0)
    k.activationBackward(gradA0, a0, cells(g0) * g0.filters, relu)
    convBackward(k, g0, this.input, conv0.kernel, gradA0, gradConv0, 0, scratch0, true)
    k.columnSums(gradA0, net.gradientOf(conv0.bias), cells(g0), g0.filters, 0)
    const reconstruction = squared / batch
    return { loss: reconstruction + weight * codeL1, reconstruction, codeL1 }
  }
}
