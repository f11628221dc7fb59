// Which kernel memory a fused trainer gets: shared (1 GiB of address space reserved up front) only
// when a second kernel thread will run on it; its own memory otherwise, and when the shared one is
// refused, so training stays on the fused kernels, on one thread.
import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { spawnNodeKernelThread } from '../../bench/nodeKernelThread'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import type { KernelThreads } from '../../src/core/kernels/fusedKernelsOption'
import { setKernelThreadSpawner } from '../../src/core/kernels/kernelThreadSpawner'
import { openKernelMemory } from '../../src/core/kernels/openKernelMemory'
import {
  compileKernels,
  loadSharedKernels,
  reserveSharedKernelMemory,
  SHARED_MAXIMUM_PAGES,
} from '../../src/core/kernels/wasmKernels'
import { generateSprites } from '../../src/data/sprites'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('wasm'))
afterEach(() => setKernelThreadSpawner(undefined))

describe('openKernelMemory', () => {
  test('one thread: the build on its own memory, no shared memory reserved', async () => {
    let reserved = 0
    const opened = await openKernelMemory(false, {
      load: loadSharedKernels,
      reserve: () => {
        reserved += 1
        return reserveSharedKernelMemory()
      },
    })
    expect(opened?.memory.compiled.shared).toBe(false)
    expect(opened?.memory.kernels.memory.buffer).toBeInstanceOf(ArrayBuffer)
    expect(opened?.oneThreadReason).toBeUndefined()
    expect(reserved).toBe(0)
  })

  test('two threads: the shared build on a shared memory', async () => {
    const opened = await openKernelMemory(true)
    expect(opened?.memory.compiled).toMatchObject({ shared: true, build: 'relaxed-simd' })
    expect(opened?.memory.kernels.memory.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(opened?.oneThreadReason).toBeUndefined()
  })

  test('a refused reservation gives the same build on its own memory, and the reason', async () => {
    const opened = await openKernelMemory(true, {
      load: loadSharedKernels,
      reserve: () => {
        throw new RangeError('WebAssembly.Memory(): could not allocate memory')
      },
    })
    expect(opened?.memory.compiled).toBe(await compileKernels())
    expect(opened?.oneThreadReason).toBe(
      'the shared kernel memory (1 GiB of address space) could not be reserved (RangeError: WebAssembly.Memory(): could not allocate memory)',
    )
    // The fallback memory works: a product on it.
    const memory = opened!.memory
    const a = memory.alloc(4)
    const c = memory.alloc(1)
    memory.view(a, 4).set([1, 2, 3, 4])
    memory.kernels.gemm(a, 2, 1, a, 1, 1, c, 1, 2, 1, 0, memory.alloc(64))
    expect(memory.view(c, 1)[0]).toBe(1 * 1 + 2 * 2)
  })

  test('a shared build that did not load falls back with its reason', async () => {
    const opened = await openKernelMemory(true, {
      load: () =>
        Promise.resolve({
          failure: 'the shared-memory relaxed-SIMD kernels could not be loaded (offline)',
        }),
      reserve: reserveSharedKernelMemory,
    })
    expect(opened?.memory.compiled.shared).toBe(false)
    expect(opened?.oneThreadReason).toMatch(/could not be loaded \(offline\)$/)
  })
})

/**
 * Counts the 1 GiB shared memories made while it is installed; with `refuse`, each is refused as an
 * engine short of address space would; with `tiny`, each is made with a maximum of one page.
 */
function watchSharedMemories(mode?: 'refuse' | 'tiny'): { count(): number; restore(): void } {
  const Original = WebAssembly.Memory
  let made = 0
  function Watched(descriptor: WebAssembly.MemoryDescriptor): WebAssembly.Memory {
    if (descriptor.shared === true && descriptor.maximum === SHARED_MAXIMUM_PAGES) {
      made += 1
      if (mode === 'refuse') throw new RangeError('WebAssembly.Memory(): could not allocate memory')
      if (mode === 'tiny') return new Original({ ...descriptor, maximum: 1 })
    }
    return new Original(descriptor)
  }
  Object.defineProperty(WebAssembly, 'Memory', {
    value: Watched,
    configurable: true,
    writable: true,
  })
  return {
    count: () => made,
    restore: () =>
      Object.defineProperty(WebAssembly, 'Memory', {
        value: Original,
        configurable: true,
        writable: true,
      }),
  }
}

const DATA = generateSprites({ count: 128, size: 28, seed: 1 }).images

/** One epoch of `model` per entry of `threads` (kernelThreads of each call); losses, kernels and threads seen. */
async function train(model: Autoencoder, threads: readonly KernelThreads[]) {
  const losses: number[] = []
  const seen: number[] = []
  const kernels = new Set<string>()
  for (const kernelThreads of threads) {
    await model.fit(
      DATA,
      { epochs: 1, batchSize: 64, kernelThreads },
      {
        onUpdate: (update) => {
          seen.push(update.progress.kernelThreads)
          kernels.add(update.progress.kernels)
          losses.push(...update.history.map((point) => point.loss))
        },
        updateIntervalMs: 0,
      },
    )
  }
  return { losses, threads: seen, kernels: [...kernels] }
}

const dense = (): Autoencoder =>
  new Autoencoder({ architecture: 'dense', hiddenUnits: [256], codeSize: 16, seed: 3 })

describe('a dense autoencoder where a kernel-thread spawner is registered', () => {
  test('kernelThreads 1 reserves no shared memory; 2 reserves one; a switch from 1 to 2 moves to shared memory and continues the same run', async () => {
    const baseline = tf.memory().numTensors
    setKernelThreadSpawner(spawnNodeKernelThread)
    const watch = watchSharedMemories()
    try {
      const one = dense()
      const first = await train(one, [1])
      expect(watch.count()).toBe(0)
      const switched = await train(one, [2])
      expect(watch.count()).toBe(1)
      one.dispose()

      const two = dense()
      const both = await train(two, [2, 2])
      expect(watch.count()).toBe(2)
      two.dispose()

      expect(first.kernels).toEqual(['wasm-relaxed-simd'])
      expect(first.threads.every((n) => n === 1)).toBe(true)
      expect(both.losses.length).toBe(4)
      // The trainer made again on shared memory kept the Adam moments: bit for bit the same run.
      expect([...first.losses, ...switched.losses]).toEqual(both.losses)
    } finally {
      watch.restore()
    }
    expect(tf.memory().numTensors).toBe(baseline)
  }, 120_000)

  test('a refused shared memory trains on the fused kernels on one thread (not TF.js operations), says why once, and is not asked for again', async () => {
    const reference = dense()
    const alone = await train(reference, [1, 1])
    reference.dispose()
    const warnings: string[] = []
    const warn = console.warn
    console.warn = (message: string) => warnings.push(message)
    setKernelThreadSpawner(spawnNodeKernelThread)
    const watch = watchSharedMemories('refuse')
    try {
      const model = dense()
      const refused = await train(model, [2, 2])
      model.dispose()
      expect(watch.count()).toBe(1)
      expect(refused.kernels).toEqual(['wasm-relaxed-simd'])
      expect(refused.threads.every((n) => n === 1)).toBe(true)
      expect(refused.losses).toEqual(alone.losses)
      expect(warnings).toEqual([
        'latentkit: fused kernels run on one thread: the shared kernel memory (1 GiB of address space) could not be reserved (RangeError: WebAssembly.Memory(): could not allocate memory)',
      ])
    } finally {
      watch.restore()
      console.warn = warn
    }
  }, 120_000)

  test("a shared memory too small for the model (a tiny maximum) trains on the kernels' own memory, on one thread", async () => {
    const reference = dense()
    const alone = await train(reference, [1, 1])
    reference.dispose()
    setKernelThreadSpawner(spawnNodeKernelThread)
    const watch = watchSharedMemories('tiny')
    try {
      const model = dense()
      const small = await train(model, [2, 2])
      model.dispose()
      expect(watch.count()).toBe(1)
      expect(small.kernels).toEqual(['wasm-relaxed-simd'])
      expect(small.threads.every((n) => n === 1)).toBe(true)
      expect(small.losses).toEqual(alone.losses)
    } finally {
      watch.restore()
    }
  }, 120_000)

  test('two models starting at once in one worker each get a shared memory and train as they do one at a time', async () => {
    const reference = dense()
    const alone = await train(reference, [2])
    reference.dispose()
    setKernelThreadSpawner(spawnNodeKernelThread)
    const watch = watchSharedMemories()
    try {
      const models = [dense(), dense()]
      const runs = await Promise.all(models.map((model) => train(model, [2])))
      for (const model of models) model.dispose()
      expect(watch.count()).toBe(2)
      for (const run of runs) {
        expect(run.kernels).toEqual(['wasm-relaxed-simd'])
        expect(run.losses).toEqual(alone.losses)
      }
    } finally {
      watch.restore()
    }
  }, 120_000)
})
