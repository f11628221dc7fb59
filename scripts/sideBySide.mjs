// Runs jobs a few at a time, the costliest first: how `npm run bench` runs its model-quality parts
// two at a time, each in a Node process of its own (scripts/bench.mjs).

/**
 * Runs `jobs` (each `{ name, cost, run }`, `run` returning a promise) `slots` at a time, the costliest
 * first (longest-processing-time order: on two cores, the long jobs do not end up last and alone);
 * calls `onDone(name, value)` as each ends. Resolves with every job's value by name; rejects with the
 * first failure (the jobs already started keep running).
 *
 * @template T
 * @param {readonly { name: string, cost: number, run: () => Promise<T> }[]} jobs
 * @param {number} slots
 * @param {(name: string, value: T) => void} [onDone]
 * @returns {Promise<Record<string, T>>}
 */
export async function runSideBySide(jobs, slots, onDone = () => {}) {
  if (!(Number.isInteger(slots) && slots >= 1)) throw new RangeError(`slots must be ≥ 1: ${slots}`)
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
  await Promise.all(Array.from({ length: Math.min(slots, jobs.length) }, worker))
  return values
}
