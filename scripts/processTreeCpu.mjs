// CPU seconds of the processes a process starts, and of theirs (Vitest's Chromium, its GPU and
// renderer processes), read from /proc by a worker thread twice a second. Chromium's processes are
// not all waited for by the process that started them, so their time never reaches the bench's
// cutime/cstime; sampling each process of the tree while it lives finds it. A thread of its own
// keeps sampling while the main thread is blocked in spawnSync.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'

const SAMPLE_MS = 500
/** Subtrees counted apart (`watch`): at most this many at once. */
const WATCH_SLOTS = 4

/** Fields of /proc/<pid>/stat after the command name, from field 3 (state); undefined if gone. */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/**
 * The sampling loop (in the worker): the last CPU ticks seen of every process below `root`, in
 * total[0]; the sampling thread's own in total[1]; in total[2 + i], those of the processes at and
 * below the pid in watched[i] (0: none) since it was first seen there.
 */
function sample(root, total, watched) {
  /** Ticks (utime + stime) last seen and the watched pid it is under (0: none), by `pid:starttime`. */
  const seen = new Map()
  const tick = () => {
    const children = new Map()
    const stats = new Map()
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue
      const fields = statFields(name)
      if (!fields) continue
      const pid = Number(name)
      const ppid = Number(fields[1])
      stats.set(pid, fields)
      if (!children.has(ppid)) children.set(ppid, [])
      children.get(ppid).push(pid)
    }
    const watching = Array.from(watched)
    const queue = (children.get(root) ?? []).map((pid) => [pid, 0])
    while (queue.length > 0) {
      const [pid, inherited] = queue.pop()
      const fields = stats.get(pid)
      const under = watching.includes(pid) ? pid : inherited
      // utime and stime are fields 14 and 15, starttime field 22.
      const key = `${pid}:${fields[19]}`
      // A process stays counted under the watched pid it was first seen under.
      const before = seen.get(key)
      seen.set(key, {
        ticks: Number(fields[11]) + Number(fields[12]),
        under: before?.under || under,
      })
      queue.push(...(children.get(pid) ?? []).map((child) => [child, under]))
    }
    let sum = 0
    const sums = new Float64Array(WATCH_SLOTS)
    for (const { ticks, under } of seen.values()) {
      sum += ticks
      const slot = under === 0 ? -1 : watching.indexOf(under)
      if (slot >= 0) sums[slot] += ticks
    }
    total[0] = sum
    for (let i = 0; i < WATCH_SLOTS; i++) total[2 + i] = sums[i]
    // This thread's own ticks (counted in the process's), for the caller to leave out.
    const self = statFields('thread-self')
    if (self) total[1] = Number(self[11]) + Number(self[12])
  }
  tick()
  setInterval(tick, SAMPLE_MS)
}

if (!isMainThread && workerData?.processTreeCpu) {
  sample(workerData.root, new Float64Array(workerData.total), new Int32Array(workerData.watched))
  parentPort?.postMessage('started')
}

/**
 * Starts sampling the processes below this one; `ticks()` is the sum of the CPU ticks (user +
 * system) last seen of every process below it since the start, alive or gone. A lower bound: the
 * last half second of a process, and a process living less, are missed. `ownTicks()` is the
 * sampling thread's own (about 1 % of a core), which the process's CPU time includes.
 * `watch(pid)` counts one subtree apart (a part running beside others): its `ticks()` are those of
 * the processes at and below `pid` (a lower bound likewise), read them before `stop()` frees its
 * slot. Undefined without /proc.
 */
export async function startTreeSampler() {
  if (!existsSync('/proc/self/stat')) return undefined
  const shared = new SharedArrayBuffer(8 * (2 + WATCH_SLOTS))
  const total = new Float64Array(shared)
  const watchedBuffer = new SharedArrayBuffer(4 * WATCH_SLOTS)
  const watched = new Int32Array(watchedBuffer)
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { processTreeCpu: true, root: process.pid, total: shared, watched: watchedBuffer },
  })
  await new Promise((done, fail) => {
    worker.once('message', done)
    worker.once('error', fail)
  })
  worker.unref()
  return {
    ticks: () => total[0],
    ownTicks: () => total[1],
    watch(pid) {
      const slot = watched.indexOf(0)
      if (slot < 0) throw new RangeError(`at most ${WATCH_SLOTS} subtrees watched at once`)
      // Until the next sample, nothing counted yet (the sampler sums the slot's pid's processes).
      total[2 + slot] = 0
      Atomics.store(watched, slot, pid)
      return {
        ticks: () => total[2 + slot],
        stop: () => Atomics.store(watched, slot, 0),
      }
    },
  }
}
