/**
 * Two or more step timers interleaved in rounds, so that the slow drift of a shared machine (its
 * load, its clock) hits every side alike: each round runs the same number of steps on every side,
 * in alternating order (ours first in even rounds, last in odd ones), after one warm-up round that
 * is not counted. A ratio is read per round, then summarised by its median and range.
 *
 * A side that sat idle while the others ran comes back cold: PyTorch's convolutional GAN step,
 * 16–36 ms back to back, took 27–93 ms after half a second of idling (measured on this project's
 * 2-core machine: its thread pool and caches). So each side may run a few untimed steps right
 * before each timed batch (`warmSteps`), which every side gets alike.
 */
import type { StepTime } from './torchStepServer'

/** Runs `steps` steps and says their mean time per step. */
export type StepTimer = (steps: number) => Promise<StepTime>

/** A ratio over rounds: the median of the per-round ratios, and their least and greatest. */
export interface RatioSummary {
  readonly median: number
  readonly min: number
  readonly max: number
}

/** One side's times over the counted rounds: the median per step of each clock. */
export interface SideTimes {
  readonly wallMs: number
  readonly cpuMs: number
}

/** What {@link interleave} measured. */
export interface InterleavedTimes {
  readonly rounds: number
  readonly stepsPerRound: number
  /** Untimed steps each side ran right before each of its timed batches. */
  readonly warmSteps: number
  /** Our side's median times per step. */
  readonly ours: SideTimes
  /** Each other side's median times per step, in the order given. */
  readonly theirs: readonly SideTimes[]
  /** The first other side's time over ours per round (above 1: ours is faster), wall clock. */
  readonly wallRatio: RatioSummary
  /** Each other side's time over ours per round, wall clock, in the order given. */
  readonly wallRatios: readonly RatioSummary[]
  /** The same in CPU time. */
  readonly cpuRatio: RatioSummary
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  if (sorted.length === 0) return NaN
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Median and range of the ratios `theirs[i] / ours[i]`, round by round. */
export function ratioSummary(ours: readonly number[], theirs: readonly number[]): RatioSummary {
  const ratios = ours.map((value, i) => (theirs[i] ?? NaN) / value)
  return { median: medianOf(ratios), min: Math.min(...ratios), max: Math.max(...ratios) }
}

/**
 * Runs `rounds` counted rounds (after one warm-up round) of `steps` steps on `ours` and on each of
 * `theirs`, alternating who goes first, each timed batch right after `warmSteps` untimed steps on
 * the same side (default 0); the ratios compare `theirs[0]` with `ours`.
 */
export async function interleave(
  ours: StepTimer,
  theirs: readonly StepTimer[],
  rounds: number,
  steps: number,
  warmSteps = 0,
): Promise<InterleavedTimes> {
  const sides = [ours, ...theirs]
  const times: StepTime[][] = sides.map(() => [])
  for (let round = -1; round < rounds; round++) {
    const order = sides.map((_, i) => i)
    if (round % 2 !== 0) order.reverse()
    for (const i of order) {
      if (warmSteps > 0) await sides[i]!(warmSteps)
      const time = await sides[i]!(steps)
      if (round >= 0) times[i]!.push(time)
    }
  }
  const median = (list: readonly StepTime[]): SideTimes => ({
    wallMs: medianOf(list.map((t) => t.wallMs)),
    cpuMs: medianOf(list.map((t) => t.cpuMs)),
  })
  const [mine = [], reference = []] = times
  const wallRatios = times.slice(1).map((side) =>
    ratioSummary(
      mine.map((t) => t.wallMs),
      side.map((t) => t.wallMs),
    ),
  )
  return {
    rounds,
    stepsPerRound: steps,
    warmSteps,
    ours: median(mine),
    theirs: times.slice(1).map(median),
    wallRatio:
      wallRatios[0] ??
      ratioSummary(
        mine.map((t) => t.wallMs),
        [],
      ),
    wallRatios,
    cpuRatio: ratioSummary(
      mine.map((t) => t.cpuMs),
      reference.map((t) => t.cpuMs),
    ),
  }
}

/**
 * Times `steps` calls of the synchronous or asynchronous `step` (called with a running step
 * number): wall clock and this process's CPU time (all its threads), per step.
 */
export function stepTimer(step: (s: number) => unknown): StepTimer {
  let next = 0
  return async (steps) => {
    const cpu = process.cpuUsage()
    const wall = performance.now()
    for (let s = 0; s < steps; s++) await step(next++)
    const wallMs = (performance.now() - wall) / steps
    const used = process.cpuUsage(cpu)
    return { wallMs, cpuMs: (used.user + used.system) / 1000 / steps }
  }
}
