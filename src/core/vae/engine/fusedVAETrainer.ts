import type * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../../kernels/wasmKernels'
import { gatherRows } from '../../dataset'
import {
  FusedDenseNet,
  FusedTrainer,
  type FusedLayer,
  type FusedLayerSpec,
} from '../../engine/fusedDenseNet'
import type { ResolvedVAEModelOptions } from '../vaeOptions'

const LOG_2PI = Math.log(2 * Math.PI)

/** A VAE training batch: `rows` of `data` (one image of `inputSize` values each) and the noise. */
export interface FusedVAEBatch {
  readonly data: Float32Array
  readonly rows: Uint32Array
  /** Standard normals, `rows.length × latentDim`. */
  readonly epsilon: Float32Array
}

/** Loss terms of one step, per image, in nats. */
export interface FusedVAELoss {
  readonly loss: number
  readonly reconstruction: number
  readonly kl: number
}

/**
 * The dense VAE's training step in latentkit's WebAssembly kernels: forward pass, loss, backward pass
 * and Adam for every weight in a handful of calls, with no TF.js operation in between. Gradients
 * and the update equal the TF.js path's ({@link VAENetwork.lossAndGradients} and `tf.train.adam`;
 * tests check both).
 */
export class FusedVAETrainer extends FusedTrainer<FusedVAEBatch, FusedVAELoss> {
  private readonly encoder: FusedLayer[]
  private readonly mean: FusedLayer
  private readonly logVar: FusedLayer
  private readonly decoder: FusedLayer[]
  private readonly x: number
  private readonly eps: number
  private readonly std: number
  private readonly z: number
  private readonly gradRaw: number
  private readonly gradLogVar: number
  private readonly gradZ: number
  private readonly scratch: [number, number]

  constructor(
    memory: KernelMemory,
    private readonly inputSize: number,
    private readonly options: ResolvedVAEModelOptions,
    maxBatch: number,
  ) {
    const { hiddenUnits, latentDim } = options
    const specs: FusedLayerSpec[] = []
    let width = inputSize
    for (const units of hiddenUnits) {
      specs.push({ inputs: width, units, activation: 'relu' })
      width = units
    }
    specs.push(
      { inputs: width, units: latentDim, activation: 'linear' },
      { inputs: width, units: latentDim, activation: 'linear' },
    )
    width = latentDim
    for (const units of [...hiddenUnits].reverse()) {
      specs.push({ inputs: width, units, activation: 'relu' })
      width = units
    }
    specs.push({ inputs: width, units: inputSize, activation: 'linear' })
    super(new FusedDenseNet(memory, specs, maxBatch))
    const layers = this.net.layers
    const e = hiddenUnits.length
    this.encoder = layers.slice(0, e)
    this.mean = layers[e] as FusedLayer
    this.logVar = layers[e + 1] as FusedLayer
    this.decoder = layers.slice(e + 2)
    const widest = Math.max(inputSize, ...hiddenUnits, latentDim)
    this.x = memory.alloc(maxBatch * inputSize)
    this.eps = memory.alloc(maxBatch * latentDim)
    this.std = memory.alloc(maxBatch * latentDim)
    this.z = memory.alloc(maxBatch * latentDim)
    this.gradRaw = memory.alloc(maxBatch * inputSize)
    this.gradLogVar = memory.alloc(maxBatch * latentDim)
    this.gradZ = memory.alloc(maxBatch * latentDim)
    this.scratch = [memory.alloc(maxBatch * widest), memory.alloc(maxBatch * widest)]
  }

  protected lossAndGradients(
    variables: readonly tf.Variable[],
    { data, rows, epsilon }: FusedVAEBatch,
  ): FusedVAELoss {
    const { net, inputSize } = this
    const { k, memory } = net
    const { latentDim, beta, likelihood, observationNoise } = this.options
    const batch = rows.length
    net.readWeights(variables)
    gatherRows(memory.view(this.x, batch * inputSize), data, rows, inputSize)
    memory.view(this.eps, batch * latentDim).set(epsilon)

    const hidden = net.forwardStack(this.encoder, this.x, batch)
    net.forward(this.mean, hidden, batch)
    net.forward(this.logVar, hidden, batch)
    const n = batch * latentDim
    k.reparameterise(this.mean.output, this.logVar.output, this.eps, this.std, this.z, n)
    const raw = net.forwardStack(this.decoder, this.z, batch)

    const values = batch * inputSize
    let reconstruction: number
    if (likelihood === 'bernoulli') {
      reconstruction = k.bernoulliLoss(raw, this.x, this.gradRaw, values, 1 / batch)
    } else {
      const variance = observationNoise * observationNoise
      const squared = k.squaredError(raw, this.x, this.gradRaw, values, 1 / (variance * batch))
      reconstruction =
        (0.5 * squared) / variance + values * (Math.log(observationNoise) + 0.5 * LOG_2PI)
    }
    reconstruction /= batch

    net.backwardStack(this.decoder, this.z, this.gradRaw, this.gradZ, this.scratch, batch)
    // The gradient at z becomes the two heads' (the mean's in place), plus the KL term's.
    const kl =
      k.klBackward(
        this.mean.output,
        this.logVar.output,
        this.eps,
        this.std,
        this.gradZ,
        this.gradLogVar,
        n,
        beta / batch,
      ) / batch
    const gradHidden = this.encoder.length > 0 ? this.scratch[0] : undefined
    net.backward(this.mean, hidden, this.gradZ, gradHidden, batch)
    net.backward(this.logVar, hidden, this.gradLogVar, gradHidden, batch, true)
    if (gradHidden !== undefined) {
      net.backwardStack(this.encoder, this.x, gradHidden, undefined, this.scratch, batch)
    }
    return { loss: reconstruction + beta * kl, reconstruction, kl }
  }
}
