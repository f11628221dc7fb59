import { afterEach, describe, expect, test, vi } from 'vitest'
import { LIFELINE_HELD, LIFELINE_REQUEST, lifelineName } from '../../src/lifelineProtocol'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  vi.resetModules()
})

/** A worker's global scope, as far as the lifeline and the deferred start use it. */
function fakeScope() {
  const target = new EventTarget()
  const posted: unknown[] = []
  const scope = Object.assign(target, {
    postMessage: (message: unknown) => posted.push(message),
  }) as EventTarget & {
    postMessage(message: unknown): void
    addEventListener(type: 'message', listener: (event: MessageEvent) => void): void
    removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void
  }
  const send = (data: unknown) => scope.dispatchEvent(new MessageEvent('message', { data }))
  return { scope, posted, send }
}

/** A lock manager whose locks are granted when `grant()` is called. */
function fakeLocks() {
  const requested: string[] = []
  const waiting: (() => void)[] = []
  return {
    requested,
    grant: () => {
      for (const run of waiting.splice(0)) run()
    },
    locks: {
      request(name: string, callback: () => Promise<never>): Promise<unknown> {
        requested.push(name)
        return new Promise((resolve) => waiting.push(() => resolve(callback())))
      },
    },
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('the lifeline protocol', () => {
  test('reads the lock name of its own messages only', () => {
    expect(lifelineName({ [LIFELINE_REQUEST]: 'a' }, LIFELINE_REQUEST)).toBe('a')
    expect(lifelineName({ [LIFELINE_HELD]: 'a' }, LIFELINE_REQUEST)).toBeUndefined()
    for (const other of [null, undefined, 3, 'latentkitLifeline', { id: 'x', type: 'APPLY' }]) {
      expect(lifelineName(other, LIFELINE_REQUEST)).toBeUndefined()
    }
    expect(lifelineName({ [LIFELINE_REQUEST]: 7 }, LIFELINE_REQUEST)).toBeUndefined()
  })
})

describe("the worker's first lines", () => {
  test('take the named lock, say so once held, and keep the message from every later listener', async () => {
    const fake = fakeLocks()
    vi.stubGlobal('navigator', { locks: fake.locks })
    const { listenForLifeline, holdLifeline } = await import('../../workers/lifeline')
    const { scope, posted, send } = fakeScope()
    listenForLifeline(scope)
    listenForLifeline(scope)
    const later: unknown[] = []
    scope.addEventListener('message', (event) => later.push(event.data))
    send({ [LIFELINE_REQUEST]: 'lock-1' })
    send({ id: 'call-1' })
    expect(fake.requested).toEqual(['lock-1'])
    expect(later).toEqual([{ id: 'call-1' }])
    await flush()
    expect(posted).toEqual([])
    fake.grant()
    await flush()
    expect(posted).toEqual([{ [LIFELINE_HELD]: 'lock-1' }])
    // Comlink's holdLifeline for the same name is the same lock, not a second request.
    expect(await holdLifeline('lock-1')).toBe(true)
    expect(fake.requested).toEqual(['lock-1'])
  })

  test('without Web Locks nothing is posted and holdLifeline says false (the page falls back on its timeout)', async () => {
    vi.stubGlobal('navigator', {})
    const { listenForLifeline, holdLifeline } = await import('../../workers/lifeline')
    const { scope, posted, send } = fakeScope()
    listenForLifeline(scope)
    send({ [LIFELINE_REQUEST]: 'lock-2' })
    await flush()
    expect(posted).toEqual([])
    expect(await holdLifeline('lock-2')).toBe(false)
  })

  test('hold the messages that come while the rest loads and deliver them, in order, to what it installs', async () => {
    const { serveAfterLoading } = await import('../../workers/deferredStart')
    const { scope, send } = fakeScope()
    const served: unknown[] = []
    let finishLoading: () => void = () => undefined
    serveAfterLoading(
      () =>
        new Promise<void>((resolve) => {
          finishLoading = () => {
            scope.addEventListener('message', (event) => served.push(event.data))
            resolve()
          }
        }),
      scope,
    )
    send({ id: 1 })
    send({ id: 2 })
    await flush()
    expect(served).toEqual([])
    finishLoading()
    await flush()
    expect(served).toEqual([{ id: 1 }, { id: 2 }])
    send({ id: 3 })
    expect(served).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }])
  })

  test('a rest that fails to load is thrown uncaught, as a failed static import would be', async () => {
    const { serveAfterLoading } = await import('../../workers/deferredStart')
    const { scope } = fakeScope()
    vi.useFakeTimers()
    serveAfterLoading(() => Promise.reject(new Error('chunk failed to load')), scope)
    await Promise.resolve()
    await Promise.resolve()
    expect(() => vi.runAllTimers()).toThrow('chunk failed to load')
  })
})
