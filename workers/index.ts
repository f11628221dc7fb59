/**
 * `latentkit/worker`: run latentkit's worker with your own model families. A worker entry of yours is
 * one call: `startWorker([...BUILTIN_ENGINES, myEngine])` (engines from `latentkit/core`).
 */
export { startWorker } from './startWorker'
export { WorkerHost } from './host'
export { transferablesOf } from './transferables'
