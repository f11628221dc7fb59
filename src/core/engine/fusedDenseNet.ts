import * as tf from '@tensorflow/tfjs-core'
import type { KernelThreads, ResolvedFusedKernelsOption } from '../kernels/fusedKernelsOption'
import {
  kernelThreadSpawner,
  recordKernelThreads,
  reportKernelThreadFallback,
} from '../kernels/kernelThreadSpawner'
import { openKernelMemory } from '../kernels/openKernelMemory'
import { TwoThreadGemm } from '../kernels/twoThreadGemm'
import {
  SHARED_MAXIMUM_PAGES,
  type KernelBuild,
  type KernelExports,
  type KernelMemory,
} from '../kernels/wasmKernels'
import {
  FusedStateKeeper,
  type FusedNetState,
  type FusedStateful,
  type FusedTrainerState,
} from './fusedState'
import type { TrainingStatePart } from './trainingState'

/**
 * The fused trainer a dense model trains with, kept across training calls (it holds the Adam
 * moments); snapshots keep its state ({@link FusedTrainerSlot.trainingPart}). Its kernel memory is
 * shared only when a helper thread will run on it: a kernel-thread spawner is registered (see
 * kernelThreadSpawner.ts) and `kernelThreads` is 2; the helper then takes half of each large matrix
 * product. Otherwise the memory is the kernels' own (a shared one reserves 1 GiB of address space).
 */
export class FusedTrainerSlot<T extends FusedStateful> {
  private current:
    | {
        readonly trainer: T
        readonly memory: KernelMemory
        threads: TwoThreadGemm | undefined
        /**
         * The most rows this trainer stands for: its own `maxBatch`, or more when it was made again
         * from a trainer for more rows (which would have been kept for up to that many).
         */
        readonly reusableUpTo: number
      }
    | undefined
  private readonly state = new FusedStateKeeper()
  /** Why this slot's trainers stay on one thread (the shared build or memory was refused), once known. */
  private oneThreadReason: string | undefined

  /**
   * The kept trainer while it holds buffers for `rows` (and its kernel memory was not dropped after
   * memory ran out, and is shared if two threads are to run), else a new one from `make` in fresh
   * kernel memory (then kept). A new trainer that replaces a kept one the kept one would have served
   * (on a shared memory now that two threads are asked for, or for rows between its `maxBatch` and
   * the rows it stands for) continues its Adam state, so the run is the same as if it had been kept.
   * Undefined (train with TF.js operations) unless `fusedKernels` is on, the TF.js backend is WASM
   * and this engine runs WebAssembly SIMD, and when the buffers do not fit in WebAssembly memory.
   */
  async get(
    option: ResolvedFusedKernelsOption,
    rows: number,
    make: (memory: KernelMemory) => T,
  ): Promise<T | undefined> {
    if (!option.fusedKernels || tf.getBackend() !== 'wasm') return undefined
    const twoThreads =
      option.kernelThreads === 2 &&
      kernelThreadSpawner() !== undefined &&
      this.oneThreadReason === undefined
    const kept = this.current && !this.current.memory.dropped ? this.current : undefined
    if (kept && kept.trainer.maxBatch >= rows && (!twoThreads || kept.memory.compiled.shared)) {
      this.useThreads(kept, option.kernelThreads)
      return kept.trainer
    }
    const carried =
      kept && rows <= kept.reusableUpTo
        ? { reusableUpTo: kept.reusableUpTo, state: kept.trainer.captureState() }
        : undefined
    this.dropCurrent()
    const made = await this.make(twoThreads, make)
    if (!made) return undefined
    const { trainer, memory } = made
    const current = {
      trainer,
      memory,
      threads: undefined as TwoThreadGemm | undefined,
      reusableUpTo: Math.max(trainer.maxBatch, carried?.reusableUpTo ?? 0),
    }
    this.current = current
    recordKernelThreads(trainer, () => (current.threads?.twoThreads ? 2 : 1))
    this.useThreads(current, option.kernelThreads)
    if (carried) trainer.restoreState(carried.state)
    else this.state.handOver(trainer, rows)
    return trainer
  }

  /**
   * A trainer from `make` in a new kernel memory (shared with `twoThreads`); one on the kernels' own
   * memory, on one thread from then on, when the shared memory cannot be had or the trainer's
   * buffers do not fit in it; undefined when no build runs or the buffers fit in no memory.
   */
  private async make(
    twoThreads: boolean,
    make: (memory: KernelMemory) => T,
  ): Promise<{ readonly trainer: T; readonly memory: KernelMemory } | undefined> {
    const opened = await openKernelMemory(twoThreads)
    if (!opened) return undefined
    if (opened.oneThreadReason !== undefined) this.stayOnOneThread(opened.oneThreadReason)
    try {
      return { trainer: make(opened.memory), memory: opened.memory }
    } catch (error) {
      if (!(error instanceof RangeError)) throw error
      // memory.grow beyond the engine's limit, or beyond the shared memory's maximum
      if (!opened.memory.compiled.shared) return undefined
      this.stayOnOneThread(
        `the model's buffers do not fit in the shared kernel memory (at most ${SHARED_MAXIMUM_PAGES / 16} MiB; ${String(error)})`,
      )
      return this.make(false, make)
    }
  }

  /** Keeps this slot's trainers on the kernels' own memory, one thread, and tells the console why. */
  private stayOnOneThread(reason: string): void {
    this.oneThreadReason = reason
    reportKernelThreadFallback(reason)
  }

  /**
   * The kept trainer, or undefined when there is none or its kernel memory was dropped after memory
   * ran out (the next {@link get} then makes a new one).
   */
  get keptTrainer(): T | undefined {
    return this.current && !this.current.memory.dropped ? this.current.trainer : undefined
  }

  /** Forgets the kept trainer (its weights and moments), e.g. when the model is reset. */
  clear(): void {
    this.dropCurrent()
    this.state.clear()
  }

  /** Starts the helper thread on a shared memory the first time two threads are asked for. */
  private useThreads(
    current: { readonly memory: KernelMemory; threads: TwoThreadGemm | undefined },
    threads: KernelThreads,
  ): void {
    const spawn = kernelThreadSpawner()
    if (threads === 2 && !current.threads && current.memory.compiled.shared && spawn) {
      current.threads = new TwoThreadGemm(
        current.memory,
        spawn,
        reportKernelThreadFallback,
      ).attach()
    }
    if (current.threads) current.threads.enabled = threads === 2
  }

  private dropCurrent(): void {
    this.current?.threads?.dispose()
    this.current = undefined
  }

  /**
   * The kept trainer's Adam state as a part of a model's training state, for fused networks that
   * train `networks` (one list of variables each, in the trainer's order); a restored state goes to
   * the next trainer made.
   */
  trainingPart(name: string, networks: readonly (readonly tf.Variable[])[]): TrainingStatePart {
    const current = (): T | undefined => this.keptTrainer
    const counts = networks.map((variables) => variables.reduce((sum, v) => sum + v.size, 0))
    return this.state.part(name, current, counts)
  }
}

/** Activation of a fused dense layer (leaky ReLU's slope is dense.ts's `LEAKY_SLOPE`, 0.2). */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'leakyRelu'

/** The kernels' activation codes (see `addBias` in assembly/kernels.ts). */
export const ACTIVATION_CODE: Record<FusedActivation, number> = {
  linear: 0,
  relu: 1,
  sigmoid: 2,
  tanh: 3,
  leakyRelu: 4,
}

/** A dense layer's shape and activation. */
export interface FusedLayerSpec {
  readonly inputs: number
  readonly units: number
  readonly activation: FusedActivation
}

/** A dense layer laid out in kernel memory. */
export interface FusedLayer extends FusedLayerSpec {
  /** Byte offsets of the kernel and bias in the parameter buffer (the same in grads and moments). */
  readonly kernel: number
  readonly bias: number
  /** Byte offset of this layer's activated output for a batch. */
  readonly output: number
}

/** `tf.train.adam`'s default β1 and β2. */
const DEFAULT_BETA1 = 0.9
const BETA2 = 0.999
/** TF.js's float32 epsilon, which `tf.train.adam` uses by default. */
const ADAM_EPSILON = 1e-7

/**
 * Dense layers whose weights, gradients and Adam moments live in one kernel memory as flat buffers,
 * with a forward pass, a backward pass and one Adam update over every weight, each a few kernel
 * calls. A model wires its layers together (see the fused VAE and autoencoder trainers).
 *
 * The TF.js variables stay the model's weights: they are read in when some other code assigned them
 * (the first step, a restore after a divergence) and written after every step, so anything running
 * between two steps (sampling, decoding) sees the latest weights.
 */
export class FusedDenseNet {
  readonly build: KernelBuild
  readonly maxBatch: number
  readonly layers: readonly FusedLayer[]
  readonly k: KernelExports
  private readonly parameterCount: number
  private readonly params: number
  private readonly grads: number
  private readonly moment1: number
  private readonly moment2: number
  private readonly panel: number
  /** The variables' data ids after our last write: a different id means someone else assigned. */
  private readonly written: (object | undefined)[]
  private adamSteps = 0
  private adamKey: string | undefined

  /** Lays out `specs` (in the order of the model's variables: kernel, bias, kernel, …). */
  constructor(
    readonly memory: KernelMemory,
    specs: readonly FusedLayerSpec[],
    maxBatch: number,
  ) {
    this.k = memory.modelKernels
    this.build = memory.build
    this.maxBatch = maxBatch
    this.parameterCount = specs.reduce((sum, l) => sum + l.inputs * l.units + l.units, 0)
    this.params = memory.alloc(this.parameterCount)
    this.grads = memory.alloc(this.parameterCount)
    this.moment1 = memory.alloc(this.parameterCount)
    this.moment2 = memory.alloc(this.parameterCount)
    let offset = this.params
    this.layers = specs.map((spec) => {
      const kernel = offset
      const bias = kernel + spec.inputs * spec.units * 4
      offset = bias + spec.units * 4
      return { ...spec, kernel, bias, output: memory.alloc(maxBatch * spec.units) }
    })
    const widest = Math.max(maxBatch, ...specs.flatMap((l) => [l.inputs, l.units]))
    this.panel = memory.alloc(8 * widest)
    this.written = specs.flatMap(() => [undefined, undefined])
  }

  /** `layer.output` = activation(input · W + b) for `batch` rows; returns the output's offset. */
  forward(layer: FusedLayer, input: number, batch: number): number {
    const { inputs, units } = layer
    this.memory.gemm(
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
    this.k.addBias(layer.output, layer.bias, batch, units, ACTIVATION_CODE[layer.activation])
    return layer.output
  }

  /**
   * Backward pass of `layer`: `gradOut`, the gradient at its activated output, is taken through the
   * activation in place; the kernel and bias gradients are stored (added to the stored ones when
   * `accumulateWeights`); and when `gradIn` is given, the gradient at the input is written there
   * (added to it when `accumulate`).
   */
  backward(
    layer: FusedLayer,
    input: number,
    gradOut: number,
    gradIn: number | undefined,
    batch: number,
    accumulate = false,
    accumulateWeights = false,
  ): void {
    const { inputs, units } = layer
    const k = this.k
    if (layer.activation !== 'linear') {
      k.activationBackward(gradOut, layer.output, batch * units, ACTIVATION_CODE[layer.activation])
    }
    const gradKernel = this.grads + (layer.kernel - this.params)
    const addWeights = accumulateWeights ? 1 : 0
    // ∂W = inputᵀ · gradOut: A is the input read transposed.
    const weights: Parameters<KernelExports['gemm']> = [
      input,
      1,
      inputs,
      gradOut,
      units,
      1,
      gradKernel,
      inputs,
      batch,
      units,
      addWeights,
      this.panel,
    ]
    k.columnSums(gradOut, this.grads + (layer.bias - this.params), batch, units, addWeights)
    if (gradIn === undefined) {
      this.memory.gemm(...weights)
      return
    }
    // ∂input = gradOut · Wᵀ: B is the kernel read transposed. Independent of ∂W: on two kernel
    // threads the two products may run at once.
    this.memory.gemmPair(weights, [
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
    ])
  }

  /**
   * Byte offset of the gradient of the parameter at byte offset `parameter` (a layer's `kernel` or
   * `bias`), for layers whose backward pass a model computes itself (convolutions).
   */
  gradientOf(parameter: number): number {
    return this.grads + (parameter - this.params)
  }

  /** Runs `batch` rows at `input` through `layers` in order; returns the last output's offset. */
  forwardStack(layers: readonly FusedLayer[], input: number, batch: number): number {
    return layers.reduce((h, layer) => this.forward(layer, h, batch), input)
  }

  /**
   * Backward pass through a stack fed by `input`, from the gradient at its output. Uses `scratch`
   * (two buffers of `maxBatch × widest` floats) in turn; writes the gradient at the stack's input to
   * `gradIn` when given. Weight gradients add to the stored ones when `accumulateWeights`.
   */
  backwardStack(
    layers: readonly FusedLayer[],
    input: number,
    gradOut: number,
    gradIn: number | undefined,
    scratch: readonly [number, number],
    batch: number,
    accumulateWeights = false,
  ): void {
    let grad = gradOut
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i] as FusedLayer
      const layerInput = i > 0 ? (layers[i - 1] as FusedLayer).output : input
      const target = i > 0 ? (grad === scratch[0] ? scratch[1] : scratch[0]) : gradIn
      this.backward(layer, layerInput, grad, target, batch, false, accumulateWeights)
      if (target !== undefined) grad = target
    }
  }

  /**
   * One Adam step over every weight, as `tf.train.adam(learningRate, beta1)` computes it; the
   * moments start again when the learning rate or β1 changes (a new TF.js optimiser would).
   */
  applyAdam(learningRate: number, beta1 = DEFAULT_BETA1): void {
    const key = `${learningRate}:${beta1}`
    if (this.adamKey !== key) {
      this.resetOptimizer()
      this.adamKey = key
    }
    this.adamSteps += 1
    this.k.adam(
      this.params,
      this.grads,
      this.moment1,
      this.moment2,
      this.parameterCount,
      learningRate,
      beta1,
      BETA2,
      1 - beta1 ** this.adamSteps,
      1 - BETA2 ** this.adamSteps,
      ADAM_EPSILON,
    )
  }

  /** Forgets the Adam moments (after a divergence, a reset or a new learning rate). */
  resetOptimizer(): void {
    this.memory.view(this.moment1, this.parameterCount).fill(0)
    this.memory.view(this.moment2, this.parameterCount).fill(0)
    this.adamSteps = 0
    this.adamKey = undefined
  }

  /** The Adam state: steps and settings, and copies of the first and second moments. */
  adamState(): { readonly net: FusedNetState; readonly moments: [Float32Array, Float32Array] } {
    return {
      net: { steps: this.adamSteps, key: this.adamKey ?? null },
      moments: [this.momentCopy(this.moment1), this.momentCopy(this.moment2)],
    }
  }

  /** Puts back an Adam state {@link FusedDenseNet.adamState} gave (moments of this net's size). */
  setAdamState(net: FusedNetState, first: Float32Array, second: Float32Array): void {
    this.memory.view(this.moment1, this.parameterCount).set(first)
    this.memory.view(this.moment2, this.parameterCount).set(second)
    this.adamSteps = net.steps
    this.adamKey = net.key ?? undefined
  }

  /** Copies in every variable some other code assigned since our last write. */
  readWeights(variables: readonly tf.Variable[]): void {
    variables.forEach((variable, i) => {
      if (this.written[i] === variable.dataId) return
      this.memory
        .view(this.parameterOffset(i), variable.size)
        .set(variable.dataSync() as Float32Array)
    })
  }

  /** Assigns the weights to the TF.js variables. */
  writeWeights(variables: readonly tf.Variable[]): void {
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

  /** A copy of the last gradients, one array per variable (for checks). */
  gradients(): Float32Array[] {
    return this.layers.flatMap((layer) => [
      this.memory
        .view(this.grads + (layer.kernel - this.params), layer.inputs * layer.units)
        .slice(),
      this.memory.view(this.grads + (layer.bias - this.params), layer.units).slice(),
    ])
  }

  /**
   * A copy of the moments at byte offset `at`. Not `slice()`: on a shared kernel memory (two kernel
   * threads) V8's slice takes a slow path, 6.9 ms against 0.24 ms for these 2.6 MB in Node 20.
   */
  private momentCopy(at: number): Float32Array {
    const copy = new Float32Array(this.parameterCount)
    copy.set(this.memory.view(at, this.parameterCount))
    return copy
  }

  /** Byte offset of variable `i` (kernel, bias, kernel, …) in the parameter buffer. */
  private parameterOffset(i: number): number {
    const layer = this.layers[i >> 1] as FusedLayer
    return i % 2 === 0 ? layer.kernel : layer.bias
  }
}

/** The Adam state of fused networks `nets` (in order), with the trainer's `settings` key. */
export function captureNets(settings: string, nets: readonly FusedDenseNet[]): FusedTrainerState {
  const states = nets.map((net) => net.adamState())
  return {
    settings,
    nets: states.map((state) => state.net),
    moments: states.flatMap((state) => state.moments),
  }
}

/** Puts `state` (from {@link captureNets} over nets of the same sizes) back into `nets`. */
export function restoreNets(state: FusedTrainerState, nets: readonly FusedDenseNet[]): void {
  nets.forEach((net, i) => {
    net.setAdamState(
      state.nets[i] as FusedNetState,
      state.moments[2 * i] as Float32Array,
      state.moments[2 * i + 1] as Float32Array,
    )
  })
}

/**
 * A model trained through one {@link FusedDenseNet} and one Adam: a step is the loss and gradients of
 * a batch (`Batch`, whatever the model feeds in), one Adam update, and the weights written back.
 */
export abstract class FusedTrainer<Batch, Loss> implements FusedStateful {
  protected constructor(protected readonly net: FusedDenseNet) {}

  /** Which kernel build runs the steps. */
  get build(): KernelBuild {
    return this.net.build
  }

  /** The largest batch this trainer holds buffers for. */
  get maxBatch(): number {
    return this.net.maxBatch
  }

  /** One training step on `batch`, updating `variables` (the network's) with Adam at `learningRate`. */
  step(variables: readonly tf.Variable[], batch: Batch, learningRate: number): Loss {
    const loss = this.lossAndGradients(variables, batch)
    this.net.applyAdam(learningRate)
    this.net.writeWeights(variables)
    return loss
  }

  /** The loss of a batch and a copy of its gradients (same order as `variables`), for checks. */
  gradients(
    variables: readonly tf.Variable[],
    batch: Batch,
  ): { loss: Loss; gradients: Float32Array[] } {
    const loss = this.lossAndGradients(variables, batch)
    return { loss, gradients: this.net.gradients() }
  }

  /** Forgets the Adam moments (after a divergence). */
  resetOptimizer(): void {
    this.net.resetOptimizer()
  }

  /** The Adam state, for snapshots. */
  captureState(): FusedTrainerState {
    return captureNets('', [this.net])
  }

  /** Puts back a state {@link FusedTrainer.captureState} gave for a trainer of this network. */
  restoreState(state: FusedTrainerState): void {
    restoreNets(state, [this.net])
  }

  /** Reads the weights in, runs the batch forward and backward; leaves the gradients in the net. */
  protected abstract lossAndGradients(variables: readonly tf.Variable[], batch: Batch): Loss
}
