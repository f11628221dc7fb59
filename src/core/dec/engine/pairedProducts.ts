import { ACTIVATION_CODE, type FusedDenseNet, type FusedLayer } from '../../engine/fusedDenseNet'
import type { KernelMemory } from '../../kernels/wasmKernels'

/**
 * Share of (row pair, column) places of a product's left operand where either row is nonzero up to
 * which the kernels' paired product (`pairNonzeros` + `pairedRowsGemm`) runs instead of the dense
 * `gemm`. Per listed place the paired product runs about as fast as `gemm` per column (measured on
 * 256 × 500 products: 46–49 against 46–51 GFLOP/s), and listing costs a pass over A.
 */
export const PAIRED_UP_TO = 0.85

/** Fewest columns of a product for the paired one (its rows are 16 columns wide). */
const PAIRED_MIN_COLUMNS = 16

/**
 * Matrix products of fused dense layers whose left operand is mostly zeros — a ReLU's outputs (and
 * the gradient taken back through it), or images with many zero pixels — summing, for each pair of
 * rows, only the columns where either row is nonzero. Each product lists those places first, then
 * takes the paired product when at most {@link PAIRED_UP_TO} of them are listed, else the dense one;
 * both give the same values up to the order of the sums. Runs on one thread: where a two-thread
 * product is attached to the memory, every product stays dense.
 */
export class PairedProducts {
  private readonly lists: number
  private readonly counts: number
  private readonly panel: number
  /** Products that took the paired path since this was made (for checks). */
  paired = 0
  /** All products since this was made, paired or dense (for checks). */
  products = 0

  /** Buffers for products whose operands have at most `maxRows` and `widest` rows and columns. */
  constructor(
    readonly memory: KernelMemory,
    maxRows: number,
    widest: number,
  ) {
    const largest = Math.max(maxRows, widest)
    // A's row pairs, each a list of up to K entries of 4 values, for A of either layout.
    const pairs = Math.max(Math.ceil(maxRows / 2) * widest, Math.ceil(widest / 2) * maxRows)
    this.lists = memory.alloc(4 * pairs)
    this.counts = memory.alloc(Math.ceil(largest / 2))
    // 16-wide panels (paired product) or 8-wide ones (gemm) of up to `largest` rows.
    this.panel = memory.alloc(16 * largest)
  }

  /**
   * `c` (`M × n`) = A · B (`+=` with `accumulate`), A = `a` (`rows × cols`, row-major) or its
   * transpose (`transposeA`), B at `b` with strides `bk`, `bj`; `sparse` says whether A is likely
   * mostly zeros (else the dense product runs without listing).
   */
  multiply(
    a: number,
    rows: number,
    cols: number,
    transposeA: boolean,
    b: number,
    bk: number,
    bj: number,
    c: number,
    n: number,
    accumulate: boolean,
    sparse: boolean,
  ): void {
    const { memory } = this
    const [m, k] = transposeA ? [cols, rows] : [rows, cols]
    const add = accumulate ? 1 : 0
    this.products += 1
    const oneThread = memory.gemm === memory.kernels.gemm
    if (sparse && oneThread && n >= PAIRED_MIN_COLUMNS) {
      const kernels = memory.kernels
      const listed = kernels.pairNonzeros(
        a,
        rows,
        cols,
        transposeA ? 1 : 0,
        this.lists,
        this.counts,
      )
      if (listed <= PAIRED_UP_TO * Math.ceil(m / 2) * k) {
        this.paired += 1
        kernels.pairedRowsGemm(this.lists, this.counts, b, bk, bj, c, m, k, n, add, this.panel)
        return
      }
    }
    if (transposeA) memory.gemm(a, 1, cols, b, bk, bj, c, m, k, n, add, this.panel)
    else memory.gemm(a, cols, 1, b, bk, bj, c, m, k, n, add, this.panel)
  }

  /**
   * `layer.output` = activation(input · W + b) for `batch` rows, as `FusedDenseNet.forward`;
   * `sparseInput` when the input is a ReLU's output or images.
   */
  forward(layer: FusedLayer, input: number, sparseInput: boolean, batch: number): number {
    const { inputs, units } = layer
    this.multiply(
      input,
      batch,
      inputs,
      false,
      layer.kernel,
      units,
      1,
      layer.output,
      units,
      false,
      sparseInput,
    )
    this.memory.kernels.addBias(
      layer.output,
      layer.bias,
      batch,
      units,
      ACTIVATION_CODE[layer.activation],
    )
    return layer.output
  }

  /**
   * Backward pass of `layer` of `net`, as `FusedDenseNet.backward` (no accumulation): `gradOut` taken
   * through the activation in place, the weight gradients stored in `net`, and the gradient at the
   * input written to `gradIn` when given.
   */
  backward(
    net: FusedDenseNet,
    layer: FusedLayer,
    input: number,
    sparseInput: boolean,
    gradOut: number,
    gradIn: number | undefined,
    batch: number,
  ): void {
    const { inputs, units } = layer
    const kernels = this.memory.kernels
    if (layer.activation !== 'linear') {
      kernels.activationBackward(
        gradOut,
        layer.output,
        batch * units,
        ACTIVATION_CODE[layer.activation],
      )
    }
    // ∂W = inputᵀ · gradOut, summed over the input's nonzero entries.
    const gradKernel = net.gradientOf(layer.kernel)
    this.multiply(
      input,
      batch,
      inputs,
      true,
      gradOut,
      units,
      1,
      gradKernel,
      units,
      false,
      sparseInput,
    )
    kernels.columnSums(gradOut, net.gradientOf(layer.bias), batch, units, 0)
    if (gradIn === undefined) return
    // ∂input = gradOut · Wᵀ: after a ReLU, gradOut is zero wherever the unit was off.
    const relu = layer.activation === 'relu'
    this.multiply(gradOut, batch, units, false, layer.kernel, 1, units, gradIn, inputs, false, relu)
  }

  /** Runs `batch` rows through `layers` in order; returns the last output's offset. */
  forwardStack(
    layers: readonly FusedLayer[],
    input: number,
    sparseInput: boolean,
    batch: number,
  ): number {
    let h = input
    layers.forEach((layer, i) => {
      h = this.forward(layer, h, i === 0 ? sparseInput : isRelu(layers[i - 1]), batch)
    })
    return h
  }

  /**
   * Backward pass through `layers` of `net` fed by `input`, as `FusedDenseNet.backwardStack` (no
   * accumulation), using `scratch` (two buffers of `maxBatch × widest` floats) in turn.
   */
  backwardStack(
    net: FusedDenseNet,
    layers: readonly FusedLayer[],
    input: number,
    sparseInput: boolean,
    gradOut: number,
    gradIn: number | undefined,
    scratch: readonly [number, number],
    batch: number,
  ): void {
    let grad = gradOut
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i] as FusedLayer
      const previous = layers[i - 1]
      const layerInput = previous ? previous.output : input
      const target = previous ? (grad === scratch[0] ? scratch[1] : scratch[0]) : gradIn
      const sparse = previous ? isRelu(previous) : sparseInput
      this.backward(net, layer, layerInput, sparse, grad, target, batch)
      if (target !== undefined) grad = target
    }
  }
}

function isRelu(layer: FusedLayer | undefined): boolean {
  return layer?.activation === 'relu'
}
