/**
 * latentkit's real worker plus fault injection for tests: post `{ fault }` to it and it closes itself
 * silently (`close`), throws an uncaught error (`throw`), stops answering (`hang`), or makes the next
 * allocation of TF.js's WASM backend fail: with a WebAssembly memory trap (`wasm-trap`, as when the
 * heap is corrupted) or by asking for more than the heap can ever hold (`wasm-refuse`).
 */
import * as tf from '@tensorflow/tfjs-core'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { startWorker } from '../../workers/startWorker'

startWorker(BUILTIN_ENGINES)

/** Makes the WASM backend's next `_malloc` fail as `fault` says; later ones work again. */
function failNextWasmAllocation(fault: 'wasm-trap' | 'wasm-refuse'): void {
  const wasm = (tf.backend() as { wasm?: { _malloc(bytes: number): number } }).wasm
  if (!wasm) throw new Error(`${fault} needs the wasm backend, not ${tf.getBackend()}`)
  const malloc = wasm._malloc
  wasm._malloc = (bytes: number): number => {
    wasm._malloc = malloc
    if (fault === 'wasm-trap') throw new WebAssembly.RuntimeError('memory access out of bounds')
    // 4 GiB: beyond any WASM32 heap, so latentkit's allocation guard refuses it.
    return malloc(2 ** 32 + bytes)
  }
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const fault = (event.data as { fault?: string } | null)?.fault
  if (fault === 'close') self.close()
  if (fault === 'throw') {
    setTimeout(() => {
      throw new Error('injected fault')
    }, 0)
  }
  if (fault === 'hang') {
    // Busy forever, from now: no message sent after the fault is answered.
    for (;;) {
      /* spin */
    }
  }
  if (fault === 'wasm-trap' || fault === 'wasm-refuse') failNextWasmAllocation(fault)
})
