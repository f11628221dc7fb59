/**
 * The helper thread of the fused kernels' two-thread matrix product, as a module worker the
 * latentkit worker starts on a cross-origin-isolated page: it gets the compiled shared kernels, the
 * shared memory and the control block's offset in one message, then serves products until stopped.
 * A failure is posted back (`{ failed: reason }`), and the latentkit worker goes on on one thread.
 */
import { runKernelThread } from '../src/core/kernels/kernelThread'
import type { KernelThreadStart } from '../src/core/kernels/twoThreadGemm'

addEventListener(
  'message',
  (event: MessageEvent<KernelThreadStart>) => {
    try {
      runKernelThread(event.data)
    } catch (error) {
      postMessage({ failed: String(error) })
    }
    close()
  },
  { once: true },
)
