/**
 * The two plain messages of a worker's lifeline, sent before any Comlink call: the page names a Web
 * Lock, the worker takes it and says so. Import-free on purpose: the worker's entry evaluates this
 * first, before loading anything heavy, so a worker that dies while still loading is noticed at once.
 */

/** Key of the page's first message to a worker: `{ [LIFELINE_REQUEST]: lockName }`. */
export const LIFELINE_REQUEST = 'latentkitLifeline'

/** Key of the worker's answer once it holds the lock: `{ [LIFELINE_HELD]: lockName }`. */
export const LIFELINE_HELD = 'latentkitLifelineHeld'

/** The lock name a lifeline message under `key` carries, or `undefined` for any other message. */
export function lifelineName(data: unknown, key: string): string | undefined {
  const name = (data as Record<string, unknown> | null | undefined)?.[key]
  return typeof name === 'string' ? name : undefined
}
