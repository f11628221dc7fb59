/**
 * The state every model hook exposes, and the reducer that is its only way to change. Immutable
 * snapshots: each action makes a new object, so `useSyncExternalStore` sees every change.
 */
import type { BackendInfo } from '../core/backend'
import type { LatentkitError } from '../core/errors'
import type { TrainingProgress } from '../core/training'
import type { ChartSpec } from '../core/family/familySpec'
import type { ModelInfo } from '../protocol'

/** Where a model hook is. */
export type ModelStatus = 'idle' | 'loading' | 'training' | 'paused' | 'ready' | 'error'

/**
 * A model's training history, oldest first. It carries its family's chart defaults (not enumerable),
 * so `LossChart` draws any family's history with the right lines and unit.
 */
export type TrainingHistory<Point> = readonly Point[] & { readonly chart?: ChartSpec<Point> }

/** Tags `points` (a fresh array) with its family's chart defaults. */
export function tagHistory<Point>(
  points: readonly Point[],
  chart: ChartSpec<Point> | undefined,
): TrainingHistory<Point> {
  if (chart) Object.defineProperty(points, 'chart', { value: chart, enumerable: false })
  return points
}

/** An immutable snapshot of a model hook's state. */
export interface ModelState<Point, Info extends ModelInfo = ModelInfo> {
  /** `'idle'` (nothing trained), `'loading'` (starting the worker and backend), `'training'`,
   * `'paused'`, `'ready'` (trained, not training) or `'error'` (see {@link ModelState.error}). */
  readonly status: ModelStatus
  /** The TF.js backend in use and why others were skipped; undefined until the worker started. */
  readonly backend: BackendInfo | undefined
  /** Progress of the current or last training run. */
  readonly progress: TrainingProgress | undefined
  /** Loss per training step, oldest first, capped at `historyLimit` points. */
  readonly history: TrainingHistory<Point>
  /**
   * The last error, with a stable `code`. It stays until something of the same source succeeds (see
   * {@link ModelState.errorSource}), a training run starts, or the model is reset: a grid's
   * successful re-sample does not hide a failed `train()`.
   */
  readonly error: LatentkitError | undefined
  /**
   * What failed: `'train'` (training, its data, or the worker), `'options'` (an invalid option; the
   * trained model is kept) or the name of the action (`'sample'`, `'interpolate'`…).
   */
  readonly errorSource: string | undefined
  /** Facts about the model in the worker (trained steps, image shape, latent size). */
  readonly model: Info | undefined
  /** Increases whenever the weights change; components re-draw when it moves. */
  readonly modelVersion: number
}

/** Everything that can happen to a model's state. */
export type ModelAction<Point, Info extends ModelInfo = ModelInfo> =
  | { readonly type: 'loading' }
  | { readonly type: 'backend'; readonly backend: BackendInfo }
  /** A run starts in the worker; `paused`: it was paused before it started, and starts paused. */
  | { readonly type: 'trainStart'; readonly paused?: boolean }
  | {
      readonly type: 'progress'
      readonly progress: TrainingProgress
      readonly points: readonly Point[]
      readonly model: Info
      readonly historyLimit: number
    }
  | { readonly type: 'paused' }
  | { readonly type: 'resumed' }
  | { readonly type: 'trainEnd'; readonly model: Info }
  | { readonly type: 'succeeded'; readonly source: string }
  | { readonly type: 'modelInfo'; readonly model: Info }
  | {
      readonly type: 'error'
      readonly error: LatentkitError
      readonly source: string
      readonly model?: Info
    }
  /** The worker died: `model` is what was restored into a new one (undefined: nothing was). */
  | { readonly type: 'crashed'; readonly error: LatentkitError; readonly model: Info | undefined }
  | { readonly type: 'reset'; readonly model: Info | undefined }
  | { readonly type: 'loaded'; readonly model: Info }

/** The state before anything happened (also the server snapshot). */
export function initialModelState<Point, Info extends ModelInfo = ModelInfo>(
  chart?: ChartSpec<Point>,
): ModelState<Point, Info> {
  return {
    status: 'idle',
    backend: undefined,
    progress: undefined,
    history: tagHistory([], chart),
    error: undefined,
    errorSource: undefined,
    model: undefined,
    modelVersion: 0,
  }
}

const noError = { error: undefined, errorSource: undefined } as const

const settled = (model: ModelInfo | undefined): ModelStatus =>
  model && model.trainedSteps > 0 ? 'ready' : 'idle'

/** Applies one action. */
export function modelReducer<Point, Info extends ModelInfo = ModelInfo>(
  state: ModelState<Point, Info>,
  action: ModelAction<Point, Info>,
): ModelState<Point, Info> {
  const chart = state.history.chart
  switch (action.type) {
    case 'loading':
      return { ...state, status: 'loading' }
    case 'backend':
      return { ...state, backend: action.backend }
    case 'trainStart':
      return { ...state, status: action.paused === true ? 'paused' : 'training', ...noError }
    case 'progress': {
      const merged = state.history.concat(action.points)
      const overflow = merged.length - action.historyLimit
      return {
        ...state,
        progress: action.progress,
        history: tagHistory(overflow > 0 ? merged.slice(overflow) : merged, chart),
        model: action.model,
        modelVersion: state.modelVersion + 1,
      }
    }
    case 'paused':
      return state.status === 'training' ? { ...state, status: 'paused' } : state
    case 'resumed':
      return state.status === 'paused' ? { ...state, status: 'training' } : state
    case 'trainEnd':
      return {
        ...state,
        status: settled(action.model),
        model: action.model,
        modelVersion: state.modelVersion + 1,
      }
    case 'modelInfo':
      // A model restored into a new worker ends the start-up ('loading').
      return {
        ...state,
        status: state.status === 'loading' ? settled(action.model) : state.status,
        model: action.model,
      }
    case 'succeeded':
      if (state.errorSource !== action.source) return state
      return {
        ...state,
        status: state.status === 'error' ? settled(state.model) : state.status,
        ...noError,
      }
    case 'error': {
      const busy = state.status === 'training' || state.status === 'paused'
      return {
        ...state,
        status: busy ? state.status : 'error',
        error: action.error,
        errorSource: action.source,
        model: action.model ?? state.model,
      }
    }
    case 'crashed':
      return {
        ...state,
        status: action.model && action.model.trainedSteps > 0 ? 'ready' : 'error',
        error: action.error,
        errorSource: 'train',
        model: action.model,
        modelVersion: state.modelVersion + 1,
      }
    case 'loaded':
      // A saved model replaced the hook's: its own history was not saved.
      return {
        ...state,
        status: settled(action.model),
        progress: undefined,
        history: tagHistory([], chart),
        ...noError,
        model: action.model,
        modelVersion: state.modelVersion + 1,
      }
    case 'reset':
      return {
        ...state,
        status: 'idle',
        progress: undefined,
        history: tagHistory([], chart),
        ...noError,
        model: action.model,
        modelVersion: state.modelVersion + 1,
      }
  }
}
