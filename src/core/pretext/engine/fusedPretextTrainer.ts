import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import {
  FusedDenseNet,
  FusedTrainer,
  type FusedLayer,
  type FusedLayerSpec,
} from '../../engine/fusedDenseNet'
import type { ResolvedPretextOptions } from '../pretextOptions'
import type { TaskLayout } from '../pretextTasks'

/** A pretext training batch: the examples' views and their classes. */
export interface FusedPretextBatch {
  /** `n · views × viewSize` values, each example's views in order. */
  readonly views: Float32Array
  /** The class of each of the `n` examples. */
  readonly targets: Int32Array
}

/** Loss terms of one step. */
export interface FusedPretextLoss {
  /** Cross-entropy of the task's classes, mean over the batch (nats). */
  readonly loss: number
  /** Fraction of the batch whose most probable class is its target. */
  readonly accuracy: number
}

/** Dense layers from `sizes[0]` through `sizes`, ReLU except a linear last when `linearLast`. */
function stackSpecs(sizes: readonly number[], linearLast: boolean): FusedLayerSpec[] {
  return sizes.slice(1).map((units, i) => ({
    inputs: sizes[i] as number,
    units,
    activation: linearLast && i === sizes.length - 2 ? 'linear' : 'relu',
  }))
}

/**
 * The dense pretext model's training step in latentkit's WebAssembly kernels: every view through the
 * encoder, the views' features side by side through the task head, softmax cross-entropy over the
 * classes, the backward pass and Adam, equal to {@link PretextNetwork.lossAndGradients} followed by
 * `tf.train.adam` (tests check it). Dense encoders only: a convolutional one trains on TF.js.
 */
export class FusedPretextTrainer extends FusedTrainer<FusedPretextBatch, FusedPretextLoss> {
  private readonly encoder: readonly FusedLayer[]
  private readonly head: readonly FusedLayer[]
  private readonly input: number
  private readonly targets: number
  private readonly predicted: number
  private readonly gradFeatures: number
  private readonly scratch: [number, number]

  /** Buffers for batches of up to `maxExamples` examples (`maxExamples · views` encoder rows). */
  constructor(
    memory: KernelMemory,
    private readonly layout: Pick<TaskLayout, 'views' | 'classes'>,
    private readonly viewSize: number,
    options: ResolvedPretextOptions,
    readonly maxExamples: number,
  ) {
    const { hiddenUnits, featureSize, headUnits } = options
    const encoder = stackSpecs([viewSize, ...hiddenUnits, featureSize], false)
    const head = stackSpecs([layout.views * featureSize, ...headUnits, layout.classes], true)
    const maxRows = maxExamples * layout.views
    super(new FusedDenseNet(memory, [...encoder, ...head], maxRows))
    this.encoder = this.net.layers.slice(0, encoder.length)
    this.head = this.net.layers.slice(encoder.length)
    const widest = Math.max(
      viewSize,
      layout.views * featureSize,
      ...this.net.layers.map((l) => l.units),
    )
    this.input = memory.alloc(maxRows * viewSize)
    this.targets = memory.alloc(maxExamples)
    this.predicted = memory.alloc(maxExamples)
    this.gradFeatures = memory.alloc(maxRows * featureSize)
    this.scratch = [memory.alloc(maxRows * widest), memory.alloc(maxRows * widest)]
  }

  protected lossAndGradients(
    variables: readonly tf.Variable[],
    { views, targets }: FusedPretextBatch,
  ): FusedPretextLoss {
    const { net, layout } = this
    const { memory } = net
    const n = targets.length
    const rows = n * layout.views
    net.readWeights(variables)
    memory.view(this.input, rows * this.viewSize).set(views)
    new Int32Array(memory.kernels.memory.buffer, this.targets, n).set(targets)
    // The encoder's rows (`n · views × featureSize`) are the head's (`n × views · featureSize`).
    const features = net.forwardStack(this.encoder, this.input, rows)
    const logits = net.forwardStack(this.head, features, n)
    const total = memory.kernels.softmaxCrossEntropy(
      logits,
      this.targets,
      this.predicted,
      n,
      layout.classes,
      1,
      1 / n,
      0,
    )
    // The logits now hold the loss's gradient at them.
    net.backwardStack(this.head, features, logits, this.gradFeatures, this.scratch, n)
    net.backwardStack(this.encoder, this.input, this.gradFeatures, undefined, this.scratch, rows)
    const predicted = new Int32Array(memory.kernels.memory.buffer, this.predicted, n)
    let hits = 0
    for (let i = 0; i < n; i++) if (predicted[i] === targets[i]) hits += 1
    return { loss: total / n, accuracy: hits / n }
  }
}
