// Runs jobs a few at a time, the costliest first: how `npm run bench` runs its model-quality parts
// two at a time, each in a Node process of its own (scripts/bench.mjs).

/**
 * A job: `run` returns a promise; `then`, when given, returns the jobs to queue once it has ended.
 *
 * @template T
 * @typedef {{ name: string, cost: number, run: () => Promise<T>, then?: (value: T) => readonly Job<T>[] }} Job
 */

/**
 * Runs `jobs` `slots` at a time, the costliest first (longest-processing-time order: on two cores,
 * the long jobs do not end up last and alone); calls `onDone(name, value)` as each ends. A job with
 * `then(value)` heads a chain: the jobs it returns join the queue when it ends, in cost order (so a
 * chain's head should cost the chain's length, to start early); a slot that finds the queue empty
 * while a chain's head runs waits for it. Resolves with every job's value by name; rejects with the
 * first failure (the jobs already started keep running). `later.slots` more slots open once
 * `later.after` settles (the bench's soak holds a core until then).
 *
 * @template T
 * @param {readonly Job<T>[]} jobs
 * @param {number} slots
 * @param {(name: string, value: T) => void} [onDone]
 * @param {{ slots: number, after: Promise<unknown> }} [later]
 * @returns {Promise<Record<string, T>>}
 */
export async function runSideBySide(jobs, slots, onDone = () => {}, later = undefined) {
  if (!(Number.isInteger(slots) && slots >= 1)) throw new RangeError(`slots must be ≥ 1: ${slots}`)
  if (later && !(Number.isInteger(later.slots) && later.slots >= 0))
    throw new RangeError(`later.slots must be ≥ 0: ${later.slots}`)
  const byCost = (a, b) => b.cost - a.cost
  const queue = [...jobs].sort(byCost)
  /** @type {Record<string, T>} */
  const values = {}
  /** The running heads of chains: their followers are not queued yet. */
  const heads = new Set()
  /** Runs a job to its end, then queues its followers. */
  const start = (job) => {
    const ended = job.run().then((value) => {
      values[job.name] = value
      onDone(job.name, value)
      if (job.then) {
        queue.push(...job.then(value))
        queue.sort(byCost)
      }
    })
    if (job.then) {
      heads.add(ended)
      ended.then(
        () => heads.delete(ended),
        () => heads.delete(ended),
      )
    }
    return ended
  }
  const worker = async () => {
    for (;;) {
      const job = queue.shift()
      if (job) await start(job)
      else if (heads.size > 0) await Promise.race(heads)
      else return
    }
  }
  const opened = later?.after.then(
    () => undefined,
    () => undefined,
  )
  await Promise.all([
    ...Array.from({ length: slots }, worker),
    ...Array.from({ length: later?.slots ?? 0 }, () => opened?.then(worker)),
  ])
  return values
}
