/**
 * An RBM's contrastive-divergence step (CD-k or PCD-k, Bernoulli or Gaussian visible units) on
 * latentkit's fused WebAssembly kernels: the matrix products through the SIMD `gemm`, sigmoids through
 * `addBias`, the sampling, gradients and momentum update in one pass over flat buffers. It computes
 * what {@link RBMLayer.contrastiveDivergence} computes, drawing the same random numbers
 * (`uniformsInto`, in the `bernoulliDraw` kernel, and {@link normalsInto}), so both give the same updates.
 *
 * The TF.js variables stay the layer's weights: they are read in when some other code assigned them
 * (the first step, a restore after a divergence) and written by {@link FusedRBMTrainer.writeWeights}
 * when the caller needs them (a progress report, the end of an epoch or of training): a step writes
 * nothing, so steps between two reads pay no TF.js tensor.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { FusedStateful, FusedTrainerState } from '../../engine/fusedState'
import type { KernelBuild, KernelExports, KernelMemory } from '../../kernels/wasmKernels'
import { createRandom } from '../../random'
import { normalsInto } from './rbmDraws'
import type { RBMLayer } from './rbmLayer'

/** The kernels' activation codes (see `addBias` in assembly/kernels.ts). */
const LINEAR = 0
const SIGMOID = 2

/** Gibbs steps a one-call step (`rbmStep`) takes at most: more run kernel by kernel. */
const MAX_ONE_CALL_GIBBS = 32

/** What a fused contrastive-divergence step needs besides the batch. */
export interface FusedContrastiveStep {
  /** Step size on the batch's mean gradient. */
  readonly learningRate: number
  readonly momentum: number
  readonly weightDecay: number
  /** Gibbs steps of the negative phase. */
  readonly gibbsSteps: number
  /** True: the negative chains start from the kept ones ({@link FusedRBMTrainer.setChains}); false: CD. */
  readonly persistent: boolean
  /** A new seed for each random draw (the same sequence the TF.js step takes). */
  readonly seed: () => number
  /**
   * For the pseudo-likelihood (Bernoulli units): the value of each row that is flipped, one index per
   * row; undefined to skip it.
   */
  readonly flips: ArrayLike<number> | undefined
}

/** What a fused step measured on its batch. */
export interface FusedContrastiveResult {
  /** Squared error per row of the mean-field reconstruction, with the updated weights. */
  readonly reconstruction: number
  /** Mean stochastic pseudo-log-likelihood of the batch, before the update (when flips were given). */
  readonly pseudoLikelihood: number | undefined
}

/** Views of {@link FusedRBMTrainer}'s one-call step buffers over one kernel memory buffer. */
interface StepViews {
  readonly buffer: ArrayBuffer
  readonly states: Int32Array
  readonly flips: Int32Array
  readonly results: Float64Array
}

const softplus = (x: number): number =>
  x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))

/** One RBM layer's weights, velocities and batch buffers in one kernel memory. */
export class FusedRBMTrainer implements FusedStateful {
  readonly build: KernelBuild
  private readonly k: KernelExports
  private readonly visible: number
  private readonly hidden: number
  private readonly gaussian: boolean
  private readonly count: number
  private readonly params: number
  private readonly grads: number
  private readonly velocity: number
  private readonly input: number
  private readonly positive: number
  private readonly chainStates: number
  private readonly negativeVisible: number
  private readonly negativeHidden: number
  private readonly products: number
  private readonly negativeMeans: number
  private readonly uniforms: number
  private readonly zeros: number
  private readonly panel: number
  /** Room for the weights transposed (hidden × visible), which `rbmStep` multiplies by. */
  private readonly transposed: number
  /** `rbmStep`'s buffer offsets and sizes (i32), its draws' generator states and flips, its results. */
  private readonly layout: number
  private readonly states: number
  private readonly flipRows: number
  private readonly results: number
  private views: StepViews | undefined
  private hasVelocity = false
  /** True when a step changed the weights since they were last written to the variables. */
  private unwritten = false
  /** Rows of the kept chains (0: none). */
  private chainRows = 0
  /** What the kept chains continue (see {@link holdsChains}); a fresh object matches nothing. */
  private chainSource: object | undefined = {}
  /**
   * The variables' data ids after our last read or write: a different id means someone else assigned.
   */
  private readonly written: (object | undefined)[] = [undefined, undefined, undefined]

  constructor(
    private readonly memory: KernelMemory,
    layer: Pick<RBMLayer, 'visibleUnits' | 'hiddenUnits' | 'gaussian'>,
    readonly maxBatch: number,
  ) {
    this.k = memory.modelKernels
    this.build = memory.build
    const V = (this.visible = layer.visibleUnits)
    const H = (this.hidden = layer.hiddenUnits)
    this.gaussian = layer.gaussian
    this.count = V * H + H + V
    this.params = memory.alloc(this.count)
    this.grads = memory.alloc(this.count)
    this.velocity = memory.alloc(this.count)
    this.input = memory.alloc(maxBatch * V)
    this.positive = memory.alloc(maxBatch * H)
    this.chainStates = memory.alloc(maxBatch * H)
    this.negativeVisible = memory.alloc(maxBatch * V)
    this.negativeHidden = memory.alloc(maxBatch * H)
    this.products = memory.alloc(V * H)
    this.negativeMeans = memory.alloc(H + V)
    this.uniforms = memory.alloc(maxBatch * Math.max(V, H))
    this.zeros = memory.alloc(Math.max(V, H))
    this.panel = memory.alloc(8 * Math.max(V, H, maxBatch))
    this.transposed = memory.alloc(V * H)
    this.layout = memory.alloc(16)
    this.states = memory.alloc(1 + 2 * MAX_ONE_CALL_GIBBS)
    this.flipRows = memory.alloc(maxBatch)
    this.results = memory.alloc(4)
    new Int32Array(this.k.memory.buffer, this.layout, 16).set([
      this.params,
      this.grads,
      this.velocity,
      this.input,
      this.positive,
      this.chainStates,
      this.negativeVisible,
      this.negativeHidden,
      this.products,
      this.negativeMeans,
      this.uniforms,
      this.zeros,
      this.panel,
      V,
      H,
      this.transposed,
    ])
  }

  /** Where to write a batch of `rows` visible rows (as the layer sees them) before {@link step}. */
  batchView(rows: number): Float32Array {
    return this.memory.view(this.input, rows * this.visible)
  }

  /** Forgets the momentum (a new training run starts without it). */
  resetMomentum(): void {
    this.hasVelocity = false
  }

  /**
   * Sets PCD's chains: `rows` hidden states, or all zeros (as scikit-learn starts them) when absent.
   * `source` is what they came from (see {@link FusedRBMTrainer.holdsChains}).
   */
  setChains(rows: number, states?: Float32Array, source?: object): void {
    const view = this.memory.view(this.chainStates, rows * this.hidden)
    if (states) view.set(states)
    else view.fill(0)
    this.chainRows = rows
    this.chainSource = source
  }

  /**
   * True when the chains held are those `source` (given to {@link setChains} or {@link markChains})
   * holds, or their continuation by the steps since: no copy needed.
   */
  holdsChains(source: object | undefined): boolean {
    return this.chainSource === source
  }

  /**
   * Forgets the weights and chains written or set (a restore assigned other weights to the
   * variables): the next step reads the variables, and no source matches the chains.
   */
  forget(): void {
    this.written.fill(undefined)
    this.chainSource = {}
    this.unwritten = false
  }

  /** True when steps changed the weights since {@link writeWeights} last wrote them. */
  get hasUnwritten(): boolean {
    return this.unwritten
  }

  /** Records that `source` now holds a copy of the chains left by the last step. */
  markChains(source: object): void {
    this.chainSource = source
  }

  /** A copy of the chains' hidden states after the last step, `rows × hidden`. */
  chains(): { readonly rows: number; readonly states: Float32Array } {
    const rows = this.chainRows
    return { rows, states: this.memory.view(this.chainStates, rows * this.hidden).slice() }
  }

  /**
   * One contrastive-divergence update of `variables` (the layer's weights, hidden bias, visible bias)
   * on the `rows` rows written to {@link batchView}, in kernel memory: {@link writeWeights} writes
   * them to the variables.
   */
  step(
    variables: readonly tf.Variable[],
    rows: number,
    step: FusedContrastiveStep,
  ): FusedContrastiveResult {
    this.readWeights(variables)
    if (
      !this.gaussian &&
      step.gibbsSteps <= MAX_ONE_CALL_GIBBS &&
      this.memory.gemm === this.memory.kernels.gemm
    ) {
      return this.oneCallStep(rows, step)
    }
    const { k, visible: V, hidden: H, panel } = this
    const W = this.params
    const c = W + V * H * 4
    const b = c + H * 4
    // Positive phase: pre-activations vW + c, the pseudo-likelihood from them, then p(h | v).
    k.gemm(this.input, V, 1, W, H, 1, this.positive, rows, V, H, 0, panel)
    k.addBias(this.positive, c, rows, H, LINEAR)
    const pseudoLikelihood =
      step.flips && !this.gaussian ? this.pseudoLikelihood(rows, step.flips) : undefined
    if (pseudoLikelihood === undefined) k.addBias(this.positive, this.zeros, rows, H, SIGMOID)
    if (!step.persistent) {
      this.draw(this.positive, this.chainStates, rows * H, step.seed())
      this.chainRows = rows
    }
    const chainRows = this.chainRows
    let negativeVisible = this.input
    let negativeHidden = this.positive
    for (let g = 0; g < step.gibbsSteps; g++) {
      negativeVisible = this.negativeVisible
      negativeHidden = this.negativeHidden
      k.gemm(this.chainStates, H, 1, W, 1, H, negativeVisible, chainRows, H, V, 0, panel)
      k.addBias(negativeVisible, b, chainRows, V, this.gaussian ? LINEAR : SIGMOID)
      if (this.gaussian) this.addNormals(negativeVisible, chainRows * V, step.seed())
      else this.draw(negativeVisible, negativeVisible, chainRows * V, step.seed())
      k.gemm(negativeVisible, V, 1, W, H, 1, negativeHidden, chainRows, V, H, 0, panel)
      k.addBias(negativeHidden, c, chainRows, H, SIGMOID)
      this.draw(negativeHidden, this.chainStates, chainRows * H, step.seed())
    }
    // Statistics: ⟨vhᵀ⟩ and the column means of each phase.
    k.gemm(this.input, 1, V, this.positive, H, 1, this.grads, V, rows, H, 0, panel)
    k.gemm(negativeVisible, 1, V, negativeHidden, H, 1, this.products, V, chainRows, H, 0, panel)
    const gc = this.grads + V * H * 4
    const gb = gc + H * 4
    k.columnSums(this.positive, gc, rows, H, 0)
    k.columnSums(this.input, gb, rows, V, 0)
    k.columnSums(negativeHidden, this.negativeMeans, chainRows, H, 0)
    k.columnSums(negativeVisible, this.negativeMeans + H * 4, chainRows, V, 0)
    this.update(step, rows, chainRows)
    const reconstruction = this.reconstructionError(rows)
    this.unwritten = true
    return { reconstruction, pseudoLikelihood }
  }

  /**
   * {@link step} of Bernoulli units in one kernel call (`rbmStep`, the same kernels in the same
   * order): the draws' generator states and the flips are written to kernel memory first (the seeds
   * taken in the order the step takes them).
   */
  private oneCallStep(rows: number, step: FusedContrastiveStep): FusedContrastiveResult {
    const k = this.k
    const views = this.stepViews()
    const draws = (step.persistent ? 0 : 1) + 2 * step.gibbsSteps
    const states = views.states
    for (let i = 0; i < draws; i++) states[i] = createRandom(step.seed()).state().position
    const flips = step.flips
    if (flips) views.flips.set(flips)
    if (!step.persistent) this.chainRows = rows
    const { momentum } = step
    k.rbmStep(
      this.layout,
      this.states,
      flips ? this.flipRows : 0,
      rows,
      this.chainRows,
      step.gibbsSteps,
      step.persistent ? 1 : 0,
      step.learningRate,
      momentum,
      step.weightDecay,
      momentum > 0 && this.hasVelocity ? 1 : 0,
      momentum > 0 ? 1 : 0,
      this.results,
    )
    if (momentum > 0) this.hasVelocity = true
    this.unwritten = true
    const [reconstruction = NaN, likelihood = NaN] = views.results
    return { reconstruction, pseudoLikelihood: flips ? likelihood : undefined }
  }

  /**
   * Views of `rbmStep`'s generator states, flips and results, made again only when the kernel
   * memory's buffer changed (it grew), not at every step.
   */
  private stepViews(): StepViews {
    const buffer = this.k.memory.buffer
    if (this.views?.buffer !== buffer) {
      this.views = {
        buffer,
        states: new Int32Array(buffer, this.states, 1 + 2 * MAX_ONE_CALL_GIBBS),
        flips: new Int32Array(buffer, this.flipRows, this.maxBatch),
        results: new Float64Array(buffer, this.results, 2),
      }
    }
    return this.views
  }

  /**
   * Gradients and the momentum update in one kernel call (`rbmUpdate`), as RBMLayer's
   * `contrastiveDivergence` and `applyUpdate` compute them: the statistics are in `grads` (positive
   * phase sums) and `products` / `negativeMeans` (negative phase).
   */
  private update(step: FusedContrastiveStep, rows: number, chainRows: number): void {
    const { visible: V, hidden: H } = this
    const { learningRate, momentum, weightDecay } = step
    this.k.rbmUpdate(
      this.params,
      this.grads,
      this.products,
      this.negativeMeans,
      this.velocity,
      V * H,
      this.count,
      rows,
      chainRows,
      learningRate,
      momentum,
      weightDecay,
      momentum > 0 && this.hasVelocity ? 1 : 0,
      momentum > 0 ? 1 : 0,
    )
    if (momentum > 0) this.hasVelocity = true
  }

  /** Squared error per row of the mean-field reconstruction of the batch from p(h | v). */
  private reconstructionError(rows: number): number {
    const { k, visible: V, hidden: H } = this
    const W = this.params
    const b = W + (V * H + H) * 4
    k.gemm(this.positive, H, 1, W, 1, H, this.negativeVisible, rows, H, V, 0, this.panel)
    k.addBias(this.negativeVisible, b, rows, V, this.gaussian ? LINEAR : SIGMOID)
    const rebuilt = this.memory.view(this.negativeVisible, rows * V)
    const input = this.memory.view(this.input, rows * V)
    let total = 0
    for (let i = 0; i < rows * V; i++) {
      const d = (input[i] as number) - (rebuilt[i] as number)
      total += d * d
    }
    return total / rows
  }

  /**
   * Mean over the rows of `−V · softplus(F(v) − F(ṽ))`, ṽ being v with its value `flips[r]` turned to
   * `1 − v`: F(v) − F(ṽ) = (1 − 2vᵢ)·bᵢ − Σ softplus(x) + Σ softplus(x + (1 − 2vᵢ)·Wᵢ), x = vW + c.
   * The sums of softplus come from the `bernoulliLoss` kernel (with target 0), which also turns each
   * row of x into p(h | v) in place (its gradient with scale 1 is the sigmoid).
   */
  private pseudoLikelihood(rows: number, flips: ArrayLike<number>): number {
    const { k, visible: V, hidden: H } = this
    const input = this.memory.view(this.input, rows * V)
    const x = this.memory.view(this.positive, rows * H)
    const weights = this.memory.view(this.params, V * H)
    const visibleBias = this.memory.view(this.params + (V * H + H) * 4, V)
    const flipped = this.memory.view(this.uniforms, H)
    const discard = this.uniforms + H * 4
    let total = 0
    for (let r = 0; r < rows; r++) {
      const i = flips[r] as number
      const d = 1 - 2 * (input[r * V + i] as number)
      for (let j = 0; j < H; j++) {
        flipped[j] = (x[r * H + j] as number) + d * (weights[i * H + j] as number)
      }
      const flippedSum = k.bernoulliLoss(this.uniforms, this.zeros, discard, H, 0)
      const row = this.positive + r * H * 4
      const sum = k.bernoulliLoss(row, this.zeros, row, H, 1)
      total += -V * softplus(d * (visibleBias[i] as number) - sum + flippedSum)
    }
    return total / rows
  }

  /**
   * `states[i] = u[i] < p[i]` over `n` values with the uniforms of `seed` (in place when equal), in
   * one kernel call that draws the uniforms `uniformsInto` (rbmDraws.ts) gives.
   */
  private draw(probabilities: number, states: number, n: number, seed: number): void {
    this.k.bernoulliDraw(probabilities, states, n, createRandom(seed).state().position)
  }

  /** Adds the standard normals of `seed` to `n` values (a Gaussian visible draw around its means). */
  private addNormals(means: number, n: number, seed: number): void {
    const noise = normalsInto(this.memory.view(this.uniforms, n), seed)
    const values = this.memory.view(means, n)
    for (let i = 0; i < n; i++) values[i] = (values[i] as number) + (noise[i] as number)
  }

  /** Copies in every variable some other code assigned since our last write. */
  private readWeights(variables: readonly tf.Variable[]): void {
    let offset = this.params
    variables.forEach((variable, i) => {
      if (this.written[i] !== variable.dataId) {
        this.memory.view(offset, variable.size).set(variable.dataSync() as Float32Array)
        // Read once: the steps go on from kernel memory until someone assigns the variable again.
        this.written[i] = variable.dataId
      }
      offset += variable.size * 4
    })
  }

  /** Assigns the weights to the TF.js variables (the layer's weights, hidden bias, visible bias). */
  writeWeights(variables: readonly tf.Variable[]): void {
    this.unwritten = false
    let offset = this.params
    variables.forEach((variable, i) => {
      const value = tf.tensor(this.memory.view(offset, variable.size), variable.shape)
      variable.assign(value)
      value.dispose()
      this.written[i] = variable.dataId
      offset += variable.size * 4
    })
  }

  /** An RBM's momentum starts again at every training call: no optimiser state to save. */
  captureState(): FusedTrainerState {
    return { settings: '', nets: [], moments: [] }
  }

  /** Nothing to restore (see {@link FusedRBMTrainer.captureState}). */
  restoreState(): void {
    this.hasVelocity = false
  }
}
