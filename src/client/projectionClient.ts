/**
 * Projects codes to 2-D in the shared worker, for `useProjection`: checks codes and options on the
 * main thread (typed errors before anything is sent), leases the worker on first use, follows
 * UMAP's progress, and keeps only the latest call's result.
 */
import * as Comlink from 'comlink'
import type { BackendPreference } from '../core/backend'
import { CancelledError, fromWireError, type LatentkitError } from '../core/errors'
import {
  checkCodes,
  resolveProjectionOptions,
  type CodesInput,
  type Projection,
  type ProjectionOptions,
  type ProjectionProgress,
} from '../core/projection/projectionOptions'
import { Subscribable } from './subscribable'
import { acquireWorker, type CreateWorker, type WorkerLease } from './workerPool'

/** Options of a projection client (and of `useProjection`). */
export interface ProjectionClientOptions {
  /** Backend of the worker (shared with models of the same preference). Default `'auto'`. */
  readonly backend?: BackendPreference
  /** Starts the worker yourself (unusual bundlers, CSP). Default: latentkit's worker. */
  readonly createWorker?: CreateWorker
}

/** The state of a projection client. */
export interface ProjectionState {
  /** `'idle'` before the first call, `'projecting'` while one runs, then `'ready'` or `'error'`. */
  readonly status: 'idle' | 'projecting' | 'ready' | 'error'
  /** The latest finished map. */
  readonly projection: Projection | undefined
  /** Progress of the running projection (UMAP epochs). */
  readonly progress: ProjectionProgress | undefined
  /** Why the latest call failed (a typed error with `code`). */
  readonly error: LatentkitError | undefined
}

const IDLE: ProjectionState = {
  status: 'idle',
  projection: undefined,
  progress: undefined,
  error: undefined,
}

/** Projects codes in the worker; subscribe for its state. */
export class ProjectionClient extends Subscribable {
  private state: ProjectionState = IDLE
  private lease: WorkerLease | undefined
  private removeCrashListener: (() => void) | undefined
  private call = 0

  constructor(private readonly options: ProjectionClientOptions = {}) {
    super()
    this.getSnapshot = this.getSnapshot.bind(this)
    this.project = this.project.bind(this)
    this.projectAsync = this.projectAsync.bind(this)
  }

  /** The current state (a new object only when it changed). */
  getSnapshot(): ProjectionState {
    return this.state
  }

  private set(next: Partial<ProjectionState>): void {
    this.state = { ...this.state, ...next }
    for (const listener of this.listeners) listener()
  }

  private ensureLease(): WorkerLease {
    if (!this.lease || this.lease.isDead()) {
      this.release()
      const lease = acquireWorker(this.options.backend ?? 'auto', this.options.createWorker)
      this.lease = lease
      this.removeCrashListener = lease.onCrash(() => this.release())
    }
    return this.lease
  }

  /**
   * The 2-D map of `codes`; rejects with a typed error (`INVALID_OPTION`, `INVALID_INPUT`,
   * `SHAPE_MISMATCH`, `NON_FINITE_INPUT`, `WORKER_CRASHED`), or `CANCELLED` when a later call
   * replaced it.
   */
  async projectAsync(codes: CodesInput, options: ProjectionOptions = {}): Promise<Projection> {
    const call = ++this.call
    try {
      const resolved = resolveProjectionOptions(options)
      const batch = checkCodes(codes, resolved)
      this.set({ status: 'projecting', progress: undefined, error: undefined })
      const lease = this.ensureLease()
      await lease.backend
      const onProgress = Comlink.proxy((progress: ProjectionProgress) => {
        if (call === this.call) this.set({ progress })
      })
      // A copy crosses, so the caller's codes stay usable.
      const sent = { data: batch.data.slice(), shape: batch.shape }
      const projection = await lease.api
        .project(Comlink.transfer(sent, [sent.data.buffer]), options, onProgress)
        .catch((error: unknown) => {
          throw fromWireError(error)
        })
      if (call !== this.call) {
        throw new CancelledError('a later projection replaced this one; its result was dropped')
      }
      this.set({ status: 'ready', projection, error: undefined })
      return projection
    } catch (error) {
      const typed = fromWireError(error)
      if (call === this.call) this.set({ status: 'error', error: typed })
      throw typed
    }
  }

  /** As {@link ProjectionClient.projectAsync}, but never rejects: a failure goes to `error`. */
  project(codes: CodesInput, options?: ProjectionOptions): Promise<Projection | undefined> {
    return this.projectAsync(codes, options).catch(() => undefined)
  }

  /** Gives the worker back (a later call leases it again). */
  release(): void {
    this.removeCrashListener?.()
    this.removeCrashListener = undefined
    this.lease?.release()
    this.lease = undefined
  }
}
