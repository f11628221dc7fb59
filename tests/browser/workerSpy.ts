/** A `createWorker` that starts latentkit's real worker and counts starts and terminations. */
export function countingWorkerFactory(): {
  createWorker: () => Worker
  counts: { created: number; terminated: number }
} {
  const counts = { created: 0, terminated: 0 }
  const createWorker = (): Worker => {
    const worker = new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
      type: 'module',
    })
    counts.created += 1
    const terminate = worker.terminate.bind(worker)
    worker.terminate = () => {
      counts.terminated += 1
      terminate()
    }
    return worker
  }
  return { createWorker, counts }
}

/** Polls `predicate` until true or the timeout passes. */
export async function waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = performance.now()
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out waiting for condition')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Copies a canvas's RGBA pixels. */
export function canvasPixels(canvas: HTMLCanvasElement): Uint8ClampedArray {
  const context = canvas.getContext('2d')
  if (!context) throw new Error('no 2d context')
  return context.getImageData(0, 0, canvas.width, canvas.height).data.slice()
}

/** Number of distinct grey levels in the red channel (1 means blank). */
export function distinctLevels(pixels: Uint8ClampedArray): number {
  const seen = new Set<number>()
  for (let i = 0; i < pixels.length; i += 4) seen.add(pixels[i] as number)
  return seen.size
}

/** Fraction of bytes that differ between two pixel buffers of equal size. */
export function changedFraction(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  if (a.length !== b.length) return 1
  let changed = 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed++
  return changed / a.length
}
