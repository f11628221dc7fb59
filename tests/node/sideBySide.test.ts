/**
 * The bench's side-by-side runner (scripts/sideBySide.mjs): jobs run at most `slots` at a time, the
 * costliest first, every value returned by name, a failure rejects; a chain's followers queued when
 * its head ends.
 */
import { describe, expect, it, vi } from 'vitest'
import { runSideBySide } from '../../scripts/sideBySide.mjs'

/** A job that records when it starts and ends, and resolves with its name after `ms`. */
function recorder() {
  const events: string[] = []
  let running = 0
  let most = 0
  const job = (name: string, cost: number, ms: number) => ({
    name,
    cost,
    run: async () => {
      events.push(`start ${name}`)
      running += 1
      most = Math.max(most, running)
      await new Promise((done) => setTimeout(done, ms))
      running -= 1
      events.push(`end ${name}`)
      return `value of ${name}`
    },
  })
  return { events, job, most: () => most }
}

describe('runSideBySide', () => {
  it('runs two at a time, costliest first, and returns every value by name', async () => {
    const { events, job, most } = recorder()
    const done: string[] = []
    const values = await runSideBySide(
      [job('small', 1, 5), job('large', 10, 40), job('medium', 5, 10), job('tiny', 0, 5)],
      2,
      (name) => done.push(name),
    )
    expect(values).toEqual({
      small: 'value of small',
      large: 'value of large',
      medium: 'value of medium',
      tiny: 'value of tiny',
    })
    expect(events.filter((e) => e.startsWith('start'))).toEqual([
      'start large',
      'start medium',
      'start small',
      'start tiny',
    ])
    expect(most()).toBe(2)
    expect([...done].sort()).toEqual(['large', 'medium', 'small', 'tiny'])
  })

  it('runs one at a time with one slot', async () => {
    const { job, most } = recorder()
    await runSideBySide([job('a', 1, 5), job('b', 2, 5), job('c', 3, 5)], 1)
    expect(most()).toBe(1)
  })

  it('opens the later slots only once their promise settles', async () => {
    const events: string[] = []
    const release = new Map<string, () => void>()
    const job = (name: string, cost: number) => ({
      name,
      cost,
      run: async () => {
        events.push(`start ${name}`)
        await new Promise<void>((done) => release.set(name, done))
        events.push(`end ${name}`)
        return name
      },
    })
    let open = (): void => {}
    const after = new Promise<void>((resolve) => {
      open = resolve
    })
    const tick = () => new Promise((done) => setTimeout(done, 0))
    const running = runSideBySide([job('a', 3), job('b', 2), job('c', 1)], 1, undefined, {
      slots: 1,
      after,
    })
    await tick()
    expect(events).toEqual(['start a'])
    open()
    await tick()
    // The later slot takes the next job at once; the first slot takes c when a ends.
    expect(events).toEqual(['start a', 'start b'])
    release.get('a')?.()
    await tick()
    expect(events).toEqual(['start a', 'start b', 'end a', 'start c'])
    release.get('b')?.()
    release.get('c')?.()
    expect(await running).toEqual({ a: 'a', b: 'b', c: 'c' })
  })

  it('rejects with a failing job', async () => {
    const failing = {
      name: 'broken',
      cost: 1,
      run: () => Promise.reject(new Error('part failed')),
    }
    await expect(runSideBySide([failing], 2)).rejects.toThrow('part failed')
  })

  it("queues a chain's followers when its head ends, its value given, and runs them side by side", async () => {
    const { events, job, most } = recorder()
    const given: string[] = []
    const head = {
      ...job('pretrain', 30, 20),
      then: (value: string) => {
        given.push(value)
        return [job('refine a', 10, 20), job('refine b', 12, 20)]
      },
    }
    const values = await runSideBySide([head], 2)
    expect(given).toEqual(['value of pretrain'])
    expect(Object.keys(values).sort()).toEqual(['pretrain', 'refine a', 'refine b'])
    // The idle slot waited for the head, then both followers ran at once, the costlier first.
    expect(events.slice(0, 4)).toEqual([
      'start pretrain',
      'end pretrain',
      'start refine b',
      'start refine a',
    ])
    expect(most()).toBe(2)
  })

  it('runs other jobs while a chain head runs, its followers in cost order among the rest', async () => {
    const { events, job } = recorder()
    const head = { ...job('head', 100, 10), then: () => [job('follower', 50, 5)] }
    await runSideBySide([head, job('long', 40, 40), job('short', 1, 5)], 2)
    const starts = events.filter((e) => e.startsWith('start'))
    expect(starts).toEqual(['start head', 'start long', 'start follower', 'start short'])
  })

  it('rejects when a chain head fails, and queues none of its followers', async () => {
    const follower = { name: 'follower', cost: 1, run: vi.fn(async () => 'never') }
    const head = {
      name: 'head',
      cost: 2,
      run: () => Promise.reject(new Error('pretraining failed')),
      then: () => [follower],
    }
    await expect(runSideBySide([head], 2)).rejects.toThrow('pretraining failed')
    expect(follower.run).not.toHaveBeenCalled()
  })

  it('refuses a slot count below one', async () => {
    await expect(runSideBySide([], 0)).rejects.toThrow(RangeError)
  })
})
