/**
 * latentkit's real worker plus fault injection for tests: post `{ fault: 'close' | 'throw' | 'hang' }`
 * to it and it closes itself silently, throws an uncaught error, or stops answering.
 */
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { startWorker } from '../../workers/startWorker'

startWorker(BUILTIN_ENGINES)

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const fault = (event.data as { fault?: string } | null)?.fault
  if (fault === 'close') self.close()
  if (fault === 'throw') {
    setTimeout(() => {
      throw new Error('injected fault')
    }, 0)
  }
  if (fault === 'hang') {
    setTimeout(() => {
      // Busy forever: no message is answered again.
      for (;;) {
        /* spin */
      }
    }, 0)
  }
})
