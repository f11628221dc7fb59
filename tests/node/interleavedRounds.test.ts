import { describe, expect, it } from 'vitest'
import { interleave, medianOf, ratioSummary, stepTimer } from '../../bench/interleavedRounds'
import type { StepTime } from '../../bench/torchStepServer'

describe('interleaved rounds (bench)', () => {
  it('medianOf takes the middle value, or the mean of the middle two', () => {
    expect(medianOf([3, 1, 2])).toBe(2)
    expect(medianOf([4, 1, 3, 2])).toBe(2.5)
    expect(medianOf([])).toBeNaN()
  })

  it('ratioSummary pairs rounds: theirs over ours, median and range', () => {
    const summary = ratioSummary([10, 20, 10], [20, 20, 5])
    expect(summary).toEqual({ median: 1, min: 0.5, max: 2 })
  })

  it('alternates who goes first, leaves the warm-up round out, and reads ratios per round', async () => {
    const calls: string[] = []
    // A machine that slows down round by round: both sides are hit alike.
    let clock = 0
    const side =
      (name: string, base: number) =>
      async (steps: number): Promise<StepTime> => {
        calls.push(`${name}${steps}`)
        clock += 1
        return { wallMs: base * clock, cpuMs: base }
      }
    const times = await interleave(side('ours', 1), [side('torch', 2)], 3, 4)
    expect(calls).toEqual([
      'torch4',
      'ours4',
      'ours4',
      'torch4',
      'torch4',
      'ours4',
      'ours4',
      'torch4',
    ])
    expect(times.rounds).toBe(3)
    expect(times.stepsPerRound).toBe(4)
    // Counted rounds: ours at clock 3, 6, 7; torch at 4, 5, 8.
    expect(times.ours).toEqual({ wallMs: 6, cpuMs: 1 })
    expect(times.theirs).toEqual([{ wallMs: 10, cpuMs: 2 }])
    // Per round: 8 / 3, 10 / 6, 16 / 7 (the medians' ratio, 10 / 6, would be a different number).
    expect(times.wallRatio.median).toBeCloseTo(16 / 7)
    expect(times.wallRatio.min).toBeCloseTo(10 / 6)
    expect(times.wallRatio.max).toBeCloseTo(8 / 3)
    expect(times.cpuRatio).toEqual({ median: 2, min: 2, max: 2 })
  })

  it('reads every other side against ours, round by round', async () => {
    let round = 0
    const side = (perRound: readonly number[]) => async (): Promise<StepTime> => {
      const ms = perRound[Math.floor(round / 3)] ?? NaN
      round += 1
      return { wallMs: ms, cpuMs: ms }
    }
    // Rounds: warm-up, then three counted; each entry is that side's time in that round.
    const times = await interleave(
      side([9, 1, 2, 4]),
      [side([9, 3, 2, 4]), side([9, 1, 8, 2])],
      3,
      1,
    )
    expect(times.wallRatios).toHaveLength(2)
    expect(times.wallRatios[0]).toEqual({ median: 1, min: 1, max: 3 })
    expect(times.wallRatios[1]).toEqual({ median: 1, min: 0.5, max: 4 })
    expect(times.wallRatio).toEqual(times.wallRatios[0])
  })

  it('runs the untimed warm steps on each side right before its timed batch', async () => {
    const calls: string[] = []
    const side =
      (name: string, ms: number) =>
      async (steps: number): Promise<StepTime> => {
        calls.push(`${name}${steps}`)
        // A warm batch is slow: were it counted, the ratio would not be 2.
        return steps === 1 ? { wallMs: 100, cpuMs: 100 } : { wallMs: ms, cpuMs: ms }
      }
    const times = await interleave(side('ours', 1), [side('torch', 2)], 2, 5, 1)
    expect(calls).toEqual([
      'torch1',
      'torch5',
      'ours1',
      'ours5',
      'ours1',
      'ours5',
      'torch1',
      'torch5',
      'torch1',
      'torch5',
      'ours1',
      'ours5',
    ])
    expect(times.warmSteps).toBe(1)
    expect(times.ours.wallMs).toBe(1)
    expect(times.wallRatio).toEqual({ median: 2, min: 2, max: 2 })
  })

  it('stepTimer calls the step with running step numbers and says the time per step', async () => {
    const seen: number[] = []
    const timer = stepTimer((s) => {
      seen.push(s)
      const until = performance.now() + 2
      while (performance.now() < until);
    })
    const first = await timer(2)
    await timer(3)
    expect(seen).toEqual([0, 1, 2, 3, 4])
    expect(first.wallMs).toBeGreaterThanOrEqual(2)
    expect(first.cpuMs).toBeGreaterThan(0)
  })
})
