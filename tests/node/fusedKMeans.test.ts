import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import type { ImageBatch } from '../../src/core/dataset'
import {
  compileKernelBuild,
  dropKernelMemory,
  KernelMemory,
} from '../../src/core/kernels/wasmKernels'
import type { FusedTrainerSlot } from '../../src/core/engine/fusedDenseNet'
import { FusedClusterSums } from '../../src/core/kmeans/engine/fusedClusterSums'
import { KMeans } from '../../src/core/kmeans/engine/kmeans'
import {
  clearFusedSlots,
  releaseFusedSlot,
  takeFusedSlot,
} from '../../src/core/kmeans/engine/fusedSumsPool'
import { KMeansCentroids } from '../../src/core/kmeans/engine/kmeansCentroids'
import { clusterSums } from '../../src/core/kmeans/engine/kmeansPasses'
import { kMeansPlusPlus, rowNorms } from '../../src/core/kmeans/engine/kmeansPlusPlus'
import { meanVariance } from '../../src/core/kmeans/engine/kmeansSteps'
import { disposeChunks, splitRows, sumOfSquares } from '../../src/core/kmeans/engine/rowChunks'
import { createRandom } from '../../src/core/random'
import { resolveKMeansOptions, type KMeansTrainOptions } from '../../src/core/kmeans/kmeansOptions'
import type { KMeansHistoryPoint } from '../../src/core/kmeans/kmeansSpec'
import { loadDigits } from '../../src/data/digits'
import { relativeGap } from './relativeGap'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('wasm'))

const digits = loadDigits().images
const D = 64

describe.each(['simd', 'relaxed-simd'] as const)('fused cluster sums (%s build)', (build) => {
  test('give the assignments, sums and inertia of the TF.js pass', async () => {
    const compiled = await compileKernelBuild(build)
    if (!compiled) throw new Error(`no ${build} build here`)
    const k = 10
    const rows = 300
    const values = digits.data.slice(0, rows * D)
    const centroids = new KMeansCentroids(resolveKMeansOptions({ k }), [8, 8, 1])
    // Centroids at rows spread over the set: every cluster gets members.
    for (let c = 0; c < k; c++) {
      centroids.centroids.set(digits.data.subarray(c * 97 * D, (c * 97 + 1) * D), c * D)
    }
    const fused = new FusedClusterSums(new KernelMemory(compiled), k, D, rows)
    fused.setCentroids(centroids.centroids)
    const ours = { sums: new Float64Array(k * D), counts: new Float64Array(k), inertia: 0 }
    fused.accumulate(values, rows, ours)
    const expected = tf.tidy(() =>
      clusterSums(tf.tensor2d(values, [rows, D]), centroids.tensors(), k),
    )
    const flat = expected.dataSync()
    expected.dispose()
    expect(Array.from(ours.counts)).toEqual(Array.from(flat.subarray(k * D, k * D + k)))
    expect(ours.counts.every((count) => count > 0)).toBe(true)
    expect(relativeGap(ours.sums, flat.subarray(0, k * D))).toBeLessThan(1e-6)
    const inertia = flat[k * D + k] as number
    expect(Math.abs(ours.inertia - inertia) / Math.abs(inertia)).toBeLessThan(1e-5)
  })

  test.each([
    [10, 64],
    [7, 63],
  ])(
    'mini-batch rows gathered in kernel memory (gatherRows) give the bits of the host gather (k %i, d %i)',
    async (k, d) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const random = createRandom(5)
      const values = Float32Array.from({ length: 500 * d }, () => random.uniform())
      const centroids = values.slice(0, k * d)
      const batches = [0, 1, 2].map(() => random.permutation(500).subarray(0, 37))
      // The same batches summed from rows gathered on the host and by the kernel.
      const fused = new FusedClusterSums(new KernelMemory(compiled), k, d, 40)
      fused.setCentroids(centroids)
      const totals = () => ({
        sums: new Float64Array(k * d),
        counts: new Float64Array(k),
        inertia: 0,
      })
      for (const batch of batches) {
        const host = totals()
        const rows = new Float32Array(batch.length * d)
        batch.forEach((row, i) => rows.set(values.subarray(row * d, (row + 1) * d), i * d))
        fused.accumulate(rows, batch.length, host)
        const kernel = totals()
        fused.accumulateRows(values, batch, kernel)
        expect(kernel).toEqual(host)
        expect(host.counts.reduce((a, b) => a + b)).toBe(37)
      }
      // Changed in place: stale until forgotten (a fit forgets at its start), then the new rows.
      const batch = batches[0] as Uint32Array
      values.fill(0.5, (batch[0] as number) * d, ((batch[0] as number) + 1) * d)
      const stale = totals()
      fused.accumulateRows(values, batch, stale)
      fused.forgetRows()
      const fresh = totals()
      fused.accumulateRows(values, batch, fresh)
      const host = totals()
      const rows = new Float32Array(batch.length * d)
      batch.forEach((row, i) => rows.set(values.subarray(row * d, (row + 1) * d), i * d))
      fused.accumulate(rows, batch.length, host)
      expect(fresh).toEqual(host)
      expect(stale).not.toEqual(host)
      // A larger set gets room of its own.
      const more = Float32Array.from({ length: 900 * d }, () => random.uniform())
      const far = Uint32Array.from({ length: 40 }, (_, i) => 899 - 20 * i)
      const gathered = totals()
      fused.accumulateRows(more, far, gathered)
      const expected = totals()
      const farRows = new Float32Array(far.length * d)
      far.forEach((row, i) => farRows.set(more.subarray(row * d, (row + 1) * d), i * d))
      fused.accumulate(farRows, far.length, expected)
      expect(gathered).toEqual(expected)
    },
  )

  test.each([
    [10, 64, 301],
    [9, 63, 7],
    [12, 5, 30],
  ])(
    'nearestSums and the one-pass nearestSumsNarrow give the bits of a float64 sum by gemm scores (k %i, d %i, %i rows)',
    async (k, d, n) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const memory = new KernelMemory(compiled)
      const random = createRandom(k * d + n)
      const values = random.normals(n * d)
      const centroidValues = values.slice(0, k * d).map((v) => v + 0.1 * random.normal())
      const [x, centroids, scores, panel, norms, narrow] = [
        n * d,
        k * d,
        n * k,
        8 * Math.max(d, k, n),
        12,
        12 * d,
      ].map((size) => memory.alloc(size)) as [number, number, number, number, number, number]
      const [sums, counts] = [2 * k * d, 2 * k].map((size) => memory.alloc(size)) as [
        number,
        number,
      ]
      memory.view(x, n * d).set(values)
      memory.view(centroids, k * d).set(centroidValues)
      const normValues = memory.view(norms, 12)
      for (let c = 0; c < k; c++) {
        let norm = 0
        for (let j = 0; j < d; j++) norm += (centroidValues[c * d + j] as number) ** 2
        normValues[c] = norm
      }
      const packed = memory.view(narrow, 12 * d)
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) packed[j * 12 + c] = centroidValues[c * d + j] as number
      }
      memory.kernels.gemm(x, d, 1, centroids, 1, d, scores, n, d, k, 0, panel)
      const dots = memory.view(scores, n * k).slice()
      // The reference: float32 scores from gemm's dots, the first lowest, float64 sums in row order.
      const expected = { sums: new Float64Array(k * d), counts: new Float64Array(k), inertia: 0.5 }
      for (let r = 0; r < n; r++) {
        let best = 0
        let lowest = Infinity
        for (let c = 0; c < k; c++) {
          const score = Math.fround(
            (normValues[c] as number) - Math.fround(2 * (dots[r * k + c] as number)),
          )
          if (c === 0 || score < lowest) {
            lowest = score
            best = c
          }
        }
        expected.inertia += lowest
        expected.counts[best] = (expected.counts[best] as number) + 1
        for (let j = 0; j < d; j++) {
          expected.sums[best * d + j] =
            (expected.sums[best * d + j] as number) + (values[r * d + j] as number)
        }
      }
      for (const narrowPass of [false, true]) {
        new Float64Array(memory.kernels.memory.buffer, sums, k * d).fill(0)
        new Float64Array(memory.kernels.memory.buffer, counts, k).fill(0)
        const inertia = narrowPass
          ? memory.kernels.nearestSumsNarrow(x, narrow, norms, n, k, d, sums, counts, 0.5)
          : memory.kernels.nearestSums(x, scores, norms, n, k, d, sums, counts, 0.5)
        const buffer = memory.kernels.memory.buffer
        expect(Array.from(new Float64Array(buffer, sums, k * d))).toEqual(Array.from(expected.sums))
        expect(Array.from(new Float64Array(buffer, counts, k))).toEqual(Array.from(expected.counts))
        expect(inertia).toBe(expected.inertia)
      }
    },
  )

  test.each([
    [64, 1797],
    [63, 301],
    [5, 7],
  ])(
    "holdStats (the rowStats kernel) gives the bits of the host's Σ‖x‖², variance and row norms (d %i, %i rows)",
    async (d, n) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const random = createRandom(d + n)
      const values =
        d === D ? digits.data.slice(0, n * d) : Float32Array.from(random.normals(n * d))
      const fused = new FusedClusterSums(new KernelMemory(compiled), 3, d, n)
      const stats = fused.holdStats(values, n)
      expect(stats.squares).toBe(sumOfSquares(values, 0, n, d))
      expect(stats.variance).toBe(meanVariance(values, n, d))
      // The norms k-means++ reads are those measured: it asks for none and picks the same rows.
      let asked = false
      fused.startSeeding(values, n, () => {
        asked = true
        return rowNorms(values, n, d)
      })
      expect(asked).toBe(false)
      const other = new FusedClusterSums(new KernelMemory(compiled), 3, d, n)
      const measured = await kMeansPlusPlus(values, [], d, 3, createRandom(1), fused, n)
      fused.forgetRows()
      const fromHost = await kMeansPlusPlus(values, [], d, 3, createRandom(1), other, n)
      expect(Array.from(measured)).toEqual(Array.from(fromHost))
      // The kernel's norms are the host's, bit for bit.
      const norms = new Float32Array(n)
      fused.holdStats(values, n)
      fused.startSeeding(values, n, () => norms)
      const hostNorms = rowNorms(values, n, d)
      const kernelNorms = (fused as unknown as { memory: KernelMemory; rowNorms: number }).memory
        .view((fused as unknown as { rowNorms: number }).rowNorms, n)
        .slice()
      expect(Array.from(kernelNorms)).toEqual(Array.from(hostNorms))
    },
  )

  test.each([
    [64, 301],
    [63, 50],
    [5, 7],
  ])(
    'seedRound gives the bits of gemm then seedTrials, one to four candidates (d %i, %i rows)',
    async (d, n) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const memory = new KernelMemory(compiled)
      const random = createRandom(d * n)
      const values = Float32Array.from(random.normals(n * d))
      const [x, norms, closest, candidateRows, picked, dots, panel, narrow, four, potentials] = [
        n * d,
        n,
        2 * n,
        4,
        4 * d,
        4 * n,
        8 * Math.max(d, n),
        4 * d,
        4 * n,
        8,
      ].map((size) => memory.alloc(size))
      memory.view(x as number, n * d).set(values)
      memory.view(norms as number, n).set(rowNorms(values, n, d))
      const buffer = () => memory.kernels.memory.buffer
      new Float64Array(buffer(), closest as number, n).set(
        Float64Array.from({ length: n }, (_, r) =>
          r % 5 === 0 ? Infinity : random.uniform() * 80,
        ),
      )
      for (let t = 1; t <= 4; t++) {
        const rows = Array.from({ length: t }, (_, i) => (i * 13 + t) % n)
        new Int32Array(buffer(), candidateRows as number, t).set(rows)
        const chosen = memory.view(picked as number, t * d)
        const packed = memory.view(narrow as number, 4 * d).fill(0)
        rows.forEach((row, i) => {
          chosen.set(values.subarray(row * d, (row + 1) * d), i * d)
          for (let j = 0; j < d; j++) packed[j * 4 + i] = values[row * d + j] as number
        })
        const k = memory.kernels
        k.gemm(
          x as number,
          d,
          1,
          picked as number,
          1,
          d,
          dots as number,
          n,
          d,
          t,
          0,
          panel as number,
        )
        k.seedTrials(
          dots as number,
          norms as number,
          candidateRows as number,
          closest as number,
          n,
          t,
          potentials as number,
        )
        const expected = {
          distances: memory.view(dots as number, n * t).slice(),
          potentials: new Float64Array(buffer(), potentials as number, t).slice(),
        }
        k.seedRound(
          x as number,
          narrow as number,
          norms as number,
          candidateRows as number,
          closest as number,
          n,
          d,
          t,
          four as number,
          potentials as number,
        )
        expect(Array.from(memory.view(four as number, n * t))).toEqual(
          Array.from(expected.distances),
        )
        expect(Array.from(new Float64Array(buffer(), potentials as number, t))).toEqual(
          Array.from(expected.potentials),
        )
      }
    },
  )

  test('k-means++ on the kernels picks the rows the TF.js distances pick, in chunks too', async () => {
    const compiled = await compileKernelBuild(build)
    if (!compiled) throw new Error(`no ${build} build here`)
    const n = 1000
    const values = digits.data.slice(0, n * D)
    const chunks = splitRows(values, n, D, 300, false)
    for (const [k, maxBatch] of [
      [10, n],
      [7, 256],
    ] as const) {
      const fused = new FusedClusterSums(new KernelMemory(compiled), k, D, maxBatch)
      const plain = await kMeansPlusPlus(values, chunks, D, k, createRandom(5))
      const onKernels = await kMeansPlusPlus(values, [], D, k, createRandom(5), fused, n)
      expect(new Set(plain).size).toBe(k)
      expect(Array.from(onKernels)).toEqual(Array.from(plain))
    }
    disposeChunks(chunks)
  })
})

/** History, centroids and assignments of one model trained on `data`. */
async function trained(
  options: ConstructorParameters<typeof KMeans>[0],
  train: KMeansTrainOptions,
  data: ImageBatch,
) {
  const model = new KMeans(options)
  const history: KMeansHistoryPoint[] = []
  let kernels = ''
  await model.fit(data, train, {
    onUpdate: (update) => {
      history.push(...update.history)
      kernels = update.progress.kernels
    },
  })
  const result = {
    history,
    kernels,
    centroids: model.centroidImages().data,
    // A patch model assigns patches, not the images: its centroids say it all.
    labels: options?.patchSize === undefined ? Array.from((await model.assign(data)).labels) : [],
  }
  model.dispose()
  return result
}

describe('k-means trained with fusedKernels on and off', () => {
  const data: ImageBatch = { data: digits.data.slice(0, 600 * D), shape: [600, 8, 8, 1] }
  test.each([
    ['Lloyd', { k: 10, seed: 2 }, { epochs: 20, tolerance: 0 }],
    ['mini-batch', { k: 10, seed: 2, algorithm: 'minibatch' }, { epochs: 3, batchSize: 64 }],
    [
      'patches, mini-batch',
      { k: 6, seed: 2, patchSize: 4, algorithm: 'minibatch' },
      { epochs: 2, batchSize: 128, patchesPerImage: 3 },
    ],
  ] as [string, ConstructorParameters<typeof KMeans>[0], KMeansTrainOptions][])(
    'gives the same assignments, centroids and history (%s), and leaks no tensor',
    async (_, options, train) => {
      const baseline = tf.memory().numTensors
      const fused = await trained(options, { ...train, fusedKernels: true }, data)
      const plain = await trained(options, { ...train, fusedKernels: false }, data)
      expect(fused.kernels.startsWith('wasm-')).toBe(true)
      expect(plain.kernels).toBe('tfjs')
      expect(fused.labels).toEqual(plain.labels)
      expect(relativeGap(fused.centroids, plain.centroids)).toBeLessThan(1e-5)
      expect(fused.history.length).toBe(plain.history.length)
      expect(
        relativeGap(
          fused.history.map((p) => p.inertia),
          plain.history.map((p) => p.inertia),
        ),
      ).toBeLessThan(1e-5)
      expect(tf.memory().numTensors).toBe(baseline)
    },
  )

  test('a fit at a new seed measures no pass again (the TF.js operations of a fit at a seed already seen)', async () => {
    const kernelsOfFit = async (seed: number): Promise<string[]> => {
      const model = new KMeans({ k: 7, seed })
      try {
        const info = await tf.profile(async () => {
          await model.fit(data, { epochs: 2, tolerance: 0, fusedKernels: true })
          return tf.scalar(0)
        })
        return info.kernels.map((kernel) => kernel.name)
      } finally {
        model.dispose()
      }
    }
    const first = await kernelsOfFit(31)
    const again = await kernelsOfFit(31)
    const otherSeed = await kernelsOfFit(32)
    // The first fit of this architecture measures the passes' memory with TF.js operations.
    expect(first.length).toBeGreaterThan(again.length)
    expect(otherSeed).toEqual(again)
  })

  test('a disposed model hands its kernel memory to the next model of its k and size, with the same results', async () => {
    clearFusedSlots()
    const train = { epochs: 20, tolerance: 0, fusedKernels: true }
    const first = new KMeans({ k: 10, seed: 3 })
    await first.fit(data, train)
    const slotOf = (model: KMeans): unknown => (model as unknown as { fused: unknown }).fused
    const slot = slotOf(first)
    expect(slot).toBeDefined()
    first.dispose()
    // Another architecture takes a slot of its own; the next k = 10 model takes the first one's.
    const other = await trained({ k: 7, seed: 3 }, train, data)
    const second = new KMeans({ k: 10, seed: 3 })
    await second.fit(data, train)
    expect(slotOf(second)).toBe(slot)
    second.dispose()
    const reused = await trained({ k: 10, seed: 4 }, train, data)
    clearFusedSlots()
    const fresh = await trained({ k: 10, seed: 4 }, train, data)
    expect(reused).toEqual(fresh)
    expect(other.kernels.startsWith('wasm-')).toBe(true)
    // One idle slot per architecture; a slot not to be kept is freed, not pooled.
    const pooled = takeFusedSlot(10, D)
    expect(takeFusedSlot(10, D)).not.toBe(pooled)
    releaseFusedSlot(pooled, 10, D, true)
    expect(takeFusedSlot(10, D)).toBe(pooled)
    releaseFusedSlot(pooled, 10, D, false)
    expect(takeFusedSlot(10, D)).not.toBe(pooled)
    clearFusedSlots()
  })

  test('a slot is pooled by the trainer it holds, without the rows of the fit before, and never empty', async () => {
    clearFusedSlots()
    const slotOf = (model: KMeans): FusedTrainerSlot<FusedClusterSums> | undefined =>
      (model as unknown as { fused?: FusedTrainerSlot<FusedClusterSums> }).fused
    const rowsHeld = (slot: FusedTrainerSlot<FusedClusterSums>): unknown => {
      const sums = slot.keptTrainer as unknown as {
        held?: { values: Float32Array }
        residentValues?: Float32Array
      }
      return sums.held?.values ?? sums.residentValues
    }
    // Fitted on the kernels, then once with them off: the slot still holds the first fit's trainer.
    const model = new KMeans({ k: 10, seed: 5 })
    await model.fit(data, { epochs: 3, tolerance: 0, fusedKernels: true })
    await model.fit(data, { epochs: 3, tolerance: 0, fusedKernels: false })
    const slot = slotOf(model)
    expect(slot?.keptTrainer).toBeDefined()
    expect(rowsHeld(slot as FusedTrainerSlot<FusedClusterSums>)).toBeDefined()
    model.dispose()
    const pooled = takeFusedSlot(10, D)
    expect(pooled).toBe(slot)
    expect(rowsHeld(pooled)).toBeUndefined()
    releaseFusedSlot(pooled, 10, D, true)
    // A model that never fitted on the kernels leaves no empty slot, and the pooled one stays.
    const other = new KMeans({ k: 7, seed: 5 })
    await other.fit(data, { epochs: 3, tolerance: 0, fusedKernels: false })
    const empty = slotOf(other)
    expect(empty?.keptTrainer).toBeUndefined()
    other.dispose()
    expect(takeFusedSlot(7, D)).not.toBe(empty)
    expect(takeFusedSlot(10, D)).toBe(slot)
    // An idle slot whose memory was dropped (memory ran out elsewhere) is freed, not handed on.
    releaseFusedSlot(pooled, 10, D, true)
    dropKernelMemory()
    expect(takeFusedSlot(10, D)).not.toBe(slot)
    expect(slot?.keptTrainer).toBeUndefined()
    clearFusedSlots()
  })

  test('fusedKernels must be a boolean (INVALID_OPTION)', async () => {
    const model = new KMeans({ k: 3 })
    await expect(model.fit(data, { fusedKernels: 1 as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    model.dispose()
  })
})
