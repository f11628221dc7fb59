/**
 * The bench's process-tree CPU sampler (scripts/processTreeCpu.mjs): a watched child's subtree is
 * counted apart from another child running beside it, and both in the total.
 */
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { startTreeSampler } from '../../scripts/processTreeCpu.mjs'

/** A Node child whose grandchild spins `loops` additions (about a second per 10^8 here: a subtree of two). */
function busyChild(loops: number) {
  const spin = `let x = 0; for (let i = 0; i < ${loops}; i++) x += i; if (x < 0) console.log(x)`
  const script = `require('node:child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(spin)}])`
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' })
}
const exited = (child: ReturnType<typeof spawn>) => new Promise((done) => child.on('exit', done))

describe('startTreeSampler', () => {
  it('counts a watched subtree apart from the processes beside it', async () => {
    const sampler = await startTreeSampler()
    if (!sampler) return // no /proc here
    const before = sampler.ticks()
    const watchedChild = busyChild(1e8)
    const watch = sampler.watch(watchedChild.pid as number)
    const besideChild = busyChild(2e8)
    await Promise.all([exited(watchedChild), exited(besideChild)])
    // One more sample after both ended.
    await new Promise((done) => setTimeout(done, 700))
    const watched = watch.ticks()
    const all = sampler.ticks() - before
    watch.stop()
    // Clock ticks are 1/100 s: the watched grandchild spun about a second of CPU, the one beside it
    // twice the work, missed by the watch (the sampler misses at most the last half second of each).
    expect(watched).toBeGreaterThan(20)
    expect(all).toBeGreaterThan(watched * 1.5)
  }, 60_000)
})
