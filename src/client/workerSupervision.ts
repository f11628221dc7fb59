/**
 * Watches a worker for death, however it dies: an `error` event, `terminate()`, `self.close()`, an
 * out-of-memory kill, or a worker that stops answering. Knows nothing of models; the pool turns a
 * death into settled calls and a fresh worker. No TF.js, no React.
 */
import * as Comlink from 'comlink'
import { WorkerCrashedError } from '../core/errors'
import { LIFELINE_HELD, LIFELINE_REQUEST, lifelineName } from '../lifelineProtocol'
import type { WorkerAPI } from '../protocol'

/** How closely workers are watched. */
export interface SupervisionSettings {
  /** Milliseconds between two heartbeats while a worker is in use. Default `1000`. */
  readonly heartbeatIntervalMs: number
  /**
   * A worker that answers no heartbeat for this many milliseconds is declared hung, terminated and
   * replaced. Default `30000`: training yields between batches and every call a caller controls is
   * size-limited, so a live worker answers well within it.
   */
  readonly unresponsiveAfterMs: number
  /**
   * A worker that has not answered its first heartbeat this many milliseconds after it was started
   * (loading its code, compiling WebAssembly) is declared dead. Default `120000`. Where Web Locks
   * exist (secure contexts), a worker that dies while loading is noticed at once instead, through the
   * lifeline its first lines take; this timeout remains for a worker that hangs while loading.
   */
  readonly startupTimeoutMs: number
  /**
   * A model whose worker dies more than this many times within {@link crashLoopWindowMs} is not
   * restored into a new worker at once (a crash loop would start worker after worker): it is kept,
   * and restored when the next `train()` or action asks for it. Default `3`.
   */
  readonly crashLoopLimit: number
  /** The window, in milliseconds, over which {@link crashLoopLimit} counts deaths. Default `60000`. */
  readonly crashLoopWindowMs: number
}

const DEFAULT_SETTINGS: SupervisionSettings = {
  heartbeatIntervalMs: 1000,
  unresponsiveAfterMs: 30_000,
  startupTimeoutMs: 120_000,
  crashLoopLimit: 3,
  crashLoopWindowMs: 60_000,
}

let settings: SupervisionSettings = DEFAULT_SETTINGS

/**
 * Changes how closely workers are watched (applies to workers started afterwards). Returns the
 * settings in force. Call with no argument to read them, or with `{}` to restore the defaults.
 */
export function configureWorkerSupervision(
  next?: Partial<SupervisionSettings>,
): SupervisionSettings {
  if (next) settings = { ...DEFAULT_SETTINGS, ...next }
  return settings
}

interface LockManagerLike {
  request(name: string, callback: () => unknown): Promise<unknown>
}

function lockManager(): LockManagerLike | undefined {
  return (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks
}

let nextLifeline = 1

/** The names of {@link WorkerAPI}'s methods (every call to the worker goes through one). */
const API_METHODS = [
  'init',
  'ping',
  'holdLifeline',
  'create',
  'train',
  'setData',
  'pause',
  'resume',
  'stop',
  'reset',
  'modelInfo',
  'snapshot',
  'call',
  'saveModel',
  'loadModel',
  'loadPreset',
  'project',
  'savedModels',
  'removeSavedModel',
  'disposeModel',
  'families',
  'memory',
  'probeReport',
] as const satisfies readonly (keyof WorkerAPI)[]

type ApiMethod = (typeof API_METHODS)[number]
// Fails to compile when WorkerAPI gains a method that is not listed above.
type Unlisted = Exclude<keyof WorkerAPI, ApiMethod>
const everyMethodListed: Unlisted extends never ? true : never = true
void everyMethodListed

/** A watched worker. */
export interface SupervisedWorker {
  /**
   * The worker's API with every call raced against its death: a call pending when the worker dies
   * rejects with the death's `WORKER_CRASHED` at once; a call made after it rejects immediately.
   */
  readonly api: Comlink.Remote<WorkerAPI>
  /** True once the worker is known dead. */
  readonly isDead: () => boolean
  /** Declares the worker dead and terminates it (`terminate` for a deliberate end). Once only. */
  readonly kill: (error: WorkerCrashedError) => void
  /** Ends the worker on purpose: no death is reported. */
  readonly terminate: () => void
}

/**
 * Starts watching `worker`. `onDeath` runs once, synchronously, before pending calls reject, so
 * listeners see the crash first. Heartbeats run only while a call is pending.
 */
export function superviseWorker(
  worker: Worker,
  onDeath: (error: WorkerCrashedError) => void,
): SupervisedWorker {
  const { heartbeatIntervalMs, unresponsiveAfterMs, startupTimeoutMs } = settings
  const remote = Comlink.wrap<WorkerAPI>(worker)
  let pending = 0
  /** The reject functions of the calls in flight: a death rejects them all. */
  const pendingRejects = new Set<(error: WorkerCrashedError) => void>()
  let dead = false
  let rejectDead: (error: WorkerCrashedError) => void = () => undefined
  const deadPromise = new Promise<never>((_, reject) => {
    rejectDead = reject
  })
  deadPromise.catch(() => undefined)
  const startedAt = Date.now()
  let started = false
  let lastAnswer = startedAt
  /** Stops listening for the worker's word that it holds its lifeline. */
  let stopWaitingForLifeline = (): void => undefined

  const end = (): void => {
    dead = true
    clearInterval(heartbeat)
    stopWaitingForLifeline()
    remote[Comlink.releaseProxy]()
    worker.terminate()
  }
  const kill = (error: WorkerCrashedError): void => {
    if (dead) return
    end()
    onDeath(error)
    rejectDead(error)
    for (const reject of [...pendingRejects]) reject(error)
  }
  const terminate = (): void => {
    if (dead) return
    end()
    const error = new WorkerCrashedError('the latentkit worker was shut down', {
      cause: 'shutdown',
    })
    rejectDead(error)
    for (const reject of [...pendingRejects]) reject(error)
  }

  worker.addEventListener('error', (event) => {
    event.preventDefault?.()
    kill(
      new WorkerCrashedError(`the latentkit worker failed: ${event.message || 'unknown error'}`, {
        cause: 'error',
      }),
    )
  })
  worker.addEventListener('messageerror', () => {
    kill(
      new WorkerCrashedError('the latentkit worker sent a message that could not be read', {
        cause: 'messageerror',
      }),
    )
  })

  // A Web Lock held by the worker is released the moment its context ends, however it ends: the
  // main thread's request for the same lock is granted then. (Secure contexts only; else heartbeats.)
  // Named in the first message the worker gets, which its entry answers before loading TF.js, so a
  // death while loading is seen too; a worker whose entry does not answer it takes the lock when
  // Comlink's `holdLifeline` reaches it.
  const locks = lockManager()
  if (locks) {
    const name = `latentkit-worker-${Date.now()}-${nextLifeline++}`
    let watching = false
    const watch = (): void => {
      stopWaitingForLifeline()
      if (watching || dead) return
      watching = true
      void locks.request(name, () => {
        kill(
          new WorkerCrashedError(
            'the latentkit worker stopped (terminated, closed itself, or was killed, e.g. out of memory)',
            { cause: 'ended' },
          ),
        )
      })
    }
    const onHeld = (event: MessageEvent): void => {
      if (lifelineName(event.data, LIFELINE_HELD) === name) watch()
    }
    worker.addEventListener('message', onHeld)
    stopWaitingForLifeline = () => worker.removeEventListener('message', onHeld)
    worker.postMessage({ [LIFELINE_REQUEST]: name })
    remote
      .holdLifeline(name)
      .then((held) => {
        if (held) watch()
      })
      .catch(() => undefined)
  }

  const heartbeat = setInterval(() => {
    if (dead) return
    const now = Date.now()
    if (!started) {
      if (now - startedAt > startupTimeoutMs) {
        kill(
          new WorkerCrashedError(
            `the latentkit worker did not start within ${Math.round(startupTimeoutMs / 1000)} s`,
            { cause: 'startup', startupTimeoutMs },
          ),
        )
        return
      }
    } else if (pending === 0) {
      lastAnswer = now
      return
    } else if (now - lastAnswer > unresponsiveAfterMs) {
      kill(
        new WorkerCrashedError(
          `the latentkit worker stopped answering for ${(unresponsiveAfterMs / 1000).toFixed(1)} s and was restarted`,
          { cause: 'unresponsive', unresponsiveAfterMs },
        ),
      )
      return
    }
    remote.ping().then(
      () => {
        started = true
        lastAnswer = Date.now()
      },
      () => undefined,
    )
  }, heartbeatIntervalMs)

  const api = {} as Record<ApiMethod, (...args: never[]) => Promise<unknown>>
  for (const method of API_METHODS) {
    api[method] = (...args: never[]) => {
      if (dead) return deadPromise
      pending += 1
      const call = (remote[method] as (...args: never[]) => Promise<unknown>)(...args)
      // Not Promise.race with the death: each race would leave a reaction on the long-lived death
      // promise holding the call's result until the worker dies (a leak the soak measured).
      return new Promise<unknown>((resolve, reject) => {
        pendingRejects.add(reject)
        call.then(resolve, reject).finally(() => {
          pendingRejects.delete(reject)
          pending -= 1
        })
      })
    }
  }
  return {
    api: api as unknown as Comlink.Remote<WorkerAPI>,
    isDead: () => dead,
    kill,
    terminate,
  }
}
