/**
 * The soak's section of the bench report (bench/soakAnalysis.ts): it says when the first crash came
 * after waiting for training, and what ran beside the soak when the bench ran it beside other work.
 */
import { describe, expect, it } from 'vitest'
import {
  analyzeSoak,
  slopeVerdict,
  soakMarkdown,
  workersAlive,
  type SoakRaw,
} from '../../bench/soakAnalysis'

/** A quick soak's record with no samples, calls or crashes: only the fields the text reads. */
function raw(extra: Partial<SoakRaw>): SoakRaw {
  return {
    quick: true,
    userAgent: 'test',
    durationS: 75,
    sampleEveryS: 5,
    crashEveryS: 20.5,
    firstCrashS: 5,
    faults: ['terminate', 'hang', 'close', 'throw'],
    sliderMovesPerSecond: 5,
    supervision: { heartbeatIntervalMs: 250, unresponsiveAfterMs: 3000 },
    backend: 'wasm',
    models: [],
    baseline: { page: null },
    samples: [],
    calls: [],
    unexpectedFailures: [],
    crashes: [],
    badCalls: [],
    stateErrors: { injected: 0, other: [] },
    end: {
      pendingAfterStop: 0,
      workerTargetsAfterUnmount: 0,
      poolAfterUnmount: { created: 1, terminated: 1, alive: 0 },
      pageAfterUnmount: null,
    },
    ...extra,
  }
}

const text = (record: SoakRaw): string => soakMarkdown(record, analyzeSoak(record)).join('\n')

/** A sample at `t` s of worker `index` (started at `startedAtS`) with a page heap of `mb` MB. */
const sample = (t: number, index: number, startedAtS: number, mb: number) => ({
  t,
  page: { usedSize: mb * 1024 * 1024, backingStorageSize: 0 },
  worker: { index, startedAtS, heap: null, reading: null },
  workerTargets: 1,
  pool: { created: index, terminated: index - 1, alive: 1 },
  steps: {},
  status: {},
  pendingCalls: 0,
  oldestPendingMs: 0,
})

/** A full run's record (7.5 minutes, a crash a minute) holding `samples`. */
const fullRun = (samples: readonly unknown[], extra: Partial<SoakRaw> = {}): SoakRaw =>
  raw({
    quick: false,
    crashEveryS: 60,
    durationS: 450,
    samples: samples as SoakRaw['samples'],
    ...extra,
  })

/** The judged whole-run row of the page's JS heap. */
const pageRunRow = (record: SoakRaw) =>
  analyzeSoak(record).slopes.find((s) => s.metric === 'page JS heap' && s.over.startsWith('whole'))

/** The judged within-life row of the page's JS heap. */
const pageRow = (record: SoakRaw) =>
  analyzeSoak(record).slopes.find((s) => s.metric === 'page JS heap' && s.over.startsWith('within'))

describe('soakMarkdown', () => {
  it('says when the first crash waited for training, and that the schedule moved', () => {
    const waited = text(raw({ trainedS: 12.7, durationS: 82.7 }))
    expect(waited).toContain('once every model has trained its first epoch (here at 12.7 s')
    expect(waited).toContain('the schedule and the run moved by the wait')
    const early = text(raw({ trainedS: 3.2 }))
    expect(early).toContain('(here at 3.2 s)')
    expect(early).not.toContain('moved by the wait')
    expect(text(raw({}))).not.toContain('once every model has trained')
  })

  it('marks its times as measured under load when it ran beside other work', () => {
    const beside = text(raw({ beside: 'two model-quality processes' }))
    expect(beside).toContain('This soak ran beside two model-quality processes')
    expect(beside).toContain('were measured under that load')
    expect(text(raw({}))).not.toContain('This soak ran beside')
  })

  it("judges a worker life's slope only from three samples over 15 s past its warm-up", () => {
    // Two samples 5 s apart per life, each +0.5 MB: +6 MB a minute from noise-sized steps.
    const short = raw({
      samples: [0, 1, 2].flatMap((i) => [
        sample(20.5 * i + 12, i + 1, 20.5 * i, 16),
        sample(20.5 * i + 17, i + 1, 20.5 * i, 16.5),
      ]) as unknown as SoakRaw['samples'],
    })
    expect(pageRow(short)?.samples).toBe(0)
    expect(text(short)).toMatch(/within-life figures not judged: too few samples per worker life/)
    expect(text(short)).toMatch(
      /\| page JS heap \|[^\n]*within each worker's life[^\n]*too few samples \|/,
    )
    // The same growth over four samples 15 s apart in one life is judged (and is growth).
    const long = raw({
      crashEveryS: 60,
      durationS: 300,
      samples: [20, 35, 50, 65].map((t, i) =>
        sample(t, 1, 0, 16 + 10 * i),
      ) as unknown as SoakRaw['samples'],
    })
    expect(pageRow(long)?.samples).toBe(4)
    expect(pageRow(long)?.flat).toBe(false)
  })
  it("gives each slope's standard error from the residuals about the pooled lines", () => {
    const record = (heaps: readonly (readonly number[])[]) =>
      raw({
        quick: false,
        crashEveryS: 60,
        durationS: 300,
        samples: heaps.flatMap((life, i) =>
          life.map((mb, k) => sample(60 * i + 20 + 15 * k, i + 1, 60 * i, mb)),
        ) as unknown as SoakRaw['samples'],
      })
    // Two lives on exact lines of +1 MB a minute at different levels: slope 1, no error.
    const exact = pageRow(
      record([
        [16, 16.25, 16.5],
        [20, 20.25, 20.5],
      ]),
    )
    expect(exact?.perMinute).toBeCloseTo(1, 10)
    expect(exact?.standardError).toBeCloseTo(0, 10)
    // One middle sample off by ±0.3 MB: slope still 1, residuals ∓0.2 / ±0.1 about each line.
    // Points 6, levels 2, shared slope 1: 3 degrees of freedom; spread in x 2 × 2 × 0.25² min².
    const noisy = pageRow(
      record([
        [16, 16.55, 16.5],
        [20, 19.95, 20.5],
      ]),
    )
    expect(noisy?.perMinute).toBeCloseTo(1, 10)
    const residual = 2 * (0.2 ** 2 + 2 * 0.1 ** 2)
    expect(noisy?.standardError).toBeCloseTo(Math.sqrt(residual / 3 / (4 * 0.25 ** 2)), 10)
    expect(
      text(
        record([
          [16, 16.55, 16.5],
          [20, 19.95, 20.5],
        ]),
      ),
    ).toMatch(/\| page JS heap \| \+1\.000 MB \| ± 0\.\d{3} \| within each worker's life/)
    // The judged table's separator has as many columns as its header.
    const lines = text(record([[16, 16.55, 16.5]])).split('\n')
    const header = lines.findIndex((line) => line.startsWith('| figure | growth per minute'))
    const columns = (line: string | undefined) => (line ?? '').split('|').length
    expect(header).toBeGreaterThan(-1)
    expect(columns(lines[header + 1])).toBe(columns(lines[header]))
  })

  it('judges a slope against its standard error: growing beyond 2 of them, else unresolved', () => {
    expect(slopeVerdict(0.5, 0.1, 0.25, 10)).toBe('growing')
    expect(slopeVerdict(0.27, 0.02, 0.25, 10)).toBe('unresolved')
    expect(slopeVerdict(0.1, 0.2, 0.25, 10)).toBe('unresolved')
    expect(slopeVerdict(0.1, 0.05, 0.25, 10)).toBe('flat')
    expect(slopeVerdict(-0.5, 0.1, 0.25, 10)).toBe('falling')
    // Without a standard error the slope itself is compared.
    expect(slopeVerdict(0.3, undefined, 0.25, 2)).toBe('growing')
    expect(slopeVerdict(0.2, undefined, 0.25, 2)).toBe('flat')
    expect(slopeVerdict(9, 0, 0.25, 1)).toBe('too few samples')
  })

  it('calls the run not clean only when the growth clears the allowance by 2 standard errors', () => {
    // The page heap every 5 s from 120 s to 445 s, one worker, alternating ±0.3 MB about a line.
    const series = (perMinute: number) =>
      Array.from({ length: 66 }, (_, i) => {
        const t = 120 + 5 * i
        return sample(t, 1, 0, 16 + (perMinute * t) / 60 + (i % 2 === 0 ? 0.3 : -0.3))
      })
    // +0.27 MB a minute (the quiet run's reading): over +0.25, but within its standard errors.
    const near = fullRun(series(0.27))
    const nearRow = pageRunRow(near)
    expect(nearRow?.perMinute).toBeCloseTo(0.27, 1)
    expect(nearRow?.standardError).toBeGreaterThan(0.01)
    expect(nearRow?.verdict).toBe('unresolved')
    expect(analyzeSoak(near).healthy).toBe(true)
    expect(text(near)).toMatch(
      /Unresolved \(slope ± 2 standard errors across the allowance\): page JS heap over the run \+0\.2\d ± 0\.\d\d against \+0\.25/,
    )
    // +1 MB a minute with the same noise: growing, a finding.
    const leak = fullRun(series(1))
    expect(pageRunRow(leak)?.verdict).toBe('growing')
    expect(analyzeSoak(leak).healthy).toBe(false)
    expect(analyzeSoak(leak).findings.join(' ')).toMatch(
      /page JS heap grows by \+1\.00 ± 0\.\d\d MB a minute \(whole run, 120 s → end; allowed \+0\.25\)/,
    )
  })

  it('counts two workers alive as a leak only when two consecutive samples see them', () => {
    const at = (targets: readonly number[], alive: readonly number[] = targets.map(() => 1)) =>
      targets.map((n, i) => ({
        ...sample(130 + 5 * i, 1, 0, 16),
        workerTargets: n,
        pool: { created: 2, terminated: 1, alive: alive[i] ?? 1 },
      }))
    // A restart caught mid-way: the ended worker's target still listed at one sample, gone at the next.
    expect(workersAlive([1, 2, 1, 1, 2, 1].map((workerTargets) => ({ workerTargets })))).toEqual({
      max: 2,
      persisting: 1,
      restartSamples: 2,
    })
    const restart = fullRun(at([1, 1, 2, 1, 1]))
    expect(analyzeSoak(restart).healthy).toBe(true)
    expect(text(restart)).toContain(
      "at most 2 (1 sample caught a restart mid-way, the ended worker not yet gone; at two consecutive samples at most 1), by the pool's count at most 1",
    )
    // A worker kept: two at consecutive samples.
    const kept = analyzeSoak(fullRun(at([1, 2, 2, 1])))
    expect(kept.healthy).toBe(false)
    expect(kept.findings).toContain('2 workers were alive at once at two consecutive samples.')
    // The pool itself counting two alive is a finding at once.
    const pool = analyzeSoak(fullRun(at([1, 1, 1], [1, 2, 1])))
    expect(pool.findings).toContain('The worker pool counted 2 workers alive.')
  })

  it('says whether the page histories were full before the slopes start', () => {
    const withHistory = (points: readonly number[]) =>
      fullRun(
        points.map((historyPoints, i) => ({ ...sample(60 * i, 1, 0, 16), historyPoints })),
        { historyLimit: 200 },
      )
    const early = withHistory([0, 600, 600, 600, 600])
    expect(analyzeSoak(early).historyFullS).toBe(60)
    expect(text(early)).toContain(
      'Each hook keeps its last 200 training-history points (`historyLimit`; 5,000 by default, which three models fill only after about 7 minutes): full at 60 s, before the slopes start at 120 s.',
    )
    const late = withHistory([0, 200, 400, 500, 600])
    expect(text(late)).toContain(
      "full only at 240 s, after the warm-up (120 s): the page's slopes count from then on",
    )
    // The page's slopes leave out the filling: from 240 s over the run, and within its life.
    const later = withHistory([0, 200, 400, 500, 600, 600, 600, 600])
    expect(pageRunRow(later)?.over).toBe('whole run, 240 s → end')
    expect(pageRunRow(later)?.samples).toBe(4)
    expect(pageRow(later)?.samples).toBe(4)
    const sooner = withHistory([0, 600, 600, 600, 600, 600, 600, 600])
    expect(pageRunRow(sooner)?.over).toBe('whole run, 120 s → end')
    expect(pageRunRow(sooner)?.samples).toBe(6)
    expect(pageRow(sooner)?.samples).toBe(7)
    const never = withHistory([0, 200, 400])
    expect(analyzeSoak(never).historyFullS).toBeUndefined()
    expect(text(never)).toContain('never full: the page slopes include its bounded filling')
    expect(text(fullRun([]))).not.toContain('training-history points')
  })
})
