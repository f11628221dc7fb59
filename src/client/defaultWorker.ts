/**
 * Starts latentkit's worker. Bundlers (Vite, webpack 5, Next.js) see the `new Worker(new URL(…,
 * import.meta.url))` pattern and bundle the worker; the package build swaps this file for one that
 * points at the built worker next to it.
 */
export function createDefaultWorker(): Worker {
  return new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
    type: 'module',
    name: 'latentkit',
  })
}
