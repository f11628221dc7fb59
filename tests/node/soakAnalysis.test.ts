/**
 * The soak's section of the bench report (bench/soakAnalysis.ts): it says when the first crash came
 * after waiting for training, and what ran beside the soak when the bench ran it beside other work.
 */
import { describe, expect, it } from 'vitest'
import { analyzeSoak, soakMarkdown, type SoakRaw } from '../../bench/soakAnalysis'

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
})
