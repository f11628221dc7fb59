/**
 * The per-cluster sums of a k-means step on latentkit's fused WebAssembly kernels: the scores
 * `‖c‖² − 2 x·c` of a chunk of rows through the SIMD `gemm`, the nearest centroid of each row, and
 * the sums, counts and inertia a Lloyd or mini-batch step needs (the `nearestSums` kernel) — what `clusterSums` computes as
 * TF.js operations, without a device round trip.
 */
import type { FusedStateful, FusedTrainerState } from '../../engine/fusedState'
import type { KernelBuild, KernelExports, KernelMemory } from '../../kernels/wasmKernels'

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
  private readonly scores: number
  private readonly panel: number
  /** Float64 sums (`k × d`) and counts (`k`) the kernel adds to. */
  private readonly sums: number
  private readonly counts: number

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
    this.scores = memory.alloc(maxBatch * clusters)
    this.panel = memory.alloc(8 * Math.max(size, clusters, maxBatch))
    this.norms = memory.alloc(clusters)
    this.sums = memory.alloc(2 * clusters * size)
    this.counts = memory.alloc(2 * clusters)
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
  }

  /**
   * Adds the `count` rows `values` (`count × d`, at most `maxBatch`) to `totals`: each row to its
   * nearest centroid's sum and count (the first of equals, as `argMin`), and its score to the
   * inertia (the caller adds the rows' `Σ‖x‖²`).
   */
  accumulate(values: Float32Array, count: number, totals: ClusterTotals): void {
    const { clusters: k, size: d } = this
    this.memory.view(this.rows, count * d).set(values.subarray(0, count * d))
    // x·c for every row and centroid: B is the centroids read transposed.
    this.k.gemm(this.rows, d, 1, this.centroids, 1, d, this.scores, count, d, k, 0, this.panel)
    const buffer = this.k.memory.buffer
    const sums = new Float64Array(buffer, this.sums, k * d)
    const counts = new Float64Array(buffer, this.counts, k)
    sums.set(totals.sums)
    counts.set(totals.counts)
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
    totals.sums.set(sums)
    totals.counts.set(counts)
  }

  /** k-means keeps no optimiser state in kernel memory: nothing to save. */
  captureState(): FusedTrainerState {
    return { settings: '', nets: [], moments: [] }
  }

  /** Nothing to restore (see {@link FusedClusterSums.captureState}). */
  restoreState(): void {}
}
