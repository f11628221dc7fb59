/**
 * Cuts long synchronous work into slices: the work asks {@link TimeSlicer.due} now and then (cheap:
 * one clock read) and, when its slice has run for `budgetMs`, awaits {@link TimeSlicer.yield}, which
 * lets the worker's other messages (a heartbeat ping, a progress report) through. Where the work is
 * cut changes nothing it computes: only when it pauses.
 */
import { yieldToEventLoop } from '../../trainingControl'

/** Milliseconds a slice of projection work runs before it yields: 50 by default. */
export const SLICE_BUDGET_MS = 50

/** A clock in milliseconds (`performance.now` by default). */
export type Clock = () => number

/** Tells long work when to yield, and yields. */
export interface TimeSlicer {
  /** True once the current slice has run `budgetMs` or more. */
  due(): boolean
  /** Yields to the event loop (a macrotask) and starts a new slice. */
  yield(): Promise<void>
}

const defaultClock: Clock = () => globalThis.performance.now()

/**
 * A slicer whose slices last `budgetMs` (default {@link SLICE_BUDGET_MS}) by `clock`; `onYield`
 * (optional) runs at each yield, before it (e.g. a progress report, so that a caller hears from
 * the work at least once a slice).
 */
export function createTimeSlicer(
  budgetMs = SLICE_BUDGET_MS,
  clock: Clock = defaultClock,
  onYield?: () => void,
): TimeSlicer {
  let sliceStart = clock()
  return {
    due: () => clock() - sliceStart >= budgetMs,
    async yield() {
      onYield?.()
      await yieldToEventLoop()
      sliceStart = clock()
    },
  }
}
