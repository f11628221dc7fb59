/**
 * Starts a latentkit worker with the given families: registers the TF.js backends, points WASM at
 * its binaries, exposes a {@link WorkerHost} over Comlink. A worker entry is one call of it.
 */
import * as Comlink from 'comlink'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-webgl'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import type { AnyFamilyEngine } from '../src/core/engine/familyEngine'
import { WorkerHost } from './host'

/** Exposes a host serving `engines` on this worker's global scope. */
export function startWorker(engines: readonly AnyFamilyEngine[]): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  })
  Comlink.expose(new WorkerHost(engines))
}
