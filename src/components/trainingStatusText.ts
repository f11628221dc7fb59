/**
 * The words and numbers of {@link TrainingStatus}: pure functions of a model's state. Numbers use
 * one fixed locale so the server and the browser render the same text (no hydration mismatch).
 */
import type { BackendInfo } from '../core/backend'
import type { LatentkitError } from '../core/errors'
import type { TrainingProgress } from '../core/training'

/** Where a model hook is (the same union as every hook's `status`). */
export type TrainingStatusValue = 'idle' | 'loading' | 'training' | 'paused' | 'ready' | 'error'

/**
 * What {@link TrainingStatus} reads from a model. Every model hook's result fits (`useVAE`,
 * `useGAN`, `useAutoencoder`, `useSparseCoding`), and so does a hand-written object.
 */
export interface TrainingStatusSource {
  /** Where the model is. */
  readonly status: TrainingStatusValue
  /** Progress of the current or last run; undefined before the first update. */
  readonly progress?:
    | (Pick<
        TrainingProgress,
        'epoch' | 'epochs' | 'runStep' | 'runSteps' | 'samplesPerSecond' | 'elapsedMs' | 'kernels'
      > &
        Partial<Pick<TrainingProgress, 'kernelThreads'>>)
    | undefined
  /** The TF.js backend in use; undefined until the worker started. */
  readonly backend?: Pick<BackendInfo, 'name' | 'skipped'> | undefined
  /** The last error, with its stable code. */
  readonly error?: Pick<LatentkitError, 'code' | 'message'> | undefined
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 })

/** A throughput with thousands separators: `12,345`, or `3.5` below 10. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return '–'
  return (perSecond < 10 ? oneDecimal : integer).format(perSecond)
}

/** A duration to the second: `< 1 s`, `12 s`, `1 min 5 s`, `2 min`, `1 h 3 min`. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000)
  if (!Number.isFinite(total) || total < 1) return '< 1 s'
  if (total < 60) return `${total} s`
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  if (minutes < 60) return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest ? `${hours} h ${rest} min` : `${hours} h`
}

/** Steps done and planned in this run, or undefined when the plan is unknown (an indeterminate bar). */
export function runFraction(
  progress: TrainingStatusSource['progress'],
): { readonly done: number; readonly total: number } | undefined {
  if (!progress || !(progress.runSteps > 0)) return undefined
  return { done: Math.min(progress.runStep, progress.runSteps), total: progress.runSteps }
}

/**
 * Milliseconds left in this run at the run's average pace so far, or undefined before the first
 * step or when nothing is left.
 */
export function remainingMs(progress: TrainingStatusSource['progress']): number | undefined {
  const run = runFraction(progress)
  if (!progress || !run || run.done <= 0 || run.done >= run.total || !(progress.elapsedMs > 0)) {
    return undefined
  }
  return (progress.elapsedMs / run.done) * (run.total - run.done)
}

/** The time part of the summary: time left while training, time taken once done. */
export function timeText(source: TrainingStatusSource): string | undefined {
  const { status, progress } = source
  if (status === 'training') {
    const left = remainingMs(progress)
    return left === undefined ? undefined : `${formatDuration(left)} left`
  }
  if (status === 'ready' && progress && progress.elapsedMs > 0) {
    return `took ${formatDuration(progress.elapsedMs)}`
  }
  return undefined
}

/**
 * The summary after the status word:
 * ` on webgpu (fused kernels, wasm-simd) · epoch 3/10 · step 40 of 120 · 1,234 samples/s · 12 s left`.
 */
export function summaryText(source: TrainingStatusSource, unit: string): string {
  const { backend, progress } = source
  const parts: string[] = []
  let head = backend ? ` on ${backend.name}` : ''
  if (progress && progress.kernels !== 'tfjs') {
    head += ` (fused kernels, ${progress.kernels}${progress.kernelThreads === 2 ? ', 2 threads' : ''})`
  }
  if (progress) {
    parts.push(`epoch ${progress.epoch}/${progress.epochs}`)
    const run = runFraction(progress)
    const done = integer.format(run ? run.done : progress.runStep)
    parts.push(run ? `step ${done} of ${integer.format(run.total)}` : `step ${done}`)
    if (progress.samplesPerSecond > 0) {
      parts.push(`${formatRate(progress.samplesPerSecond)} ${unit}/s`)
    }
  }
  const time = timeText(source)
  if (time) parts.push(time)
  return head + parts.map((part) => ` · ${part}`).join('')
}

/** What the progress bar says to a screen reader: `step 40 of 120 (33%), 12 s left`. */
export function valueText(source: TrainingStatusSource): string {
  const run = runFraction(source.progress)
  if (!run) return source.status === 'loading' ? 'starting' : source.status
  const percent = Math.round((100 * run.done) / run.total)
  const time = timeText(source)
  const steps = `step ${integer.format(run.done)} of ${integer.format(run.total)}`
  return `${steps} (${percent}%)${time ? `, ${time}` : ''}`
}

/**
 * What the live region says. It changes with the status (and the error), never with each step, so a
 * screen reader hears "Training in progress" once, not ten updates a second.
 */
export function announcement(source: TrainingStatusSource, label: string): string {
  const { status, error } = source
  const run = runFraction(source.progress)
  const failure = error ? `: ${error.code}: ${error.message}` : ''
  switch (status) {
    case 'loading':
      return `${label} starting`
    case 'training':
      return `${label} in progress${failure}`
    case 'paused':
      return `${label} paused${failure}`
    case 'ready':
      if (run && run.done < run.total) {
        return `${label} stopped at step ${integer.format(run.done)} of ${integer.format(run.total)}${failure}`
      }
      return `${label} complete${run ? ` after ${integer.format(run.total)} steps` : ''}${failure}`
    case 'error':
      return `${label} failed${failure}`
    case 'idle':
      return error ? `${label} failed${failure}` : ''
  }
}

const HINT_START =
  /^(pass|try|set|call|stop|train|use|create|wait|check|fix|convert|lower|raise|reduce|increase|give|choose|add|remove|load|reset|run|make)\b/i

/**
 * Splits a message into what was wrong and what to do, at the last top-level `; `, `. ` or ` — `
 * followed by an instruction ("…; pass shape [n, 28, 28, 1]", "…. Try 99"). Messages without one
 * come back whole.
 */
export function splitHint(message: string): { readonly problem: string; readonly hint?: string } {
  let depth = 0
  const cuts: { readonly at: number; readonly length: number }[] = []
  for (let i = 0; i < message.length; i++) {
    const c = message[i]
    if (c === '(' || c === '[') depth += 1
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1)
    else if (depth === 0) {
      if ((c === ';' || c === '.') && message[i + 1] === ' ') cuts.push({ at: i, length: 2 })
      else if (c === ' ' && message.startsWith(' — ', i)) cuts.push({ at: i, length: 3 })
    }
  }
  for (const cut of cuts.reverse()) {
    const hint = message.slice(cut.at + cut.length).trim()
    if (HINT_START.test(hint)) {
      return {
        problem: message.slice(0, cut.at),
        // "stop() first" keeps the function's spelling; prose starts with a capital.
        hint: /^\w+\(/.test(hint) ? hint : hint.charAt(0).toUpperCase() + hint.slice(1),
      }
    }
  }
  return { problem: message }
}
