/**
 * Greedy layer-wise pretraining of a stacked autoencoder (Bengio et al. 2007; Vincent et al. 2010):
 * the optimizers of each layer pair, the corruption of each layer's input, and one training step of
 * a pair, on TF.js operations or in the fused WebAssembly kernels.
 */
import * as tf from '@tensorflow/tfjs-core'
import { backpropStack, forwardStack, layerVariables } from '../../engine/dense'
import { AdamSlot } from '../../engine/adamSlot'
import { FusedTrainerSlot } from '../../engine/fusedDenseNet'
import type { TrainingStatePart } from '../../engine/trainingState'
import type { KernelThreads } from '../../kernels/fusedKernelsOption'
import type { TrainingKernels } from '../../training'
import type { DivergedError } from '../../errors'
import type { Random } from '../../random'
import type { ResolvedStackedOptions } from '../stackedOptions'
import type { AutoencoderNetwork } from './autoencoderNetwork'
import type { FusedAutoencoderLoss } from './fusedAutoencoderTrainer'
import { FusedLayerPairTrainer } from './fusedLayerPairTrainer'

/** What trains one layer pair: its variables, its step and the training loop's parts. */
export interface LayerPairTrainer {
  /** Encoder kernel and bias, decoder kernel and bias. */
  readonly variables: tf.Variable[]
  /** Values per row of the pair's input (the codes of the layer below). */
  readonly width: number
  /** One Adam step on the clean rows `clean` (corrupted here when `noise` > 0). */
  step(clean: Float32Array): Promise<FusedAutoencoderLoss>
  readonly kernels: TrainingKernels
  /** Threads the pair's fused steps run on now. */
  readonly kernelThreads: () => KernelThreads
  diverged(values: { readonly loss: number }, step: number, epoch: number): DivergedError
}

/** The optimizer state of every layer pair, kept across training calls and in snapshots. */
export class GreedyPretraining {
  private readonly adams: AdamSlot[] = []
  private readonly fused: FusedTrainerSlot<FusedLayerPairTrainer>[] = []

  private adam(layer: number): AdamSlot {
    return (this.adams[layer] ??= new AdamSlot())
  }

  private fusedSlot(layer: number): FusedTrainerSlot<FusedLayerPairTrainer> {
    return (this.fused[layer] ??= new FusedTrainerSlot())
  }

  /** The state of every pair's optimizers (TF.js Adam and fused Adam), as training-state parts. */
  trainingParts(network: AutoencoderNetwork): TrainingStatePart[] {
    return Array.from({ length: network.layerCount }, (_, layer) => {
      const { encoder, decoder } = network.greedyPair(layer)
      const variables = layerVariables([encoder, decoder])
      return [
        this.adam(layer).trainingPart(`stackedAdam${layer + 1}`, variables),
        this.fusedSlot(layer).trainingPart(`stackedFusedAdam${layer + 1}`, [variables]),
      ]
    }).flat()
  }

  /**
   * The trainer of pair `layer` (from 0) at `learningRate`: the fused kernels when `fusedKernels` is
   * on and the backend is WASM, else TF.js operations. `random` corrupts the inputs.
   */
  async trainer(
    network: AutoencoderNetwork,
    layer: number,
    stacked: ResolvedStackedOptions,
    random: Random,
    train: {
      readonly learningRate: number
      readonly batchSize: number
      readonly fusedKernels: boolean
      readonly kernelThreads: KernelThreads
    },
  ): Promise<LayerPairTrainer> {
    const { encoder, decoder } = network.greedyPair(layer)
    const layers = [encoder, decoder]
    const variables = layerVariables(layers)
    const width = network.layerUnits(layer - 1)
    const units = network.layerUnits(layer)
    const rate = train.learningRate
    const adam = this.adam(layer)
    const fused = await this.fusedSlot(layer).get(
      train,
      train.batchSize,
      (memory) =>
        new FusedLayerPairTrainer(
          memory,
          width,
          units,
          encoder.activation,
          decoder.activation,
          train.batchSize,
        ),
    )
    const corrupt = (clean: Float32Array): Float32Array => {
      if (stacked.noise === 0) return clean
      if (stacked.corruption === 'mask') {
        return clean.map((v) => (random.uniform() < stacked.noise ? 0 : v))
      }
      const noise = random.normals(clean.length)
      return clean.map((v, i) => v + stacked.noise * (noise[i] as number))
    }
    return {
      variables,
      width,
      step: async (clean) => {
        const input = corrupt(clean)
        if (fused) return fused.step(variables, { input, clean }, rate)
        const rows = clean.length / width
        const [reconstruction = NaN, codeL1 = NaN] = await adam.step(rate, variables, () => {
          const target = tf.tensor2d(clean, [rows, width])
          const seen = input === clean ? target : tf.tensor2d(input, [rows, width])
          const traces = forwardStack(layers, seen)
          const code = traces[0]?.output as tf.Tensor2D
          const error = tf.sub(traces[1]?.output as tf.Tensor2D, target) as tf.Tensor2D
          const { grads } = backpropStack(layers, traces, tf.mul(error, 2 / rows), false)
          return {
            terms: [
              tf.div(tf.sum(tf.square(error)), rows) as tf.Scalar,
              tf.div(tf.sum(tf.abs(code)), rows) as tf.Scalar,
            ],
            gradients: grads,
          }
        })
        return { loss: reconstruction, reconstruction, codeL1 }
      },
      ...adam.loopParts(fused, rate),
    }
  }

  /** Frees every pair's optimizer state. */
  dispose(): void {
    this.adams.forEach((adam) => adam.dispose())
    this.fused.forEach((slot) => slot.clear())
  }
}
