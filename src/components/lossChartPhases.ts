/** Where a training history changes phase (DEC's pretraining and refinement, a stacked autoencoder's layers). No DOM. */
import type { HistoryPointLike } from './lossChartGeometry'

/** The first step of one phase. */
export interface PhaseStart {
  /** The phase's name, as the history points carry it in `phase`. */
  readonly phase: string
  /** Step of its first point. */
  readonly step: number
}

/**
 * The phases of `history` in order, each with its first step: one entry per run of consecutive
 * points sharing a string `phase`. Empty when the points carry no phase.
 */
export function phaseStarts(history: readonly HistoryPointLike[]): PhaseStart[] {
  const starts: PhaseStart[] = []
  let current: string | undefined
  for (const point of history) {
    const phase = (point as unknown as { readonly phase?: unknown }).phase
    if (typeof phase !== 'string' || phase === current) continue
    current = phase
    starts.push({ phase, step: point.step })
  }
  return starts
}

/** The phases in words, for the chart's text: `Phases: layer 1 from step 1, fine-tune from step 90.` */
export function describePhases(starts: readonly PhaseStart[]): string {
  if (starts.length === 0) return ''
  return `Phases: ${starts.map((s) => `${s.phase} from step ${s.step}`).join(', ')}.`
}
