/**
 * latentkit's own WebAssembly kernels (source: assembly/kernels.ts): a SIMD matrix product with
 * transposed views, and the fused element-wise steps of training (bias + activation, losses with their
 * gradients, KL, Adam). Two builds ship; the relaxed-SIMD one (fused multiply-add, about twice the
 * matrix-product speed on x86 with FMA) is used where the engine validates it. Each build (and its
 * variant on a shared memory, for two kernel threads) is imported only when first used
 * (kernelSources.ts).
 */
import { isMemoryFailure, isWebAssemblyTrap, OutOfMemoryError } from '../errors'
import { followTileRows, measureTileRows } from './tileRows'
import {
  buildOrder,
  decodeBase64,
  hasRelaxedSimd,
  loadKernelSource,
  reportKernelLoadFailure,
  type KernelBuild,
  type LoadKernelSource,
} from './kernelSources'

export type { KernelBuild } from './kernelSources'

/**
 * C (m×n) = A·B, or C += A·B when `accumulate` is 1; element (i, q) of A at a + 4(i·ai + q·ak), element
 * (q, j) of B at b + 4(q·bk + j·bj); `panel` is scratch (see assembly/kernels.ts).
 */
type GemmKernel = (
  a: number,
  ai: number,
  ak: number,
  b: number,
  bk: number,
  bj: number,
  c: number,
  m: number,
  k: number,
  n: number,
  accumulate: number,
  panel: number,
) => void

/** The functions the module exports; pointers are byte offsets into its memory. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory
  heapBase(): number
  /** Rows of A per register block of the products: 6, or 4 for anything else (see tileRows.ts). */
  setTileRows(rows: number): void
  gemm: GemmKernel
  addBias(c: number, bias: number, m: number, n: number, activation: number): void
  activationBackward(grad: number, out: number, n: number, activation: number): void
  l1Penalty(values: number, grad: number, n: number, scale: number): number
  columnSums(src: number, dst: number, m: number, n: number, accumulate: number): void
  bernoulliLoss(raw: number, x: number, grad: number, n: number, scale: number): number
  squaredError(raw: number, x: number, grad: number, n: number, scale: number): number
  softmaxCrossEntropy(
    logits: number,
    targets: number,
    predicted: number,
    m: number,
    n: number,
    scale: number,
    gradScale: number,
    skipDiagonal: number,
  ): number
  reparameterise(mean: number, logVar: number, eps: number, std: number, z: number, n: number): void
  klBackward(
    mean: number,
    logVar: number,
    eps: number,
    std: number,
    gradZ: number,
    gradLogVar: number,
    n: number,
    klScale: number,
  ): number
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    rate: number,
    beta1: number,
    beta2: number,
    c1: number,
    c2: number,
    epsilon: number,
  ): void
  im2col(
    x: number,
    n: number,
    h: number,
    w: number,
    c: number,
    k: number,
    stride: number,
    top: number,
    left: number,
    ho: number,
    wo: number,
    cols: number,
  ): void
  col2im(
    cols: number,
    n: number,
    h: number,
    w: number,
    c: number,
    k: number,
    stride: number,
    top: number,
    left: number,
    ho: number,
    wo: number,
    dx: number,
    accumulate: number,
  ): void
  /**
   * Batch normalisation in training mode over x `[rows, channels]`: the batch's mean, variance and
   * invStd, x̂ into `normalised`, and act(scale·x̂ + shift) into `out` (codes as `addBias`'s).
   */
  batchNormForward(
    x: number,
    rows: number,
    channels: number,
    scale: number,
    shift: number,
    epsilon: number,
    mean: number,
    variance: number,
    invStd: number,
    normalised: number,
    out: number,
    activation: number,
  ): void
  batchNormRunning(
    runningMean: number,
    runningVariance: number,
    mean: number,
    variance: number,
    channels: number,
    rows: number,
    momentum: number,
  ): void
  batchNormBackward(
    dy: number,
    normalised: number,
    rows: number,
    channels: number,
    scale: number,
    invStd: number,
    gradScale: number,
    gradShift: number,
    dx: number,
  ): void
  /** An RBM's contrastive-divergence gradient and momentum update (see assembly/kernels.ts). */
  rbmUpdate(
    params: number,
    pos: number,
    products: number,
    sums: number,
    velocity: number,
    weights: number,
    n: number,
    rows: number,
    chainRows: number,
    rate: number,
    momentum: number,
    decay: number,
    useVelocity: number,
    keep: number,
  ): void
  /** Bernoulli draws from latentkit's seeded uniforms (see assembly/kernels.ts). */
  bernoulliDraw(p: number, out: number, n: number, state: number): void
  /** {@link KernelExports.rbmUpdate} with the weights four at a time: the same bits. */
  rbmUpdateSimd(
    params: number,
    pos: number,
    products: number,
    sums: number,
    velocity: number,
    weights: number,
    n: number,
    rows: number,
    chainRows: number,
    rate: number,
    momentum: number,
    decay: number,
    useVelocity: number,
    keep: number,
  ): void
  /** k-means++: a round's candidate distances and potentials (see assembly/kernels.ts). */
  seedTrials(
    dots: number,
    norms: number,
    candidates: number,
    closest: number,
    n: number,
    t: number,
    potentials: number,
  ): void
  /** k-means++: keeps a round's best candidate (see assembly/kernels.ts). */
  seedKeep(
    distances: number,
    closest: number,
    cumulative: number,
    n: number,
    t: number,
    best: number,
  ): void
  /** A Bernoulli RBM's whole contrastive-divergence step in one call (see assembly/kernels.ts). */
  rbmStep(
    layout: number,
    states: number,
    flips: number,
    rows: number,
    chainRows: number,
    gibbs: number,
    persistent: number,
    rate: number,
    momentum: number,
    decay: number,
    useVelocity: number,
    keep: number,
    out: number,
  ): void
  /** k-means: nearest centroids, cluster sums, counts and inertia (see assembly/kernels.ts). */
  nearestSums(
    x: number,
    dots: number,
    norms: number,
    count: number,
    k: number,
    d: number,
    sums: number,
    counts: number,
    inertia: number,
  ): number
  /** k-means with 9 to 12 centroids: the dot products and `nearestSums` in one pass (see assembly/kernels.ts). */
  nearestSumsNarrow(
    x: number,
    panel: number,
    norms: number,
    count: number,
    k: number,
    d: number,
    sums: number,
    counts: number,
    inertia: number,
  ): number
  /** Mini-batch k-means: the rows `indices` (i32) of `src` (rows of `d` floats) copied to `dst`, in order. */
  gatherRows(src: number, indices: number, count: number, d: number, dst: number): void
  /** k-means (Lloyd): the rows' f32 norms, per-feature f64 sums and squares, and their f64 `Σ v²`, in one pass (see assembly/kernels.ts). */
  rowStats(
    x: number,
    n: number,
    d: number,
    rowNorms: number,
    featureSums: number,
    featureSquares: number,
  ): number
  /** k-means++ with at most four candidates: their dot products and `seedTrials` in one pass (see assembly/kernels.ts). */
  seedRound(
    x: number,
    panel: number,
    norms: number,
    candidates: number,
    closest: number,
    n: number,
    d: number,
    t: number,
    distances: number,
    potentials: number,
  ): void
  /** Conv autoencoder: a transposed convolution's product added straight into the image (no patch matrix). */
  gemmCol2im(
    x: number,
    kernel: number,
    filters: number,
    panel: number,
    n: number,
    h: number,
    w: number,
    c: number,
    k: number,
    stride: number,
    top: number,
    left: number,
    ho: number,
    wo: number,
    dx: number,
  ): void
  /**
   * `gemm` (same arguments, same bits) with the whole of B packed first into `panel` (K·8·⌈N/8⌉
   * floats), each block of four rows of A then meeting every eight columns: for long rows of A and
   * a narrow B (a convolution's patches times its kernel).
   */
  gemmPackedB: GemmKernel
  /** Lasso: patches' float64 squared norms and correlations with the atoms (see assembly/kernels.ts). */
  lassoCorrelations(
    patches: number,
    atomsT: number,
    k: number,
    m: number,
    rows: number,
    q: number,
    norms: number,
  ): void
  /**
   * Lasso codes of `n` rows by coordinate descent on a float64 Gram matrix, the operations of
   * src/core/sparse/lassoCoordinateDescent.ts in its order (see assembly/kernels.ts).
   */
  lassoRows(
    gram: number,
    k: number,
    q: number,
    squaredNorms: number,
    codes: number,
    n: number,
    lambda: number,
    nonNegative: number,
    tolerance: number,
    maxIterations: number,
    activeSweeps: number,
    r: number,
    active: number,
    factor: number,
    solution: number,
    sweeps: number,
  ): void
  /** DEC: the nonzero columns of each pair of rows of a matrix (see assembly/kernels.ts). */
  pairNonzeros(
    a: number,
    rows: number,
    cols: number,
    transpose: number,
    lists: number,
    counts: number,
  ): number
  /** DEC: a product whose left operand is given by {@link KernelExports.pairNonzeros}' lists. */
  pairedRowsGemm(
    lists: number,
    counts: number,
    b: number,
    bk: number,
    bj: number,
    c: number,
    m: number,
    k: number,
    n: number,
    accumulate: number,
    panel: number,
  ): void
}

/** A compiled build of the kernels. */
export interface CompiledKernels {
  readonly module: WebAssembly.Module
  readonly build: KernelBuild
  /** True for the builds that import a shared memory (`env.memory`) instead of owning one. */
  readonly shared: boolean
}

/** How the builds are found and what is told when one fails (tests inject their own). */
export interface KernelLoading {
  /** Whether the engine has relaxed SIMD. Default {@link hasRelaxedSimd}. */
  readonly relaxedSimd: () => boolean
  /** Imports a build's base64. Default {@link loadKernelSource} (one chunk per build). */
  readonly load: LoadKernelSource
  /** Told, with the reason, when a build failed to load or compile. Default {@link reportKernelLoadFailure}. */
  readonly report: (reason: string) => void
}

const DEFAULT_LOADING: KernelLoading = {
  relaxedSimd: hasRelaxedSimd,
  load: loadKernelSource,
  report: reportKernelLoadFailure,
}

const BUILD_NAME: Record<KernelBuild, string> = {
  'relaxed-simd': 'relaxed-SIMD',
  simd: 'plain-SIMD',
}

/**
 * One build compiled (`shared`: its variant on an imported shared memory), or why not: `failure`
 * when its module did not load or did not compile, nothing when the engine cannot run it (no SIMD,
 * no WebAssembly threads for `shared`, no WebAssembly at all).
 */
async function loadBuild(
  build: KernelBuild,
  shared: boolean,
  load: LoadKernelSource,
): Promise<{ readonly compiled?: CompiledKernels; readonly failure?: string }> {
  if (typeof WebAssembly !== 'object') return {}
  const what = `the ${shared ? 'shared-memory ' : ''}${BUILD_NAME[build]} kernels`
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = decodeBase64(await load(build, shared))
  } catch (error) {
    return { failure: `${what} could not be loaded (${String(error)})` }
  }
  if (!WebAssembly.validate(bytes)) return {}
  try {
    return { compiled: { module: await WebAssembly.compile(bytes), build, shared } }
  } catch (error) {
    // e.g. a page whose Content-Security-Policy forbids compiling WebAssembly
    return { failure: `${what} could not be compiled (${String(error)})` }
  }
}

/**
 * Compiles one build (with `shared`, its variant on an imported shared memory), importing only its
 * module; undefined where this engine cannot run it (no SIMD, no WebAssembly threads for `shared`, or
 * a page whose Content-Security-Policy forbids compiling WebAssembly) or its module did not load.
 */
export async function compileKernelBuild(
  build: KernelBuild,
  shared = false,
  load: LoadKernelSource = loadKernelSource,
): Promise<CompiledKernels | undefined> {
  return (await loadBuild(build, shared, load)).compiled
}

/**
 * The best build this engine runs: relaxed SIMD is detected first, then only the build to run is
 * imported (plain SIMD too only if the relaxed one fails to load or compile). Undefined where
 * WebAssembly SIMD is missing or no build loaded; a build that failed is reported with what runs
 * instead. Never rejects.
 */
export async function chooseKernels(
  loading: KernelLoading = DEFAULT_LOADING,
): Promise<CompiledKernels | undefined> {
  const failures: string[] = []
  for (const build of buildOrder(loading.relaxedSimd())) {
    const { compiled, failure } = await loadBuild(build, false, loading.load)
    if (compiled) {
      if (failures.length > 0) {
        loading.report(`${failures.join('; ')}; the ${BUILD_NAME[build]} kernels run instead`)
      }
      return compiled
    }
    if (failure !== undefined) failures.push(failure)
  }
  if (failures.length > 0) {
    loading.report(`${failures.join('; ')}; training runs as TF.js operations`)
  }
  return undefined
}

let best: Promise<CompiledKernels | undefined> | undefined

/**
 * {@link chooseKernels}, once per worker: every model (two starting at once included) awaits the
 * same promise, so all run the same build. Then, in the background, which register block its
 * products run fastest with here ({@link measureTileRows}, on an instance of its own, a few
 * milliseconds at a time): the models' kernel memories follow it once measured.
 */
export function compileKernels(): Promise<CompiledKernels | undefined> {
  best ??= chooseKernels().then((compiled) => {
    if (compiled) measureTileRows(instantiateKernels(compiled))
    return compiled
  })
  return best
}

let bestShared:
  Promise<{ readonly compiled?: CompiledKernels; readonly failure?: string }> | undefined

/**
 * {@link compileKernels}' build on an imported shared memory (for two threads), its module imported
 * and compiled once per worker, or why not (`failure`; nothing given when no build runs at all or
 * the engine cannot run the shared one). Never rejects.
 */
export function loadSharedKernels(): Promise<{
  readonly compiled?: CompiledKernels
  readonly failure?: string
}> {
  bestShared ??= (async () => {
    const own = await compileKernels()
    if (!own) return {}
    const shared = await loadBuild(own.build, true, loadKernelSource)
    return shared.compiled || shared.failure !== undefined
      ? shared
      : { failure: `this engine does not run the shared-memory ${BUILD_NAME[own.build]} kernels` }
  })()
  return bestShared
}

/** {@link loadSharedKernels}' build; undefined where it did not load. */
export async function compileSharedKernels(): Promise<CompiledKernels | undefined> {
  return (await loadSharedKernels()).compiled
}

/** The most 64 KiB pages a shared kernel memory may grow to (the shared builds declare it). */
export const SHARED_MAXIMUM_PAGES = 16384

/**
 * A new shared memory for the shared builds: it reserves the address space of its maximum
 * ({@link SHARED_MAXIMUM_PAGES}, 1 GiB) up front, which an engine may refuse (a `RangeError`).
 */
export function reserveSharedKernelMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAXIMUM_PAGES, shared: true })
}

/** Bumped when every kernel memory must be dropped (after memory ran out somewhere). */
let memoryGeneration = 0

/**
 * Drops every kernel memory: each {@link KernelMemory} made before reports itself `dropped`, and the
 * trainers holding one make a fresh one on their next run (Adam moments start again, weights are read
 * back from the TF.js variables). Called after memory ran out, so the address space they reserved
 * comes back and a trapped memory is never used again.
 */
export function dropKernelMemory(): void {
  memoryGeneration += 1
}

/**
 * The kernels' exports, each function made to turn a trap about memory into `OUT_OF_MEMORY`: the
 * kernels have their own memory, so TF.js's backend is untouched (`restartWorker: false`), and every
 * kernel memory is dropped.
 */
function guardedExports(exports: KernelExports): KernelExports {
  const guarded: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(exports)) {
    guarded[name] =
      typeof value === 'function'
        ? (...args: unknown[]): unknown => {
            try {
              return (value as (...a: unknown[]) => unknown)(...args)
            } catch (error) {
              if (!isWebAssemblyTrap(error) || !isMemoryFailure(error)) throw error
              dropKernelMemory()
              const cause = (error as Error).message
              throw new OutOfMemoryError(
                `latentkit's fused WebAssembly kernels ran out of memory (${cause}); their memory was dropped and the next training call starts a fresh one (optimiser moments start again). Train with a smaller batchSize or a smaller model, or set fusedKernels: false`,
                { restartWorker: false, source: 'fused-kernels', cause },
              )
            }
          }
        : value
  }
  return guarded as unknown as KernelExports
}

/**
 * Instantiates compiled kernels; a shared build on `memory` (a new shared memory when absent), for
 * every thread that runs them.
 */
export function instantiateKernels(
  compiledKernels: CompiledKernels,
  memory?: WebAssembly.Memory,
): KernelExports {
  const env: Record<string, WebAssembly.ImportValue> = {
    abort: () => {
      throw new Error('latentkit kernel aborted')
    },
  }
  if (compiledKernels.shared) {
    env.memory = memory ?? reserveSharedKernelMemory()
  }
  const instance = new WebAssembly.Instance(compiledKernels.module, { env })
  const exports = instance.exports as unknown as Omit<KernelExports, 'memory'>
  return {
    ...exports,
    memory:
      (env.memory as WebAssembly.Memory | undefined) ??
      (instance.exports.memory as WebAssembly.Memory),
  } as KernelExports
}

/**
 * One instance of the kernels with its own memory (shared, for a shared build), and a bump allocator
 * over it: a model allocates every buffer it needs once, then calls kernels on the offsets.
 */
export class KernelMemory {
  readonly kernels: KernelExports
  readonly build: KernelBuild
  /** The compiled kernels this memory runs (a second thread instantiates them on the same memory). */
  readonly compiled: CompiledKernels
  /**
   * The matrix product the fused models call, arguments as the kernels' `gemm`: that `gemm` itself
   * unless a two-thread product was set here (`TwoThreadGemm.attach`).
   */
  gemm: KernelExports['gemm']
  /**
   * The Adam update the fused models call, arguments as the kernels' `adam`: that `adam` itself
   * unless a two-thread update was set here (`TwoThreadGemm.attach`).
   */
  adam: KernelExports['adam']
  /**
   * Two independent matrix products (arguments as the kernels' `gemm`; neither writes what the other
   * reads): one after the other unless a two-thread product was set here, which may run them at once,
   * one per thread.
   */
  gemmPair: (
    first: Parameters<KernelExports['gemm']>,
    second: Parameters<KernelExports['gemm']>,
  ) => void
  /**
   * The kernels as the fused models call them: {@link KernelMemory.kernels} with `gemm` and `adam`
   * going through {@link KernelMemory.gemm} and {@link KernelMemory.adam} (so they run on two threads
   * once a two-thread product is attached).
   */
  readonly modelKernels: KernelExports
  private top: number
  private readonly generation = memoryGeneration

  /**
   * @param compiledKernels the build to instantiate
   * @param sharedMemory for a shared build, the memory to run on (default: a new one,
   *   {@link reserveSharedKernelMemory}); ignored by the other builds
   */
  constructor(compiledKernels: CompiledKernels, sharedMemory?: WebAssembly.Memory) {
    this.kernels = guardedExports(instantiateKernels(compiledKernels, sharedMemory))
    followTileRows(this.kernels)
    this.build = compiledKernels.build
    this.compiled = compiledKernels
    this.gemm = this.kernels.gemm
    this.adam = this.kernels.adam
    this.gemmPair = (first, second) => {
      this.gemm(...first)
      this.gemm(...second)
    }
    this.modelKernels = {
      ...this.kernels,
      gemm: (...args) => this.gemm(...args),
      adam: (...args) => this.adam(...args),
    }
    this.top = align(this.kernels.heapBase())
  }

  /** True once {@link dropKernelMemory} ran after this memory was made: make a new one. */
  get dropped(): boolean {
    return this.generation !== memoryGeneration
  }

  /** Reserves `floats` float32 values (64-byte aligned, zeroed) and returns their byte offset. */
  alloc(floats: number): number {
    const offset = this.top
    this.top = align(offset + floats * 4)
    const needed = this.top - this.kernels.memory.buffer.byteLength
    if (needed > 0) this.kernels.memory.grow(Math.ceil(needed / 65536))
    return offset
  }

  /** A view of `length` floats at byte offset `offset` (valid until the next `alloc`). */
  view(offset: number, length: number): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, offset, length)
  }

  /** Reserves `values` float64 values (64-byte aligned, zeroed) and returns their byte offset. */
  allocDoubles(values: number): number {
    return this.alloc(2 * values)
  }

  /** A view of `length` float64 values at byte offset `offset` (valid until the next `alloc`). */
  viewDoubles(offset: number, length: number): Float64Array {
    return new Float64Array(this.kernels.memory.buffer, offset, length)
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64
}
