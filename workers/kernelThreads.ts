/**
 * Two threads for the fused kernels where the page allows it: on a cross-origin-isolated worker
 * (shared WebAssembly memory is available), registers a spawner that starts the helper thread as a
 * module worker; elsewhere nothing is registered and every fused step runs on one thread.
 */
import { setKernelThreadSpawner } from '../src/core/kernels/kernelThreadSpawner'
import type {
  KernelThreadHandle,
  KernelThreadStart,
  SpawnKernelThread,
} from '../src/core/kernels/twoThreadGemm'
import { createKernelThreadWorker } from './kernelThreadWorker'

/** Starts one helper module worker on `start`; its failures go to `onFailure`, never further. */
export const spawnKernelThreadWorker: SpawnKernelThread = (
  start: KernelThreadStart,
  onFailure: (reason: string) => void,
): KernelThreadHandle => {
  const worker = createKernelThreadWorker()
  worker.addEventListener('error', (event) => {
    event.preventDefault()
    onFailure(event.message || 'the helper worker could not be loaded')
  })
  worker.addEventListener('messageerror', () =>
    onFailure('the helper worker could not read its start'),
  )
  worker.addEventListener('message', (event: MessageEvent<{ readonly failed?: string }>) => {
    if (event.data.failed !== undefined) onFailure(event.data.failed)
  })
  worker.postMessage(start)
  return { terminate: () => worker.terminate() }
}

/**
 * Registers {@link spawnKernelThreadWorker} when this worker is cross-origin isolated and can make a
 * shared WebAssembly memory and nested workers; returns whether it did.
 */
export function enableKernelThreads(): boolean {
  const scope = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown }
  if (scope.crossOriginIsolated !== true || typeof scope.Worker !== 'function') return false
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })
  } catch {
    return false
  }
  setKernelThreadSpawner(spawnKernelThreadWorker)
  return true
}
