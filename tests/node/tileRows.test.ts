import { afterEach, describe, expect, test } from 'vitest'
import { convGeometry, kernelLayout, panelValues } from '../../src/core/kernels/convKernels'
import {
  followTileRows,
  measuredTileRows,
  preferredTileRows,
  preferTileRows,
  probeTileRows,
  type ProbeClock,
  type TileRows,
} from '../../src/core/kernels/tileRows'
import {
  compileKernelBuild,
  compileKernels,
  KernelMemory,
  type KernelExports,
} from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'
import { gemmCase, KERNEL_BUILDS, type GemmKernelName } from './gemmCase'

// M around the six- and four-row blocks (a block of six, then of four, then single rows), with
// transposed views, partial panels and accumulation.
const SHAPES: [number, number, number, boolean, boolean, boolean][] = [
  // m, k, n, transposeA, transposeB, accumulate
  [1, 3, 5, false, false, false],
  [5, 7, 8, false, false, true],
  [6, 16, 8, false, false, false],
  [7, 9, 9, true, false, false],
  [11, 30, 19, false, true, true],
  [12, 64, 16, true, true, false],
  [17, 256, 32, false, false, false],
  [131, 100, 33, false, true, true],
]

describe.each(KERNEL_BUILDS)('six-row register blocks (%s build)', (build) => {
  test.each(
    SHAPES.flatMap((shape) =>
      (['gemm', 'gemmPackedB'] as const).map((kernel) => [kernel, ...shape] as const),
    ),
  )(
    '%s %i×%i×%i (Aᵀ %s, Bᵀ %s, accumulate %s): the same bits as four-row blocks',
    async (kernel: GemmKernelName, m, k, n, ta, tb, accumulate) => {
      const { memory, multiply, newC, worstError } = await gemmCase(
        build,
        m,
        k,
        n,
        ta,
        tb,
        accumulate,
      )
      const panel = memory.alloc(8 * k * Math.ceil(n / 8))
      const results = ([4, 6] as const).map((rows) => {
        memory.kernels.setTileRows(rows)
        const c = newC()
        multiply(kernel, c, panel)
        return c
      }) as [number, number]
      expect(worstError(results[1])).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(k)))
      expect(Array.from(memory.view(results[1], m * n))).toEqual(
        Array.from(memory.view(results[0], m * n)),
      )
    },
  )

  test.each([
    [3, 9, 11, 16, 32, 4, 2], // 90 rows: a group of 64 (ten blocks of six, one of four), then 26
    [2, 6, 5, 8, 3, 3, 1],
    [8, 14, 14, 16, 32, 4, 2],
  ])(
    'gemmCol2im over %i×%i×%i×%i from %i filters (size %i, stride %i): the same bits as four-row blocks',
    async (batch, height, width, channels, filters, size, stride) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const memory = new KernelMemory(compiled)
      const g = convGeometry(batch, height, width, channels, filters, size, stride)
      const random = createRandom(batch * height + filters)
      const rows = batch * g.outHeight * g.outWidth
      const x = memory.alloc(rows * filters)
      memory.view(x, rows * filters).set(random.normals(rows * filters))
      const depth = size * size * channels
      const kernel = memory.alloc(depth * filters)
      memory.view(kernel, depth * filters).set(random.normals(depth * filters))
      const panel = memory.alloc(panelValues(g))
      const pixels = batch * height * width * channels
      const images = ([4, 6] as const).map((tile) => {
        memory.kernels.setTileRows(tile)
        const out = memory.alloc(pixels)
        memory.kernels.gemmCol2im(x, kernel, filters, panel, ...kernelLayout(g), out)
        return Array.from(memory.view(out, pixels))
      })
      expect(images[1]).toEqual(images[0])
    },
  )
})

/**
 * Kernels whose `gemm` only advances a fake clock: `baselineCalls` calls at `baselineMs` each (the
 * baseline tier), then `msPerCall[rows]` for the block height set; and that clock, whose `later`
 * queues the probe's steps for {@link runProbe}.
 */
function fakeKernels(
  baselineCalls: number,
  baselineMs: number,
  msPerCall: Record<TileRows, number>,
) {
  let time = 0
  let calls = 0
  let rows: TileRows = 4
  const queue: (() => void)[] = []
  const kernels = {
    memory: new WebAssembly.Memory({ initial: 1 }),
    heapBase: () => 1024,
    setTileRows: (value: number) => {
      rows = value === 6 ? 6 : 4
    },
    gemm: () => {
      calls += 1
      time += calls <= baselineCalls ? baselineMs : msPerCall[rows]
    },
  } as unknown as KernelExports
  const clock: ProbeClock = { now: () => time, later: (step) => queue.push(step) }
  return { kernels, clock, queue, rows: () => rows, calls: () => calls }
}

/** Runs the probe on `fake` to its answer; also returns how many steps it took. */
function runProbe(fake: ReturnType<typeof fakeKernels>): { rows: TileRows; steps: number } {
  let answer: TileRows | undefined
  let steps = 0
  probeTileRows(fake.kernels, (rows) => (answer = rows), fake.clock)
  expect(fake.calls(), 'nothing runs before the first step').toBe(0)
  for (let next = fake.queue.shift(); next; next = fake.queue.shift()) {
    steps += 1
    next()
  }
  if (answer === undefined) throw new Error('the probe never answered')
  return { rows: answer, steps }
}

describe('probeTileRows', () => {
  test('six rows once the optimised code shows them faster, one batch a step; the instance is left on four', () => {
    const fake = fakeKernels(100, 0.2, { 4: 0.03, 6: 0.027 })
    const { rows, steps } = runProbe(fake)
    expect(rows).toBe(6)
    expect(fake.rows()).toBe(4)
    // 100 baseline calls: the 13th batch of 8 is half baseline, not yet twice as fast; the 14th
    // is. Then 4 rounds of two timed batches of 96.
    expect(steps).toBe(14 + 8)
    expect(fake.calls()).toBe(14 * 8 + 8 * 96)
  })

  test('four rows when six are slower, or within the margin', () => {
    expect(runProbe(fakeKernels(100, 0.2, { 4: 0.03, 6: 0.06 })).rows).toBe(4)
    expect(runProbe(fakeKernels(100, 0.2, { 4: 0.03, 6: 0.0295 })).rows).toBe(4)
  })

  test('no waiting when the code is optimised already (fast from the start)', () => {
    const { rows, steps } = runProbe(fakeKernels(0, 0, { 4: 0.03, 6: 0.027 }))
    expect(rows).toBe(6)
    expect(steps).toBe(2 + 8)
  })

  test('four rows when the probe fails (its memory will not grow)', () => {
    const fake = fakeKernels(0, 0, { 4: 0.03, 6: 0.027 })
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 })
    const { rows, steps } = runProbe({ ...fake, kernels: { ...fake.kernels, memory } })
    expect(rows).toBe(4)
    expect(steps).toBe(1)
  })

  test('four rows when the optimised tier is not seen in time (baseline times say nothing)', () => {
    // Six rows would look faster in the baseline tier, which never ends here.
    const { rows, steps } = runProbe(fakeKernels(Infinity, 0.2, { 4: 0.2, 6: 0.1 }))
    expect(rows).toBe(4)
    expect(steps).toBe(60)
  })
})

describe('following the measured height', () => {
  afterEach(() => preferTileRows(4))

  test('instances made before and after a measurement take it', () => {
    const before = fakeKernels(0, 0, { 4: 1, 6: 1 })
    followTileRows(before.kernels)
    expect(before.rows()).toBe(4)
    preferTileRows(6)
    expect(before.rows()).toBe(6)
    const after = fakeKernels(0, 0, { 4: 1, 6: 1 })
    followTileRows(after.kernels)
    expect(after.rows()).toBe(6)
    expect(preferredTileRows()).toBe(6)
  })

  test('the worker’s kernels: the background probe answers, and models multiply correctly after it', async () => {
    const compiled = await compileKernels()
    if (!compiled) throw new Error('no kernels here')
    const memory = new KernelMemory(compiled)
    expect([4, 6]).toContain(await measuredTileRows())
    const [m, k, n] = [13, 40, 9]
    const a = memory.alloc(m * k)
    const b = memory.alloc(k * n)
    const c = memory.alloc(m * n)
    memory.view(a, m * k).fill(0.5)
    memory.view(b, k * n).fill(0.25)
    memory.kernels.gemm(a, k, 1, b, n, 1, c, m, k, n, 0, memory.alloc(8 * k))
    expect(Array.from(memory.view(c, m * n))).toEqual(new Array(m * n).fill(0.125 * k))
  })
})
