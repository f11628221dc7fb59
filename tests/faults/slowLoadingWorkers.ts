/** Starts latentkit workers that are slow to load, and tells when each holds its lifeline. */
import { LIFELINE_HELD, lifelineName } from '../../src/lifelineProtocol'

/** A started worker, and whether it has told the page it holds its lifeline. */
export interface Started {
  readonly worker: Worker
  lifelineHeld: boolean
}

/**
 * A `createWorker` whose n-th worker takes `delaysMs[n]` ms to load (the last delay repeats), and
 * the workers it started. `real: true` starts latentkit's own worker entry instead (no delay).
 */
export function slowLoadingWorkerFactory(
  delaysMs: readonly number[],
  real = false,
): { createWorker: () => Worker; started: Started[] } {
  const started: Started[] = []
  const createWorker = (): Worker => {
    const delay = delaysMs[Math.min(started.length, delaysMs.length - 1)] ?? 0
    const worker = real
      ? new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
          type: 'module',
        })
      : new Worker(new URL('./slowLoadingWorker.ts', import.meta.url), {
          type: 'module',
          name: `delay=${delay}`,
        })
    const entry: Started = { worker, lifelineHeld: false }
    worker.addEventListener('message', (event: MessageEvent) => {
      if (lifelineName(event.data, LIFELINE_HELD) !== undefined) entry.lifelineHeld = true
    })
    started.push(entry)
    return worker
  }
  return { createWorker, started }
}
