/**
 * UMAP's layout: stochastic gradient descent on the fuzzy graph's edges with negative sampling, in
 * typed arrays. Each edge is sampled in proportion to its weight, pulling its two ends together;
 * each sample draws `negativeSampleRate` random points that push its head away. The arithmetic and
 * the order of the random draws are umap-js 1.4's (`initializeSimplicialSetEmbedding` and
 * `optimizeLayoutStep`: random start in [−10, 10)², clipped gradients, learning rate falling
 * linearly), so with the same graph, curve and random source the map is umap-js's to the last bit.
 * An epoch runs in time slices: it yields whenever its slicer says so, which changes nothing it
 * computes.
 */
import type { FuzzyGraph } from './fuzzyGraph'
import type { CurveParameters } from './umapCurve'
import type { TimeSlicer } from './timeSlice'

/** How the layout runs. */
export interface LayoutSettings {
  /** Epochs in all. */
  readonly epochs: number
  /** The curve's `a` and `b` (see `fitCurve`). */
  readonly curve: CurveParameters
  /** Uniform random numbers in [0, 1): the start and the negative samples. */
  readonly random: () => number
  /** Random points pushed away per sampled edge. Default 5 (umap-learn's and umap-js's). */
  readonly negativeSampleRate?: number
}

/** Gradients are clipped to ±4 (umap-learn's habit). */
const CLIP = 4
/** Edges between two looks at the clock. */
const CHECK_EVERY = 512

const clip = (value: number): number => (value > CLIP ? CLIP : value < -CLIP ? -CLIP : value)

/** umap-js's default epochs for `n` rows: 500 up to 2,500, 400 up to 5,000, 300 up to 7,500, else 200. */
export function defaultEpochs(n: number): number {
  return n <= 2500 ? 500 : n <= 5000 ? 400 : n <= 7500 ? 300 : 200
}

/** A UMAP layout in progress: {@link UMAPLayout.epoch} runs the next epoch. */
export class UMAPLayout {
  /** `x, y` per vertex, row-major. */
  readonly embedding: Float64Array
  /** Epochs in all. */
  readonly epochs: number
  private done = 0
  private alpha = 1
  private readonly head: Int32Array
  private readonly tail: Int32Array
  private readonly epochsPerSample: Float64Array
  private readonly epochsPerNegativeSample: Float64Array
  private readonly nextSample: Float64Array
  private readonly nextNegativeSample: Float64Array

  constructor(
    private readonly graph: FuzzyGraph,
    private readonly settings: LayoutSettings,
  ) {
    const { n, size, weights } = graph
    const { epochs, random } = settings
    const rate = settings.negativeSampleRate ?? 5
    this.epochs = epochs
    this.embedding = new Float64Array(2 * n)
    for (let i = 0; i < 2 * n; i++) this.embedding[i] = random() * 20 + -10
    // umap-js's edges run column → row: the head is the column, the tail the row.
    this.head = graph.cols
    this.tail = graph.rows
    let largest = 0
    for (let e = 0; e < size; e++)
      largest = (weights[e] as number) > largest ? (weights[e] as number) : largest
    this.epochsPerSample = new Float64Array(size)
    this.epochsPerNegativeSample = new Float64Array(size)
    for (let e = 0; e < size; e++) {
      const samples = ((weights[e] as number) / largest) * epochs
      const every = samples > 0 ? epochs / samples : -1
      this.epochsPerSample[e] = every
      this.epochsPerNegativeSample[e] = every / rate
    }
    this.nextSample = this.epochsPerSample.slice()
    this.nextNegativeSample = this.epochsPerNegativeSample.slice()
  }

  /** Epochs done. */
  get epochsDone(): number {
    return this.done
  }

  /** Runs the next epoch (nothing once all are done), yielding when `slicer` says; epochs done. */
  async epoch(slicer: TimeSlicer): Promise<number> {
    if (this.done >= this.epochs) return this.done
    const n = this.done
    const { a, b } = this.settings.curve
    const { random } = this.settings
    const vertices = this.graph.n
    const { embedding: y, head, tail, epochsPerSample, epochsPerNegativeSample } = this
    const { nextSample, nextNegativeSample, alpha } = this
    const attract = -2 * a * b
    const repel = 2 * 1 * b
    for (let e = 0; e < head.length; e++) {
      if (e % CHECK_EVERY === 0 && slicer.due()) await slicer.yield()
      if ((nextSample[e] as number) > n) continue
      const j = head[e] as number
      const k = tail[e] as number
      const cx = 2 * j
      const ox = 2 * k
      let dx = (y[cx] as number) - (y[ox] as number)
      let dy = (y[cx + 1] as number) - (y[ox + 1] as number)
      let distSquared = dx * dx + dy * dy
      let coefficient = 0
      if (distSquared > 0) {
        coefficient = attract * Math.pow(distSquared, b - 1)
        coefficient /= a * Math.pow(distSquared, b) + 1
      }
      let grad = clip(coefficient * ((y[cx] as number) - (y[ox] as number)))
      y[cx] = (y[cx] as number) + grad * alpha
      y[ox] = (y[ox] as number) + -grad * alpha
      grad = clip(coefficient * ((y[cx + 1] as number) - (y[ox + 1] as number)))
      y[cx + 1] = (y[cx + 1] as number) + grad * alpha
      y[ox + 1] = (y[ox + 1] as number) + -grad * alpha
      nextSample[e] = (nextSample[e] as number) + (epochsPerSample[e] as number)

      const every = epochsPerNegativeSample[e] as number
      const negatives = Math.floor((n - (nextNegativeSample[e] as number)) / every)
      for (let p = 0; p < negatives; p++) {
        const other = Math.floor(random() * vertices)
        const px = 2 * other
        dx = (y[cx] as number) - (y[px] as number)
        dy = (y[cx + 1] as number) - (y[px + 1] as number)
        distSquared = dx * dx + dy * dy
        coefficient = 0
        if (distSquared > 0) {
          coefficient = repel
          coefficient /= (0.001 + distSquared) * (a * Math.pow(distSquared, b) + 1)
        } else if (j === other) {
          continue
        }
        grad = coefficient > 0 ? clip(coefficient * ((y[cx] as number) - (y[px] as number))) : 4
        y[cx] = (y[cx] as number) + grad * alpha
        grad =
          coefficient > 0 ? clip(coefficient * ((y[cx + 1] as number) - (y[px + 1] as number))) : 4
        y[cx + 1] = (y[cx + 1] as number) + grad * alpha
      }
      nextNegativeSample[e] = (nextNegativeSample[e] as number) + negatives * every
    }
    this.alpha = 1 * (1 - n / this.epochs)
    this.done += 1
    return this.done
  }
}
