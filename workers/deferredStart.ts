/**
 * Loads the bulk of a worker after its first lines have run, keeping the messages that arrive
 * meanwhile: a module worker delivers messages once its entry module has been evaluated, and nothing
 * would listen for them until the dynamically imported rest exposes its API. Import-free.
 */

interface DeferredScope {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  dispatchEvent(event: Event): boolean
}

/**
 * Holds every message this worker receives until `load()` resolves (it must have started listening
 * by then, e.g. with `Comlink.expose`), then delivers them again, in order. A failed load is thrown
 * as an uncaught error, so the page's `Worker` gets an `error` event as for a failed static import.
 */
export function serveAfterLoading(
  load: () => Promise<unknown>,
  scope: DeferredScope = globalThis as unknown as DeferredScope,
): void {
  const waiting: MessageEvent[] = []
  const keep = (event: MessageEvent): void => {
    waiting.push(event)
  }
  scope.addEventListener('message', keep)
  load().then(
    () => {
      scope.removeEventListener('message', keep)
      for (const event of waiting.splice(0)) {
        scope.dispatchEvent(
          new MessageEvent('message', { data: event.data as unknown, ports: [...event.ports] }),
        )
      }
    },
    (error: unknown) => {
      setTimeout(() => {
        throw error
      }, 0)
    },
  )
}
