/** Starts fault-injectable latentkit workers and remembers them, for the fault suite. */
export type Fault = 'terminate' | 'close' | 'throw' | 'hang' | 'wasm-trap' | 'wasm-refuse'

/** A `createWorker` whose workers can be made to fail, and the workers it started. */
export function faultyWorkerFactory(): {
  createWorker: () => Worker
  workers: Worker[]
  /** Makes the most recent worker fail in the way named. */
  inject(fault: Fault): void
} {
  const workers: Worker[] = []
  const createWorker = (): Worker => {
    const worker = new Worker(new URL('./faultyWorker.ts', import.meta.url), { type: 'module' })
    workers.push(worker)
    return worker
  }
  const inject = (fault: Fault): void => {
    const worker = workers[workers.length - 1]
    if (!worker) throw new Error('no worker started yet')
    if (fault === 'terminate') worker.terminate()
    else worker.postMessage({ fault })
  }
  return { createWorker, workers, inject }
}
