/**
 * The soak's worker entry, built as latentkit's own (workers/latentkit.worker.ts): its first lines
 * take the page's lifeline, so a worker that dies while still loading is noticed at once, then the
 * rest (soakWorkerMain.ts: the real worker, fault injection and the memory probe) loads, receiving
 * the messages that came meanwhile.
 */
import { serveAfterLoading } from '../../workers/deferredStart'
import { listenForLifeline } from '../../workers/lifeline'

listenForLifeline()
serveAfterLoading(() => import('./soakWorkerMain'))
