'use client'
import type { CSSProperties, HTMLAttributes, ReactNode } from 'react'
import { classNames, mergeStyle, VISUALLY_HIDDEN } from './composeProps'
import {
  announcement,
  runFraction,
  splitHint,
  summaryText,
  valueText,
  type TrainingStatusSource,
  type TrainingStatusValue,
} from './trainingStatusText'

/** Props of {@link TrainingStatus}. Other attributes pass through to the root `<div>`. */
export interface TrainingStatusProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children'> {
  /** The model (any model hook's result, or an object with `status`, `progress`, `backend`, `error`). */
  model: TrainingStatusSource
  /** Accessible name of the progress bar, and the subject of what is announced. Default `'Training'`. */
  label?: string
  /** What one training sample is called in the throughput ("1,234 images/s"). Default `'samples'`. */
  unit?: string
  /** Rendered while nothing has happened yet (status `'idle'`, no progress, no error). Default: "Not trained yet." */
  renderEmpty?: () => ReactNode
}

const BAR_COLORS: Record<TrainingStatusValue, string> = {
  idle: 'var(--lk-progress-color, #2563eb)',
  loading: 'var(--lk-progress-color, #2563eb)',
  training: 'var(--lk-progress-color, #2563eb)',
  paused: 'var(--lk-progress-paused-color, #9ca3af)',
  ready: 'var(--lk-progress-done-color, #16a34a)',
  error: 'var(--lk-error-color, #b91c1c)',
}

const ROOT_STYLE: CSSProperties = { display: 'grid', gap: 4, fontSize: 13 }
const MUTED: CSSProperties = { margin: 0, color: 'var(--lk-muted-color, #6b7280)' }

function defaultEmpty(): ReactNode {
  return 'Not trained yet.'
}

/**
 * A model's training at a glance: an accessible progress bar of the current run, the status, backend
 * and kernels, epoch and step of the total, throughput, time left, and the error with its code and
 * what to do. Status changes and errors are announced politely, never each step. Pure and SSR-safe.
 *
 * Theming: `--lk-progress-color`, `--lk-progress-track`, `--lk-progress-paused-color`,
 * `--lk-progress-done-color`, `--lk-error-color`, `--lk-muted-color`.
 */
export function TrainingStatus({
  model,
  label = 'Training',
  unit = 'samples',
  renderEmpty = defaultEmpty,
  className,
  style,
  ...rest
}: TrainingStatusProps) {
  const { status, progress, backend, error } = model
  const empty = status === 'idle' && !progress && !error
  const live = (
    <p className="lk-training-status__live" role="status" style={VISUALLY_HIDDEN}>
      {announcement(model, label)}
    </p>
  )
  const root = {
    ...rest,
    className: classNames(
      'lk-training-status',
      `lk-training-status--${empty ? 'empty' : status}`,
      className,
    ),
    style: mergeStyle(ROOT_STYLE, style),
    'data-lk-status': status,
  }
  if (empty) {
    return (
      <div {...root}>
        <div className="lk-training-status__empty">{renderEmpty()}</div>
        {live}
      </div>
    )
  }

  const run = runFraction(progress)
  const percent = run ? (100 * run.done) / run.total : 0
  const failure = error ? splitHint(error.message) : undefined
  return (
    <div {...root}>
      <p className="lk-training-status__summary" style={{ margin: 0 }}>
        <strong className="lk-training-status__state">{status}</strong>
        {summaryText(model, unit)}
      </p>
      <div
        className="lk-training-status__bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={run ? 0 : undefined}
        aria-valuemax={run?.total}
        aria-valuenow={run?.done}
        aria-valuetext={valueText(model)}
        style={{
          height: 6,
          borderRadius: 3,
          overflow: 'hidden',
          background: 'var(--lk-progress-track, #e5e7eb)',
        }}
      >
        <div
          className="lk-training-status__fill"
          style={{ width: `${percent}%`, height: '100%', background: BAR_COLORS[status] }}
        />
      </div>
      {backend?.skipped.length ? (
        <p className="lk-training-status__skipped" style={{ ...MUTED, fontSize: 12 }}>
          skipped {backend.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}
        </p>
      ) : null}
      {error && failure ? (
        <p
          className="lk-training-status__error"
          style={{ margin: 0, color: 'var(--lk-error-color, #b91c1c)' }}
        >
          <code className="lk-training-status__code">{error.code}</code>
          {': '}
          <span className="lk-training-status__message">{failure.problem}</span>
          {failure.hint ? ' ' : null}
          {failure.hint ? (
            <span className="lk-training-status__hint" style={{ display: 'block' }}>
              {failure.hint}
            </span>
          ) : null}
        </p>
      ) : null}
      {live}
    </div>
  )
}
