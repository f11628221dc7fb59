/**
 * The soak's instruments on the page side: a `createWorker` that starts the soak's worker
 * (latentkit's worker + fault injection + a memory probe), and DevTools (the Chrome DevTools
 * Protocol session Vitest gives a test) to force garbage collections and read the JavaScript heaps of
 * the page and of the worker, and to count the dedicated workers alive.
 */
import * as Comlink from 'comlink'
import { cdp } from 'vitest/browser'
import type { HeapUsage, SoakFault, WorkerReading } from '../soakAnalysis'

export type { WorkerReading } from '../soakAnalysis'

/** What the probe in the soak's worker answers. */
export interface SoakProbe {
  reading(): WorkerReading
}

/** A worker the soak started. */
export interface SoakWorker {
  /** 1 for the first, 2 for the one after the first crash, … */
  readonly index: number
  /** `performance.now()` when it was started. */
  readonly startedAt: number
  readonly worker: Worker
  readonly probe: Comlink.Remote<SoakProbe>
}

/** Rejects after `ms` unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * A `createWorker` for the models' options. Only the newest worker is kept (older ones are dead and
 * must be free to be collected, or the soak itself would leak them).
 */
export function soakWorkerFactory(): {
  readonly createWorker: () => Worker
  /** The newest worker started. */
  current(): SoakWorker | undefined
  /** Makes the newest worker fail in the way named. */
  inject(fault: SoakFault): void
} {
  let current: { soak: SoakWorker; port: MessagePort } | undefined
  let started = 0
  const createWorker = (): Worker => {
    const worker = new Worker(new URL('./soakWorker.ts', import.meta.url), {
      type: 'module',
      name: 'latentkit-soak',
    })
    const channel = new MessageChannel()
    worker.postMessage({ soakProbe: channel.port2 }, [channel.port2])
    current?.port.close()
    started += 1
    current = {
      soak: {
        index: started,
        startedAt: performance.now(),
        worker,
        probe: Comlink.wrap<SoakProbe>(channel.port1),
      },
      port: channel.port1,
    }
    return worker
  }
  return {
    createWorker,
    current: () => current?.soak,
    inject(fault) {
      const worker = current?.soak.worker
      if (!worker) throw new Error('no soak worker started yet')
      if (fault === 'terminate') worker.terminate()
      else worker.postMessage({ fault })
    },
  }
}

interface ProtocolReply {
  readonly id?: number
  readonly result?: unknown
  readonly error?: { readonly message?: string }
}

/**
 * DevTools on the page and on its dedicated workers. A worker is reached by attaching to its target
 * in non-flat mode (`Target.attachToTarget` + `Target.sendMessageToTarget`), as the session Vitest
 * exposes speaks to the page only.
 */
export class DevTools {
  private readonly session = cdp()
  /** Session ids of the workers attached to, by target id. */
  private readonly attached = new Map<string, string>()
  private readonly waiting = new Map<number, (reply: ProtocolReply) => void>()
  private nextId = 1

  async start(): Promise<void> {
    // Vitest opens the DevTools session on the first command; a listener registered before that is
    // lost. Hence a command first, the listener, then a round trip that lands after its registration.
    await this.session.send('Runtime.getHeapUsage')
    this.session.on('Target.receivedMessageFromTarget', (event) => {
      const reply = JSON.parse(event.message) as ProtocolReply
      if (typeof reply.id !== 'number') return
      const resolve = this.waiting.get(reply.id)
      this.waiting.delete(reply.id)
      resolve?.(reply)
    })
    await this.session.send('Runtime.getHeapUsage')
  }

  /** The JS heap of the page (its renderer's main isolate), after a full garbage collection. */
  async pageHeap(): Promise<HeapUsage> {
    await this.session.send('HeapProfiler.collectGarbage')
    return (await this.session.send('Runtime.getHeapUsage')) as HeapUsage
  }

  /** The dedicated workers alive in the page (`Target.getTargets`), oldest first. */
  async workerTargets(): Promise<{ readonly targetId: string; readonly url: string }[]> {
    const { targetInfos } = await this.session.send('Target.getTargets')
    const workers = targetInfos.filter((target) => target.type === 'worker')
    // Forget the sessions of workers that are gone.
    for (const targetId of [...this.attached.keys()]) {
      if (!workers.some((w) => w.targetId === targetId)) this.attached.delete(targetId)
    }
    return workers.map((w) => ({ targetId: w.targetId, url: w.url }))
  }

  /**
   * The JS heap of the newest worker whose URL contains `urlPart`, after a full garbage collection;
   * null when there is none or it does not answer within `timeoutMs`.
   */
  async workerHeap(urlPart: string, timeoutMs: number): Promise<HeapUsage | null> {
    try {
      const target = (await this.workerTargets()).filter((w) => w.url.includes(urlPart)).at(-1)
      if (!target) return null
      let sessionId = this.attached.get(target.targetId)
      if (!sessionId) {
        const attached = await this.session.send('Target.attachToTarget', {
          targetId: target.targetId,
          flatten: false,
        })
        sessionId = attached.sessionId
        this.attached.set(target.targetId, sessionId)
      }
      await this.workerCall(sessionId, 'HeapProfiler.collectGarbage', timeoutMs)
      return (await this.workerCall(sessionId, 'Runtime.getHeapUsage', timeoutMs)) as HeapUsage
    } catch {
      return null
    }
  }

  private async workerCall(sessionId: string, method: string, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++
    const reply = new Promise<ProtocolReply>((resolve) => this.waiting.set(id, resolve))
    try {
      await this.session.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method }),
      })
      const answer = await withTimeout(reply, timeoutMs, method)
      if (answer.error) throw new Error(answer.error.message ?? `${method} failed`)
      return answer.result
    } finally {
      this.waiting.delete(id)
    }
  }
}
