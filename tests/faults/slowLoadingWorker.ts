/**
 * latentkit's worker built as its entry (workers/latentkit.worker.ts) is, lifeline first, with its
 * loading made to take as long as the worker's name says (`new Worker(url, { name: 'delay=60000' })`):
 * a worker killed while still loading, for the supervision tests.
 */
import { serveAfterLoading } from '../../workers/deferredStart'
import { listenForLifeline } from '../../workers/lifeline'

listenForLifeline()
const delayMs = Number(/delay=(\d+)/.exec(self.name)?.[1] ?? 0)
serveAfterLoading(async () => {
  await new Promise((resolve) => setTimeout(resolve, delayMs))
  const { startLatentkitWorker } = await import('../../workers/latentkitMain')
  startLatentkitWorker()
})
