/**
 * `latentkit/worker`: run latentkit's worker with your own model families. A worker entry of yours is
 * one call: `startWorker([...BUILTIN_ENGINE_LOADERS, myEngine])` (from `latentkit/core`; the built-in
 * families load when first used — `BUILTIN_ENGINES` registers them all up front).
 */
export { startWorker } from './startWorker'
export { WorkerHost } from './host'
export { transferablesOf } from './transferables'
