/**
 * Cooperative control of a training loop: pause, resume and stop take effect at the next batch
 * boundary. Pure TypeScript.
 */

/** Lets a caller pause, resume or stop a running training loop. */
export class TrainingControl {
  private stopped = false
  private paused = false
  private resumeWaiters: (() => void)[] = []
  private readonly holds = new Set<Promise<unknown>>()

  /** True once {@link TrainingControl.stop} was called. */
  get stopRequested(): boolean {
    return this.stopped
  }

  /** True while paused. */
  get isPaused(): boolean {
    return this.paused
  }

  /** Pause at the next batch boundary. */
  pause(): void {
    if (!this.stopped) this.paused = true
  }

  /** Continue a paused loop. */
  resume(): void {
    this.paused = false
    this.release()
  }

  /** Stop at the next batch boundary (also releases a paused loop so it can end). */
  stop(): void {
    this.stopped = true
    this.paused = false
    this.release()
  }

  /**
   * Holds the loop at the next batch boundary until `work` settles (e.g. while the weights are
   * copied for a snapshot), whatever pause and resume do meanwhile.
   */
  hold(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    )
    this.holds.add(settled)
    void settled.then(() => this.holds.delete(settled))
  }

  /** Resolves at once unless paused or held; then when resumed (or stopped) and released. */
  async waitWhilePaused(): Promise<void> {
    while (this.holds.size > 0) await Promise.all(this.holds)
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => this.resumeWaiters.push(resolve))
    }
  }

  private release(): void {
    const waiters = this.resumeWaiters
    this.resumeWaiters = []
    for (const wake of waiters) wake()
  }
}

type Scheduler = (callback: () => void) => void

const macrotask: Scheduler = (() => {
  const scope = globalThis as { setImmediate?: (cb: () => void) => void }
  if (typeof scope.setImmediate === 'function') return (cb) => scope.setImmediate?.(cb)
  if (typeof MessageChannel === 'function') {
    return (cb) => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => {
        channel.port1.close()
        cb()
      }
      channel.port2.postMessage(null)
    }
  }
  return (cb) => setTimeout(cb, 0)
})()

/**
 * Yields to the event loop with a macrotask (not a microtask), so that messages such as `stop()`
 * arriving in a worker are handled between two training steps, even on backends whose reads resolve
 * synchronously.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => macrotask(resolve))
}
