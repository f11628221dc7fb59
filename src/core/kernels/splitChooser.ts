/**
 * Whether a product (or an Adam update) of a given size runs faster split across two kernel threads
 * or whole on the calling thread, learnt from the calls themselves: a training step calls the same
 * sizes over and over, and the results are bit-identical either way, so each size is timed both ways
 * and then runs the faster way, with the other way timed again now and then (a machine's load, and
 * so the cost of waking the other thread, changes). Pure TypeScript.
 */

/** Timings of each way kept per size; the decision compares their medians. */
export const SPLIT_SAMPLES = 3

/** Every this many decided calls of a size, one runs the other way, to see whether it got faster. */
export const SPLIT_PROBE_EVERY = 32

/** The timings of one size. */
interface SizeTimings {
  readonly one: number[]
  readonly two: number[]
  decided: number
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1] ?? 0
}

/**
 * Learns, per size (a string key such as `gemm 128×784×400`), whether two threads beat one: the first
 * calls alternate (two threads first) until each way has {@link SPLIT_SAMPLES} timings, then each
 * call takes the way whose recent median time is lower (one thread on a tie), except every
 * {@link SPLIT_PROBE_EVERY}th, which takes the other way.
 */
export class SplitChooser {
  private readonly sizes = new Map<string, SizeTimings>()
  /** Calls that ran on two threads because two were faster (or being timed). */
  twoThreadCalls = 0
  /** Calls large enough to split that ran on one thread because one was faster (or being timed). */
  oneThreadCalls = 0

  /** True when the next call of size `key` should run on two threads. */
  split(key: string): boolean {
    let timings = this.sizes.get(key)
    if (!timings) {
      timings = { one: [], two: [], decided: 0 }
      this.sizes.set(key, timings)
    }
    let two: boolean
    if (timings.one.length < SPLIT_SAMPLES || timings.two.length < SPLIT_SAMPLES) {
      two = timings.two.length <= timings.one.length
    } else {
      timings.decided += 1
      const faster = median(timings.two) < median(timings.one)
      two = timings.decided % SPLIT_PROBE_EVERY === 0 ? !faster : faster
    }
    if (two) this.twoThreadCalls += 1
    else this.oneThreadCalls += 1
    return two
  }

  /** Records that a call of size `key` took `milliseconds` on two threads (`two`) or one. */
  record(key: string, two: boolean, milliseconds: number): void {
    const timings = this.sizes.get(key)
    if (!timings) return
    const list = two ? timings.two : timings.one
    list.push(milliseconds)
    if (list.length > SPLIT_SAMPLES) list.shift()
  }

  /** The way each size runs now: true for two threads (sizes still being timed are left out). */
  decisions(): Map<string, boolean> {
    const out = new Map<string, boolean>()
    for (const [key, timings] of this.sizes) {
      if (timings.one.length < SPLIT_SAMPLES || timings.two.length < SPLIT_SAMPLES) continue
      out.set(key, median(timings.two) < median(timings.one))
    }
    return out
  }
}
