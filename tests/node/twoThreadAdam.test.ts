import { afterAll, expect, test } from 'vitest'
import { Worker } from 'node:worker_threads'
import { spawnNodeKernelThread } from '../../bench/nodeKernelThread'
import {
  CONTROL_WORDS,
  DONE,
  FAILED,
  JOB,
  READY,
  SpinBudget,
} from '../../src/core/kernels/kernelThreadProtocol'
import { TWO_THREAD_MINIMUM_ADAM, TwoThreadGemm } from '../../src/core/kernels/twoThreadGemm'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'

// Node 20 runs plain SIMD only (relaxed SIMD sits behind a flag), so the shared plain-SIMD build.
const compiled = await compileKernelBuild('simd', true)
if (!compiled) throw new Error('the shared kernel build does not compile in this Node')

const disposers: (() => void)[] = []
afterAll(() => disposers.forEach((dispose) => dispose()))

async function ready(threads: TwoThreadGemm): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!threads.helperReady) {
    if (Date.now() > deadline) throw new Error('the helper thread did not start')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Parameters, gradients and both moments of `n` values, seeded, in `memory`. */
function adamBuffers(memory: KernelMemory, n: number, seed: number) {
  const random = createRandom(seed)
  const [p, g, m, v] = [0, 1, 2, 3].map(() => memory.alloc(n)) as [number, number, number, number]
  memory.view(p, n).set(random.normals(n))
  return { p, g, m, v, n, gradients: () => memory.view(g, n).set(random.normals(n)) }
}

/** Index of the first value whose bits differ between `a` and `b` (-1: bit-identical). */
function firstDifference(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  const bits = (arrays: readonly Float32Array[]) =>
    arrays.map((array) => new Uint32Array(array.buffer, array.byteOffset, array.length))
  const [x, y] = [bits(a), bits(b)]
  for (let i = 0; i < x.length; i++) {
    const [u, w] = [x[i] ?? new Uint32Array(), y[i] ?? new Uint32Array()]
    if (u.length !== w.length) return 0
    for (let j = 0; j < u.length; j++) if (u[j] !== w[j]) return j
  }
  return a.length === b.length ? -1 : 0
}

/** Three Adam steps on one thread and through `threads`, from the same start; copies of each side. */
function bothUpdates(threads: TwoThreadGemm, memory: KernelMemory, n: number) {
  const one = adamBuffers(memory, n, 1)
  const two = adamBuffers(memory, n, 1)
  for (let step = 1; step <= 3; step++) {
    one.gradients()
    two.gradients()
    const settings = [1e-3, 0.9, 0.999, 1 - 0.9 ** step, 1 - 0.999 ** step, 1e-7] as const
    memory.kernels.adam(one.p, one.g, one.m, one.v, n, ...settings)
    threads.adam(two.p, two.g, two.m, two.v, n, ...settings)
  }
  const copy = (b: typeof one) => [b.p, b.m, b.v].map((offset) => memory.view(offset, n).slice())
  return { one: copy(one), two: copy(two) }
}

test('two threads give bit-identical Adam updates (the reference VAE size, an odd size, the smallest split)', async () => {
  const memory = new KernelMemory(compiled)
  const threads = new TwoThreadGemm(memory, spawnNodeKernelThread)
  disposers.push(() => threads.dispose())
  await ready(threads)
  const sizes = [652_824, 100_003, TWO_THREAD_MINIMUM_ADAM]
  for (const n of sizes) {
    const { one, two } = bothUpdates(threads, memory, n)
    expect(firstDifference(one, two)).toBe(-1)
    expect(Array.from(two[0] ?? []).every(Number.isFinite)).toBe(true)
  }
  expect(threads.splitCount).toBe(3 * sizes.length)
}, 60_000)

test('an Adam update too small to pay stays on one thread; with spinning off, nothing spins', async () => {
  const memory = new KernelMemory(compiled)
  const threads = new TwoThreadGemm(memory, spawnNodeKernelThread)
  disposers.push(() => threads.dispose())
  threads.spinMicroseconds = 0
  await ready(threads)
  const small = bothUpdates(threads, memory, TWO_THREAD_MINIMUM_ADAM - 1)
  expect(firstDifference(small.one, small.two)).toBe(-1)
  expect(threads.splitCount).toBe(0)
  const large = bothUpdates(threads, memory, 200_000)
  expect(firstDifference(large.one, large.two)).toBe(-1)
  expect(threads.splitCount).toBe(3)
  expect(threads.spin.spun + threads.spin.slept).toBe(0)
}, 60_000)

test('a helper whose Adam half throws: the caller updates that half itself and stays on one thread', async () => {
  const memory = new KernelMemory(compiled)
  const reasons: string[] = []
  const threads = new TwoThreadGemm(
    memory,
    (start) => {
      // Claims every job and reports it failed, as a helper whose kernel trapped would.
      const failing = new Worker(
        `const { workerData } = require('node:worker_threads')
        const words = new Int32Array(workerData.buffer, workerData.control, ${CONTROL_WORDS})
        Atomics.store(words, ${READY}, 1)
        for (;;) {
          const job = Atomics.load(words, ${JOB})
          if (job > 0 && job !== 0x7fffffff && Atomics.compareExchange(words, ${JOB}, job, -job) === job) {
            Atomics.notify(words, ${JOB})
            Atomics.store(words, ${FAILED}, 1)
            Atomics.store(words, ${DONE}, job)
            Atomics.notify(words, ${DONE})
          }
          if (job === 0x7fffffff) break
          Atomics.wait(words, ${JOB}, job, 20)
        }`,
        { eval: true, workerData: { buffer: start.memory.buffer, control: start.control } },
      )
      return { terminate: () => void failing.terminate() }
    },
    (reason) => reasons.push(reason),
  )
  disposers.push(() => threads.dispose())
  await ready(threads)
  const { one, two } = bothUpdates(threads, memory, 200_000)
  expect(firstDifference(one, two)).toBe(-1)
  expect(threads.splitCount).toBe(0)
  expect(threads.twoThreads).toBe(false)
  expect(reasons).toEqual(['a job on the helper thread threw'])
}, 30_000)

test('an adaptive spin halves when the partner did not answer within it and doubles when it did, within bounds', () => {
  const spin = new SpinBudget()
  const start = spin.microseconds
  spin.update(false, 1000)
  expect(spin.microseconds).toBe(start / 2)
  for (let i = 0; i < 40; i++) spin.update(false, 1000)
  expect(spin.microseconds).toBeGreaterThan(0)
  const floor = spin.microseconds
  spin.update(true, 1000)
  expect(spin.microseconds).toBe(2 * floor)
  for (let i = 0; i < 40; i++) spin.update(true, 1000)
  expect(spin.microseconds).toBe(1000)
  spin.update(true, 300)
  expect(spin.microseconds).toBe(300)
  expect([spin.spun, spin.slept]).toEqual([42, 41])
})
