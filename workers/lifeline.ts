/**
 * The worker's lifeline: a Web Lock it takes as soon as the page names it and holds for as long as
 * it lives. The lock is released the moment the worker's context ends, however it ends (terminated,
 * closed, killed out of memory), and the page, waiting for the same lock, learns of the death then.
 * Imports only the import-free {@link LIFELINE_REQUEST} protocol: latentkit's worker entry runs this
 * before it loads TF.js and the engines.
 */
import { LIFELINE_HELD, LIFELINE_REQUEST, lifelineName } from '../src/lifelineProtocol'

interface LockManagerLike {
  request(name: string, callback: () => Promise<never>): Promise<unknown>
}

interface LifelineScope {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  postMessage(message: unknown): void
  navigator?: { locks?: LockManagerLike }
}

/** Lifelines taken or being taken, by lock name. */
const held = new Map<string, Promise<boolean>>()
let listening = false

/**
 * Takes the Web Lock `name` for the rest of this context's life. Resolves `true` once held, `false`
 * where Web Locks are unavailable (insecure contexts): the page then relies on heartbeats and the
 * start-up timeout. Taking the same name twice returns the first promise.
 */
export function holdLifeline(name: string): Promise<boolean> {
  let holding = held.get(name)
  if (!holding) {
    const locks = (globalThis as LifelineScope).navigator?.locks
    holding = locks
      ? new Promise<boolean>((resolve) => {
          // The callback's promise never settles: the lock is released only when this context ends.
          locks
            .request(name, () => {
              resolve(true)
              return new Promise<never>(() => undefined)
            })
            .catch(() => resolve(false))
        })
      : Promise.resolve(false)
    held.set(name, holding)
  }
  return holding
}

/**
 * Answers the page's lifeline message on `scope` (this worker's global scope by default): takes the
 * named lock and posts `{ [LIFELINE_HELD]: name }` once held. The message goes no further (Comlink
 * never sees it). Installed once per worker; call it before anything else listens.
 */
export function listenForLifeline(
  scope: LifelineScope = globalThis as unknown as LifelineScope,
): void {
  if (listening) return
  listening = true
  scope.addEventListener('message', (event) => {
    const name = lifelineName(event.data, LIFELINE_REQUEST)
    if (name === undefined) return
    event.stopImmediatePropagation()
    void holdLifeline(name).then((held) => {
      if (held) scope.postMessage({ [LIFELINE_HELD]: name })
    })
  })
}
