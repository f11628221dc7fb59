/**
 * The soak part of `npm run bench`: what the run in Chromium records (bench/browser/soak.bench.tsx
 * writes it to bench/report.browser-soak.json), how it is judged (growth slopes against stated
 * tolerances, failed calls by cause, recovery per crash) and its section of bench/report.md.
 * Plain functions, no browser, no TF.js: Node runs them in scripts/bench.mjs.
 */

/** How a worker is made to die. */
export type SoakFault = 'terminate' | 'close' | 'throw' | 'hang'

/** The models of the soak. */
export const SOAK_MODELS = ['vae', 'gan', 'sparse'] as const
export type SoakModel = (typeof SOAK_MODELS)[number]

/** `Runtime.getHeapUsage` of a JavaScript context (bytes), read after a forced garbage collection. */
export interface HeapUsage {
  readonly usedSize: number
  readonly totalSize: number
  /** ArrayBuffers' and WebAssembly memories' bytes (Chromium reports it since 2024). */
  readonly backingStorageSize?: number
  readonly embedderHeapUsedSize?: number
}

/** What the probe in the soak's worker reads there. */
export interface WorkerReading {
  /** TF.js backend in use (undefined before the worker's backend started). */
  readonly backend: string | undefined
  readonly numTensors: number
  readonly numBytes: number
  readonly numDataBuffers: number
  /** Bytes of TF.js's WebAssembly heap (WASM backend only). */
  readonly wasmHeapBytes: number | undefined
  /** latentkit's fused-kernel instances still reachable, and their memories' bytes. */
  readonly kernelMemories: number
  readonly kernelBytes: number
}

/** One reading of everything, every `sampleEveryS` seconds. */
export interface SoakSample {
  /** Seconds since the soak started. */
  readonly t: number
  /** The reading after training was stopped (not part of the slopes). */
  readonly final?: boolean
  readonly page: HeapUsage | null
  /** The worker alive at the time (null while none answers, e.g. during a hang). */
  readonly worker: {
    /** 1 for the first worker, 2 after the first crash, … */
    readonly index: number
    /** When it was started, seconds since the soak started. */
    readonly startedAtS: number
    readonly heap: HeapUsage | null
    readonly reading: WorkerReading | null
  } | null
  /** Dedicated workers alive in the page, as DevTools sees them. */
  readonly workerTargets: number
  /** `workerPoolStats()`. */
  readonly pool: { readonly created: number; readonly terminated: number; readonly alive: number }
  readonly steps: Readonly<Record<SoakModel, number>>
  readonly status: Readonly<Record<SoakModel, string>>
  /**
   * History points the page holds, summed over the models (each capped at
   * {@link SoakRaw.historyLimit}); undefined in runs from before December 2, 2026.
   */
  readonly historyPoints?: number
  /** Calls made and not yet settled, and the age of the oldest one that is not a `train`. */
  readonly pendingCalls: number
  readonly oldestPendingMs: number
}

/** Counts and latencies of one action of one model. */
export interface CallTally {
  readonly model: SoakModel
  readonly action: string
  readonly calls: number
  readonly ok: number
  /** Rejected with `WORKER_CRASHED` while an injected crash was being recovered from. */
  readonly failedCrash: number
  /** Injected bad calls that failed with the code expected of them. */
  readonly failedBadCall: number
  /** Every other failure (and a bad call that did not fail as expected): must be 0. */
  readonly failedOther: number
  readonly pendingAtEnd: number
  readonly p50Ms: number
  readonly p95Ms: number
  readonly maxMs: number
}

/** A call that failed for no injected reason. */
export interface FailedCall {
  readonly atS: number
  readonly model: SoakModel
  readonly action: string
  readonly code: string
  readonly message: string
  readonly ms: number
}

/** What became of one model in one crash. */
export interface CrashModelRecord {
  /** Trained steps when the fault was injected. */
  readonly stepAtInjection: number
  /** Injection → the model's state says `WORKER_CRASHED`. */
  readonly detectedMs: number | undefined
  /** `error.details.cause` (`ended`, `error`, `unresponsive`). */
  readonly cause: string | undefined
  /** `error.details.restoredStep`; undefined when the model was lost (no snapshot yet). */
  readonly restoredStep: number | undefined
  /** The restart budget deferred the restore to the next call. */
  readonly deferred: boolean
  /** Injection → `status === 'ready'` again, restored in a new worker. */
  readonly readyMs: number | undefined
  /** Injection → the first training step after the restored one. */
  readonly trainingAgainMs: number | undefined
}

/** One injected crash. */
export interface CrashRecord {
  readonly index: number
  readonly fault: SoakFault
  readonly atS: number
  /** The worker killed (see {@link SoakSample.worker}). */
  readonly workerIndex: number
  readonly models: Readonly<Record<SoakModel, CrashModelRecord>>
}

/** One injected bad call. */
export interface BadCallRecord {
  readonly atS: number
  readonly model: SoakModel
  readonly action: string
  readonly what: string
  /** The codes it may fail with (the first is the one the library gives today). */
  readonly expectedCodes: readonly string[]
  /** The code it failed with (undefined: it succeeded). */
  readonly code: string | undefined
  readonly ms: number
}

/** An error that showed up in a model's state (what a hook's user sees). */
export interface StateError {
  readonly atS: number
  readonly model: SoakModel
  readonly source: string
  readonly code: string
  readonly message: string
}

/** Everything the Chromium run writes (bench/report.browser-soak.json). */
export interface SoakRaw {
  readonly quick: boolean
  readonly userAgent: string
  /** Seconds the run lasted: the set length, plus the wait for training before the first crash. */
  readonly durationS: number
  /**
   * Seconds until every model had trained its first epoch; the first crash waits for it (undefined:
   * never, or a run from before the soak waited).
   */
  readonly trainedS?: number
  /**
   * What ran beside the soak on the same machine, if the bench ran it beside other work (its
   * latencies, recovery times and steps per minute then depend on that load).
   */
  readonly beside?: string
  readonly sampleEveryS: number
  readonly crashEveryS: number
  readonly firstCrashS: number
  /** The faults injected, in turn. */
  readonly faults: readonly SoakFault[]
  readonly sliderMovesPerSecond: number
  /** Each hook's `historyLimit` (undefined: the hooks' default, 5000, in runs before December 2, 2026). */
  readonly historyLimit?: number
  readonly supervision: {
    readonly heartbeatIntervalMs: number
    readonly unresponsiveAfterMs: number
  }
  readonly backend: string | undefined
  readonly models: readonly { readonly name: SoakModel; readonly description: string }[]
  readonly baseline: { readonly page: HeapUsage | null }
  readonly samples: readonly SoakSample[]
  readonly calls: readonly CallTally[]
  /** Calls that failed for no injected reason (the first 100). */
  readonly unexpectedFailures: readonly FailedCall[]
  readonly crashes: readonly CrashRecord[]
  readonly badCalls: readonly BadCallRecord[]
  /** Errors in the models' states: how many came from injected faults, and the others. */
  readonly stateErrors: { readonly injected: number; readonly other: readonly StateError[] }
  readonly end: {
    /** Calls not settled 10 s after training was stopped. */
    readonly pendingAfterStop: number
    /** After the components unmounted and the pool's idle delay passed. */
    readonly workerTargetsAfterUnmount: number
    readonly poolAfterUnmount: {
      readonly created: number
      readonly terminated: number
      readonly alive: number
    }
    readonly pageAfterUnmount: HeapUsage | null
  }
}

/**
 * Growth the soak accepts as flat, per minute. A leak of one kilobyte per UI call (the soak makes
 * tens a second) grows the page by megabytes a minute; one lost snapshot or worker per crash, by
 * more per crash: all far above these.
 */
export const SOAK_TOLERANCES = {
  /** Page JS heap after GC, over the whole run from `warmup` on. */
  pageHeapMB: 0.25,
  /** Page ArrayBuffers (images received, snapshots kept). */
  pageBuffersMB: 0.25,
  /** Worker JS heap after GC, within each worker's life. */
  workerHeapMB: 1,
  /** Worker ArrayBuffers + WebAssembly memories, within each worker's life. */
  workerBuffersMB: 1,
  /** TF.js WASM heap, within each worker's life. */
  wasmHeapMB: 1,
  /** TF.js tensors, within each worker's life (a sample lands mid-step: transient tensors count). */
  tensors: 5,
  /** TF.js bytes, within each worker's life. */
  tensorMB: 0.5,
} as const

/** A growth figure and its verdict. */
export interface SoakSlope {
  readonly metric: string
  readonly unit: string
  /** Least-squares slope per minute (pooled within worker lives for the worker's figures). */
  readonly perMinute: number
  /**
   * The slope's standard error per minute (from the residuals about the fitted lines; undefined with
   * too few samples): how far one run's slope can stray from the next at the same true growth.
   */
  readonly standardError: number | undefined
  readonly tolerance: number
  readonly samples: number
  readonly over: string
  /** See {@link slopeVerdict}. */
  readonly verdict: SlopeVerdict
  /** Not shown to grow beyond its tolerance (`verdict` is not `'growing'`), with at least 2 samples. */
  readonly flat: boolean
}

/**
 * A slope's verdict against its tolerance `t`, from its value `b` and standard error `se`:
 * - `'growing'`: `b − 2·se > t`, growth beyond the tolerance shown at two standard errors (one-sided,
 *   about 2 % of runs would read so by chance were the true growth exactly `t`);
 * - `'unresolved'`: not growing, but `b + 2·se > t`: the run cannot tell growth within the tolerance
 *   from growth beyond it (too few or too noisy samples); reported, not a finding;
 * - `'falling'`: `b + 2·se < −t` (memory freed after a peak), `'flat'` otherwise;
 * - `'too few samples'`: fewer than 2.
 * Without a standard error (too few samples for one) the slope itself is compared: `b > t` grows.
 */
export type SlopeVerdict = 'growing' | 'unresolved' | 'flat' | 'falling' | 'too few samples'

/** How many standard errors a slope must clear its tolerance by to count as growing. */
export const SLOPE_STANDARD_ERRORS = 2

/** Judges a slope (see {@link SlopeVerdict}). */
export function slopeVerdict(
  perMinute: number,
  standardError: number | undefined,
  tolerance: number,
  samples: number,
): SlopeVerdict {
  if (samples < 2) return 'too few samples'
  const margin = SLOPE_STANDARD_ERRORS * (standardError ?? 0)
  if (perMinute - margin > tolerance) return 'growing'
  if (perMinute + margin > tolerance) return 'unresolved'
  return perMinute + margin < -tolerance ? 'falling' : 'flat'
}

/** Figures of one worker's life. */
export interface SoakLife {
  readonly index: number
  readonly samples: number
  /** Seconds since the soak started of its first and last sample. */
  readonly fromS: number
  readonly toS: number
  readonly tensorsMin: number
  readonly tensorsMax: number
  readonly wasmHeapMB: number | undefined
  readonly kernelMemoriesMax: number
  /** The page's ArrayBuffers at its first and last sample (MB). */
  readonly pageBuffersFirstMB: number | undefined
  readonly pageBuffersLastMB: number | undefined
}

/** The judged soak. */
export interface SoakAnalysis {
  readonly slopes: readonly SoakSlope[]
  readonly lives: readonly SoakLife[]
  readonly failed: { readonly crash: number; readonly badCall: number; readonly other: number }
  readonly calls: number
  readonly maxWorkerTargets: number
  /**
   * The most dedicated workers alive at two consecutive samples (see {@link workersAlive}): a worker
   * kept alive shows in both, one still shutting down mid-restart in one.
   */
  readonly maxWorkersPersisting: number
  /** Samples that saw more workers alive than at the sample before or after (mid-restart). */
  readonly restartSamples: number
  /** The most workers `workerPoolStats()` counted alive at any sample. */
  readonly maxPoolAlive: number
  readonly maxOldestPendingMs: number
  /** Steps per minute of each model over the run. */
  readonly stepsPerMinute: Readonly<Record<SoakModel, number>>
  readonly crashes: readonly {
    readonly index: number
    readonly fault: SoakFault
    readonly atS: number
    readonly cause: string | undefined
    readonly detectedMs: number | undefined
    readonly readyMs: number | undefined
    readonly trainingAgainMs: number | undefined
  }[]
  /**
   * Seconds since the start at the first sample where every model's history was full (held
   * `historyLimit` points); undefined when it never was or the run did not record it.
   */
  readonly historyFullS: number | undefined
  /** Every figure flat, no unexpected failure, nothing pending at the end, one worker at a time. */
  readonly healthy: boolean
  /** What is wrong, in sentences (empty when healthy). */
  readonly findings: readonly string[]
}

const MB = 1024 * 1024
/** How much looser the within-life verdicts are when lives are short (quick mode). */
const ROUGH_FACTOR = 10

/**
 * Least-squares slope shared by several groups, each with its own level (within-group slope), and its
 * standard error (residual variance over the groups' spread in x; undefined with too few points).
 * One group gives the plain least-squares slope.
 */
export function pooledSlope(
  groups: readonly (readonly { readonly x: number; readonly y: number }[])[],
): {
  readonly slope: number
  readonly standardError: number | undefined
} {
  let num = 0
  let den = 0
  let points = 0
  let levels = 0
  const centred: { dx: number; dy: number }[] = []
  for (const group of groups) {
    if (group.length < 2) continue
    const mx = group.reduce((s, p) => s + p.x, 0) / group.length
    const my = group.reduce((s, p) => s + p.y, 0) / group.length
    for (const p of group) {
      num += (p.x - mx) * (p.y - my)
      den += (p.x - mx) ** 2
      centred.push({ dx: p.x - mx, dy: p.y - my })
    }
    points += group.length
    levels += 1
  }
  const slope = den > 0 ? num / den : 0
  // Degrees of freedom: the points less one level per group and the shared slope.
  const freedom = points - levels - 1
  const residual = centred.reduce((s, p) => s + (p.dy - slope * p.dx) ** 2, 0)
  return {
    slope,
    standardError: den > 0 && freedom > 0 ? Math.sqrt(residual / freedom / den) : undefined,
  }
}

/** Seconds after the start excluded from the page's slopes (models, caches and histories fill up). */
export function soakWarmupS(raw: SoakRaw): number {
  return raw.quick || raw.durationS < 300 ? Math.min(20, raw.durationS / 4) : 120
}

/** Seconds after a worker started excluded from its life's slopes (restore, first steps). */
export function lifeWarmupS(raw: SoakRaw): number {
  return raw.crashEveryS < 40 ? 10 : 15
}

/**
 * Fewest samples, and shortest span, of a worker life past its warm-up that its slope counts from.
 * Two samples 5 s apart read a garbage collection's ±0.3 MB as ±3.6 MB a minute (measured in quick
 * soaks: the page heap then read "growing" or "falling" from run to run); a life shorter than this
 * is left out, and with none left the row says "too few samples".
 */
export const LIFE_SLOPE_MINIMUM = { samples: 3, spanS: 15 } as const

function longEnough(points: readonly { readonly x: number }[]): boolean {
  const first = points[0]
  const last = points.at(-1)
  return (
    points.length >= LIFE_SLOPE_MINIMUM.samples &&
    first !== undefined &&
    last !== undefined &&
    (last.x - first.x) * 60 >= LIFE_SLOPE_MINIMUM.spanS
  )
}

/** A short run (quick mode), whose slopes are rough. */
function isRough(raw: SoakRaw): boolean {
  return raw.crashEveryS < 40 || raw.durationS < 300
}

/**
 * Workers alive at the samples (DevTools' dedicated worker targets), judged so that a restart caught
 * mid-way is not a leak: when the pool ends a dead or hung worker and starts the next, the old one's
 * target may outlive `terminate()` by a moment (a hung thread is stopped asynchronously), so one
 * sample can see two. A worker that is kept is alive at the next sample too: `persisting` is the most
 * workers seen at two consecutive samples (with a single sample, its count).
 */
export function workersAlive(samples: readonly Pick<SoakSample, 'workerTargets'>[]): {
  readonly max: number
  readonly persisting: number
  readonly restartSamples: number
} {
  const counts = samples.map((s) => s.workerTargets)
  const max = Math.max(0, ...counts)
  const pairs = counts.slice(1).map((n, i) => Math.min(n, counts[i] ?? n))
  const persisting = counts.length === 1 ? max : Math.max(0, ...pairs)
  const restartSamples = counts.filter(
    (n, i) => n > 1 && n > (counts[i - 1] ?? 0) && n > (counts[i + 1] ?? 0),
  ).length
  return { max, persisting, restartSamples }
}

/** Judges a soak run. */
export function analyzeSoak(raw: SoakRaw): SoakAnalysis {
  const warmup = soakWarmupS(raw)
  const lifeWarmup = lifeWarmupS(raw)
  const running = raw.samples.filter((s) => !s.final)
  const historyLimit = raw.historyLimit
  const historyFullS =
    historyLimit === undefined
      ? undefined
      : running.find((s) => (s.historyPoints ?? 0) >= historyLimit * SOAK_MODELS.length)?.t
  /**
   * The page's slopes start once its training histories are full (a bounded buffer filling is not a
   * leak), and not before the warm-up; a history never full leaves them at the warm-up (the report
   * says they include its filling).
   */
  const pageFrom = Math.max(warmup, historyFullS ?? 0)
  const late = running.filter((s) => s.t >= pageFrom)
  /** The whole run from the warm-up (and the histories' filling) on, as one series. */
  const runSeries = (read: (s: SoakSample) => number | undefined) => [
    late.flatMap((s) => {
      const value = read(s)
      return value === undefined ? [] : [{ x: s.t / 60, y: value }]
    }),
  ]
  const lives = new Map<number, SoakSample[]>()
  for (const sample of running) {
    if (!sample.worker) continue
    const list = lives.get(sample.worker.index) ?? []
    list.push(sample)
    lives.set(sample.worker.index, list)
  }
  /**
   * One series per worker life (a crash starts a new one), each from its warm-up on. What is tied to
   * a worker's life (on either side) grows within it and is freed when it dies: across the run a
   * crash every minute would hide it, so the page is judged both ways.
   */
  const lifeSeries = (read: (s: SoakSample) => number | undefined, fromS = 0) =>
    [...lives.values()]
      .map((samples) =>
        samples.flatMap((s) => {
          const value = read(s)
          const age = s.worker ? s.t - s.worker.startedAtS : 0
          return value === undefined || age < lifeWarmup || s.t < fromS
            ? []
            : [{ x: s.t / 60, y: value }]
        }),
      )
      .filter(longEnough)
  const runOver = `whole run, ${Number.isInteger(pageFrom) ? pageFrom : pageFrom.toFixed(1)} s → end`
  const lifeOver = `within each worker's life, from ${lifeWarmup} s after its start`
  /**
   * A short run (quick mode: 75 s, a crash every 20.5 s) holds two or three samples per worker life
   * past its warm-up: a step's transient tensors or one garbage collection's timing then swing a
   * slope by more than a tolerance. There, only growth beyond {@link ROUGH_FACTOR} times the
   * tolerance is called growth.
   */
  const rough = isRough(raw)
  const make = (
    metric: string,
    unit: string,
    tolerance: number,
    over: string,
    groups: readonly (readonly { x: number; y: number }[])[],
  ): SoakSlope => {
    const { slope: perMinute, standardError } = pooledSlope(groups)
    const samples = groups.reduce((n, g) => n + (g.length >= 2 ? g.length : 0), 0)
    const limit = rough ? tolerance * ROUGH_FACTOR : tolerance
    const verdict = slopeVerdict(perMinute, standardError, limit, samples)
    return {
      metric,
      unit,
      perMinute,
      standardError,
      tolerance: limit,
      samples,
      over,
      verdict,
      // Only growth is a leak; a fall (memory freed after a peak) is flat for this verdict.
      flat: samples >= 2 && verdict !== 'growing',
    }
  }
  const T = SOAK_TOLERANCES
  const mbOf = (bytes: number | undefined): number | undefined =>
    bytes === undefined ? undefined : bytes / MB
  const pageHeap = (s: SoakSample) => mbOf(s.page?.usedSize)
  const pageBuffers = (s: SoakSample) => mbOf(s.page?.backingStorageSize)
  const slopes: SoakSlope[] = [
    make('page JS heap', 'MB', T.pageHeapMB, runOver, runSeries(pageHeap)),
    make('page JS heap', 'MB', T.pageHeapMB, lifeOver, lifeSeries(pageHeap, historyFullS)),
    make('page ArrayBuffers', 'MB', T.pageBuffersMB, runOver, runSeries(pageBuffers)),
    make(
      'page ArrayBuffers',
      'MB',
      T.pageBuffersMB,
      lifeOver,
      lifeSeries(pageBuffers, historyFullS),
    ),
    make(
      'worker JS heap',
      'MB',
      T.workerHeapMB,
      lifeOver,
      lifeSeries((s) => mbOf(s.worker?.heap?.usedSize)),
    ),
    make(
      'worker ArrayBuffers + WASM memories',
      'MB',
      T.workerBuffersMB,
      lifeOver,
      lifeSeries((s) => mbOf(s.worker?.heap?.backingStorageSize)),
    ),
    make(
      'TF.js WASM heap',
      'MB',
      T.wasmHeapMB,
      lifeOver,
      lifeSeries((s) => mbOf(s.worker?.reading?.wasmHeapBytes)),
    ),
    make(
      'TF.js tensors',
      'tensors',
      T.tensors,
      lifeOver,
      lifeSeries((s) => s.worker?.reading?.numTensors),
    ),
    make(
      'TF.js tensor bytes',
      'MB',
      T.tensorMB,
      lifeOver,
      lifeSeries((s) => mbOf(s.worker?.reading?.numBytes)),
    ),
  ]
  const lifeRows: SoakLife[] = [...lives.entries()].flatMap(([index, samples]) => {
    const readings = samples.flatMap((s) => (s.worker?.reading ? [s.worker.reading] : []))
    if (readings.length === 0) return []
    const tensors = readings.map((r) => r.numTensors)
    const wasm = readings.flatMap((r) => (r.wasmHeapBytes === undefined ? [] : [r.wasmHeapBytes]))
    return [
      {
        index,
        samples: samples.length,
        fromS: samples[0]?.t ?? NaN,
        toS: samples.at(-1)?.t ?? NaN,
        tensorsMin: Math.min(...tensors),
        tensorsMax: Math.max(...tensors),
        wasmHeapMB: wasm.length ? Math.max(...wasm) / MB : undefined,
        kernelMemoriesMax: Math.max(0, ...readings.map((r) => r.kernelMemories)),
        pageBuffersFirstMB: mbOf(samples[0]?.page?.backingStorageSize),
        pageBuffersLastMB: mbOf(samples.at(-1)?.page?.backingStorageSize),
      },
    ]
  })
  const failed = raw.calls.reduce(
    (sum, c) => ({
      crash: sum.crash + c.failedCrash,
      badCall: sum.badCall + c.failedBadCall,
      other: sum.other + c.failedOther,
    }),
    { crash: 0, badCall: 0, other: 0 },
  )
  const first = running[0]
  const last = running.at(-1)
  const minutes = first && last ? (last.t - first.t) / 60 : 0
  const stepsPerMinute = Object.fromEntries(
    SOAK_MODELS.map((m) => [
      m,
      first && last && minutes > 0 ? (last.steps[m] - first.steps[m]) / minutes : NaN,
    ]),
  ) as Record<SoakModel, number>
  const crashes = raw.crashes.map((c) => {
    const models = SOAK_MODELS.map((m) => c.models[m])
    const worst = (read: (r: CrashModelRecord) => number | undefined): number | undefined => {
      const values = models.map(read)
      return values.every((v) => v !== undefined) ? Math.max(...(values as number[])) : undefined
    }
    return {
      index: c.index,
      fault: c.fault,
      atS: c.atS,
      cause: models.find((r) => r.cause)?.cause,
      detectedMs: worst((r) => r.detectedMs),
      readyMs: worst((r) => r.readyMs),
      trainingAgainMs: worst((r) => r.trainingAgainMs),
    }
  })
  const alive = workersAlive(running)
  const maxWorkerTargets = alive.max
  const maxPoolAlive = Math.max(0, ...running.map((s) => s.pool.alive))
  const maxOldestPendingMs = Math.max(0, ...running.map((s) => s.oldestPendingMs))
  const findings: string[] = []
  const growing = slopes.filter((s) => s.samples >= 2 && !s.flat)
  const pageInLife = growing.filter((s) => s.metric.startsWith('page') && s.over === lifeOver)
  if (pageInLife.length > 0) {
    const across = (metric: string): string => {
      const run = slopes.find((s) => s.metric === metric && s.over === runOver)
      return run ? signed(run.perMinute, 1) : 'n/a'
    }
    findings.push(
      `The page's memory grows within each worker's life and falls back each time the worker dies (${pageInLife.map((s) => `${s.metric.replace('page ', '')}: ${signed(s.perMinute, 1)}${s.standardError === undefined ? '' : ` ± ${s.standardError.toFixed(1)}`} MB a minute within lives, ${across(s.metric)} across the run`).join('; ')}): the page holds something for as long as its worker lives. A crash every ${fmt(raw.crashEveryS, 1)} s bounds it here; a worker that never dies does not.`,
    )
  }
  for (const s of growing) {
    if (pageInLife.includes(s)) continue
    findings.push(
      `${s.metric} grows by ${signed(s.perMinute, 2)}${s.standardError === undefined ? '' : ` ± ${s.standardError.toFixed(2)}`} ${s.unit} a minute (${s.over}; allowed +${s.tolerance}).`,
    )
  }
  if (failed.other > 0) findings.push(`${failed.other} calls failed for no injected reason.`)
  if (raw.stateErrors.other.length > 0) {
    findings.push(
      `${raw.stateErrors.other.length} errors in the models' states had no injected cause.`,
    )
  }
  if (raw.end.pendingAfterStop > 0) {
    findings.push(`${raw.end.pendingAfterStop} calls had not settled 10 s after training stopped.`)
  }
  if (alive.persisting > 1) {
    findings.push(`${alive.persisting} workers were alive at once at two consecutive samples.`)
  }
  if (maxPoolAlive > 1) findings.push(`The worker pool counted ${maxPoolAlive} workers alive.`)
  if (raw.end.workerTargetsAfterUnmount > 0) {
    findings.push(`${raw.end.workerTargetsAfterUnmount} workers were left after unmounting.`)
  }
  for (const c of crashes) {
    if (c.readyMs === undefined) {
      findings.push(`After crash ${c.index} (${c.fault}) not every model was ready again.`)
    }
  }
  const healthy = findings.length === 0
  return {
    slopes,
    lives: lifeRows,
    failed,
    calls: raw.calls.reduce((n, c) => n + c.calls, 0),
    maxWorkerTargets,
    maxWorkersPersisting: alive.persisting,
    restartSamples: alive.restartSamples,
    maxPoolAlive,
    historyFullS,
    maxOldestPendingMs,
    stepsPerMinute,
    crashes,
    healthy,
    findings,
  }
}

const fmt = (value: number | undefined, digits = 0): string =>
  value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : 'n/a'
const mb = (bytes: number | undefined): string =>
  fmt(bytes === undefined ? undefined : bytes / MB, 1)
const signed = (value: number, digits: number): string =>
  `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`
const FAULT_LABELS: Record<SoakFault, string> = {
  terminate: '`worker.terminate()`',
  close: '`self.close()` inside it',
  throw: 'an uncaught throw inside it',
  hang: 'a hang (an endless loop)',
}
const LABELS: Record<SoakModel, string> = { vae: 'VAE', gan: 'GAN', sparse: 'sparse coding' }

/**
 * The sentence on the page's training histories: each hook keeps `historyLimit` points, a bounded
 * buffer whose filling the page's slopes would read as growth, so the soak keeps it small enough to
 * fill before the warm-up ends. Empty for runs that did not record it.
 */
function historyLine(raw: SoakRaw, analysis: SoakAnalysis): string {
  if (raw.historyLimit === undefined) return ''
  const warmup = soakWarmupS(raw)
  const full = analysis.historyFullS
  const when =
    full === undefined
      ? 'never full: the page slopes include its bounded filling'
      : full <= warmup
        ? `full at ${fmt(full)} s, before the slopes start at ${fmt(warmup)} s`
        : `full only at ${fmt(full)} s, after the warm-up (${fmt(warmup)} s): the page's slopes count from then on`
  return ` Each hook keeps its last ${raw.historyLimit} training-history points (\`historyLimit\`; 5,000 by default, which three models fill only after about 7 minutes): ${when}.`
}

/** The soak's section of bench/report.md (starts with its `##` heading). */
export function soakMarkdown(raw: SoakRaw, analysis: SoakAnalysis): string[] {
  const minutes = raw.durationS / 60
  const everyRow = Math.max(1, Math.round((raw.durationS >= 300 ? 60 : 10) / raw.sampleEveryS))
  const rows = raw.samples.filter((_, i) => i % everyRow === 0 || i === raw.samples.length - 1)
  const { failed } = analysis
  const unjudged = analysis.slopes.filter((s) => s.samples < 2).length
  const unresolved = analysis.slopes.filter((s) => s.verdict === 'unresolved')
  const history = historyLine(raw, analysis)
  return [
    `## Soak in Chromium: ${fmt(minutes, Number.isInteger(minutes) ? 0 : 1)} minutes of training, UI calls and injected crashes (${raw.backend ?? '?'} backend)`,
    '',
    `Three models share one worker, all on the 1,797 built-in 8×8 digits: ${raw.models.map((m) => m.description).join('; ')}. They train without end through their hooks (\`useVAE\`, \`useGAN\`, \`useSparseCoding\`, backend forced to WASM) and their components call them as in an app: every grid re-draws per model version, each slider is moved ${fmt(raw.sliderMovesPerSecond)} times a second. Every ${fmt(raw.crashEveryS, 1)} s from ${fmt(raw.firstCrashS, 1)} s${raw.trainedS === undefined ? '' : `, once every model has trained its first epoch (here at ${fmt(raw.trainedS, 1)} s${raw.trainedS > raw.firstCrashS ? ': the schedule and the run moved by the wait' : ''})`}, the worker is killed (in turn: ${raw.faults.map((f) => FAULT_LABELS[f]).join(', ')}; heartbeat every ${raw.supervision.heartbeatIntervalMs} ms, a hang declared after ${fmt(raw.supervision.unresponsiveAfterMs / 1000, 1)} s); halfway between crashes one bad call is made. Memory is read every ${fmt(raw.sampleEveryS)} s after a forced garbage collection (DevTools \`HeapProfiler.collectGarbage\` + \`Runtime.getHeapUsage\` on the page and on the worker; TF.js \`memory()\` and the WASM heap through a probe inside the worker).`,
    '',
    `| t (s) | page JS heap (MB) | page ArrayBuffers (MB) | worker # | worker JS heap (MB) | worker ArrayBuffers + WASM (MB) | TF.js WASM heap (MB) | tensors | tensor MB | fused-kernel memories | workers alive | steps ${SOAK_MODELS.map((m) => LABELS[m]).join(' / ')} |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((s) => {
      const r = s.worker?.reading
      return `| ${fmt(s.t)}${s.final ? ' (stopped)' : ''} | ${mb(s.page?.usedSize)} | ${mb(s.page?.backingStorageSize)} | ${s.worker?.index ?? '—'} | ${mb(s.worker?.heap?.usedSize)} | ${mb(s.worker?.heap?.backingStorageSize)} | ${mb(r?.wasmHeapBytes)} | ${r ? r.numTensors : 'n/a'} | ${r ? mb(r.numBytes) : 'n/a'} | ${r ? r.kernelMemories : 'n/a'} | ${s.workerTargets} | ${SOAK_MODELS.map((m) => s.steps[m]).join(' / ')} |`
    }),
    '',
    ...(raw.beside
      ? [
          `This soak ran beside ${raw.beside}: its verdicts (memory growth, failed calls, crashes recovered from) do not depend on time, but its times (call latencies, recovery times, steps per minute) were measured under that load; \`npm run bench -- --only soak\` runs it alone.`,
          '',
        ]
      : []),
    `One row ${everyRow === 1 ? 'per sample' : `in ${everyRow}`} (${raw.samples.length} samples in bench/report.json). Steps per minute: ${SOAK_MODELS.map((m) => `${LABELS[m]} ${fmt(analysis.stepsPerMinute[m])}`).join(', ')}.${isRough(raw) ? ` In a run this short (a crash every ${fmt(raw.crashEveryS, 1)} s) a worker's life holds few samples past its warm-up: slopes are rough here, and only growth beyond ${ROUGH_FACTOR}× the full run's tolerance counts (the full run's lives are a minute long).` : ''} A worker life with fewer than ${LIFE_SLOPE_MINIMUM.samples} samples over ${LIFE_SLOPE_MINIMUM.spanS} s past its warm-up is left out of the within-life slopes (two samples 5 s apart read one garbage collection as megabytes a minute).`,
    '',
    `A figure is **growing** when its slope less ${SLOPE_STANDARD_ERRORS} standard errors exceeds the growth allowed (beyond it at about 98 % one-sided confidence); **unresolved** when only its slope plus ${SLOPE_STANDARD_ERRORS} standard errors does (the run cannot tell growth within the allowance from growth beyond it: reported, not a finding). The standard errors come from the residuals about the fitted lines, as if independent: samples 5 s apart are somewhat correlated (garbage collections, snapshots arriving), so they are if anything optimistic.${history}`,
    '',
    '| figure | growth per minute | ± standard error | measured over | samples | growth allowed | verdict |',
    '|---|---|---|---|---|---|---|',
    ...analysis.slopes.map(
      (s) =>
        `| ${s.metric} | ${signed(s.perMinute, s.unit === 'tensors' ? 2 : 3)} ${s.unit} | ${s.standardError === undefined ? '—' : `± ${fmt(s.standardError, s.unit === 'tensors' ? 2 : 3)}`} | ${s.over} | ${s.samples} | ≤ +${s.tolerance} ${s.unit} | ${s.verdict === 'growing' ? '**growing**' : s.verdict} |`,
    ),
    '',
    `Each worker's life (a crash starts a new one; ${analysis.lives.length} with readings): tensors ${analysis.lives.map((l) => (l.tensorsMin === l.tensorsMax ? `${l.tensorsMin}` : `${l.tensorsMin}–${l.tensorsMax}`)).join(', ')}; TF.js WASM heap ${analysis.lives.map((l) => fmt(l.wasmHeapMB, 1)).join(', ')} MB; fused-kernel memories reachable at most ${analysis.lives.map((l) => l.kernelMemoriesMax).join(', ')}; page ArrayBuffers from its first to its last sample ${analysis.lives.map((l) => `${fmt(l.pageBuffersFirstMB, 1)} → ${fmt(l.pageBuffersLastMB, 1)}`).join(', ')} MB. Dedicated workers alive at any sample: at most ${analysis.maxWorkerTargets}${analysis.restartSamples > 0 ? ` (${analysis.restartSamples} ${analysis.restartSamples === 1 ? 'sample' : 'samples'} caught a restart mid-way, the ended worker not yet gone; at two consecutive samples at most ${analysis.maxWorkersPersisting})` : ''}, by the pool's count at most ${analysis.maxPoolAlive}; after unmounting: ${raw.end.workerTargetsAfterUnmount} (pool: ${raw.end.poolAfterUnmount.created} started, ${raw.end.poolAfterUnmount.terminated} ended, ${raw.end.poolAfterUnmount.alive} alive). Page JS heap before mounting ${mb(raw.baseline.page?.usedSize)} MB, after unmounting ${mb(raw.end.pageAfterUnmount?.usedSize)} MB.`,
    '',
    `**Failed calls: ${failed.crash} from injected crashes (expected), ${failed.badCall} injected bad calls (expected), ${failed.other} other${failed.other === 0 ? '' : ' (must be 0)'}**, of ${analysis.calls} calls; ${raw.end.pendingAfterStop} still pending 10 s after training stopped; the oldest call waiting at any sample (training aside): ${fmt(analysis.maxOldestPendingMs)} ms. Errors in the models' states: ${raw.stateErrors.injected} from injected faults, ${raw.stateErrors.other.length} other.`,
    '',
    '| model | action | calls | ok | failed: injected crash | failed: injected bad call | failed: other | p50 (ms) | p95 (ms) | max (ms) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...raw.calls.map(
      (c) =>
        `| ${LABELS[c.model]} | ${c.action} | ${c.calls} | ${c.ok} | ${c.failedCrash} | ${c.failedBadCall} | ${c.failedOther} | ${c.action === 'train' ? '—' : fmt(c.p50Ms)} | ${c.action === 'train' ? '—' : fmt(c.p95Ms)} | ${c.action === 'train' ? '—' : fmt(c.maxMs)} |`,
    ),
    ...(raw.unexpectedFailures.length > 0
      ? [
          '',
          'Other failures:',
          '',
          ...raw.unexpectedFailures
            .slice(0, 10)
            .map(
              (f) =>
                `- ${fmt(f.atS, 1)} s, ${LABELS[f.model]} ${f.action}: \`${f.code}\` ${f.message}`,
            ),
        ]
      : []),
    ...(raw.stateErrors.other.length > 0
      ? [
          '',
          'Other errors in the models’ states:',
          '',
          ...raw.stateErrors.other
            .slice(0, 10)
            .map(
              (e) =>
                `- ${fmt(e.atS, 1)} s, ${LABELS[e.model]} (${e.source}): \`${e.code}\` ${e.message}`,
            ),
        ]
      : []),
    '',
    `Bad calls: ${raw.badCalls.map((b) => `${LABELS[b.model]} ${b.what} → \`${b.code ?? 'succeeded'}\`${b.code !== undefined && b.expectedCodes.includes(b.code) ? '' : ` (expected \`${b.expectedCodes.join('` or `')}\`)`}`).join('; ') || 'none'}.`,
    '',
    `| crash | fault | at (s) | seen as | detected (ms) | every model ready again (ms) | every model training again (ms) | ${SOAK_MODELS.map((m) => `${LABELS[m]}: step at crash → restored`).join(' | ')} |`,
    `|---|---|---|---|---|---|---|${SOAK_MODELS.map(() => '---').join('|')}|`,
    ...raw.crashes.map((c, i) => {
      const a = analysis.crashes[i]
      return `| ${c.index} | ${c.fault} | ${fmt(c.atS, 1)} | ${a?.cause ?? '?'} | ${fmt(a?.detectedMs)} | ${fmt(a?.readyMs)} | ${fmt(a?.trainingAgainMs)} | ${SOAK_MODELS.map(
        (m) => {
          const r = c.models[m]
          const restored = r.restoredStep === undefined ? 'lost' : String(r.restoredStep)
          return `${r.stepAtInjection} → ${restored}${r.deferred ? ' (deferred)' : ''}`
        },
      ).join(' | ')} |`
    }),
    '',
    `Verdict: ${analysis.healthy ? `**nothing grew, nothing hung, nothing was lost**: no figure grew beyond its tolerance by more than ${SLOPE_STANDARD_ERRORS} standard errors${unjudged > 0 ? ` (${unjudged} within-life figures not judged: too few samples per worker life in a run this short)` : ''}, no failure but the injected ones, every crash recovered from.` : `**not clean**. ${analysis.findings.join(' ')}`}${unresolved.length > 0 ? ` Unresolved (slope ± ${SLOPE_STANDARD_ERRORS} standard errors across the allowance): ${unresolved.map((u) => `${u.metric} ${u.over.startsWith('within') ? 'within lives' : 'over the run'} ${signed(u.perMinute, 2)} ± ${fmt(u.standardError, 2)} against +${u.tolerance}`).join('; ')}.` : ''}`,
  ]
}
