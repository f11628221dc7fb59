import { expect, test } from 'vitest'
import { SPLIT_PROBE_EVERY, SPLIT_SAMPLES, SplitChooser } from '../../src/core/kernels/splitChooser'

/** Runs `calls` calls of `key`, timing two threads at `two` ms and one at `one` ms; the ways taken. */
function run(chooser: SplitChooser, key: string, calls: number, two: number, one: number) {
  const ways: boolean[] = []
  for (let i = 0; i < calls; i++) {
    const split = chooser.split(key)
    ways.push(split)
    chooser.record(key, split, split ? two : one)
  }
  return ways
}

test('each size is timed both ways first (two threads first), then runs the faster way', () => {
  const chooser = new SplitChooser()
  const slow = run(chooser, 'gemm 12544×16×16', 20, 0.5, 0.3)
  const fast = run(chooser, 'gemm 128×784×400', 20, 1.0, 1.8)
  // Alternating while timing: two, one, two, one, …
  expect(slow.slice(0, 2 * SPLIT_SAMPLES)).toEqual([true, false, true, false, true, false])
  expect(slow.slice(2 * SPLIT_SAMPLES).every((two) => !two)).toBe(true)
  expect(fast.slice(2 * SPLIT_SAMPLES).every((two) => two)).toBe(true)
  expect(chooser.decisions()).toEqual(
    new Map([
      ['gemm 12544×16×16', false],
      ['gemm 128×784×400', true],
    ]),
  )
  expect(chooser.twoThreadCalls + chooser.oneThreadCalls).toBe(40)
  expect(chooser.oneThreadCalls).toBe(3 + 14 + 3)
})

test('a tie stays on one thread; a size still being timed has no decision', () => {
  const chooser = new SplitChooser()
  run(chooser, 'adam 118913', 2 * SPLIT_SAMPLES, 1, 1)
  expect(run(chooser, 'adam 118913', 5, 1, 1)).toEqual([false, false, false, false, false])
  run(chooser, 'gemm 64×32×1568', 3, 1, 2)
  expect(chooser.decisions()).toEqual(new Map([['adam 118913', false]]))
})

test('every so often the other way is timed again, so a size follows a change of load', () => {
  const chooser = new SplitChooser()
  // Two threads faster at first …
  const before = run(chooser, 'gemm 3136×256×32', 2 * SPLIT_SAMPLES + 2 * SPLIT_PROBE_EVERY, 1, 2)
  const probes = before.slice(2 * SPLIT_SAMPLES).filter((two) => !two)
  expect(probes).toHaveLength(2)
  // … then the machine gets busy and a hand-off costs more than the half it saves: the slower
  // two-thread timings push the median over within a few calls, and one thread takes over.
  const after = run(chooser, 'gemm 3136×256×32', 4 * SPLIT_PROBE_EVERY, 5, 2)
  expect(after.slice(0, 2)).toEqual([true, true])
  expect(after.slice(-SPLIT_PROBE_EVERY + 1).filter((two) => two).length).toBeLessThanOrEqual(1)
  expect(chooser.decisions().get('gemm 3136×256×32')).toBe(false)
  // And back when it gets quiet again: the next probe of two threads is fast.
  const quiet = run(chooser, 'gemm 3136×256×32', 4 * SPLIT_PROBE_EVERY, 1, 2)
  expect(quiet.slice(-SPLIT_PROBE_EVERY + 1).filter((two) => !two).length).toBeLessThanOrEqual(1)
  expect(chooser.decisions().get('gemm 3136×256×32')).toBe(true)
})
