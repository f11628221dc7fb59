/**
 * Watching clients and settling their calls, for the browser tests of workers, faults and races: a
 * client kept subscribed (so it holds its worker, as a mounted hook does) until the test ends, and
 * how and when a call settled.
 */
import { waitFor } from './workerSpy'

/** Anything with a model client's `subscribe`. */
export interface Watchable {
  subscribe(listener: () => void): () => void
}

const unsubscribers: (() => void)[] = []

/**
 * Subscribes to `client` (with `listener`, default none) until {@link unwatchAll}: a watched client
 * keeps its worker and model, as a mounted hook does. Returns `client`.
 */
export function watch<C extends Watchable>(client: C, listener: () => void = () => {}): C {
  unsubscribers.push(client.subscribe(listener))
  return client
}

/** Ends every subscription {@link watch} made (call it in `afterEach`). */
export function unwatchAll(): void {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
}

/** How a call settled: the error's `code` and `details.cause` (both undefined if it resolved). */
export interface Settlement {
  readonly code: string | undefined
  readonly cause: unknown
  /** Milliseconds from `since` until it settled. */
  readonly ms: number
}

/** How `promise` settled, and when (ms after `since`, a `performance.now()` reading). */
export async function settlement(promise: Promise<unknown>, since: number): Promise<Settlement> {
  try {
    await promise
    return { code: undefined, cause: undefined, ms: performance.now() - since }
  } catch (error) {
    const { code, details } = error as { code?: string; details?: { cause?: unknown } }
    return { code, cause: details?.cause, ms: performance.now() - since }
  }
}

/** The typed error `promise` rejects with; throws if it resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code?: string; details?: Record<string, unknown>; message?: string }> {
  try {
    await promise
  } catch (error) {
    return error as { code?: string; details?: Record<string, unknown>; message?: string }
  }
  throw new Error('expected the call to reject')
}

/** `promise`'s settlement, or 'pending' if it has not settled within `ms` (a bound, not a timing). */
export async function within(
  promise: Promise<unknown>,
  ms: number,
): Promise<'settled' | 'pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms)
  })
  const settled = promise.then(
    () => 'settled' as const,
    () => 'settled' as const,
  )
  const outcome = await Promise.race([settled, late])
  clearTimeout(timer)
  return outcome
}

/** A client whose model facts can be read. */
interface Training {
  getSnapshot(): { readonly model?: { readonly trainedEpochs: number } | undefined }
}

/**
 * Waits until `client`, training since `started` (a `performance.now()` reading), has run over 6 s
 * and 5 epochs: late enough that an epoch-end snapshot has reached the page.
 */
export function pastEpochSnapshots(client: Training, started: number): Promise<void> {
  return waitFor(
    () =>
      performance.now() - started > 6000 && (client.getSnapshot().model?.trainedEpochs ?? 0) >= 5,
  )
}
