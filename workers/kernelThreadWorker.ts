/**
 * Starts the kernels' helper thread (kernelThread.worker.ts) as a module worker. Bundlers (Vite,
 * webpack 5, Next.js) see the `new Worker(new URL(…, import.meta.url))` pattern and bundle it; the
 * package build swaps this file for one that points at the built `latentkit.kernels.js` beside the
 * worker.
 */
export function createKernelThreadWorker(): Worker {
  return new Worker(new URL('./kernelThread.worker.ts', import.meta.url), {
    type: 'module',
    name: 'latentkit-kernels',
  })
}
