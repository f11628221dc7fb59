/**
 * Shares workers between models: one worker per backend preference, started on first use and
 * terminated shortly after the last user leaves (late enough that React StrictMode's unmount and
 * remount reuse it instead of starting a second one). Every worker is supervised: when it dies, its
 * users hear of it, their pending calls reject with `WORKER_CRASHED`, and the pool forgets it, so
 * the next lease starts a fresh one.
 */
import type * as Comlink from 'comlink'
import { createObjectIds } from '../core/objectIds'
import type { BackendInfo, BackendPreference } from '../core/backend'
import { WorkerCrashedError, fromWireError, type LatentkitError } from '../core/errors'
import type { WorkerAPI } from '../protocol'
import { createDefaultWorker } from './defaultWorker'
import { superviseWorker, type SupervisedWorker } from './workerSupervision'

/** A function that starts a latentkit worker; the escape hatch for unusual bundlers or CSP setups. */
export type CreateWorker = () => Worker

/** A lease on a shared worker. */
export interface WorkerLease {
  /** The worker's API. */
  readonly api: Comlink.Remote<WorkerAPI>
  /** The backend the worker runs on (starts it on first call). */
  readonly backend: Promise<BackendInfo>
  /**
   * Registers a callback for the worker's death (crash, termination, hang); returns its remover.
   * It runs before the calls pending at the death reject.
   */
  onCrash(callback: (error: LatentkitError) => void): () => void
  /** True once the worker is known dead: lease again for a fresh one. */
  readonly isDead: () => boolean
  /**
   * Ends the worker because its state can no longer be trusted (`reason`, e.g. `OUT_OF_MEMORY` with
   * `details.restartWorker`): every user hears of it as a death, and models come back from snapshots.
   */
  restart(reason: LatentkitError): void
  /** Gives the lease back. Call once. */
  release(): void
}

interface PoolEntry {
  readonly supervised: SupervisedWorker
  readonly api: Comlink.Remote<WorkerAPI>
  readonly backend: Promise<BackendInfo>
  readonly crashListeners: Set<(error: LatentkitError) => void>
  users: number
  terminateTimer: ReturnType<typeof setTimeout> | undefined
}

const pool = new Map<string, PoolEntry>()
let created = 0
let terminated = 0

/** Milliseconds a worker with no users lives on before it is terminated. */
export const WORKER_IDLE_MS = 50

function key(preference: BackendPreference, createWorker: CreateWorker | undefined): string {
  return createWorker ? `custom:${preference}:${poolIdOf(createWorker)}` : preference
}

const poolIdOf = createObjectIds<CreateWorker>()

function start(id: string, preference: BackendPreference, createWorker: CreateWorker): PoolEntry {
  const worker = createWorker()
  created += 1
  const crashListeners = new Set<(error: LatentkitError) => void>()
  const supervised = superviseWorker(worker, (error) => {
    terminated += 1
    if (pool.get(id) === entry) pool.delete(id)
    for (const listener of [...crashListeners]) listener(error)
  })
  const api = supervised.api
  const backend = (api.init(preference) as Promise<BackendInfo>).catch((error: unknown) => {
    throw fromWireError(error)
  })
  backend.catch(() => undefined)
  const entry: PoolEntry = {
    supervised,
    api,
    backend,
    crashListeners,
    users: 0,
    terminateTimer: undefined,
  }
  return entry
}

/** Leases the shared worker for `preference`, starting it if needed. */
export function acquireWorker(
  preference: BackendPreference,
  createWorker?: CreateWorker,
): WorkerLease {
  const id = key(preference, createWorker)
  let entry = pool.get(id)
  if (!entry || entry.supervised.isDead()) {
    entry = start(id, preference, createWorker ?? createDefaultWorker)
    pool.set(id, entry)
  }
  const leased = entry
  if (leased.terminateTimer !== undefined) {
    clearTimeout(leased.terminateTimer)
    leased.terminateTimer = undefined
  }
  leased.users += 1
  let released = false
  return {
    api: leased.api,
    backend: leased.backend,
    onCrash(callback) {
      leased.crashListeners.add(callback)
      return () => leased.crashListeners.delete(callback)
    },
    isDead: () => leased.supervised.isDead(),
    restart(reason) {
      leased.supervised.kill(
        new WorkerCrashedError(`the latentkit worker was restarted: ${reason.message}`, {
          cause: 'restarted',
          reason: reason.code,
        }),
      )
    },
    release() {
      if (released) return
      released = true
      leased.users -= 1
      if (leased.users > 0) return
      leased.terminateTimer = setTimeout(() => {
        if (leased.users > 0 || pool.get(id) !== leased) return
        pool.delete(id)
        leased.supervised.terminate()
        terminated += 1
      }, WORKER_IDLE_MS)
    },
  }
}

/** Counts of workers started, terminated and alive (for tests and diagnostics). */
export function workerPoolStats(): { created: number; terminated: number; alive: number } {
  return { created, terminated, alive: pool.size }
}
