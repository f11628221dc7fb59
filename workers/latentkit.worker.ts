/**
 * latentkit's worker: every built-in model family, each loaded when first used. Its first lines
 * answer the page's lifeline message (a Web Lock held for the worker's life), so a worker that dies
 * while still loading TF.js and the engines is noticed at once; the rest loads after, and the calls
 * the page makes meanwhile wait for it.
 */
import { serveAfterLoading } from './deferredStart'
import { listenForLifeline } from './lifeline'

listenForLifeline()
serveAfterLoading(() =>
  import('./latentkitMain').then(({ startLatentkitWorker }) => startLatentkitWorker()),
)
