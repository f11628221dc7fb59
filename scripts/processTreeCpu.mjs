// CPU seconds of the processes a process starts, and of theirs (Vitest's Chromium, its GPU and
// renderer processes), read from /proc by a worker thread twice a second. Chromium's processes are
// not all waited for by the process that started them, so their time never reaches the bench's
// cutime/cstime; sampling each process of the tree while it lives finds it. A thread of its own
// keeps sampling while the main thread is blocked in spawnSync.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'

const SAMPLE_MS = 500

/** Fields of /proc/<pid>/stat after the command name, from field 3 (state); undefined if gone. */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** The sampling loop (in the worker): the last CPU ticks seen of every process below `root`. */
function sample(root, total) {
  /** Ticks (utime + stime) last seen, by `pid:starttime` (a pid can be reused). */
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
    const queue = [...(children.get(root) ?? [])]
    while (queue.length > 0) {
      const pid = queue.pop()
      const fields = stats.get(pid)
      // utime and stime are fields 14 and 15, starttime field 22.
      seen.set(`${pid}:${fields[19]}`, Number(fields[11]) + Number(fields[12]))
      queue.push(...(children.get(pid) ?? []))
    }
    let sum = 0
    for (const ticks of seen.values()) sum += ticks
    total[0] = sum
    // This thread's own ticks (counted in the process's), for the caller to leave out.
    const own = statFields('thread-self')
    if (own) total[1] = Number(own[11]) + Number(own[12])
  }
  tick()
  setInterval(tick, SAMPLE_MS)
}

if (!isMainThread && workerData?.processTreeCpu) {
  sample(workerData.root, new Float64Array(workerData.total))
  parentPort?.postMessage('started')
}

/**
 * Starts sampling the processes below this one; `ticks()` is the sum of the CPU ticks (user +
 * system) last seen of every process below it since the start, alive or gone. A lower bound: the
 * last half second of a process, and a process living less, are missed. `ownTicks()` is the
 * sampling thread's own (about 1 % of a core), which the process's CPU time includes. Undefined
 * without /proc.
 */
export async function startTreeSampler() {
  if (!existsSync('/proc/self/stat')) return undefined
  const shared = new SharedArrayBuffer(16)
  const total = new Float64Array(shared)
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { processTreeCpu: true, root: process.pid, total: shared },
  })
  await new Promise((done, fail) => {
    worker.once('message', done)
    worker.once('error', fail)
  })
  worker.unref()
  return { ticks: () => total[0], ownTicks: () => total[1] }
}
