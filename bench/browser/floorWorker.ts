/**
 * The least a TF.js worker on WASM can be — Comlink, TF.js core and its WASM backend, nothing of
 * latentkit — bundled and minified like latentkit's static worker, in one file (scripts/bench.mjs builds it
 * into dist/ beside the WASM binaries). The preset bench starts it cold to measure the floor under
 * a cold start's "worker's script" and "WASM backend" stages.
 */
import * as Comlink from 'comlink'
import * as tf from '@tensorflow/tfjs-core'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
const simd = new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url).href
setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL('./tfjs-backend-wasm.wasm', import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': simd,
})

/** What the floor worker answers: the same first two calls as latentkit's worker. */
export interface FloorWorkerAPI {
  ping(): boolean
  init(): Promise<string>
}

const api: FloorWorkerAPI = {
  ping: () => true,
  async init() {
    await tf.setBackend('wasm')
    tf.tidy(() => tf.add(1, 1)).dispose()
    return tf.getBackend()
  },
}
Comlink.expose(api)
