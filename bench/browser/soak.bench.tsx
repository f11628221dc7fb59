/**
 * The soak part of `npm run bench` (real Chromium; 7.5 minutes, about 45 s with `--quick`): three
 * models share one worker and train without end through their hooks, drawn by their components
 * (grids re-sample per model version, sliders move several times a second), while the worker is
 * killed every minute (terminate, close, throw, hang, in turn) and a bad call is made between crashes.
 * Records memory over time (page and worker heaps after GC, TF.js tensors, WASM heaps), every call's
 * outcome, and each crash's recovery. Writes bench/report.browser-soak.json; asserts nothing about
 * time (scripts/bench.mjs judges and reports it, see bench/soakAnalysis.ts).
 */
import { useEffect, useMemo } from 'react'
import { test } from 'vitest'
import { commands } from 'vitest/browser'
import { cleanup, render } from 'vitest-browser-react'
import { useVAE, type UseVAEOptions, type UseVAEResult } from '../../src/react/useVAE'
import { useGAN, type UseGANOptions, type UseGANResult } from '../../src/react/useGAN'
import {
  useSparseCoding,
  type UseSparseCodingOptions,
  type UseSparseCodingResult,
} from '../../src/react/useSparseCoding'
import { SampleGrid } from '../../src/components/SampleGrid'
import { InterpolationSlider } from '../../src/components/InterpolationSlider'
import { DictionaryGrid } from '../../src/components/DictionaryGrid'
import { ReconstructionGrid } from '../../src/components/ReconstructionGrid'
import type { LatentSource } from '../../src/components/modelHandle'
import type { ReconstructionSource } from '../../src/components/ReconstructionGrid'
import { workerPoolStats } from '../../src/client/workerPool'
import { configureWorkerSupervision } from '../../src/client/workerSupervision'
import type { LatentkitError } from '../../src/core/errors'
import type { ImageBatch } from '../../src/core/dataset'
import { loadDigits } from '../../src/data/digits'
import {
  SOAK_MODELS,
  type BadCallRecord,
  type CrashModelRecord,
  type CrashRecord,
  type HeapUsage,
  type SoakFault,
  type SoakModel,
  type SoakRaw,
  type SoakSample,
  type StateError,
} from '../soakAnalysis'
import { CallTracker, codeOf } from './soakCalls'
import { DevTools, soakWorkerFactory, withTimeout } from './soakProbe'

const quick = import.meta.env.VITE_BENCH_QUICK === '1'
/**
 * `VITE_SOAK_SECONDS` (and `VITE_SOAK_CRASH_EVERY`, `VITE_SOAK_SAMPLE_EVERY`) change the run's length
 * (and crash period, sampling period); `VITE_SOAK_OUT` the file it writes (default
 * bench/report.browser-soak.json), so that a trial soak can run beside the bench's own.
 * Full run: 7.5 minutes, seven crashes, eight worker lives (six of a full minute), a sample every 5 s.
 * What the full run judges within a worker's life is a slope pooled over its lives; its standard
 * error falls with the samples per life and the cube of a life's span, and rises with fewer lives.
 * Ten minutes sampled every 10 s (the full run until December 2, 2026) and 7.5 minutes sampled every
 * 5 s judge it equally well: side by side on the same loaded machine the within-life slopes' standard
 * errors were 0.23 / 0.28 MB a minute (page JS heap), 0.49 / 0.41 (page ArrayBuffers), 0.18 / 0.18
 * (worker JS heap), and every verdict agreed (README, "Soak"). Five minutes (five lives) were too few.
 */
const DURATION_S = Number(import.meta.env.VITE_SOAK_SECONDS) || (quick ? 45 : 450)
const SHORT = DURATION_S < 300
/** Seconds between two crashes (one of each fault in turn). */
const CRASH_EVERY_S = Number(import.meta.env.VITE_SOAK_CRASH_EVERY) || (SHORT ? 10 : 60)
/**
 * The client's crash-loop guard (`crashLoopLimit` deaths within `crashLoopWindowMs`, default 3 a
 * minute) would keep a model that dies more often than that until its next action: the soak wants
 * every crash restored at once, so its window holds at most three crashes (a hang is declared 3 s
 * late) whatever the period.
 */
const CRASH_LOOP = { crashLoopLimit: 3, crashLoopWindowMs: 2.5 * CRASH_EVERY_S * 1000 }
/**
 * The earliest first crash. It also waits until every model has trained an epoch (its worker loaded,
 * its first snapshot due): a worker killed while it loads shows nothing of recovery (README, "Soak").
 * Everything after it moves by the wait, and the run is longer by as much.
 */
const FIRST_CRASH_S = SHORT ? 5 : 45
const SAMPLE_EVERY_S = Number(import.meta.env.VITE_SOAK_SAMPLE_EVERY) || 5
/**
 * Most history points each hook keeps (`historyLimit`; `VITE_SOAK_HISTORY_LIMIT` changes it). The
 * hooks' default, 5000, is a bounded buffer that three models training 700 steps a minute (quiet
 * machine) fill only after about 7 minutes: the page's heap grows by its filling, about 100 bytes a
 * point (103 ± 19 measured), so about 0.22 MB a minute for most of the run, a bounded growth the
 * slopes cannot tell from a leak. Side by side (December 2, 2026) the page's whole-run slope read
 * +0.10 ± 0.02 MB a minute with 5000 points and −0.005 ± 0.02 with 200 (README, "Soak"). 200 points
 * fill within the first minute of training, before the full run's 2-minute warm-up ends; the quick
 * run's warm-up is 14 s, so it keeps 50. The analysis starts the page's slopes once they are full.
 */
const HISTORY_LIMIT = Number(import.meta.env.VITE_SOAK_HISTORY_LIMIT) || (SHORT ? 50 : 200)
/** Where the run's figures go (see VITE_SOAK_OUT above). */
const OUT_FILE: string = import.meta.env.VITE_SOAK_OUT || 'bench/report.browser-soak.json'
const SLIDER_MOVES_PER_SECOND = 5
const SUPERVISION = { heartbeatIntervalMs: 250, unresponsiveAfterMs: 3000, ...CRASH_LOOP }
const FAULTS: readonly SoakFault[] = ['terminate', 'hang', 'close', 'throw']
const EPOCHS = 1_000_000
/** A crash not recovered from within this long is closed as it is (its figures stay undefined). */
const CRASH_GIVE_UP_MS = 30_000

type Results = {
  readonly vae: UseVAEResult
  readonly gan: UseGANResult
  readonly sparse: UseSparseCodingResult
}
type AnyResult = Results[SoakModel]

/** The digits shown by the sparse coding model's ReconstructionGrid. */
function firstDigits(n: number): ImageBatch {
  const { images } = loadDigits()
  const [, h, w, c] = images.shape
  return { data: images.data.slice(0, n * h * w * c), shape: [n, h, w, c] }
}

/** A generative model as the components see it, with every call counted. */
function latentView(name: 'vae' | 'gan', model: UseVAEResult | UseGANResult, calls: CallTracker) {
  const view: LatentSource = {
    modelVersion: model.modelVersion,
    model: model.model,
    latentDim: model.latentDim,
    sample: (n, options) => calls.track(name, 'sample', () => model.sampleAsync(n, options)),
    decode: (latents) => calls.track(name, 'decode', () => model.decodeAsync(latents)),
    interpolate: (a, b, steps, options) =>
      calls.track(name, 'interpolate', () => model.interpolateAsync(a, b, steps, options)),
  }
  return view
}

function SoakApp(props: {
  vaeOptions: UseVAEOptions
  ganOptions: UseGANOptions
  sparseOptions: UseSparseCodingOptions
  calls: CallTracker
  digits: ImageBatch
  onResults: (results: Results) => void
}) {
  const { calls, onResults } = props
  const vae = useVAE(props.vaeOptions)
  const gan = useGAN(props.ganOptions)
  const sparse = useSparseCoding(props.sparseOptions)
  useEffect(() => {
    onResults({ vae, gan, sparse })
  }, [vae, gan, sparse, onResults])
  const vaeView = useMemo(() => latentView('vae', vae, calls), [vae, calls])
  const ganView = useMemo(() => latentView('gan', gan, calls), [gan, calls])
  const sparseView = useMemo<ReconstructionSource>(
    () => ({
      modelVersion: sparse.modelVersion,
      model: sparse.model,
      reconstruct: (images) =>
        calls.track('sparse', 'reconstruct', () => sparse.reconstructAsync(images)),
    }),
    [sparse, calls],
  )
  return (
    <div>
      <SampleGrid model={vaeView} rows={4} columns={8} />
      <InterpolationSlider model={vaeView} />
      <SampleGrid model={ganView} rows={4} columns={8} />
      <InterpolationSlider model={ganView} />
      <DictionaryGrid dictionary={sparse.dictionary} />
      <ReconstructionGrid model={sparseView} images={props.digits} columns={8} />
    </div>
  )
}

/** An injected bad call: what it does and the code it must fail with. */
interface BadCall {
  readonly model: SoakModel
  readonly action: string
  readonly what: string
  readonly expectedCodes: readonly string[]
  readonly run: (results: Results) => Promise<unknown>
}

const nan = new Float32Array(64).fill(0.5)
nan[10] = Number.NaN
const BAD_CALLS: readonly BadCall[] = [
  {
    model: 'vae',
    action: 'decode',
    what: 'decode(3 values; the model has 8 latents)',
    expectedCodes: ['SHAPE_MISMATCH'],
    run: (r) => r.vae.decodeAsync(new Float32Array(3)),
  },
  {
    model: 'gan',
    action: 'sample',
    what: 'sample(-1)',
    // A count passed to an action: latentkit says INVALID_OPTION (an argument, arguably INVALID_INPUT).
    expectedCodes: ['INVALID_OPTION', 'INVALID_INPUT'],
    run: (r) => r.gan.sampleAsync(-1),
  },
  {
    model: 'sparse',
    action: 'reconstruct',
    what: 'reconstruct(an image with a NaN)',
    expectedCodes: ['NON_FINITE_INPUT'],
    run: (r) => r.sparse.reconstructAsync({ data: nan, shape: [1, 8, 8, 1] }),
  },
  {
    model: 'vae',
    action: 'reconstruct',
    what: 'reconstruct(63 values per row)',
    expectedCodes: ['SHAPE_MISMATCH', 'INVALID_INPUT'],
    run: (r) => r.vae.reconstructAsync({ data: new Float32Array(63), shape: [1, 63] }),
  },
]

/** Whether every model has trained its first epoch (the worker snapshots each at its epoch ends). */
const everyModelTrained = (results: Results): boolean =>
  SOAK_MODELS.every((m) => (results[m].model?.trainedEpochs ?? 0) >= 2)

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The open record of a crash, filled in as the models' states move. */
interface OpenCrash {
  readonly index: number
  readonly fault: SoakFault
  readonly injectedAt: number
  readonly workerIndex: number
  closedAt: number | undefined
  readonly models: Record<
    SoakModel,
    {
      stepAtInjection: number
      errorAtInjection: LatentkitError | undefined
      detectedAt: number | undefined
      cause: string | undefined
      restoredStep: number | undefined
      deferred: boolean
      sawLoading: boolean
      readyAt: number | undefined
      trainingAgainAt: number | undefined
    }
  >
}

test(
  'soak: training, UI calls and injected crashes',
  async () => {
    configureWorkerSupervision(SUPERVISION)
    const devtools = new DevTools()
    await devtools.start()
    const factory = soakWorkerFactory()
    const { createWorker } = factory
    const baselinePage = await devtools.pageHeap().catch(() => null)

    const origin = performance.now()
    const seconds = (at: number): number => (at - origin) / 1000
    const crashes: OpenCrash[] = []
    const inCrashWindow = (now: number): boolean =>
      crashes.some(
        (c) => c.injectedAt <= now && (c.closedAt === undefined || now <= c.closedAt + 2000),
      )
    const calls = new CallTracker(origin, inCrashWindow)
    const badCalls: BadCallRecord[] = []
    const badCallTimes = new Map<SoakModel, { at: number; call: BadCall }>()
    const stateErrors: { injected: number; other: StateError[] } = { injected: 0, other: [] }
    let latest: Results | undefined
    const lastError = new Map<SoakModel, LatentkitError | undefined>()

    /** Watches each render's results: errors that show up, and the open crash's progress. */
    const onResults = (results: Results): void => {
      latest = results
      const now = performance.now()
      for (const name of SOAK_MODELS) {
        const r: AnyResult = results[name]
        const error = r.error
        if (error && error !== lastError.get(name)) {
          const bad = badCallTimes.get(name)
          const fromBadCall =
            bad !== undefined &&
            now - bad.at < 10_000 &&
            r.errorSource === bad.call.action &&
            bad.call.expectedCodes.includes(error.code)
          if ((error.code === 'WORKER_CRASHED' && inCrashWindow(now)) || fromBadCall) {
            stateErrors.injected += 1
          } else if (stateErrors.other.length < 100) {
            stateErrors.other.push({
              atS: seconds(now),
              model: name,
              source: r.errorSource ?? '?',
              code: error.code,
              message: error.message,
            })
          }
        }
        lastError.set(name, error)
        for (const crash of crashes) {
          if (crash.closedAt !== undefined) continue
          const m = crash.models[name]
          if (m.detectedAt === undefined) {
            if (error?.code === 'WORKER_CRASHED' && error !== m.errorAtInjection) {
              m.detectedAt = now
              const details = error.details as { cause?: unknown; restoredStep?: unknown }
              m.cause = typeof details.cause === 'string' ? details.cause : undefined
              m.restoredStep =
                typeof details.restoredStep === 'number' ? details.restoredStep : undefined
              m.deferred = /restored only when/.test(error.message)
            }
          }
          if (m.detectedAt !== undefined) {
            if (r.status === 'loading') m.sawLoading = true
            if (
              m.readyAt === undefined &&
              m.sawLoading &&
              (r.status === 'ready' || r.status === 'training')
            ) {
              m.readyAt = now
            }
            if (
              m.readyAt !== undefined &&
              m.trainingAgainAt === undefined &&
              (r.model?.trainedSteps ?? 0) > (m.restoredStep ?? 0)
            ) {
              m.trainingAgainAt = now
            }
          }
          if (SOAK_MODELS.every((n) => crash.models[n].trainingAgainAt !== undefined)) {
            crash.closedAt = now
          }
        }
      }
    }

    const data = 'digits' as const
    const common = {
      data,
      backend: 'wasm' as const,
      epochs: EPOCHS,
      historyLimit: HISTORY_LIMIT,
      createWorker,
    }
    const screen = await render(
      <SoakApp
        vaeOptions={{ ...common, latentDim: 8 }}
        ganOptions={common}
        sparseOptions={common}
        calls={calls}
        digits={firstDigits(8)}
        onResults={onResults}
      />,
    )
    const sliders = [...screen.container.querySelectorAll<HTMLInputElement>('input[type=range]')]
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set
    if (sliders.length !== 2 || !setValue) throw new Error('expected two interpolation sliders')

    const training = new Set<SoakModel>()
    const lastTrainCall = new Map<SoakModel, number>()
    let stopping = false
    /**
     * The "user": keeps every model training, again after a crash once it is ready (not more than once
     * a second, so a model that cannot train does not turn the soak into a loop of failing calls).
     */
    const keepTraining = (): void => {
      if (!latest || stopping) return
      const now = performance.now()
      for (const name of SOAK_MODELS) {
        const r: AnyResult = latest[name]
        if (training.has(name) || !['idle', 'ready', 'error'].includes(r.status)) continue
        if (now - (lastTrainCall.get(name) ?? -Infinity) < 1000) continue
        training.add(name)
        lastTrainCall.set(name, now)
        calls
          .track(name, 'train', (): Promise<unknown> => r.trainAsync())
          .catch(() => undefined)
          .finally(() => training.delete(name))
      }
    }

    const samples: SoakSample[] = []
    const takeSample = async (): Promise<SoakSample> => {
      const t = seconds(performance.now())
      const page: HeapUsage | null = await devtools.pageHeap().catch(() => null)
      const current = factory.current()
      const heap = await devtools.workerHeap('soakWorker', 2000)
      const reading = current
        ? await withTimeout(current.probe.reading(), 2000, 'probe').catch(() => null)
        : null
      const workerTargets = await devtools
        .workerTargets()
        .then((w) => w.length)
        .catch(() => -1)
      const results = latest
      return {
        t,
        page,
        worker: current
          ? { index: current.index, startedAtS: seconds(current.startedAt), heap, reading }
          : null,
        workerTargets,
        pool: workerPoolStats(),
        steps: Object.fromEntries(
          SOAK_MODELS.map((m) => [m, results?.[m].model?.trainedSteps ?? 0]),
        ) as Record<SoakModel, number>,
        status: Object.fromEntries(
          SOAK_MODELS.map((m) => [m, results?.[m].status ?? 'none']),
        ) as Record<SoakModel, string>,
        historyPoints: SOAK_MODELS.reduce((n, m) => n + (results?.[m].history.length ?? 0), 0),
        pendingCalls: calls.pendingCount(),
        oldestPendingMs: calls.oldestPendingMs(),
      }
    }

    let nextSample = 0
    let nextCrash = FIRST_CRASH_S
    let nextBadCall = FIRST_CRASH_S + CRASH_EVERY_S / 2
    /** When every model had trained its first epoch (seconds), and the run's length after the wait. */
    let trainedS: number | undefined
    let durationS = DURATION_S
    let nextMove = 0
    let badCallCount = 0
    let moves = 0
    let sampling: Promise<void> | undefined
    // Runs on past the end while a crash is being recovered from, so every crash is seen through.
    while (
      performance.now() < origin + durationS * 1000 ||
      crashes.some((c) => c.closedAt === undefined)
    ) {
      const now = performance.now()
      const t = seconds(now)
      keepTraining()
      if (trainedS === undefined && latest && everyModelTrained(latest)) {
        trainedS = t
        const wait = Math.max(0, t - FIRST_CRASH_S)
        nextCrash += wait
        nextBadCall += wait
        durationS += wait
      }
      for (const crash of crashes) {
        if (crash.closedAt === undefined && now - crash.injectedAt > CRASH_GIVE_UP_MS) {
          crash.closedAt = now
        }
      }
      const crashOpen = crashes.some((c) => c.closedAt === undefined)
      if (t >= nextSample && !sampling && t < durationS) {
        nextSample += SAMPLE_EVERY_S
        sampling = takeSample().then((s) => {
          samples.push(s)
          sampling = undefined
        })
      }
      if (t >= nextCrash && trainedS !== undefined && !crashOpen && latest && t < durationS - 8) {
        nextCrash = t + CRASH_EVERY_S
        const fault = FAULTS[crashes.length % FAULTS.length] as SoakFault
        const results = latest
        const models = Object.fromEntries(
          SOAK_MODELS.map((m) => [
            m,
            {
              stepAtInjection: results[m].model?.trainedSteps ?? 0,
              errorAtInjection: results[m].error,
              detectedAt: undefined,
              cause: undefined,
              restoredStep: undefined,
              deferred: false,
              sawLoading: false,
              readyAt: undefined,
              trainingAgainAt: undefined,
            },
          ]),
        ) as OpenCrash['models']
        crashes.push({
          index: crashes.length + 1,
          fault,
          injectedAt: performance.now(),
          workerIndex: factory.current()?.index ?? 0,
          closedAt: undefined,
          models,
        })
        factory.inject(fault)
      }
      if (t >= nextBadCall && trainedS !== undefined && !crashOpen && latest && t < durationS - 5) {
        nextBadCall = Math.max(nextBadCall + CRASH_EVERY_S, t + 1)
        const call = BAD_CALLS[badCallCount % BAD_CALLS.length] as BadCall
        badCallCount += 1
        const started = performance.now()
        badCallTimes.set(call.model, { at: started, call })
        const results = latest
        void calls
          .track(call.model, call.action, () => call.run(results), call.expectedCodes)
          .then(
            () => undefined,
            (error: unknown) => codeOf(error),
          )
          .then((code) =>
            badCalls.push({
              atS: seconds(started),
              model: call.model,
              action: call.action,
              what: call.what,
              expectedCodes: call.expectedCodes,
              code,
              ms: performance.now() - started,
            }),
          )
      }
      if (now >= nextMove) {
        nextMove = now + 1000 / SLIDER_MOVES_PER_SECOND / sliders.length
        const slider = sliders[moves % sliders.length] as HTMLInputElement
        const target = ((moves * 37 + 13) % 101) / 100
        moves += 1
        if (!slider.disabled) {
          setValue.call(slider, String(target))
          slider.dispatchEvent(new Event('input', { bubbles: true }))
        }
      }
      await sleep(20)
    }
    await sampling

    // Stop, let every call settle, read once more, then unmount and check that nothing is left.
    stopping = true
    const finalResults = latest
    if (finalResults) {
      await Promise.all(
        SOAK_MODELS.map((m) =>
          calls.track(m, 'stop', () => finalResults[m].stopAsync()).catch(() => undefined),
        ),
      )
    }
    const stopDeadline = performance.now() + 10_000
    while (calls.pendingCount() > 0 && performance.now() < stopDeadline) await sleep(50)
    const pendingAfterStop = calls.pendingCount()
    samples.push({ ...(await takeSample()), final: true })
    const backend = latest?.vae.backend?.name
    await cleanup()
    await sleep(1000)
    const workerTargetsAfterUnmount = await devtools
      .workerTargets()
      .then((w) => w.length)
      .catch(() => -1)
    const pageAfterUnmount = await devtools.pageHeap().catch(() => null)
    configureWorkerSupervision({})

    const crashRecords: CrashRecord[] = crashes.map((c) => {
      const since = (at: number | undefined): number | undefined =>
        at === undefined ? undefined : at - c.injectedAt
      const models = Object.fromEntries(
        SOAK_MODELS.map((m) => {
          const r = c.models[m]
          const record: CrashModelRecord = {
            stepAtInjection: r.stepAtInjection,
            detectedMs: since(r.detectedAt),
            cause: r.cause,
            restoredStep: r.restoredStep,
            deferred: r.deferred,
            readyMs: since(r.readyAt),
            trainingAgainMs: since(r.trainingAgainAt),
          }
          return [m, record]
        }),
      ) as Record<SoakModel, CrashModelRecord>
      return {
        index: c.index,
        fault: c.fault,
        atS: seconds(c.injectedAt),
        workerIndex: c.workerIndex,
        models,
      }
    })
    const raw: SoakRaw = {
      quick,
      userAgent: navigator.userAgent,
      durationS,
      trainedS,
      sampleEveryS: SAMPLE_EVERY_S,
      crashEveryS: CRASH_EVERY_S,
      firstCrashS: FIRST_CRASH_S,
      faults: FAULTS,
      sliderMovesPerSecond: SLIDER_MOVES_PER_SECOND,
      historyLimit: HISTORY_LIMIT,
      supervision: SUPERVISION,
      backend,
      models: [
        {
          name: 'vae',
          description: 'a VAE (8 latents) under a SampleGrid and an InterpolationSlider',
        },
        { name: 'gan', description: 'a dense GAN under a SampleGrid and an InterpolationSlider' },
        {
          name: 'sparse',
          description: 'sparse coding under a DictionaryGrid and a ReconstructionGrid of 8 digits',
        },
      ],
      baseline: { page: baselinePage },
      samples,
      calls: calls.summary(),
      unexpectedFailures: calls.unexpected,
      crashes: crashRecords,
      badCalls,
      stateErrors,
      end: {
        pendingAfterStop,
        workerTargetsAfterUnmount,
        poolAfterUnmount: workerPoolStats(),
        pageAfterUnmount,
      },
    }
    await commands.writeFile(OUT_FILE, JSON.stringify(raw, null, 2))
  },
  (DURATION_S + 300) * 1000,
)
