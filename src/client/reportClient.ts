/**
 * The few-labels report from the main thread: each encoder (any model the page already has, or raw
 * pixels) encodes the images, and the worker fits the linear probes on its features, one encoder at
 * a time, so rows appear as they complete. No TF.js here: the probes run in the shared worker.
 */
import * as Comlink from 'comlink'
import type { BackendPreference } from '../core/backend'
import { toImageBatch, type DataInput, type ImageBatch, type LatentBatch } from '../core/dataset'
import {
  CancelledError,
  InvalidInputError,
  describeValue,
  fromWireError,
  type LatentkitError,
} from '../core/errors'
import {
  drawsOf,
  reportSplit,
  resolveReportOptions,
  selectEncoders,
  type FewLabelsReport,
  type LabelsPerClass,
  type ReportOptions,
  type ReportProgress,
  type ReportRow,
} from '../core/report/reportOptions'
import { Subscribable } from './subscribable'
import { acquireWorker, type CreateWorker } from './workerPool'

/**
 * One encoder of the report: a name (its row's label) and a function from images to features,
 * `[images, size]` — e.g. `{ name: 'VAE', encode: (x) => vae.encodeAsync(x) }`. Any model that
 * encodes plugs in this way.
 */
export interface RepresentationEncoder {
  /** The row's label; unique within a report. */
  readonly name: string
  /** Features of `images`, one row per image. */
  encode(images: ImageBatch): Promise<LatentBatch> | LatentBatch
}

/** Raw pixels as features: the baseline row of every report. */
export const rawPixelsEncoder: RepresentationEncoder = {
  name: 'raw pixels',
  encode: (images) => ({
    data: images.data,
    shape: [images.shape[0], images.data.length / Math.max(1, images.shape[0])],
  }),
}

/** Where a report is. */
export type ReportStatus = 'idle' | 'running' | 'ready' | 'error'

/** What a report client (and `useRepresentationReport`) holds: a plain, immutable snapshot. */
export interface RepresentationReportState {
  /** `'running'` while encoders encode and probes fit. */
  readonly status: ReportStatus
  /** The rows measured so far (the row being measured holds its cells so far). */
  readonly rows: readonly ReportRow[]
  /** The columns of the running or last report. */
  readonly labelsPerClass: readonly LabelsPerClass[]
  /** The whole report once every row is measured. */
  readonly report: FewLabelsReport | undefined
  /** The encoder being measured while running. */
  readonly encoder: string | undefined
  /** Cells measured and to measure while running (`{ done: 0, total: 0 }` otherwise). */
  readonly progress: { readonly done: number; readonly total: number }
  /** Why the last run failed (typed: `code`, message, `details`). */
  readonly error: LatentkitError | undefined
}

/** Options of a report client (and of `useRepresentationReport`). */
export interface ReportClientOptions {
  /** TF.js backend of the worker the probes run in. Default `'auto'` (the one the models share). */
  readonly backend?: BackendPreference
  /** Starts the worker yourself (escape hatch for unusual bundlers); default: latentkit's worker. */
  readonly createWorker?: CreateWorker
}

const INITIAL: RepresentationReportState = {
  status: 'idle',
  rows: [],
  labelsPerClass: [],
  report: undefined,
  encoder: undefined,
  progress: { done: 0, total: 0 },
  error: undefined,
}

/** The report's encoders, checked (`INVALID_INPUT`). */
function checkEncoders(encoders: unknown): readonly RepresentationEncoder[] {
  if (
    !Array.isArray(encoders) ||
    !encoders.every(
      (e: unknown) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as RepresentationEncoder).encode === 'function',
    )
  ) {
    throw new InvalidInputError(
      `encoders must be an array of { name, encode(images) }; got ${describeValue(encoders)}`,
    )
  }
  return encoders as readonly RepresentationEncoder[]
}

/** Runs few-labels reports in the shared worker and holds the latest one's state. */
export class RepresentationReportClient extends Subscribable {
  private state: RepresentationReportState = INITIAL
  private options: ReportClientOptions
  private generation = 0

  constructor(options: ReportClientOptions = {}) {
    super()
    this.options = options
    this.getSnapshot = this.getSnapshot.bind(this)
    this.run = this.run.bind(this)
    this.runAsync = this.runAsync.bind(this)
    this.cancel = this.cancel.bind(this)
  }

  /** The current state (the same object until it changes). */
  getSnapshot(): RepresentationReportState {
    return this.state
  }

  /** Sets the worker options used from the next run. */
  setOptions(options: ReportClientOptions): void {
    this.options = options
  }

  private set(next: Partial<RepresentationReportState>): void {
    this.state = { ...this.state, ...next }
    for (const listener of [...this.listeners]) listener()
  }

  /**
   * Reports on `encoders` (in order) for `images` and their `labels`: each encoder encodes the
   * images, then the worker fits the probes; rows fill in as cells complete. Resolves with the
   * report, or `undefined` when it failed (see `error`) or was replaced by a newer run. Never rejects.
   */
  async run(
    images: DataInput,
    labels: ArrayLike<number>,
    encoders: readonly RepresentationEncoder[],
    options?: ReportOptions,
  ): Promise<FewLabelsReport | undefined> {
    try {
      return await this.runAsync(images, labels, encoders, options)
    } catch {
      return undefined
    }
  }

  /** As {@link RepresentationReportClient.run}, but rejects with the typed error. */
  async runAsync(
    images: DataInput,
    labels: ArrayLike<number>,
    encoders: readonly RepresentationEncoder[],
    options?: ReportOptions,
  ): Promise<FewLabelsReport> {
    const generation = ++this.generation
    const current = (): boolean => generation === this.generation
    const replaced = (): CancelledError =>
      new CancelledError('a newer report replaced this one; its result is the one shown')
    try {
      // Everything is checked here, before any work starts.
      const resolved = resolveReportOptions(options)
      const checked = checkEncoders(encoders)
      const names = selectEncoders(
        checked.map((e) => e.name),
        resolved.encoders,
      )
      const batch = toImageBatch(images)
      reportSplit(labels, batch.shape[0], resolved)
      const labelList = Int32Array.from(labels)
      const perRow = resolved.labelsPerClass.reduce<number>(
        (sum, column) => sum + drawsOf(column, resolved.draws),
        0,
      )
      const total = names.length * perRow
      this.set({
        status: 'running',
        rows: [],
        labelsPerClass: resolved.labelsPerClass,
        report: undefined,
        encoder: undefined,
        progress: { done: 0, total },
        error: undefined,
      })
      const lease = acquireWorker(this.options.backend ?? 'auto', this.options.createWorker)
      const rows: ReportRow[] = []
      let last: FewLabelsReport | undefined
      let doneBefore = 0
      try {
        await lease.backend
        for (const name of names) {
          if (!current()) throw replaced()
          const encoder = checked.find((e) => e.name === name) as RepresentationEncoder
          this.set({ encoder: name })
          const features = await encoder.encode(batch)
          if (!current()) throw replaced()
          if (typeof features !== 'object' || features === null || !features.shape) {
            throw new InvalidInputError(
              `encoder '${name}' gave ${describeValue(features)}, not { data, shape: [images, size] }; use a model's …Async action (e.g. encodeAsync), which rejects with the model's error instead of resolving undefined`,
            )
          }
          let finished = false
          const onProgress = (progress: ReportProgress): void => {
            if (finished || !current()) return
            this.set({
              rows: [...rows, progress.row],
              progress: { done: doneBefore + progress.done, total },
            })
          }
          const reply = await lease.api
            .probeReport(
              [{ name, features: { data: features.data, shape: features.shape } }],
              labelList,
              { ...resolved, encoders: undefined },
              Comlink.proxy(onProgress),
            )
            .catch((error: unknown) => {
              throw fromWireError(error)
            })
          finished = true
          if (!current()) throw replaced()
          last = reply
          rows.push(reply.rows[0] as ReportRow)
          doneBefore += perRow
          this.set({ rows: [...rows], progress: { done: doneBefore, total } })
        }
      } finally {
        lease.release()
      }
      const report: FewLabelsReport = {
        labelsPerClass: resolved.labelsPerClass,
        rows,
        draws: resolved.draws,
        testCount: last?.testCount ?? 0,
        classes: last?.classes ?? [],
      }
      this.set({ status: 'ready', report, encoder: undefined })
      return report
    } catch (error) {
      const typed = fromWireError(error)
      if (current()) this.set({ status: 'error', error: typed, encoder: undefined })
      throw typed
    }
  }

  /** Forgets the running report (its result is dropped); the state goes back to idle. */
  cancel(): void {
    this.generation += 1
    this.set(INITIAL)
  }
}
