/**
 * The per-cluster sums of a k-means step on latentkit's fused WebAssembly kernels: the scores
 * `‖c‖² − 2 x·c` of a chunk of rows through the SIMD `gemm`, the nearest centroid of each row, and
 * the sums, counts and inertia a Lloyd or mini-batch step needs (the `nearestSums` kernel) — what `clusterSums` computes as
 * TF.js operations, without a device round trip.
 */
import type { FusedStateful, FusedTrainerState } from '../../engine/fusedState'
import type { KernelBuild, KernelExports, KernelMemory } from '../../kernels/wasmKernels'
import { localTrials } from './kmeansPlusPlus'

/** Centroids `nearestSumsNarrow` takes at most (three SIMD vectors). */
const NARROW = 12
/** k-means++ candidates `seedRound` takes at most (one SIMD vector). */
const SEED_PANEL = 4

/**
 * Most values of a data set kept whole in kernel memory for mini-batch gathers (64 MiB); larger sets
 * are gathered on the host, row by row.
 */
const MOST_RESIDENT_VALUES = 16 * 1024 * 1024

/** Per-cluster sums of a step (float64), as the steps accumulate them. */
export interface ClusterTotals {
  readonly sums: Float64Array
  readonly counts: Float64Array
  inertia: number
}

/** Centroids, a chunk of rows and their scores in one kernel memory. */
export class FusedClusterSums implements FusedStateful {
  readonly build: KernelBuild
  private readonly k: KernelExports
  private readonly rows: number
  private readonly centroids: number
  private readonly norms: number
  /**
   * The centroids as `size` rows of twelve (zero padded) for `nearestSumsNarrow`, when there are 9 to
   * 12 of them (0 otherwise).
   */
  private readonly narrowPanel: number
  private readonly scores: number
  private readonly panel: number
  /** Float64 sums (`k × d`) and counts (`k`) the kernel adds to. */
  private readonly sums: number
  private readonly counts: number
  /** k-means++'s candidate rows (`localTrials(k) × d`), scored like the centroids. */
  private readonly candidates: number
  private readonly trials: number
  /** k-means++ on the kernels: the rows' norms (f32), closest distances and their running sums (f64). */
  private readonly rowNorms: number
  private readonly closest: number
  private readonly cumulative: number
  private readonly candidateRows: number
  private readonly potentials: number
  private seedRows = 0
  /** Per-feature float64 sums and sums of squares (`d` each) for {@link FusedClusterSums.holdStats}. */
  private readonly featureSums: number
  private readonly featureSquares: number
  /** k-means++'s candidates as `d` rows of four (zero padded) for `seedRound`, when there are at most four. */
  private readonly seedPanel: number
  /** The rows whose float32 norms `rowNorms` holds (from {@link FusedClusterSums.holdStats}). */
  private normsOf: { readonly values: Float32Array; readonly count: number } | undefined
  /** The rows last copied to `rows` (kept there while unchanged: Lloyd reads the same chunk each step). */
  private held: { readonly values: Float32Array; readonly count: number } | undefined
  /** `maxBatch` row indices (i32) for `gatherRows`. */
  private readonly batchIndices: number
  /**
   * Room for a whole data set (mini-batch: its batches gathered by `gatherRows`), allocated on first
   * use and again only for a larger set; `residentValues` the values it holds.
   */
  private resident = 0
  private residentRoom = 0
  private residentValues: Float32Array | undefined

  constructor(
    private readonly memory: KernelMemory,
    private readonly clusters: number,
    private readonly size: number,
    /** The most rows in one chunk. */
    readonly maxBatch: number,
  ) {
    this.k = memory.modelKernels
    this.build = memory.build
    this.rows = memory.alloc(maxBatch * size)
    this.centroids = memory.alloc(clusters * size)
    this.trials = localTrials(clusters)
    this.candidates = memory.alloc(this.trials * size)
    this.scores = memory.alloc(maxBatch * Math.max(clusters, this.trials))
    this.panel = memory.alloc(8 * Math.max(size, clusters, this.trials, maxBatch))
    // Twelve at least: `nearestSumsNarrow` reads the norms three vectors at a time.
    this.norms = memory.alloc(Math.max(clusters, NARROW))
    this.narrowPanel = clusters > 8 && clusters <= NARROW ? memory.alloc(NARROW * size) : 0
    this.rowNorms = memory.alloc(maxBatch)
    this.closest = memory.allocDoubles(maxBatch)
    this.cumulative = memory.allocDoubles(maxBatch)
    this.candidateRows = memory.alloc(this.trials)
    this.potentials = memory.allocDoubles(this.trials)
    this.sums = memory.allocDoubles(clusters * size)
    this.counts = memory.allocDoubles(clusters)
    this.batchIndices = memory.alloc(maxBatch)
    this.featureSums = memory.allocDoubles(size)
    this.featureSquares = memory.allocDoubles(size)
    this.seedPanel = this.trials <= SEED_PANEL ? memory.alloc(SEED_PANEL * size) : 0
  }

  /** Bytes of the kernel memory this trainer's buffers are in. */
  get memoryBytes(): number {
    return this.k.memory.buffer.byteLength
  }

  /** Loads the centroids (`k × d`) a step's chunks are scored against, and their squared norms. */
  setCentroids(centroids: Float32Array): void {
    this.memory.view(this.centroids, centroids.length).set(centroids)
    const d = this.size
    const norms = this.memory.view(this.norms, this.clusters)
    for (let c = 0; c < this.clusters; c++) {
      let norm = 0
      for (let j = 0; j < d; j++) norm = Math.fround(norm + (centroids[c * d + j] as number) ** 2)
      norms[c] = norm
    }
    if (this.narrowPanel) {
      const panel = this.memory.view(this.narrowPanel, NARROW * d)
      panel.fill(0)
      for (let c = 0; c < this.clusters; c++) {
        for (let j = 0; j < d; j++) panel[j * NARROW + c] = centroids[c * d + j] as number
      }
    }
  }

  /**
   * Adds the `count` rows `values` (`count × d`, at most `maxBatch`) to `totals`: each row to its
   * nearest centroid's sum and count (the first of equals, as `argMin`), and its score to the
   * inertia (the caller adds the rows' `Σ‖x‖²`).
   */
  accumulate(values: Float32Array, count: number, totals: ClusterTotals): void {
    this.hold(values, count)
    this.sumHeld(count, totals)
  }

  /**
   * {@link accumulate} of the rows `indices` of `data` (`· × d`), gathered straight into kernel
   * memory (at most `maxBatch`); the caller adds their `Σ‖x‖²` to the inertia.
   */
  accumulateRows(data: Float32Array, indices: ArrayLike<number>, totals: ClusterTotals): void {
    const d = this.size
    const count = indices.length
    if (this.holdAll(data)) {
      // In kernel memory: the batch gathered there, only the indices copied in.
      new Int32Array(this.k.memory.buffer, this.batchIndices, count).set(indices)
      this.k.gatherRows(this.resident, this.batchIndices, count, d, this.rows)
    } else {
      const rows = this.memory.view(this.rows, count * d)
      for (let i = 0; i < count; i++) {
        const from = (indices[i] as number) * d
        const to = i * d
        for (let j = 0; j < d; j++) rows[to + j] = data[from + j] as number
      }
    }
    this.held = undefined
    this.normsOf = undefined
    this.sumHeld(count, totals)
  }

  /**
   * Keeps the whole of `data` in kernel memory (copied once, until {@link forgetRows}); false when it
   * is larger than {@link MOST_RESIDENT_VALUES} or the memory cannot grow for it (then the host
   * gathers).
   */
  private holdAll(data: Float32Array): boolean {
    if (this.residentValues === data) return true
    if (data.length > MOST_RESIDENT_VALUES) return false
    if (data.length > this.residentRoom) {
      try {
        this.resident = this.memory.alloc(data.length)
      } catch (error) {
        if (error instanceof RangeError) return false
        throw error
      }
      this.residentRoom = data.length
    }
    this.memory.view(this.resident, data.length).set(data)
    this.residentValues = data
    return true
  }

  /** The sums, counts and inertia of the `count` rows in the kernel's row buffer. */
  private sumHeld(count: number, totals: ClusterTotals): void {
    const { clusters: k, size: d } = this
    const sums = this.memory.viewDoubles(this.sums, k * d)
    const counts = this.memory.viewDoubles(this.counts, k)
    sums.set(totals.sums)
    counts.set(totals.counts)
    if (this.narrowPanel && this.memory.gemm === this.memory.kernels.gemm) {
      // 9 to 12 centroids: the same products as gemm's, one twelve-wide panel instead of two of
      // eight (on one thread: a two-thread product keeps the gemm, whose halves run side by side).
      totals.inertia = this.k.nearestSumsNarrow(
        this.rows,
        this.narrowPanel,
        this.norms,
        count,
        k,
        d,
        this.sums,
        this.counts,
        totals.inertia,
      )
    } else {
      // x·c for every row and centroid: B is the centroids read transposed.
      this.k.gemm(this.rows, d, 1, this.centroids, 1, d, this.scores, count, d, k, 0, this.panel)
      totals.inertia = this.k.nearestSums(
        this.rows,
        this.scores,
        this.norms,
        count,
        k,
        d,
        this.sums,
        this.counts,
        totals.inertia,
      )
    }
    totals.sums.set(sums)
    totals.counts.set(counts)
  }

  /**
   * Copies the `n` rows `values` (at most `maxBatch`) to kernel memory unless held there, and
   * measures them in one pass (the `rowStats` kernel): their float64 `Σ‖x‖²` (value by value in
   * order, as `sumOfSquares`), their mean per-feature variance (as `meanVariance`), and each row's
   * float32 squared norm, kept for {@link startSeeding} — the bits of the host loops.
   */
  holdStats(
    values: Float32Array,
    n: number,
  ): { readonly squares: number; readonly variance: number } {
    if (n > this.maxBatch) throw new RangeError(`at most ${this.maxBatch} rows, not ${n}`)
    const d = this.size
    this.hold(values.subarray(0, n * d), n)
    this.memory.viewDoubles(this.featureSums, d).fill(0)
    this.memory.viewDoubles(this.featureSquares, d).fill(0)
    const squares = this.k.rowStats(
      this.rows,
      n,
      d,
      this.rowNorms,
      this.featureSums,
      this.featureSquares,
    )
    this.normsOf = this.held
    const sums = this.memory.viewDoubles(this.featureSums, d)
    const squared = this.memory.viewDoubles(this.featureSquares, d)
    let total = 0
    for (let i = 0; i < d; i++) {
      const mean = (sums[i] as number) / n
      total += Math.max(0, (squared[i] as number) / n - mean * mean)
    }
    return { squares, variance: total / d }
  }

  /**
   * Forgets which rows the kernel memory holds (the chunk, the whole set): call when a fit starts
   * (the caller's arrays may have been refilled since the last one).
   */
  forgetRows(): void {
    this.held = undefined
    this.normsOf = undefined
    this.residentValues = undefined
  }

  /**
   * The dot products `out` (`n × t`) of the `n` rows `values` (`n × d`) with `t` of them, the rows
   * `candidates` (at most `localTrials(k)`), through the SIMD `gemm`, `maxBatch` rows at a time: the
   * cross term of k-means++'s distances.
   */
  candidateDots(
    values: Float32Array,
    n: number,
    candidates: readonly number[],
    out: Float32Array,
  ): void {
    const { size: d, maxBatch } = this
    const t = candidates.length
    if (t > this.trials) throw new RangeError(`at most ${this.trials} candidates, not ${t}`)
    const picked = this.memory.view(this.candidates, t * d)
    candidates.forEach((row, i) => picked.set(values.subarray(row * d, (row + 1) * d), i * d))
    for (let start = 0; start < n; start += maxBatch) {
      const count = Math.min(maxBatch, n - start)
      this.hold(values.subarray(start * d, (start + count) * d), count)
      this.k.gemm(this.rows, d, 1, this.candidates, 1, d, this.scores, count, d, t, 0, this.panel)
      out.set(this.memory.view(this.scores, count * t), start * t)
    }
  }

  /**
   * Starts greedy k-means++ on the kernels over the `n` rows `values` (at most `maxBatch`), whose
   * float32 squared norms `norms()` gives (not called when {@link holdStats} measured these rows):
   * no centre yet (every row's closest distance is +∞).
   */
  startSeeding(values: Float32Array, n: number, norms: () => Float32Array): void {
    if (n > this.maxBatch) throw new RangeError(`at most ${this.maxBatch} rows, not ${n}`)
    const measured = this.normsOf
    this.hold(values.subarray(0, n * this.size), n)
    if (measured === undefined || measured !== this.held) {
      this.memory.view(this.rowNorms, n).set(norms())
    }
    this.memory.viewDoubles(this.closest, n).fill(Infinity)
    this.seedRows = n
  }

  /**
   * The potential of each of the rows `candidates` (at most `localTrials(k)`) as the next centre:
   * `Σ min(closest, ‖x − c‖²)` over the rows (the `seedTrials` kernel, after the `gemm`).
   */
  seedTrials(candidates: readonly number[]): Float64Array {
    const { size: d, seedRows: n } = this
    const t = candidates.length
    if (t > this.trials) throw new RangeError(`at most ${this.trials} candidates, not ${t}`)
    const values = this.held?.values as Float32Array
    new Int32Array(this.k.memory.buffer, this.candidateRows, t).set(candidates)
    if (this.seedPanel && t <= SEED_PANEL && this.memory.gemm === this.memory.kernels.gemm) {
      // At most four candidates: gemm's products and seedTrials in one pass, one four-wide panel
      // (on one thread: a two-thread product keeps the gemm, whose halves run side by side).
      const panel = this.memory.view(this.seedPanel, SEED_PANEL * d)
      panel.fill(0)
      candidates.forEach((row, i) => {
        for (let j = 0; j < d; j++) panel[j * SEED_PANEL + i] = values[row * d + j] as number
      })
      this.k.seedRound(
        this.rows,
        this.seedPanel,
        this.rowNorms,
        this.candidateRows,
        this.closest,
        n,
        d,
        t,
        this.scores,
        this.potentials,
      )
      return this.memory.viewDoubles(this.potentials, t).slice()
    }
    const picked = this.memory.view(this.candidates, t * d)
    candidates.forEach((row, i) => picked.set(values.subarray(row * d, (row + 1) * d), i * d))
    this.k.gemm(this.rows, d, 1, this.candidates, 1, d, this.scores, n, d, t, 0, this.panel)
    this.k.seedTrials(
      this.scores,
      this.rowNorms,
      this.candidateRows,
      this.closest,
      n,
      t,
      this.potentials,
    )
    return this.memory.viewDoubles(this.potentials, t).slice()
  }

  /**
   * Makes candidate `best` of the last {@link seedTrials} a centre; returns the running sums of the
   * rows' new closest distances (a view of kernel memory, valid until the next call).
   */
  seedKeep(best: number, t: number): Float64Array {
    const n = this.seedRows
    this.k.seedKeep(this.scores, this.closest, this.cumulative, n, t, best)
    return this.memory.viewDoubles(this.cumulative, n)
  }

  /** Copies `count` rows to the kernel's row buffer unless it holds them already. */
  private hold(values: Float32Array, count: number): void {
    const held = this.held
    if (
      held &&
      held.count === count &&
      held.values.buffer === values.buffer &&
      held.values.byteOffset === values.byteOffset
    ) {
      return
    }
    this.memory.view(this.rows, count * this.size).set(values.subarray(0, count * this.size))
    this.held = { values, count }
    this.normsOf = undefined
  }

  /** k-means keeps no optimiser state in kernel memory: nothing to save. */
  captureState(): FusedTrainerState {
    return { settings: '', nets: [], moments: [] }
  }

  /** Nothing to restore (see {@link FusedClusterSums.captureState}). */
  restoreState(): void {}
}
