/**
 * Starts the two-thread matrix product's helper (src/core/kernels/kernelThread.ts) as a Node worker
 * thread, for the Node bench and tests: the helper's module is bundled once by esbuild and run with
 * `eval`.
 */
import { buildSync } from 'esbuild'
import { Worker } from 'node:worker_threads'
import type {
  KernelThreadHandle,
  KernelThreadStart,
  SpawnKernelThread,
} from '../src/core/kernels/twoThreadGemm'

let source: string | undefined

function helperSource(): string {
  if (source !== undefined) return source
  const result = buildSync({
    stdin: {
      contents: `import { workerData } from 'node:worker_threads'
import { runKernelThread } from './src/core/kernels/kernelThread'
runKernelThread(workerData)`,
      resolveDir: process.cwd(), // the repository root, where the bench and the tests run
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
  })
  source = result.outputFiles[0]?.text ?? ''
  return source
}

/** A {@link SpawnKernelThread} for Node: one worker thread per helper. */
export const spawnNodeKernelThread: SpawnKernelThread = (
  start: KernelThreadStart,
  onFailure: (reason: string) => void,
): KernelThreadHandle => {
  const worker = new Worker(helperSource(), { eval: true, workerData: start })
  worker.on('error', (error) => onFailure(String(error)))
  worker.unref()
  return {
    terminate: () => {
      void worker.terminate()
    },
  }
}
