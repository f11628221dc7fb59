/**
 * The bulk of the soak's worker (soakWorker.ts loads it after taking the lifeline): latentkit's real
 * worker with the fault suite's injection (tests/faults/faultyWorker.ts: post `{ fault }`, e.g.
 * `'close'`, `'throw'`, `'hang'`), plus a probe on a port of its own. The probe reads the worker's
 * TF.js and WebAssembly memory without going through the worker's API, so reading it is not a call
 * of the library and keeps no heartbeat busy.
 */
import * as Comlink from 'comlink'
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '../../tests/faults/faultyWorker'
import type { SoakProbe, WorkerReading } from './soakProbe'

/**
 * latentkit's fused kernels instantiate one WebAssembly module with a memory of its own per dense
 * model (src/core/kernels/wasmKernels.ts). They are counted here, weakly: after a garbage collection
 * the memories still reachable are those of the models alive (a disposed model's memory that stays
 * reachable is a leak).
 */
const kernelMemories = new Set<WeakRef<WebAssembly.Memory>>()
WebAssembly.Instance = new Proxy(WebAssembly.Instance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget) as WebAssembly.Instance
    const memory = instance.exports.memory
    if (memory instanceof WebAssembly.Memory) kernelMemories.add(new WeakRef(memory))
    return instance
  },
})

/** Bytes of TF.js's WebAssembly heap (Emscripten's `HEAPU8` views all of it, refreshed as it grows). */
function wasmHeap(backend: BackendWasm): number {
  return (backend.wasm as unknown as { readonly HEAPU8: Uint8Array }).HEAPU8.buffer.byteLength
}

function reading(): WorkerReading {
  let kernelBytes = 0
  let kernelCount = 0
  for (const ref of kernelMemories) {
    const memory = ref.deref()
    if (!memory) {
      kernelMemories.delete(ref)
      continue
    }
    kernelCount += 1
    kernelBytes += memory.buffer.byteLength
  }
  // `tf.memory()` would start a backend if none were set yet: read it only once one runs.
  const backend = tf.getBackend() as string | undefined
  if (!backend) {
    return {
      backend: undefined,
      numTensors: 0,
      numBytes: 0,
      numDataBuffers: 0,
      wasmHeapBytes: undefined,
      kernelMemories: kernelCount,
      kernelBytes,
    }
  }
  const memory = tf.memory() as tf.MemoryInfo & { numDataBuffers: number }
  return {
    backend,
    numTensors: memory.numTensors,
    numBytes: memory.numBytes,
    numDataBuffers: memory.numDataBuffers,
    wasmHeapBytes: backend === 'wasm' ? wasmHeap(tf.backend() as BackendWasm) : undefined,
    kernelMemories: kernelCount,
    kernelBytes,
  }
}

const probe: SoakProbe = { reading }

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const port = (event.data as { soakProbe?: unknown } | null)?.soakProbe
  if (port instanceof MessagePort) Comlink.expose(probe, port)
})
