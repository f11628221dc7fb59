// In Chromium: the kernels' builds are fetched only when used, and only the one that runs.
import { expect, test } from 'vitest'

/** The kernel build modules this page fetched so far (file names without extension). */
function fetchedBuilds(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((entry) => /\/kernels\/binaries\/(\w+)\./.exec(entry.name)?.[1])
    .filter((name): name is string => name !== undefined)
}

test('Chromium detects relaxed SIMD and fetches the relaxed build alone; one thread fetches no shared build; two threads fetch the shared relaxed one', async () => {
  performance.clearResourceTimings()
  performance.setResourceTimingBufferSize(100_000)
  const { hasRelaxedSimd } = await import('../../src/core/kernels/kernelSources')
  const { compileKernels } = await import('../../src/core/kernels/wasmKernels')
  const { openKernelMemory } = await import('../../src/core/kernels/openKernelMemory')
  expect(fetchedBuilds()).toEqual([])

  expect(hasRelaxedSimd()).toBe(true)
  const [compiled, again] = await Promise.all([compileKernels(), compileKernels()])
  expect(compiled?.build).toBe('relaxed-simd')
  expect(again).toBe(compiled)
  const one = await openKernelMemory(false)
  expect(one?.memory.compiled).toBe(compiled)
  expect(fetchedBuilds()).toEqual(['relaxedSimd'])

  // Two threads: the shared variant of the same build, on a shared memory where this page can make
  // one (headless Chromium allows it here without isolation), else the kernels' own memory.
  const canShare = ((): boolean => {
    try {
      return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer.byteLength > 0
    } catch {
      return false
    }
  })()
  const two = await openKernelMemory(true)
  expect(two?.memory.compiled).toMatchObject({ build: 'relaxed-simd', shared: canShare })
  expect(two?.oneThreadReason === undefined).toBe(canShare)
  expect(fetchedBuilds()).toEqual(['relaxedSimd', 'sharedRelaxedSimd'])
})
