/** Story helpers for anomaly detection: the built-in benchmark and a few test images from it. */
import type { ImageBatch } from '../src/core/dataset'
import { generateAnomalyBenchmark, type AnomalyBenchmark } from '../src/data/anomalies'

let cached: AnomalyBenchmark | undefined

/** The built-in benchmark (2,000 normal sprites to train on; 200 normal and 200 defective to test). */
export function anomalyBenchmark(): AnomalyBenchmark {
  cached ??= generateAnomalyBenchmark({ seed: 1 })
  return cached
}

/** `count` test images: half with a defect first, then normal ones. */
export function testImages(count: number): { images: ImageBatch; labels: number[] } {
  const bench = anomalyBenchmark()
  const pixels = 28 * 28
  const half = Math.floor(count / 2)
  const picks = [
    ...Array.from({ length: half }, (_, i) => 200 + i),
    ...Array.from({ length: count - half }, (_, i) => i),
  ]
  const data = new Float32Array(picks.length * pixels)
  picks.forEach((from, to) =>
    data.set(bench.test.data.subarray(from * pixels, (from + 1) * pixels), to * pixels),
  )
  return {
    images: { data, shape: [picks.length, 28, 28, 1] },
    labels: picks.map((p) => bench.labels[p] ?? 0),
  }
}

/** Image `index` of a batch as a one-image batch. */
export function imageAt(batch: ImageBatch, index: number): ImageBatch {
  const [, h, w, c] = batch.shape
  const size = h * w * c
  return { data: batch.data.slice(index * size, (index + 1) * size), shape: [1, h, w, c] }
}
