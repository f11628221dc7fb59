import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import { FusedDenseNet, FusedTrainer, type FusedLayerSpec } from '../../engine/fusedDenseNet'
import type { ResolvedContrastiveOptions } from '../contrastiveOptions'
import { FusedNTXent } from './fusedNTXent'

/** Loss terms of one step. */
export interface FusedContrastiveLoss {
  /** NT-Xent, mean over the step's `2n` views. */
  readonly loss: number
  /** Top-1 accuracy of the pair task among the step's views. */
  readonly pairAccuracy: number
}

/** The dense encoder's then the projection head's layers, in {@link ContrastiveNetwork.variables} order. */
function layerSpecs(inputSize: number, options: ResolvedContrastiveOptions): FusedLayerSpec[] {
  const { hiddenUnits, featureSize, headUnits, projectionSize } = options
  const encoder = [inputSize, ...hiddenUnits, featureSize]
  const head = [featureSize, ...headUnits, projectionSize]
  return [
    ...encoder.slice(1).map((units, i) => ({
      inputs: encoder[i] as number,
      units,
      activation: 'relu' as const,
    })),
    ...head.slice(1).map((units, i) => ({
      inputs: head[i] as number,
      units,
      activation: i === head.length - 2 ? ('linear' as const) : ('relu' as const),
    })),
  ]
}

/**
 * The dense contrastive model's training step in latentkit's WebAssembly kernels: both views
 * through the encoder and projection head, NT-Xent with its gradient ({@link FusedNTXent}), the
 * backward pass and Adam, equal to {@link ContrastiveNetwork.lossAndGradients} followed by
 * `tf.train.adam` (tests check it). A batch is the views of `n` images, `[2n × inputSize]` values:
 * the first views, then the second views in the same image order.
 */
export class FusedContrastiveTrainer extends FusedTrainer<Float32Array, FusedContrastiveLoss> {
  private readonly input: number
  private readonly gradOut: number
  private readonly scratch: [number, number]
  private readonly loss: FusedNTXent

  /** Buffers for up to `maxRows` views (twice the images of the largest batch). */
  constructor(
    memory: KernelMemory,
    private readonly inputSize: number,
    private readonly options: ResolvedContrastiveOptions,
    maxRows: number,
  ) {
    const specs = layerSpecs(inputSize, options)
    super(new FusedDenseNet(memory, specs, maxRows))
    const widest = Math.max(inputSize, ...specs.map((spec) => spec.units))
    this.input = memory.alloc(maxRows * inputSize)
    this.gradOut = memory.alloc(maxRows * options.projectionSize)
    this.scratch = [memory.alloc(maxRows * widest), memory.alloc(maxRows * widest)]
    this.loss = new FusedNTXent(memory, options.projectionSize, maxRows)
  }

  protected lossAndGradients(
    variables: readonly tf.Variable[],
    views: Float32Array,
  ): FusedContrastiveLoss {
    const { net } = this
    const rows = views.length / this.inputSize
    net.readWeights(variables)
    net.memory.view(this.input, views.length).set(views)
    const projections = net.forwardStack(net.layers, this.input, rows)
    const terms = this.loss.evaluate(projections, this.gradOut, rows, this.options.temperature)
    net.backwardStack(net.layers, this.input, this.gradOut, undefined, this.scratch, rows)
    return terms
  }
}
