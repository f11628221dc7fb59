// Runs jobs a few at a time, the costliest first: how `npm run bench` runs its model-quality parts
// two at a time, each in a Node process of its own (scripts/bench.mjs).

/**
 * Runs `jobs` (each `{ name, cost, run }`, `run` returning a promise) `slots` at a time, the costliest
 * first (longest-processing-time order: on two cores, the long jobs do not end up last and alone);
 * calls `onDone(name, value)` as each ends. Resolves with every job's value by name; rejects with the
 * first failure (the jobs already started keep running). `later.slots` more slots open once
 * `later.after` settles (the bench's soak holds a core until then).
 *
 * @template T
 * @param {readonly { name: string, cost: number, run: () => Promise<T> }[]} jobs
 * @param {number} slots
 * @param {(name: string, value: T) => void} [onDone]
 * @param {{ slots: number, after: Promise<unknown> }} [later]
 * @returns {Promise<Record<string, T>>}
 */
export async function runSideBySide(jobs, slots, onDone = () => {}, later = undefined) {
  if (!(Number.isInteger(slots) && slots >= 1)) throw new RangeError(`slots must be ≥ 1: ${slots}`)
  if (later && !(Number.isInteger(later.slots) && later.slots >= 0))
    throw new RangeError(`later.slots must be ≥ 0: ${later.slots}`)
  const queue = [...jobs].sort((a, b) => b.cost - a.cost)
  /** @type {Record<string, T>} */
  const values = {}
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const value = await job.run()
      values[job.name] = value
      onDone(job.name, value)
    }
  }
  const opened = later?.after.then(
    () => undefined,
    () => undefined,
  )
  await Promise.all([
    ...Array.from({ length: Math.min(slots, jobs.length) }, worker),
    ...Array.from({ length: later?.slots ?? 0 }, () => opened?.then(worker)),
  ])
  return values
}
