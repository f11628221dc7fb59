import * as tf from '@tensorflow/tfjs-core'
import type { KernelMemory } from '../kernels/wasmKernels'
import { type KernelBuild, type KernelExports } from '../kernels/wasmKernels'
import type { ResolvedVAEModelOptions } from './vaeOptions'

const LOG_2PI = Math.log(2 * Math.PI)
const BETA1 = 0.9
const BETA2 = 0.999
/** TF.js's float32 epsilon, which `tf.train.adam` uses by default. */
const ADAM_EPSILON = 1e-7

/** A dense layer laid out in the flat parameter buffer. */
interface FlatLayer {
  readonly inputs: number
  readonly units: number
  readonly relu: boolean
  /** Byte offsets of the kernel and bias in the parameter buffer (the same in grads, m and v). */
  readonly kernel: number
  readonly bias: number
  /** Byte offset of this layer's output for a batch. */
  readonly output: number
}

/** Loss terms of one step, per image, in nats. */
export interface FusedStepLoss {
  readonly loss: number
  readonly reconstruction: number
  readonly kl: number
}

/**
 * The dense VAE's training step in latentkit's WebAssembly kernels: forward pass, loss, backward pass
 * and Adam for every weight in a handful of calls, with no TF.js operation in between. The TF.js
 * variables stay the model's weights: they are read when something else changed them (first step,
 * restored after a divergence) and written after every step, so sampling and decoding between steps
 * see the latest weights. Gradients and the update equal the TF.js path's (tests check both).
 */
export class FusedVAETrainer {
  readonly build: KernelBuild
  readonly maxBatch: number
  private readonly memory: KernelMemory
  private readonly k: KernelExports
  private readonly encoder: FlatLayer[]
  private readonly mean: FlatLayer
  private readonly logVar: FlatLayer
  private readonly decoder: FlatLayer[]
  private readonly output: FlatLayer
  private readonly layers: FlatLayer[]
  private readonly parameterCount: number
  private readonly params: number
  private readonly grads: number
  private readonly moment1: number
  private readonly moment2: number
  private readonly x: number
  private readonly eps: number
  private readonly std: number
  private readonly z: number
  private readonly gradRaw: number
  private readonly gradLogVar: number
  private readonly gradZ: number
  private readonly gradA: number
  private readonly gradB: number
  private readonly panel: number
  /** The variables' data ids after our last write: a different id means someone else assigned. */
  private readonly written: (object | undefined)[]
  private adamSteps = 0
  private adamRate: number | undefined

  constructor(
    memory: KernelMemory,
    private readonly inputSize: number,
    private readonly options: ResolvedVAEModelOptions,
    maxBatch: number,
  ) {
    this.memory = memory
    this.k = memory.kernels
    this.build = memory.build
    this.maxBatch = maxBatch
    const sizes: [number, number, boolean][] = []
    let width = inputSize
    for (const units of options.hiddenUnits) {
      sizes.push([width, units, true])
      width = units
    }
    const hidden = width
    sizes.push([hidden, options.latentDim, false], [hidden, options.latentDim, false])
    width = options.latentDim
    for (const units of [...options.hiddenUnits].reverse()) {
      sizes.push([width, units, true])
      width = units
    }
    sizes.push([width, inputSize, false])
    this.parameterCount = sizes.reduce((sum, [i, u]) => sum + i * u + u, 0)
    this.params = memory.alloc(this.parameterCount)
    this.grads = memory.alloc(this.parameterCount)
    this.moment1 = memory.alloc(this.parameterCount)
    this.moment2 = memory.alloc(this.parameterCount)
    let offset = this.params
    this.layers = sizes.map(([inputs, units, relu]) => {
      const kernel = offset
      const bias = kernel + inputs * units * 4
      offset = bias + units * 4
      return { inputs, units, relu, kernel, bias, output: memory.alloc(maxBatch * units) }
    })
    const e = options.hiddenUnits.length
    this.encoder = this.layers.slice(0, e)
    this.mean = this.layers[e] as FlatLayer
    this.logVar = this.layers[e + 1] as FlatLayer
    this.decoder = this.layers.slice(e + 2, e + 2 + e)
    this.output = this.layers[this.layers.length - 1] as FlatLayer
    const widest = Math.max(inputSize, ...options.hiddenUnits, options.latentDim)
    this.x = memory.alloc(maxBatch * inputSize)
    this.eps = memory.alloc(maxBatch * options.latentDim)
    this.std = memory.alloc(maxBatch * options.latentDim)
    this.z = memory.alloc(maxBatch * options.latentDim)
    this.gradRaw = memory.alloc(maxBatch * inputSize)
    this.gradLogVar = memory.alloc(maxBatch * options.latentDim)
    this.gradZ = memory.alloc(maxBatch * options.latentDim)
    this.gradA = memory.alloc(maxBatch * widest)
    this.gradB = memory.alloc(maxBatch * widest)
    this.panel = memory.alloc(8 * Math.max(widest, maxBatch))
    this.written = this.layers.flatMap(() => [undefined, undefined])
  }

  /**
   * One training step on `rows` (their indices into `data`, one image of `inputSize` values each) with
   * standard-normal `epsilon` (`rows.length × latentDim`), updating `variables` (the network's, in
   * {@link VAENetwork.variables} order) with Adam at `learningRate`.
   */
  step(
    variables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
    epsilon: Float32Array,
    learningRate: number,
  ): FusedStepLoss {
    const loss = this.lossAndGradients(variables, data, rows, epsilon)
    this.applyAdam(learningRate)
    this.writeWeights(variables)
    return loss
  }

  /** The loss of a batch and a copy of its gradients (same order as `variables`), for checks. */
  gradients(
    variables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
    epsilon: Float32Array,
  ): { loss: FusedStepLoss; gradients: Float32Array[] } {
    const loss = this.lossAndGradients(variables, data, rows, epsilon)
    const gradients = variables.map((variable, i) =>
      this.memory.view(this.parameterOffset(i) - this.params + this.grads, variable.size).slice(),
    )
    return { loss, gradients }
  }

  private lossAndGradients(
    variables: readonly tf.Variable[],
    data: Float32Array,
    rows: Uint32Array,
    epsilon: Float32Array,
  ): FusedStepLoss {
    const batch = rows.length
    const { k, inputSize } = this
    const { latentDim, beta, likelihood, observationNoise } = this.options
    this.readWeights(variables)
    const x = this.memory.view(this.x, batch * inputSize)
    rows.forEach((row, i) =>
      x.set(data.subarray(row * inputSize, (row + 1) * inputSize), i * inputSize),
    )
    this.memory.view(this.eps, batch * latentDim).set(epsilon)

    let input = this.x
    for (const layer of this.encoder) input = this.forward(layer, input, batch)
    const hidden = input
    this.forward(this.mean, hidden, batch)
    this.forward(this.logVar, hidden, batch)
    const n = batch * latentDim
    k.reparameterise(this.mean.output, this.logVar.output, this.eps, this.std, this.z, n)
    input = this.z
    for (const layer of this.decoder) input = this.forward(layer, input, batch)
    const decoderOut = input
    this.forward(this.output, decoderOut, batch)

    const values = batch * inputSize
    let reconstruction: number
    if (likelihood === 'bernoulli') {
      reconstruction = k.bernoulliLoss(this.output.output, this.x, this.gradRaw, values, 1 / batch)
    } else {
      const variance = observationNoise * observationNoise
      const squared = k.squaredError(
        this.output.output,
        this.x,
        this.gradRaw,
        values,
        1 / (variance * batch),
      )
      reconstruction =
        (0.5 * squared) / variance + values * (Math.log(observationNoise) + 0.5 * LOG_2PI)
    }
    reconstruction /= batch

    // Decoder, from the output back to z.
    let grad = this.backward(this.output, decoderOut, this.gradRaw, this.gradA, batch)
    for (let i = this.decoder.length - 1; i >= 0; i--) {
      const layer = this.decoder[i] as FlatLayer
      const layerInput = i > 0 ? (this.decoder[i - 1] as FlatLayer).output : this.z
      grad = this.backward(layer, layerInput, grad, this.otherGradient(grad), batch)
    }
    // The gradient at z becomes the two heads' (the mean's in place), plus the KL term's.
    this.memory.view(this.gradZ, n).set(this.memory.view(grad, n))
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
    const headInput = this.encoder.length > 0 ? this.gradA : undefined
    this.backward(this.mean, hidden, this.gradZ, headInput, batch)
    this.backward(this.logVar, hidden, this.gradLogVar, headInput, batch, true)
    grad = this.gradA
    for (let i = this.encoder.length - 1; i >= 0; i--) {
      const layer = this.encoder[i] as FlatLayer
      const layerInput = i > 0 ? (this.encoder[i - 1] as FlatLayer).output : this.x
      grad = this.backward(
        layer,
        layerInput,
        grad,
        i > 0 ? this.otherGradient(grad) : undefined,
        batch,
      )
    }
    return { loss: reconstruction + beta * kl, reconstruction, kl }
  }

  /** The ping-pong gradient buffer that `current` is not. */
  private otherGradient(current: number): number {
    return current === this.gradA ? this.gradB : this.gradA
  }

  /** Byte offset of variable `i` (kernel, bias, kernel, …) in the parameter buffer. */
  private parameterOffset(i: number): number {
    const layer = this.layers[i >> 1] as FlatLayer
    return i % 2 === 0 ? layer.kernel : layer.bias
  }

  /** Forgets the Adam moments (after a divergence, a reset or a new learning rate). */
  resetOptimizer(): void {
    this.adamSteps = 0
    this.adamRate = undefined
  }

  /** layer.output = act(input · W + b) for `batch` rows; returns the output's offset. */
  private forward(layer: FlatLayer, input: number, batch: number): number {
    const { inputs, units } = layer
    this.k.gemm(
      input,
      inputs,
      1,
      layer.kernel,
      units,
      1,
      layer.output,
      batch,
      inputs,
      units,
      0,
      this.panel,
    )
    this.k.addBias(layer.output, layer.bias, batch, units, layer.relu ? 1 : 0)
    return layer.output
  }

  /**
   * Gradients of a layer's kernel and bias from the gradient at its output (`gradOut`, already
   * through the activation), and the gradient at its input into `gradIn` (added when `accumulate`),
   * through the previous layer's ReLU when the input came from one.
   */
  private backward(
    layer: FlatLayer,
    input: number,
    gradOut: number,
    gradIn: number | undefined,
    batch: number,
    accumulate = false,
  ): number {
    const { inputs, units } = layer
    const k = this.k
    const gradKernel = this.grads + (layer.kernel - this.params)
    const gradBias = this.grads + (layer.bias - this.params)
    // ∂W = inputᵀ · gradOut: A is the input read transposed.
    k.gemm(input, 1, inputs, gradOut, units, 1, gradKernel, inputs, batch, units, 0, this.panel)
    k.columnSums(gradOut, gradBias, batch, units)
    if (gradIn === undefined) return gradOut
    // ∂input = gradOut · Wᵀ: B is the kernel read transposed.
    k.gemm(
      gradOut,
      units,
      1,
      layer.kernel,
      1,
      units,
      gradIn,
      batch,
      units,
      inputs,
      accumulate ? 1 : 0,
      this.panel,
    )
    if (this.isReluOutput(input)) k.reluBackward(gradIn, input, batch * inputs)
    return gradIn
  }

  private isReluOutput(offset: number): boolean {
    return this.layers.some((layer) => layer.relu && layer.output === offset)
  }

  private applyAdam(learningRate: number): void {
    if (this.adamRate !== learningRate) {
      this.memory.view(this.moment1, this.parameterCount).fill(0)
      this.memory.view(this.moment2, this.parameterCount).fill(0)
      this.adamSteps = 0
      this.adamRate = learningRate
    }
    this.adamSteps += 1
    const c1 = 1 - BETA1 ** this.adamSteps
    const c2 = 1 - BETA2 ** this.adamSteps
    this.k.adam(
      this.params,
      this.grads,
      this.moment1,
      this.moment2,
      this.parameterCount,
      learningRate,
      BETA1,
      BETA2,
      c1,
      c2,
      ADAM_EPSILON,
    )
  }

  /** Copies in every variable some other code assigned since our last write. */
  private readWeights(variables: readonly tf.Variable[]): void {
    variables.forEach((variable, i) => {
      if (this.written[i] === variable.dataId) return
      this.memory
        .view(this.parameterOffset(i), variable.size)
        .set(variable.dataSync() as Float32Array)
    })
  }

  private writeWeights(variables: readonly tf.Variable[]): void {
    variables.forEach((variable, i) => {
      const value = tf.tensor(
        this.memory.view(this.parameterOffset(i), variable.size),
        variable.shape,
      )
      variable.assign(value)
      value.dispose()
      this.written[i] = variable.dataId
    })
  }
}
