/**
 * The kernels' matrix product and Adam update on two threads: a helper thread running the same
 * kernels on the same shared memory takes the lower rows of C (the upper part of the parameters),
 * the calling thread the rest. Each element is computed in the same order as on one thread, so the
 * results are bit-identical. Pure TypeScript; the helper is started by a {@link SpawnKernelThread}
 * the environment provides.
 */
import {
  convForwardOnce,
  panelValues,
  transposedConvForwardOnce,
  type ConvGeometry,
  type ConvScratch,
} from './convKernels'
import { imageRange, setConvSplit, type ConvOperation } from './convSplit'
import {
  ADAM_JOB,
  CONV_FORWARD_JOB,
  TRANSPOSED_CONV_JOB,
  ARGS,
  CONTROL_WORDS,
  DEFAULT_SPIN_MICROSECONDS,
  DONE,
  FAILED,
  FLOAT_ARG_COUNT,
  FLOAT_ARGS,
  GEMM_JOB,
  JOB,
  KERNEL,
  READY,
  SLICED_GEMM_JOB,
  SPIN,
  SpinBudget,
  STOP_JOB,
  waitWhile,
} from './kernelThreadProtocol'
import { gemmSlices, setSlicedGemm, type GemmArguments } from './slicedGemm'
import type { CompiledKernels, KernelExports, KernelMemory } from './wasmKernels'

/** What a helper thread is started with (a module worker or a Node worker thread). */
export interface KernelThreadStart {
  /** The compiled shared build, instantiated by the helper on {@link KernelThreadStart.memory}. */
  readonly compiled: CompiledKernels
  /** The shared kernel memory. */
  readonly memory: WebAssembly.Memory
  /** Byte offset of the control block (see kernelThreadProtocol.ts) in that memory. */
  readonly control: number
}

/** A started helper thread; `terminate` ends it. */
export interface KernelThreadHandle {
  terminate(): void
}

/**
 * Starts a helper thread that runs `serveKernelThread` on what it is given; `onFailure` is called
 * (once, with the reason) if the helper dies or cannot start after this returned.
 */
export type SpawnKernelThread = (
  start: KernelThreadStart,
  onFailure: (reason: string) => void,
) => KernelThreadHandle

/** The `adam` arguments, as the kernels' `adam` takes them. */
type AdamArguments = Parameters<KernelExports['adam']>

/**
 * Smallest product, in multiply-adds (M·K·N), split across two threads: below it waking the helper
 * costs more than half the product.
 */
export const TWO_THREAD_MINIMUM_WORK = 1 << 20

/**
 * Two independent products run at once (one per thread) only when the larger is at most this many
 * times the smaller; otherwise each is split by rows.
 */
const PAIR_IMBALANCE = 1.5

/**
 * Fewest parameters an Adam update is split across two threads for: below it waking the helper
 * costs more than half the update.
 */
export const TWO_THREAD_MINIMUM_ADAM = 1 << 16

/**
 * Rows of the product per group in the kernels' `gemmCol2im` (`COL2IM_ROWS` in assembly/kernels.ts),
 * which a transposed convolution with a multiple of 8 channels may run on: each group adds its
 * rows' blocks into the image tap by tap, so a split of such a convolution must start a group, or
 * a pixel's sums would change order.
 */
const COL2IM_ROWS = 64

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b)
}

/**
 * The first image the helper takes of a pass split by images, near the middle (0: no split keeps
 * the order of every sum): for a transposed convolution that may run on `gemmCol2im`, where its
 * rows start a group of {@link COL2IM_ROWS}.
 */
export function splitImage(operation: ConvOperation, g: ConvGeometry): number {
  if (operation === 'forward' || g.channels % 8 !== 0) return Math.floor(g.batch / 2)
  const cells = g.outHeight * g.outWidth
  const step = COL2IM_ROWS / greatestCommonDivisor(cells, COL2IM_ROWS)
  const first = Math.round(g.batch / 2 / step) * step
  return first > 0 && first < g.batch ? first : 0
}

/** How long the caller waits for the helper to claim a job before running it itself, ms. */
const CLAIM_TIMEOUT_MS = 100
/**
 * How long a claimed product may take before the helper counts as lost (a killed or hung thread
 * never answers): it is stopped and the caller computes the rows itself. Far above any product here.
 */
const FINISH_TIMEOUT_MS = 10_000

/**
 * A matrix product that splits C's rows, and an Adam update that splits the parameters, with a
 * helper thread once the helper is ready, over a {@link KernelMemory} made from a shared build; one
 * thread for small products and updates, before the helper is ready, and for good after the helper
 * failed.
 */
export class TwoThreadGemm {
  private readonly words: Int32Array
  private readonly floats: Float64Array
  private readonly handle: KernelThreadHandle | undefined
  private helperPanel = 0
  private helperPanelFloats = 0
  private job = 0
  /** How long the caller spins for the helper before it sleeps (adapts to how busy the machine is). */
  readonly spin = new SpinBudget()
  private lost = false
  /** Products and Adam updates split across the two threads so far. */
  splitCount = 0
  /** False runs every product on the calling thread (the helper stays started). Default true. */
  enabled = true

  /**
   * @param memory a kernel memory of a shared build (`memory.compiled.shared`)
   * @param spawn starts the helper thread; when it throws, every product runs on one thread
   * @param onFallback told once, with the reason, when the helper is given up
   * @param finishTimeoutMs how long a claimed product may take before the helper counts as lost
   */
  constructor(
    private readonly memory: KernelMemory,
    spawn: SpawnKernelThread,
    private readonly onFallback: (reason: string) => void = () => undefined,
    private readonly finishTimeoutMs = FINISH_TIMEOUT_MS,
  ) {
    const control = memory.alloc(CONTROL_WORDS)
    this.words = new Int32Array(memory.kernels.memory.buffer, control, CONTROL_WORDS)
    this.floats = new Float64Array(
      memory.kernels.memory.buffer,
      control + 4 * FLOAT_ARGS,
      FLOAT_ARG_COUNT,
    )
    this.spinMicroseconds = DEFAULT_SPIN_MICROSECONDS
    try {
      if (!memory.compiled.shared) throw new Error('the kernels were not built on a shared memory')
      this.handle = spawn(
        { compiled: memory.compiled, memory: memory.kernels.memory, control },
        (reason) => this.giveUp(`the helper thread failed (${reason})`),
      )
    } catch (error) {
      this.giveUp(`the helper thread did not start (${String(error)})`)
    }
  }

  /**
   * The most microseconds each thread spins for the other before it sleeps (0: sleep at once; each
   * thread's spin adapts below it, see {@link SpinBudget}). Default {@link DEFAULT_SPIN_MICROSECONDS}.
   */
  get spinMicroseconds(): number {
    return Atomics.load(this.words, SPIN)
  }

  set spinMicroseconds(microseconds: number) {
    Atomics.store(this.words, SPIN, Math.max(0, Math.round(microseconds)))
  }

  /** True while products and updates may be split (enabled, the helper started and has not failed). */
  get twoThreads(): boolean {
    return this.enabled && !this.lost && this.handle !== undefined
  }

  /** True once the helper thread waits for products (until then every product runs on one thread). */
  get helperReady(): boolean {
    return this.twoThreads && Atomics.load(this.words, READY) === 1
  }

  /**
   * C = A·B (or C += A·B), arguments as the kernels' `gemm`; on two threads when it is large enough
   * (every such product splits).
   */
  gemm(...args: GemmArguments): void {
    const kernels = this.memory.kernels
    if (!this.pays(args)) {
      kernels.gemm(...args)
      return
    }
    this.split(() => {
      const [upper, lower] = this.rowHalves(args)
      this.post(GEMM_JOB, lower)
      kernels.gemm(...upper)
      if (this.finish()) return true
      kernels.gemm(...lower)
      return false
    })
  }

  /**
   * C = A·B summed over slices of `slice` steps of the inner dimension (slicedGemm.ts's
   * `gemmSlices`): one hand-off for the whole sum when it is large enough, the helper taking the lower rows of C over every slice; else every slice on the calling
   * thread.
   */
  gemmSliced(args: GemmArguments, slice: number): void {
    const kernels = this.memory.kernels
    if (!this.pays(args)) {
      gemmSlices(kernels, args, slice)
      return
    }
    this.split(() => {
      const [upper, lower] = this.rowHalves(args, Math.min(slice, args[8]))
      this.post(SLICED_GEMM_JOB, lower, [slice])
      gemmSlices(kernels, upper, slice)
      if (this.finish()) return true
      gemmSlices(kernels, lower, slice)
      return false
    })
  }

  /**
   * A convolution's (`forward`) or transposed convolution's (`transposed`) forward pass, arguments as
   * convKernels.ts's `convForward` and `transposedConvForward` on the model's kernels: split by
   * images when its product is large enough to split, the helper
   * taking the later images (their patches, product rows, and col2im); else on the calling thread,
   * its product through {@link TwoThreadGemm.gemm}.
   */
  conv(
    operation: ConvOperation,
    g: ConvGeometry,
    x: number,
    kernel: number,
    out: number,
    scratch: ConvScratch,
  ): void {
    const depth = g.size * g.size * g.channels
    const rows = g.batch * g.outHeight * g.outWidth
    const product: GemmArguments = [0, depth, 1, 0, g.filters, 1, 0, rows, depth, g.filters, 0, 0]
    const pass = operation === 'forward' ? convForwardOnce : transposedConvForwardOnce
    const model = this.memory.modelKernels
    if (g.batch < 2 || !this.pays(product)) {
      pass(model, g, x, kernel, out, scratch)
      return
    }
    const first = splitImage(operation, g)
    if (first === 0) {
      pass(model, g, x, kernel, out, scratch)
      return
    }
    const kernels = this.memory.kernels
    // A forward pass reads images and writes cells; a transposed one reads cells and writes images.
    const part = (from: number, count: number) => {
      const range =
        operation === 'forward'
          ? imageRange(g, from, count, x, out, scratch.patches)
          : imageRange(g, from, count, out, x, scratch.patches)
      const [input, output] =
        operation === 'forward' ? [range.images, range.cells] : [range.cells, range.images]
      return { g: range.g, input, output, patches: range.patches }
    }
    this.split(() => {
      const lower = part(first, g.batch - first)
      const lowerScratch = {
        patches: lower.patches,
        panel: this.helperScratch(panelValues(lower.g)),
      }
      // The helper derives the rest of the geometry (convGeometry) from what it is given.
      const { batch, height, width, channels, filters, size, stride } = lower.g
      this.post(operation === 'forward' ? CONV_FORWARD_JOB : TRANSPOSED_CONV_JOB, [
        lower.input,
        kernel,
        lower.output,
        lowerScratch.patches,
        lowerScratch.panel,
        batch,
        height,
        width,
        channels,
        filters,
        size,
        stride,
      ])
      pass(kernels, { ...g, batch: first }, x, kernel, out, scratch)
      if (this.finish()) return true
      pass(kernels, lower.g, lower.input, kernel, lower.output, lowerScratch)
      return false
    })
  }

  /** Runs `twoThreads` (true when the helper did its part) and counts the split when it did. */
  private split(twoThreads: () => boolean): void {
    if (twoThreads()) this.splitCount += 1
  }

  /** True when the product `args` is large enough to split and the helper waits for it. */
  private pays(args: GemmArguments): boolean {
    const [m, k, n] = [args[7], args[8], args[9]]
    return m >= 8 && m * k * n >= TWO_THREAD_MINIMUM_WORK && this.helperReady
  }

  /**
   * The product `args` as the calling thread's upper rows (a multiple of the 4-row block) and the
   * helper's lower rows (with the helper's panel, for an inner dimension of `panelDepth`).
   */
  private rowHalves(args: GemmArguments, panelDepth = args[8]): [GemmArguments, GemmArguments] {
    const [a, ai, ak, b, bk, bj, c, m, k, n, accumulate, panel] = args
    const top = Math.floor(m / 8) * 4
    return [
      [a, ai, ak, b, bk, bj, c, top, k, n, accumulate, panel],
      [
        a + 4 * top * ai,
        ai,
        ak,
        b,
        bk,
        bj,
        c + 4 * top * n,
        m - top,
        k,
        n,
        accumulate,
        this.panelFor(panelDepth),
      ],
    ]
  }

  /**
   * Two independent products (neither writes what the other reads): at once, the first on the
   * helper and the second on the calling thread, when both are large and of similar size (one
   * hand-off for two products, and each thread packs only its own product's B); else each as
   * {@link TwoThreadGemm.gemm}. Each product runs whole on one thread, so it is bit-identical.
   */
  gemmPair(first: GemmArguments, second: GemmArguments): void {
    const work = (args: GemmArguments): number => args[7] * args[8] * args[9]
    const [small, large] = [work(first), work(second)].sort((x, y) => x - y) as [number, number]
    if (small < TWO_THREAD_MINIMUM_WORK || large > PAIR_IMBALANCE * small || !this.helperReady) {
      this.gemm(...first)
      this.gemm(...second)
      return
    }
    const kernels = this.memory.kernels
    this.split(() => {
      this.post(GEMM_JOB, [...first.slice(0, 11), this.panelFor(first[8])])
      kernels.gemm(...second)
      if (this.finish()) return true
      kernels.gemm(...first)
      return false
    })
  }

  /**
   * One Adam update over `n` parameters, arguments as the kernels' `adam`; the helper takes the
   * upper part when it pays. The split falls on a multiple of four, so every parameter takes the
   * same (vector or scalar) path as on one thread.
   */
  adam(...args: AdamArguments): void {
    const [p, g, m, v, n, ...settings] = args
    const kernels = this.memory.kernels
    if (n < TWO_THREAD_MINIMUM_ADAM || !this.helperReady) {
      kernels.adam(...args)
      return
    }
    this.split(() => {
      const low = Math.floor(n / 8) * 4
      const o = 4 * low
      this.post(ADAM_JOB, [p + o, g + o, m + o, v + o, n - low], settings)
      kernels.adam(p, g, m, v, low, ...settings)
      if (this.finish()) return true
      kernels.adam(p + o, g + o, m + o, v + o, n - low, ...settings)
      return false
    })
  }

  /**
   * Makes `memory.gemm`, `memory.gemmPair` and `memory.adam`, the products and update the fused
   * models call, and slicedGemm.ts's `slicedGemm` and convKernels.ts's `convForward` and
   * `transposedConvForward` on `memory.modelKernels`, these two-thread ones.
   */
  attach(): this {
    setSlicedGemm(this.memory.modelKernels, (args, slice) => this.gemmSliced(args, slice))
    setConvSplit(this.memory.modelKernels, (operation, g, x, kernel, out, scratch) =>
      this.conv(operation, g, x, kernel, out, scratch),
    )
    this.memory.gemm = (...args: GemmArguments) => this.gemm(...args)
    this.memory.gemmPair = (first, second) => this.gemmPair(first, second)
    this.memory.adam = (...args: AdamArguments) => this.adam(...args)
    return this
  }

  /** Stops the helper thread. */
  dispose(): void {
    setSlicedGemm(this.memory.modelKernels, undefined)
    setConvSplit(this.memory.modelKernels, undefined)
    if (this.handle === undefined) return
    Atomics.store(this.words, JOB, STOP_JOB)
    Atomics.notify(this.words, JOB)
    this.handle.terminate()
    this.lost = true
  }

  /** The helper's `gemm` panel for an inner dimension of `k`. */
  private panelFor(k: number): number {
    return this.helperScratch(8 * k)
  }

  /** At least `floats` floats of scratch for the helper's jobs (one job runs at a time). */
  private helperScratch(floats: number): number {
    if (this.helperPanelFloats < floats) {
      this.helperPanelFloats = floats
      this.helperPanel = this.memory.alloc(floats)
    }
    return this.helperPanel
  }

  private post(kernel: number, ints: readonly number[], floats: readonly number[] = []): void {
    this.words.set(ints, ARGS)
    this.floats.set(floats)
    Atomics.store(this.words, KERNEL, kernel)
    this.job = (this.job % 0x3fffffff) + 1
    Atomics.store(this.words, JOB, this.job)
    Atomics.notify(this.words, JOB)
  }

  /** Waits for the posted job; false when the caller must run it itself (taken back or failed). */
  private finish(): boolean {
    const job = this.job
    const claimBy = Date.now() + CLAIM_TIMEOUT_MS
    while (Atomics.load(this.words, JOB) === job) {
      const left = claimBy - Date.now()
      if (left <= 0 && Atomics.compareExchange(this.words, JOB, job, 0) === job) return false
      waitWhile(this.words, JOB, job, this.spin, Math.max(left, 1))
    }
    const finishBy = Date.now() + this.finishTimeoutMs
    let done = Atomics.load(this.words, DONE)
    while (done !== job) {
      if (Date.now() > finishBy) {
        // The caller redoes the job. Were the stalled helper to resume before its termination takes
        // effect, an Adam update or an accumulating product would land twice: a helper silent for
        // this long is taken for dead, a risk accepted against hanging the step.
        this.giveUp('the helper thread stopped answering')
        this.handle?.terminate()
        return false
      }
      done = waitWhile(this.words, DONE, done, this.spin, Math.min(1000, this.finishTimeoutMs))
    }
    if (Atomics.load(this.words, FAILED) === 0) return true
    this.giveUp('a job on the helper thread threw')
    return false
  }

  private giveUp(reason: string): void {
    if (this.lost) return
    this.lost = true
    this.onFallback(reason)
  }
}
