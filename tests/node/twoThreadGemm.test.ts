import { afterAll, expect, test } from 'vitest'
import { spawnNodeKernelThread } from '../../bench/nodeKernelThread'
import { Worker } from 'node:worker_threads'
import { CONTROL_WORDS, JOB, READY } from '../../src/core/kernels/kernelThreadProtocol'
import { TWO_THREAD_MINIMUM_WORK, TwoThreadGemm } from '../../src/core/kernels/twoThreadGemm'
import {
  compileKernelBuild,
  KernelMemory,
  SHARED_MAXIMUM_PAGES,
} from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'
// @ts-expect-error: a plain .mjs build script without types.
import { SHARED_MAXIMUM_PAGES as BUILT_MAXIMUM_PAGES } from '../../scripts/build-kernels.mjs'

// Node 20 runs plain SIMD only (relaxed SIMD sits behind a flag), so the shared plain-SIMD build.
const compiled = await compileKernelBuild('simd', true)
if (!compiled) throw new Error('the shared kernel build does not compile in this Node')

const disposers: (() => void)[] = []
afterAll(() => disposers.forEach((dispose) => dispose()))

/** Fills `length` floats at `offset` with uniform values in [−1, 1). */
function fill(memory: KernelMemory, offset: number, length: number, seed: number): void {
  const random = createRandom(seed)
  const view = memory.view(offset, length)
  for (let i = 0; i < length; i++) view[i] = 2 * random.uniform() - 1
}

interface Shape {
  readonly m: number
  readonly k: number
  readonly n: number
  /** Which operand is read transposed, as the fused dense layers do in their backward pass. */
  readonly transposed: 'none' | 'a' | 'b'
  readonly accumulate: 0 | 1
}

/** C from one thread and from two, side by side in one shared memory. */
function bothProducts(threads: TwoThreadGemm, memory: KernelMemory, shape: Shape) {
  const { m, k, n, transposed, accumulate } = shape
  const a = memory.alloc(m * k)
  const b = memory.alloc(k * n)
  const one = memory.alloc(m * n)
  const two = memory.alloc(m * n)
  const panel = memory.alloc(8 * k)
  fill(memory, a, m * k, 1)
  fill(memory, b, k * n, 2)
  fill(memory, one, m * n, 3)
  memory.view(two, m * n).set(memory.view(one, m * n))
  const [ai, ak] = transposed === 'a' ? [1, m] : [k, 1]
  const [bk, bj] = transposed === 'b' ? [1, k] : [n, 1]
  memory.kernels.gemm(a, ai, ak, b, bk, bj, one, m, k, n, accumulate, panel)
  threads.gemm(a, ai, ak, b, bk, bj, two, m, k, n, accumulate, panel)
  return { one: memory.view(one, m * n).slice(), two: memory.view(two, m * n).slice() }
}

async function ready(threads: TwoThreadGemm): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!threads.helperReady) {
    if (Date.now() > deadline) throw new Error('the helper thread did not start')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

test('the shared builds declare the maximum memory the engine gives them', () => {
  expect(SHARED_MAXIMUM_PAGES).toBe(BUILT_MAXIMUM_PAGES)
})

test('two threads give bit-identical products at the reference VAE shapes, transposed views and accumulation included', async () => {
  const memory = new KernelMemory(compiled)
  const threads = new TwoThreadGemm(memory, spawnNodeKernelThread)
  disposers.push(() => threads.dispose())
  await ready(threads)
  const shapes: Shape[] = [
    { m: 128, k: 784, n: 400, transposed: 'none', accumulate: 0 },
    { m: 784, k: 128, n: 400, transposed: 'a', accumulate: 0 },
    { m: 128, k: 400, n: 784, transposed: 'b', accumulate: 1 },
    { m: 131, k: 97, n: 203, transposed: 'none', accumulate: 1 },
    { m: 45, k: 311, n: 77, transposed: 'a', accumulate: 0 },
  ]
  for (const shape of shapes) {
    const { one, two } = bothProducts(threads, memory, shape)
    expect(two).toEqual(one)
    expect(Array.from(two).every(Number.isFinite)).toBe(true)
  }
  expect(threads.twoThreads).toBe(true)
  expect(threads.splitCount).toBe(shapes.length)
}, 60_000)

test('a product too small to pay stays on one thread', async () => {
  const memory = new KernelMemory(compiled)
  const threads = new TwoThreadGemm(memory, spawnNodeKernelThread)
  disposers.push(() => threads.dispose())
  await ready(threads)
  const m = 64
  const k = 64
  const n = TWO_THREAD_MINIMUM_WORK / (m * k) - 1
  const { one, two } = bothProducts(threads, memory, { m, k, n, transposed: 'none', accumulate: 0 })
  expect(two).toEqual(one)
  expect(threads.splitCount).toBe(0)
}, 60_000)

test('a helper that fails to start leaves every product on one thread, reported once', () => {
  const memory = new KernelMemory(compiled)
  const reasons: string[] = []
  const threads = new TwoThreadGemm(
    memory,
    () => {
      throw new Error('no workers here')
    },
    (reason) => reasons.push(reason),
  )
  for (let round = 0; round < 2; round++) {
    const shape: Shape = { m: 128, k: 400, n: 400, transposed: 'none', accumulate: 1 }
    const { one, two } = bothProducts(threads, memory, shape)
    expect(two).toEqual(one)
  }
  expect(threads.twoThreads).toBe(false)
  expect(reasons).toHaveLength(1)
  expect(reasons[0]).toMatch(/no workers here/)
})

test('a helper that never claims its job: the caller takes it back and runs it once', () => {
  const memory = new KernelMemory(compiled)
  const threads = new TwoThreadGemm(memory, (start) => {
    // Reports ready but never serves: every posted job stays unclaimed.
    Atomics.store(new Int32Array(start.memory.buffer, start.control, 16), READY, 1)
    return { terminate: () => undefined }
  })
  const shape: Shape = { m: 128, k: 400, n: 400, transposed: 'none', accumulate: 1 }
  const { one, two } = bothProducts(threads, memory, shape)
  expect(two).toEqual(one)
  expect(threads.splitCount).toBe(0)
})

test('a helper that claims its job and never finishes: given up and stopped, the caller runs the rows', async () => {
  const memory = new KernelMemory(compiled)
  const reasons: string[] = []
  let terminated = false
  const threads = new TwoThreadGemm(
    memory,
    (start) => {
      // Claims the first job it sees, then hangs (as a killed or stuck thread would).
      const hung = new Worker(
        `const { workerData } = require('node:worker_threads')
        const words = new Int32Array(workerData.buffer, workerData.control, ${CONTROL_WORDS})
        Atomics.store(words, ${READY}, 1)
        for (;;) {
          const job = Atomics.load(words, ${JOB})
          if (job > 0 && Atomics.compareExchange(words, ${JOB}, job, -job) === job) break
          Atomics.wait(words, ${JOB}, job, 20)
        }
        Atomics.notify(words, ${JOB})
        Atomics.wait(words, ${CONTROL_WORDS - 1}, 0)`,
        { eval: true, workerData: { buffer: start.memory.buffer, control: start.control } },
      )
      return {
        terminate: () => {
          terminated = true
          void hung.terminate()
        },
      }
    },
    (reason) => reasons.push(reason),
    300,
  )
  await ready(threads)
  const shape: Shape = { m: 128, k: 400, n: 400, transposed: 'none', accumulate: 1 }
  const { one, two } = bothProducts(threads, memory, shape)
  expect(two).toEqual(one)
  expect(threads.splitCount).toBe(0)
  expect(threads.twoThreads).toBe(false)
  expect(terminated).toBe(true)
  expect(reasons).toEqual(['the helper thread stopped answering'])
}, 30_000)

test('kernels built with their own memory leave products on one thread', async () => {
  const own = await compileKernelBuild('simd')
  const memory = new KernelMemory(own!)
  const reasons: string[] = []
  const threads = new TwoThreadGemm(memory, spawnNodeKernelThread, (reason) => reasons.push(reason))
  const { one, two } = bothProducts(threads, memory, {
    m: 128,
    k: 400,
    n: 400,
    transposed: 'none',
    accumulate: 0,
  })
  expect(two).toEqual(one)
  expect(reasons[0]).toMatch(/shared memory/)
})

test('two independent products run at once, one per thread, bit-identical; a pair too small stays on one thread', async () => {
  const memory = new KernelMemory(compiled)
  const threads = new TwoThreadGemm(memory, spawnNodeKernelThread)
  disposers.push(() => threads.dispose())
  await ready(threads)
  /** The decoder output layer's backward pass: ∂W = hᵀ·g and ∂h = g·Wᵀ, on one thread and as a pair. */
  const run = (units: number, pair: boolean) => {
    const [h, g, w] = [128 * 400, 128 * units, 400 * units].map((size) => memory.alloc(size)) as [
      number,
      number,
      number,
    ]
    fill(memory, h, 128 * 400, 1)
    fill(memory, g, 128 * units, 2)
    fill(memory, w, 400 * units, 3)
    const [dw, dh, panelA, panelB] = [400 * units, 128 * 400, 8 * 128, 8 * units].map((size) =>
      memory.alloc(size),
    ) as [number, number, number, number]
    const first = [h, 1, 400, g, units, 1, dw, 400, 128, units, 0, panelA] as const
    const second = [g, units, 1, w, 1, units, dh, 128, units, 400, 0, panelB] as const
    if (pair) threads.gemmPair([...first], [...second])
    else {
      memory.kernels.gemm(...first)
      memory.kernels.gemm(...second)
    }
    // The bytes of both results, compared whole (a float-by-float toEqual takes seconds here).
    return Buffer.concat([
      Buffer.from(memory.view(dw, 400 * units).slice().buffer),
      Buffer.from(memory.view(dh, 128 * 400).slice().buffer),
    ]).toString('base64')
  }
  expect(run(784, true)).toEqual(run(784, false))
  expect(threads.splitCount).toBe(1)
  // 64 units: ∂W and ∂h (3.3M multiply-adds each) still pair; with 16 units each is too small.
  expect(run(64, true)).toEqual(run(64, false))
  expect(threads.splitCount).toBe(2)
  expect(run(16, true)).toEqual(run(16, false))
  expect(threads.splitCount).toBe(2)
}, 60_000)
