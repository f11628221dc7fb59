/**
 * Shares workers between models: one worker per backend preference, started on first use and
 * terminated shortly after the last user leaves (late enough that React StrictMode's unmount and
 * remount reuse it instead of starting a second one).
 */
import * as Comlink from 'comlink'
import { createObjectIds } from '../core/objectIds'
import type { BackendInfo, BackendPreference } from '../core/backend'
import { WorkerCrashedError, fromWireError, type LatentkitError } from '../core/errors'
import type { WorkerAPI } from '../protocol'
import { createDefaultWorker } from './defaultWorker'

/** A function that starts a latentkit worker; the escape hatch for unusual bundlers or CSP setups. */
export type CreateWorker = () => Worker

/** A lease on a shared worker. */
export interface WorkerLease {
  /** The worker's API. */
  readonly api: Comlink.Remote<WorkerAPI>
  /** The backend the worker runs on (starts it on first call). */
  readonly backend: Promise<BackendInfo>
  /** Registers a callback for a worker crash; returns its remover. */
  onCrash(callback: (error: LatentkitError) => void): () => void
  /** Gives the lease back. Call once. */
  release(): void
}

interface PoolEntry {
  readonly worker: Worker
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

function start(preference: BackendPreference, createWorker: CreateWorker): PoolEntry {
  const worker = createWorker()
  created += 1
  const api = Comlink.wrap<WorkerAPI>(worker)
  const crashListeners = new Set<(error: LatentkitError) => void>()
  worker.addEventListener('error', (event) => {
    event.preventDefault?.()
    const error = new WorkerCrashedError(
      `the latentkit worker failed: ${event.message || 'unknown error'}; the model was lost, call train() to start again`,
    )
    for (const listener of crashListeners) listener(error)
  })
  const backend = (api.init(preference) as Promise<BackendInfo>).catch((error: unknown) => {
    throw fromWireError(error)
  })
  backend.catch(() => undefined)
  return { worker, api, backend, crashListeners, users: 0, terminateTimer: undefined }
}

/** Leases the shared worker for `preference`, starting it if needed. */
export function acquireWorker(
  preference: BackendPreference,
  createWorker?: CreateWorker,
): WorkerLease {
  const id = key(preference, createWorker)
  let entry = pool.get(id)
  if (!entry) {
    entry = start(preference, createWorker ?? createDefaultWorker)
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
    release() {
      if (released) return
      released = true
      leased.users -= 1
      if (leased.users > 0) return
      leased.terminateTimer = setTimeout(() => {
        if (leased.users > 0 || pool.get(id) !== leased) return
        pool.delete(id)
        leased.api[Comlink.releaseProxy]()
        leased.worker.terminate()
        terminated += 1
      }, WORKER_IDLE_MS)
    },
  }
}

/** Forgets a crashed worker so the next lease starts a fresh one. */
export function discardWorker(preference: BackendPreference, createWorker?: CreateWorker): void {
  const id = key(preference, createWorker)
  const entry = pool.get(id)
  if (!entry) return
  pool.delete(id)
  entry.worker.terminate()
  terminated += 1
}

/** Counts of workers started, terminated and alive (for tests and diagnostics). */
export function workerPoolStats(): { created: number; terminated: number; alive: number } {
  return { created, terminated, alive: pool.size }
}
