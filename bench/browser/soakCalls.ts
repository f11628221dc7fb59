/**
 * Every call the soak makes to a model, counted by outcome, with latencies in a fixed histogram (the
 * soak's own bookkeeping must not grow the heap it measures).
 */
import type { CallTally, FailedCall, SoakModel } from '../soakAnalysis'

/** Histogram buckets: 1 ms up to 2 s, then 100 ms up to 2 minutes. */
const FINE_MS = 2000
const COARSE_MS = 100
const BUCKETS = FINE_MS + (120_000 - FINE_MS) / COARSE_MS

function bucketOf(ms: number): number {
  const index = ms < FINE_MS ? Math.floor(ms) : FINE_MS + Math.floor((ms - FINE_MS) / COARSE_MS)
  return Math.min(BUCKETS - 1, Math.max(0, index))
}

function bucketMs(index: number): number {
  return index < FINE_MS ? index : FINE_MS + (index - FINE_MS) * COARSE_MS
}

interface Tally {
  readonly model: SoakModel
  readonly action: string
  calls: number
  ok: number
  failedCrash: number
  failedBadCall: number
  failedOther: number
  maxMs: number
  readonly histogram: Uint32Array
}

interface Pending {
  readonly tally: Tally
  readonly started: number
}

/** The code of a failure (`WORKER_CRASHED`, …), or `UNCODED` for an error without one. */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'UNCODED'
}

export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : String(error)
}

/** Counts calls; a failure is expected only when an injected fault explains it. */
export class CallTracker {
  private readonly tallies = new Map<string, Tally>()
  private readonly pending = new Set<Pending>()
  readonly unexpected: FailedCall[] = []

  /**
   * `inCrashWindow(now)`: true while an injected crash is being recovered from (a `WORKER_CRASHED`
   * then is expected). `origin`: `performance.now()` of the soak's start.
   */
  constructor(
    private readonly origin: number,
    private readonly inCrashWindow: (now: number) => boolean,
  ) {}

  private tally(model: SoakModel, action: string): Tally {
    const key = `${model}.${action}`
    let tally = this.tallies.get(key)
    if (!tally) {
      tally = {
        model,
        action,
        calls: 0,
        ok: 0,
        failedCrash: 0,
        failedBadCall: 0,
        failedOther: 0,
        maxMs: 0,
        histogram: new Uint32Array(BUCKETS),
      }
      this.tallies.set(key, tally)
    }
    return tally
  }

  /**
   * Runs and counts one call. With `expectedCodes` it is an injected bad call: failing with one of
   * those codes is expected; succeeding, or failing otherwise, is not. Rejects as the call does.
   */
  async track<T>(
    model: SoakModel,
    action: string,
    run: () => Promise<T>,
    expectedCodes?: readonly string[],
  ): Promise<T> {
    const tally = this.tally(model, action)
    tally.calls += 1
    const entry: Pending = { tally, started: performance.now() }
    this.pending.add(entry)
    const settle = (): number => {
      this.pending.delete(entry)
      const ms = performance.now() - entry.started
      tally.maxMs = Math.max(tally.maxMs, ms)
      tally.histogram[bucketOf(ms)] = (tally.histogram[bucketOf(ms)] ?? 0) + 1
      return ms
    }
    let result: T
    try {
      result = await run()
    } catch (error) {
      const ms = settle()
      const code = codeOf(error)
      if (expectedCodes?.includes(code)) tally.failedBadCall += 1
      else if (
        expectedCodes === undefined &&
        code === 'WORKER_CRASHED' &&
        this.inCrashWindow(performance.now())
      )
        tally.failedCrash += 1
      else this.fail(tally, code, messageOf(error), ms)
      throw error
    }
    const ms = settle()
    if (expectedCodes !== undefined) {
      this.fail(
        tally,
        'NONE',
        `the bad call succeeded (expected ${expectedCodes.join(' or ')})`,
        ms,
      )
    } else {
      tally.ok += 1
    }
    return result
  }

  private fail(tally: Tally, code: string, message: string, ms: number): void {
    tally.failedOther += 1
    if (this.unexpected.length < 100) {
      this.unexpected.push({
        atS: (performance.now() - this.origin) / 1000,
        model: tally.model,
        action: tally.action,
        code,
        message,
        ms,
      })
    }
  }

  /** Calls not settled yet. */
  pendingCount(): number {
    return this.pending.size
  }

  /** Age of the oldest unsettled call, `train` aside (it runs until stopped). */
  oldestPendingMs(): number {
    const now = performance.now()
    let oldest = 0
    for (const entry of this.pending) {
      if (entry.tally.action !== 'train') oldest = Math.max(oldest, now - entry.started)
    }
    return oldest
  }

  /** Per model and action, in first-call order. */
  summary(): CallTally[] {
    const pendingBy = new Map<Tally, number>()
    for (const entry of this.pending)
      pendingBy.set(entry.tally, (pendingBy.get(entry.tally) ?? 0) + 1)
    return [...this.tallies.values()].map((t) => ({
      model: t.model,
      action: t.action,
      calls: t.calls,
      ok: t.ok,
      failedCrash: t.failedCrash,
      failedBadCall: t.failedBadCall,
      failedOther: t.failedOther,
      pendingAtEnd: pendingBy.get(t) ?? 0,
      p50Ms: percentile(t.histogram, 0.5),
      p95Ms: percentile(t.histogram, 0.95),
      maxMs: t.maxMs,
    }))
  }
}

function percentile(histogram: Uint32Array, p: number): number {
  const total = histogram.reduce((sum, n) => sum + n, 0)
  if (total === 0) return NaN
  const rank = Math.ceil(p * total)
  let seen = 0
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0
    if (seen >= rank) return bucketMs(i)
  }
  return NaN
}
