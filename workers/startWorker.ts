/**
 * Starts a latentkit worker with the given families: registers the TF.js backends (WASM up front;
 * WebGL, WebGPU and the CPU loaded when chosen), points WASM at its binaries, exposes a
 * {@link WorkerHost} over Comlink. A worker entry is one call of it.
 */
import * as Comlink from 'comlink'
import { env } from '@tensorflow/tfjs-core'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import { registerBackendLoader } from '../src/core/engine/backendChoice'
import type { FamilyEngineEntry } from '../src/core/engine/familyEngine'
import { WorkerHost } from './host'
import { enableKernelThreads } from './kernelThreads'
import { listenForLifeline } from './lifeline'
import { BUILTIN_PRESET_FILES } from './presetFiles'

/**
 * Keeps TF.js on its single-threaded WASM build, even on cross-origin-isolated pages (COOP/COEP),
 * where it would otherwise pick the threaded one. That build starts its helper threads from blob URLs
 * holding `factory.toString()` of a closure over `_scriptDir`; once an app's minifier renames that
 * variable (terser, SWC: webpack 5, Next.js with webpack or Turbopack), every helper thread dies with
 * `ReferenceError: a is not defined` and takes the worker with it. Blob-URL workers also break under a
 * CSP without `worker-src blob:`. latentkit's fused kernels start their own helper thread there
 * instead (kernelThreads.ts), a module worker from a real file.
 */
function keepWasmSingleThreaded(): void {
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    // Never loaded with threads off; TF.js only insists on an entry. Not shipped (saves 425 KB).
    'tfjs-backend-wasm-threaded-simd.wasm': wasmSimd,
  })
}

/** Exposes a host serving `engines` on this worker's global scope. */
export function startWorker(engines: readonly FamilyEngineEntry[]): void {
  // Before Comlink listens: the page's lifeline message is answered here and goes no further (a
  // no-op in latentkit's own worker, whose entry listened first).
  listenForLifeline()
  keepWasmSingleThreaded()
  enableKernelThreads()
  // The GPU backends are most of the worker's code: imported only when chosen (software GPUs, the
  // usual case without a real one, are passed over before), so a WASM start parses neither. The CPU
  // backend, a last resort, likewise: measured in Chromium, each costs a cold start time (the GPU
  // backends ≈ 200 ms even unevaluated, the CPU one ≈ 50 ms; see the preset part of `npm run bench`).
  registerBackendLoader('webgl', () => import('@tensorflow/tfjs-backend-webgl'))
  registerBackendLoader('webgpu', () => import('@tensorflow/tfjs-backend-webgpu'))
  registerBackendLoader('cpu', () => import('@tensorflow/tfjs-backend-cpu'))
  Comlink.expose(new WorkerHost(engines, { presetFiles: BUILTIN_PRESET_FILES }))
}
