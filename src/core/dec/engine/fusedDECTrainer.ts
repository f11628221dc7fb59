import type * as tf from '@tensorflow/tfjs-core'
import type { KernelBuild, KernelMemory } from '../../kernels/wasmKernels'
import {
  captureNets,
  FusedDenseNet,
  restoreNets,
  type FusedLayerSpec,
} from '../../engine/fusedDenseNet'
import type { FusedStateful, FusedTrainerState } from '../../engine/fusedState'
import type { ReconstructionOutput } from '../../engine/reconstructionOutput'
import type { ResolvedDECOptions } from '../decOptions'
import type { DECNetwork } from './decNetwork'
import { PairedProducts } from './pairedProducts'
import { studentTHead } from './studentTHead'

/** A refinement batch: `batch × inputSize` images and their `batch × clusters` targets P. */
export interface FusedDECBatch {
  readonly input: Float32Array
  readonly targets: Float32Array
}

/** Loss terms of one refinement step, as {@link DECNetwork.refineLossAndGradients} reports them. */
export interface FusedDECLoss {
  /** KL(P‖Q) plus the weighted reconstruction error (IDEC). */
  readonly total: number
  /** KL(P‖Q) per image. */
  readonly clustering: number
  /** Mean squared error per value. */
  readonly reconstruction: number
}

/** The dense layers of a plain autoencoder of `sizes` (encoder) mirrored (decoder), as DEC builds it. */
function layerSpecs(
  sizes: readonly number[],
  output: ReconstructionOutput,
): { encoder: FusedLayerSpec[]; decoder: FusedLayerSpec[] } {
  const encoder = sizes.slice(1).map((units, i): FusedLayerSpec => ({
    inputs: sizes[i] as number,
    units,
    activation: i === sizes.length - 2 ? 'linear' : 'relu',
  }))
  const back = [...sizes].reverse()
  const decoder = back.slice(1).map((units, i): FusedLayerSpec => ({
    inputs: back[i] as number,
    units,
    activation: i === back.length - 2 ? output : 'relu',
  }))
  return { encoder, decoder }
}

/**
 * DEC's and IDEC's refinement step on a dense autoencoder in latentkit's WebAssembly kernels: the
 * encoder forward, Student's t soft assignments Q, KL(P‖Q) and its gradients at the codes and the
 * centres, the decoder forward (its squared error is reported, and for IDEC its weighted gradient
 * goes back through the decoder to the codes), the encoder backward and one Adam update — equal to
 * {@link DECNetwork.refineLossAndGradients} followed by `tf.train.adam` (tests check it).
 *
 * Two fused networks share one kernel memory: the encoder with the centres (laid out as one more
 * `clusters × codeSize` layer whose bias stays unused at 0), and the decoder, trained only by IDEC.
 */
export class FusedDECTrainer implements FusedStateful {
  /** The encoder's layers, then the centres as a layer. */
  private readonly encoderNet: FusedDenseNet
  private readonly decoderNet: FusedDenseNet
  private readonly inputSize: number
  private readonly codeSize: number
  private readonly clusters: number
  private readonly weight: number
  private readonly idec: boolean
  private readonly input: number
  private readonly gradOut: number
  private readonly gradCode: number
  private readonly gradDecoded: number
  private readonly scratch: [number, number]
  /** Q and the host-side work arrays of the head, for `maxBatch` rows. */
  private readonly q: Float64Array
  private readonly kernel: Float64Array
  /** The layers' products, summing only the nonzero entries of ReLU outputs and images. */
  readonly products: PairedProducts
  /** The decoder variables' data ids when last read in (DEC never writes them back). */
  private decoderRead: readonly object[] = []

  constructor(
    memory: KernelMemory,
    inputSize: number,
    options: ResolvedDECOptions,
    output: ReconstructionOutput,
    readonly maxBatch: number,
  ) {
    const sizes = [inputSize, ...options.hiddenUnits, options.codeSize]
    const { encoder, decoder } = layerSpecs(sizes, output)
    this.inputSize = inputSize
    this.codeSize = options.codeSize
    this.clusters = options.clusters
    this.weight = options.reconstructionWeight
    this.idec = options.idec
    const centres: FusedLayerSpec = {
      inputs: options.clusters,
      units: options.codeSize,
      activation: 'linear',
    }
    this.encoderNet = new FusedDenseNet(memory, [...encoder, centres], maxBatch)
    this.decoderNet = new FusedDenseNet(memory, decoder, maxBatch)
    const widest = Math.max(...sizes)
    this.input = memory.alloc(maxBatch * inputSize)
    this.gradOut = memory.alloc(maxBatch * inputSize)
    this.gradCode = memory.alloc(maxBatch * this.codeSize)
    this.gradDecoded = memory.alloc(maxBatch * this.codeSize)
    this.scratch = [memory.alloc(maxBatch * widest), memory.alloc(maxBatch * widest)]
    this.q = new Float64Array(maxBatch * this.clusters)
    this.kernel = new Float64Array(maxBatch * this.clusters)
    this.products = new PairedProducts(memory, maxBatch, widest)
  }

  /** Which kernel build runs the steps. */
  get build(): KernelBuild {
    return this.encoderNet.build
  }

  /** One refinement step of `network` on `batch`, Adam at `learningRate`; the weights are written back. */
  step(network: DECNetwork, batch: FusedDECBatch, learningRate: number): FusedDECLoss {
    const loss = this.lossAndGradients(network, batch)
    this.encoderNet.applyAdam(learningRate)
    this.encoderNet.writeWeights(this.encoderVariables(network))
    if (this.idec) {
      this.decoderNet.applyAdam(learningRate)
      const decoder = this.decoderVariables(network)
      this.decoderNet.writeWeights(decoder)
      // What kernel memory holds now: weights put back from before this step (after a divergence)
      // no longer match, so they are read in again.
      this.decoderRead = decoder.map((v) => v.dataId)
    }
    return loss
  }

  /**
   * The loss of a batch and a copy of its gradients in {@link DECNetwork.refineVariables} order
   * (encoder, the decoder for IDEC, centres), for checks.
   */
  gradients(
    network: DECNetwork,
    batch: FusedDECBatch,
  ): { loss: FusedDECLoss; gradients: Float32Array[] } {
    const loss = this.lossAndGradients(network, batch)
    const encoder = this.encoderNet.gradients()
    const centres = encoder[encoder.length - 2] as Float32Array
    const decoder = this.idec ? this.decoderNet.gradients() : []
    return { loss, gradients: [...encoder.slice(0, -2), ...decoder, centres] }
  }

  /** Forgets the Adam moments (after a divergence). */
  resetOptimizer(): void {
    this.encoderNet.resetOptimizer()
    this.decoderNet.resetOptimizer()
  }

  /**
   * The Adam state: the encoder with the centres (the unused bias's moments, always 0, left out), and
   * for IDEC the decoder.
   */
  captureState(): FusedTrainerState {
    const state = captureNets(
      '',
      this.idec ? [this.encoderNet, this.decoderNet] : [this.encoderNet],
    )
    const kept =
      this.encoderNet.layers.reduce((sum, l) => sum + l.inputs * l.units + l.units, 0) -
      this.codeSize
    return {
      ...state,
      moments: state.moments.map((m, i) => (i < 2 ? m.subarray(0, kept) : m)),
    }
  }

  /** Puts back a state {@link FusedDECTrainer.captureState} gave for a trainer of this network. */
  restoreState(state: FusedTrainerState): void {
    restoreNets(state, this.idec ? [this.encoderNet, this.decoderNet] : [this.encoderNet])
  }

  /** The encoder's variables, then the centres: the first fused network's order. */
  private encoderVariables(network: DECNetwork): tf.Variable[] {
    return [...network.autoencoder.encoderVariables(), network.centres]
  }

  private decoderVariables(network: DECNetwork): tf.Variable[] {
    return network.autoencoder.variables().slice(network.autoencoder.encoderVariables().length)
  }

  /**
   * Reads the decoder's variables in when some other code assigned them since the last read (for
   * DEC, whose steps leave the decoder alone, that is not every step).
   */
  private readDecoder(network: DECNetwork): void {
    const variables = this.decoderVariables(network)
    if (variables.every((v, i) => this.decoderRead[i] === v.dataId)) return
    this.decoderNet.readWeights(variables)
    this.decoderRead = variables.map((v) => v.dataId)
  }

  /** Reads the weights in, runs the batch forward and backward; leaves the gradients in the nets. */
  private lossAndGradients(network: DECNetwork, { input, targets }: FusedDECBatch): FusedDECLoss {
    const { encoderNet, decoderNet } = this
    const { k, memory } = encoderNet
    const batch = input.length / this.inputSize
    const values = input.length
    encoderNet.readWeights(this.encoderVariables(network))
    this.readDecoder(network)
    memory.view(this.input, values).set(input)
    const encoder = encoderNet.layers.slice(0, -1)
    const centresLayer = encoderNet.layers[encoder.length]
    if (!centresLayer) throw new RangeError('the fused DEC network has a centres layer')
    const { products } = this
    const code = products.forwardStack(encoder, this.input, true, batch)
    const codeValues = batch * this.codeSize
    const clustering = studentTHead({
      codes: memory.view(code, codeValues),
      centres: memory.view(centresLayer.kernel, this.clusters * this.codeSize),
      targets,
      codeGradient: memory.view(this.gradCode, codeValues),
      centresGradient: memory.view(
        encoderNet.gradientOf(centresLayer.kernel),
        this.clusters * this.codeSize,
      ),
      batch,
      q: this.q,
      kernel: this.kernel,
    })
    const decoded = products.forwardStack(decoderNet.layers, code, false, batch)
    const scale = (2 * this.weight) / (batch * this.inputSize)
    const squared = k.squaredError(decoded, this.input, this.gradOut, values, scale)
    const reconstruction = squared / values
    if (this.weight > 0) {
      products.backwardStack(
        decoderNet,
        decoderNet.layers,
        code,
        false,
        this.gradOut,
        this.gradDecoded,
        this.scratch,
        batch,
      )
      const gradCode = memory.view(this.gradCode, codeValues)
      const fromDecoder = memory.view(this.gradDecoded, codeValues)
      for (let i = 0; i < codeValues; i++) {
        gradCode[i] = (gradCode[i] as number) + (fromDecoder[i] as number)
      }
    }
    products.backwardStack(
      encoderNet,
      encoder,
      this.input,
      true,
      this.gradCode,
      undefined,
      this.scratch,
      batch,
    )
    return { total: clustering + this.weight * reconstruction, clustering, reconstruction }
  }
}
