/**
 * Limits on every size a caller controls, computed from the memory the backend addresses: a request
 * over its limit is refused with INVALID_OPTION (the limit in the message and in `details`) and
 * leaves the trained model as it was; the largest allowed request runs; what is served in chunks
 * gives the same result as in one pass. On CPU and WASM. Then what happens when memory runs out all
 * the same: traps and refused allocations become OUT_OF_MEMORY through the host, and the other models
 * of the host keep training.
 */
import { createHash } from 'node:crypto'
import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { VAE } from '../../src/core/vae/engine/vae'
import { VAENetwork } from '../../src/core/vae/engine/vaeNetwork'
import { resolveVAEModelOptions } from '../../src/core/vae/vaeOptions'
import { GAN } from '../../src/core/gan/engine/gan'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { SparseCoding } from '../../src/core/sparse/engine/sparseCoding'
import { toImageBatch, type ImageBatch } from '../../src/core/dataset'
import { fromWireError, LatentkitError, toWireError, type WireError } from '../../src/core/errors'
import {
  callBudget,
  configureMemoryBudget,
  describeBytes,
  WASM_HEAP_MAX_BYTES,
} from '../../src/core/memoryModel'
import {
  backendMemory,
  guardWasmAllocations,
  measurePass,
  memoryErrorOf,
  TrainingRows,
} from '../../src/core/engine/memoryBudget'
import { compileKernels, KernelMemory } from '../../src/core/kernels/wasmKernels'
import type { ModelSnapshot } from '../../src/core/family/modelSnapshot'
import { BUILTIN_ENGINES } from '../../src/core/engine/builtinEngines'
import { sampleAction } from '../../src/core/family/commonActions'
import { loadDigits } from '../../src/data/digits'
import { generateSprites } from '../../src/data/sprites'
import { ringOfGaussians } from '../../src/data/toy2d'
import { WorkerHost } from '../../workers/host'
import { switchBackend } from './setupBackend'

afterEach(() => configureMemoryBudget({}))

const digits = loadDigits({ limit: 512 }).images
const ring = toImageBatch(ringOfGaussians({ count: 256, seed: 1 }))

function rows(batch: ImageBatch, start: number, end: number): ImageBatch {
  const size = batch.data.length / batch.shape[0]
  const [, h, w, c] = batch.shape
  return { data: batch.data.slice(start * size, end * size), shape: [end - start, h, w, c] }
}

/** Repeats the images of `batch` until there are `n`. */
function repeated(batch: ImageBatch, n: number): ImageBatch {
  const size = batch.data.length / batch.shape[0]
  const data = new Float32Array(n * size)
  for (let i = 0; i < n; i++)
    data.set(
      batch.data.subarray((i % batch.shape[0]) * size, ((i % batch.shape[0]) + 1) * size),
      i * size,
    )
  const [, h, w, c] = batch.shape
  return { data, shape: [n, h, w, c] }
}

/** A model's weights, counters and state, as a hash of its snapshot. */
async function fingerprint(model: { snapshot(): Promise<ModelSnapshot> }): Promise<string> {
  const { weightData, ...head } = await model.snapshot()
  return createHash('sha256')
    .update(new Uint8Array(weightData))
    .update(JSON.stringify(head))
    .digest('hex')
}

/** The error `run` fails with; it must be INVALID_OPTION naming its limit, with the size asked for. */
async function refusal(run: () => unknown): Promise<LatentkitError> {
  const error = await Promise.resolve()
    .then(run)
    .then(
      () => undefined,
      (e: unknown) => e,
    )
  expect(error).toBeInstanceOf(LatentkitError)
  const typed = error as LatentkitError
  expect(typed.code).toBe('INVALID_OPTION')
  const { limit, actual } = typed.details as { limit: number; actual: number }
  expect(Number.isInteger(limit)).toBe(true)
  expect(actual).toBeGreaterThan(limit)
  expect(typed.message).toContain(`limit of ${limit}`)
  expect(typed.message).toContain(String(actual))
  return typed
}

/** `run` must be refused, and `model` must come out of it unchanged. */
async function refusedUnchanged(
  model: { snapshot(): Promise<ModelSnapshot> },
  run: () => unknown,
): Promise<LatentkitError> {
  const before = await fingerprint(model)
  const error = await refusal(run)
  expect(await fingerprint(model)).toBe(before)
  return error
}

const limitOf = (error: LatentkitError): number => error.details.limit as number

/** What `run` throws (it must throw). */
function thrown(run: () => unknown): LatentkitError {
  try {
    run()
  } catch (error) {
    return error as LatentkitError
  }
  throw new Error('expected a throw')
}

/** Equal within `tolerance` (different chunkings may sum in another order on some backends). */
function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = 1e-6,
): void {
  expect(actual.length).toBe(expected.length)
  let worst = 0
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)))
  }
  expect(worst).toBeLessThanOrEqual(tolerance)
}

const BUDGET = 96 * 1024

describe('the memory model', () => {
  test('per-call budgets are a quarter of what each backend addresses', () => {
    expect(
      callBudget({
        backend: 'wasm',
        addressableBytes: WASM_HEAP_MAX_BYTES,
        maxTensorBytes: WASM_HEAP_MAX_BYTES,
      }),
    ).toBe(1_073_725_440)
    expect(describeBytes(1_073_725_440)).toBe('about 1 GiB')
    configureMemoryBudget({ callBudgetBytes: 1000 })
    expect(callBudget({ backend: 'cpu', addressableBytes: 2 ** 32, maxTensorBytes: 2 ** 31 })).toBe(
      1000,
    )
  })

  test('counts the main thread refuses before anything is sent', () => {
    const context = { images: () => digits, model: undefined }
    for (const n of [0, 1.5, 2 ** 31, Number.NaN]) {
      expect(thrown(() => sampleAction.prepare(context, n)).code).toBe('INVALID_OPTION')
    }
    expect(sampleAction.prepare(context, 2 ** 31 - 1)[0]).toBe(2 ** 31 - 1)
    expect(() => new VAE({ hiddenUnits: [2 ** 31] })).toThrow(/2147483647/)
  })

  test('data sets are held to JavaScript memory', () => {
    const error = thrown(() => generateSprites({ count: 1e8 }))
    expect(error.code).toBe('INVALID_OPTION')
    const limit = limitOf(error)
    expect(limit).toBe(Math.floor(2 ** 30 / (28 * 28 * 4)))
    expect(error.message).toContain(`limit of ${limit}`)
  })

  test('memory failures are typed; a trap in the WASM backend asks for a restart', async () => {
    await switchBackend('cpu')
    const allocation = memoryErrorOf(new RangeError('Array buffer allocation failed'))
    expect(allocation?.code).toBe('OUT_OF_MEMORY')
    expect(allocation?.details.restartWorker).toBe(false)
    expect(memoryErrorOf(new Error('something else'))).toBeUndefined()
    expect(memoryErrorOf(new RangeError('offset is out of bounds'))).toBeUndefined()
    await switchBackend('wasm')
    const trap = memoryErrorOf(new WebAssembly.RuntimeError('memory access out of bounds'))
    expect(trap?.code).toBe('OUT_OF_MEMORY')
    expect(trap?.details.restartWorker).toBe(true)
    // Any other trap in TF.js's WebAssembly leaves it untrusted too.
    const other = memoryErrorOf(new WebAssembly.RuntimeError('divide by zero'))
    expect(other).toMatchObject({ code: 'INTERNAL', name: 'InternalError' })
    expect(other?.details.restartWorker).toBe(true)
    // Across the wire and back, it is still an OutOfMemoryError with its details.
    const rebuilt = fromWireError(toWireError(trap))
    expect(rebuilt.name).toBe('OutOfMemoryError')
    expect(rebuilt.details).toMatchObject({ restartWorker: true, backend: 'wasm' })
  })
})

describe.each(['cpu', 'wasm'] as const)('limits on the %s backend', (backend) => {
  beforeAll(() => switchBackend(backend))

  async function trainedVAE(): Promise<VAE> {
    const vae = new VAE({ hiddenUnits: [16], latentDim: 3, seed: 1 })
    await vae.fit(rows(digits, 0, 128), { epochs: 1, batchSize: 32 })
    return vae
  }

  test('a pass is measured as the values its rows hold; sample(1e7) is refused at budget ÷ bytes per row', async () => {
    const network = new VAENetwork(
      64,
      resolveVAEModelOptions({ hiddenUnits: [16], latentDim: 3, seed: 1 }, 64),
    )
    // Decoding a row: its latent (3), the hidden layer (16), the logits (64) and their sigmoid (64).
    const cost = measurePass((n) => network.decode(tf.zeros([n, 3])))
    expect(cost).toEqual({ bytesPerRow: 4 * (3 + 16 + 64 + 64), fixedBytes: 0 })
    // Told what it makes once (nothing), one batch shape is enough.
    expect(measurePass((n) => network.decode(tf.zeros([n, 3])), 0)).toEqual(cost)
    network.dispose()
    const vae = await trainedVAE()
    const error = await refusedUnchanged(vae, () => vae.sample(1e7))
    // Host arrays too: the latents drawn and the images read back.
    const perRow = cost.bytesPerRow + 4 * (3 + 64)
    expect(limitOf(error)).toBe(Math.floor(callBudget(backendMemory()) / perRow))
    expect(error.message).toMatch(
      new RegExp(
        `^sample count 10000000 is above this model's limit of \\d+ on the ${backend} backend \\(about 1 GiB per call\\); draw in batches of at most \\d+$`,
      ),
    )
    expect(error.details).toMatchObject({ backend, actual: 1e7 })
    vae.dispose()
  })

  test('VAE: sample and interpolate up to one pass; decode, encode, reconstruct and score in chunks', async () => {
    const vae = await trainedVAE()
    configureMemoryBudget({ callBudgetBytes: BUDGET })
    const sample = await refusedUnchanged(vae, () => vae.sample(100_000, { seed: 1 }))
    const most = limitOf(sample)
    expect(most).toBeGreaterThan(10)
    expect((await vae.sample(most, { seed: 1 })).shape).toEqual([most, 8, 8, 1])

    const a = new Float32Array(3)
    const b = new Float32Array(3).fill(1)
    const steps = await refusedUnchanged(vae, () => vae.interpolate(a, b, most + 1))
    expect(limitOf(steps)).toBe(most)
    expect((await vae.interpolate(a, b, most)).shape[0]).toBe(most)

    // What a call holds on the host (its input and results) is bounded: refused beyond it.
    const many = repeated(digits, 5000)
    const latents = new Float32Array(5000 * 3).map((_, i) => Math.sin(i))
    const encode = await refusedUnchanged(vae, () => vae.encode(many))
    expect(encode.message).toMatch(
      /^image count 5000 is above .* encode at most \d+ images per call$/,
    )
    const limits = {
      encode: limitOf(encode),
      reconstruct: limitOf(await refusedUnchanged(vae, () => vae.reconstruct(many))),
      score: limitOf(await refusedUnchanged(vae, () => vae.anomaly.score(many))),
      decode: limitOf(await refusedUnchanged(vae, () => vae.decode(latents))),
    }
    await refusedUnchanged(vae, () => vae.anomaly.calibrate(many))
    expect(vae.anomaly.threshold).toBeUndefined()
    const evaluate = await refusedUnchanged(vae, () => vae.evaluate(repeated(digits, 200_000)))
    expect(evaluate.message).toMatch(/evaluate at most \d+ images per call$/)
    // The largest calls allowed are more rows than one pass takes: they run in chunks, with the
    // values of one pass.
    expect(limits.decode).toBeGreaterThan(most)
    const run = async () => ({
      encode: (await vae.encode(rows(many, 0, limits.encode))).data,
      reconstruct: (await vae.reconstruct(rows(many, 0, limits.reconstruct))).data,
      score: (await vae.anomaly.score(rows(many, 0, limits.score))).scores,
      decode: (await vae.decode(latents.slice(0, 3 * limits.decode))).data,
    })
    const chunked = await run()
    // Evaluated in passes of the budget's size: the same means as in one pass.
    const evaluated = await vae.evaluate(many, 3)
    configureMemoryBudget({})
    const whole = await run()
    const evaluatedWhole = await vae.evaluate(many, 3)
    expect(evaluated.loss).toBeCloseTo(evaluatedWhole.loss, 3)
    expect(evaluated.kl).toBeCloseTo(evaluatedWhole.kl, 4)
    expectClose(chunked.encode, whole.encode)
    expectClose(chunked.reconstruct, whole.reconstruct)
    expectClose(chunked.score, whole.score, 1e-5)
    expectClose(chunked.decode, whole.decode)
    vae.dispose()
  })

  test('VAE: a batch whose step would not fit is refused; the largest one trains', async () => {
    const vae = await trainedVAE()
    const data = rows(digits, 0, 512)
    configureMemoryBudget({ callBudgetBytes: BUDGET })
    const error = await refusedUnchanged(vae, () => vae.fit(data, { epochs: 1, batchSize: 512 }))
    expect(error.details.option).toBe('batchSize')
    const most = limitOf(error)
    expect(most).toBeGreaterThan(1)
    const steps = vae.trainedSteps
    await vae.fit(data, { epochs: 1, batchSize: most })
    expect(vae.trainedSteps).toBe(steps + Math.ceil(512 / most))
    // A batch size above the rows is the rows: nothing to refuse.
    await vae.fit(rows(data, 0, Math.floor(most / 2)), { epochs: 1, batchSize: 10_000 })
    vae.dispose()

    // Refused on the first fit, the model stays untrained and takes other images afterwards.
    const fresh = new VAE({ hiddenUnits: [16], latentDim: 3, seed: 1 })
    await refusal(() => fresh.fit(data, { epochs: 1, batchSize: 512 }))
    expect(fresh.imageShape).toBeUndefined()
    expect(fresh.trainedSteps).toBe(0)
    configureMemoryBudget({})
    await fresh.fit(
      toImageBatch({ data: new Float32Array(32 * 16).fill(0.5), shape: [32, 4, 4] }),
      { epochs: 1 },
    )
    expect(fresh.imageShape).toEqual([4, 4, 1])
    fresh.dispose()
  })

  test('VAE: a training set larger than half the budget stays on the host, with the same run', async () => {
    const train = async (): Promise<number[]> => {
      const vae = new VAE({ hiddenUnits: [16], latentDim: 3, seed: 4 })
      const result: number[] = []
      await vae.fit(
        rows(digits, 0, 256),
        { epochs: 2, batchSize: 32, fusedKernels: false },
        {
          onUpdate: (update) => result.push(...update.history.map((p) => p.loss)),
          updateIntervalMs: 0,
        },
      )
      vae.dispose()
      return result
    }
    expect(TrainingRows.residentBytes(digits)).toBe(512 * 64 * 4)
    const onDevice = await train()
    // Just under twice the 512 × 64 values of the set.
    configureMemoryBudget({ callBudgetBytes: 2 * 512 * 64 * 4 - 4 })
    expect(TrainingRows.residentBytes(digits)).toBe(0)
    expect(await train()).toEqual(onDevice)
  })

  test('VAE, autoencoder, GAN and sparse coding: networks too large for the backend are refused before anything is built', async () => {
    const cases = [
      () => new VAE({ hiddenUnits: [200_000, 200_000] }),
      () => new Autoencoder({ hiddenUnits: [5_000_000] }),
      () => new GAN({ generatorUnits: [100_000, 100_000] }),
      () => new SparseCoding({ atoms: 100_000, patchSize: 4 }),
    ]
    const before = tf.memory().numTensors
    for (const create of cases) {
      const model = create()
      const error = await refusal(() => model.fit(digits, { epochs: 1 }))
      expect(error.message).toMatch(/^weight count \d+ is above this model's limit of \d+ /)
      expect(error.message).toMatch(/use (smaller|fewer)/)
      expect(model.imageShape).toBeUndefined()
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  test('autoencoder: decode, encode and reconstruct in chunks; host arrays and batches bounded', async () => {
    const ae = new Autoencoder({ hiddenUnits: [16], codeSize: 4, seed: 2 })
    await ae.fit(rows(digits, 0, 128), { epochs: 1, batchSize: 32 })
    const many = repeated(digits, 5000)
    configureMemoryBudget({ callBudgetBytes: BUDGET })
    await refusedUnchanged(ae, () => ae.decode(new Float32Array(5000 * 4)))
    await refusedUnchanged(ae, () => ae.encode(many))
    const most = limitOf(await refusedUnchanged(ae, () => ae.reconstruct(many)))
    const chunked = await ae.reconstruct(rows(many, 0, most))
    configureMemoryBudget({})
    expectClose(chunked.data, (await ae.reconstruct(rows(many, 0, most))).data)
    configureMemoryBudget({ callBudgetBytes: BUDGET })
    const batch = await refusedUnchanged(ae, () => ae.fit(digits, { epochs: 1, batchSize: 512 }))
    await ae.fit(digits, { epochs: 1, batchSize: limitOf(batch) })
    ae.dispose()
  })

  test('GAN: samples, view2d grid and samples, batch size', async () => {
    const gan = new GAN({ generatorUnits: [16], discriminatorUnits: [16], seed: 2 })
    await gan.fit(ring, { epochs: 1, batchSize: 64 })
    configureMemoryBudget({ callBudgetBytes: BUDGET })
    const sample = await refusedUnchanged(gan, () => gan.sample(1e6))
    expect((await gan.sample(limitOf(sample), { seed: 1 })).shape[0]).toBe(limitOf(sample))
    const grid = await refusedUnchanged(gan, () => gan.view2d({ gridSize: 512 }))
    expect(grid.details.option).toBe('gridSize')
    const side = Math.floor(Math.sqrt(limitOf(grid)) / 2)
    const samples = await refusedUnchanged(gan, () => gan.view2d({ gridSize: 8, samples: 1e6 }))
    const view = await gan.view2d({ gridSize: 8, samples: limitOf(samples) })
    expect(view.generated.length).toBe(2 * limitOf(samples))
    expect((await gan.view2d({ gridSize: side, samples: 1 })).heatmap.length).toBe(side * side)
    const batch = await refusedUnchanged(gan, () =>
      gan.fit(ring, { epochs: 1, batchSize: 256, discriminatorSteps: 3 }),
    )
    expect(batch.message).toContain('discriminatorSteps')
    await gan.fit(ring, { epochs: 1, batchSize: limitOf(batch), discriminatorSteps: 3 })
    gan.dispose()
  })

  test('sparse coding: patches per call, chunks that fit, patches per epoch', async () => {
    const model = new SparseCoding({ atoms: 16, patchSize: 4, seed: 5 })
    const data = rows(digits, 0, 64)
    await model.fit(data, { epochs: 1, batchSize: 64, patchesPerEpoch: 256, codingIterations: 20 })
    const probe = rows(digits, 0, 40)
    const whole = await model.reconstruct(probe, { maxIterations: 50 })
    const codes = await model.encode(probe, { stride: 1, maxIterations: 50 })
    const problem = await model.codingProblem(probe, 1)
    configureMemoryBudget({ callBudgetBytes: 4 * BUDGET })
    // The coding problem is prepared in chunks, with the same patches.
    expect((await model.codingProblem(probe, 1)).patches).toEqual(problem.patches)
    await refusedUnchanged(model, () => model.codingProblem(repeated(probe, 40_000), 1))
    // 40 images hold 40 × 25 patches at stride 1: more than a chunk, fewer than a call. (FISTA lets
    // a row that converged run on until half its chunk has: results agree to its tolerance.)
    expectClose((await model.reconstruct(probe, { maxIterations: 50 })).data, whole.data, 2e-2)
    const chunked = await model.encode(probe, { stride: 1, maxIterations: 50 })
    expect(chunked.count).toBe(codes.count)
    expect(chunked.positions).toEqual(codes.positions)
    const patches = await refusedUnchanged(model, () => model.reconstruct(repeated(probe, 4000)))
    expect(patches.message).toMatch(/^patch count 100000 is above .*a larger stride$/)
    await refusedUnchanged(model, () => model.encode(repeated(probe, 4000), { stride: 1 }))
    const batch = await refusedUnchanged(model, () =>
      model.fit(data, { epochs: 1, batchSize: 1024, patchesPerEpoch: 1024 }),
    )
    await model.fit(data, { epochs: 1, batchSize: limitOf(batch), patchesPerEpoch: 256 })
    configureMemoryBudget({ callBudgetBytes: 4096 })
    const epoch = await refusedUnchanged(model, () =>
      model.fit(data, { epochs: 1, batchSize: 1, patchesPerEpoch: 100_000 }),
    )
    expect(epoch.details.option).toBe('patchesPerEpoch')
    model.dispose()
  })
})

describe('running out of memory all the same (WASM)', () => {
  beforeAll(async () => {
    await switchBackend('wasm')
    guardWasmAllocations()
  })

  const data = { name: 'digits', limit: 128 } as const
  const train = { epochs: 1, batchSize: 32 }

  /** How a host call failed, as the client would see it. */
  async function failure(call: Promise<unknown>): Promise<WireError> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ latentkitError: true })
    return error as WireError
  }

  test('an allocation beyond the heap is refused before it is made; the backend goes on', async () => {
    const before = tf.memory().numTensors
    const error = thrown(() => tf.fill([2 ** 31], 0))
    expect(error.code).toBe('OUT_OF_MEMORY')
    expect(error.details).toMatchObject({ restartWorker: false, requestedBytes: 2 ** 33 })
    expect(tf.memory().numTensors).toBe(before)
    const vae = new VAE({ hiddenUnits: [16], latentDim: 3, seed: 1 })
    await vae.fit(rows(digits, 0, 64), { epochs: 1, fusedKernels: false })
    expect((await vae.sample(4, { seed: 1 })).data.every((v) => v >= 0 && v <= 1)).toBe(true)
    vae.dispose()
  })

  test('a trap in the fused kernels: OUT_OF_MEMORY, their memory dropped, every model keeps training', async () => {
    const host = new WorkerHost(BUILTIN_ENGINES)
    await host.create('b', 'vae', { hiddenUnits: [16], seed: 2 })
    const b = await host.train('b', data, train)
    expect(b.steps).toBeGreaterThan(0)
    const compiled = await compileKernels()
    const kept = new KernelMemory(compiled!)
    await host.create('a', 'vae', { hiddenUnits: [16], seed: 1 })
    const RealInstance = WebAssembly.Instance
    // The next kernel memory made traps in its matrix product, as a kernel writing past its memory does.
    WebAssembly.Instance = function (module: WebAssembly.Module, imports?: WebAssembly.Imports) {
      const real = new RealInstance(module, imports)
      return {
        exports: {
          ...real.exports,
          gemm: () => {
            throw new WebAssembly.RuntimeError('memory access out of bounds')
          },
        },
      }
    } as unknown as typeof WebAssembly.Instance
    let error: WireError
    try {
      error = await failure(host.train('a', data, train))
    } finally {
      WebAssembly.Instance = RealInstance
    }
    expect(error.code).toBe('OUT_OF_MEMORY')
    expect(error.name).toBe('OutOfMemoryError')
    expect(error.details).toMatchObject({ restartWorker: false, source: 'fused-kernels' })
    expect(error.message).toMatch(/memory access out of bounds.*fusedKernels: false/)
    expect(kept.dropped).toBe(true)
    // Both models train on fresh kernel memory, and snapshots still flow.
    const snapshots: ModelSnapshot[] = []
    const again = await host.train('a', data, train, undefined, (s) => void snapshots.push(s))
    expect(again.model.trainedSteps).toBe(4)
    expect((await host.train('b', data, train)).model.trainedSteps).toBe(2 * b.steps)
    expect(snapshots.length).toBeGreaterThan(0)
    await host.disposeModel('a')
    await host.disposeModel('b')
  })

  test("a trap in TF.js's WebAssembly: OUT_OF_MEMORY asking for a restart, no more snapshots, other models keep training", async () => {
    const host = new WorkerHost(BUILTIN_ENGINES)
    await host.create('a', 'vae', { hiddenUnits: [16], seed: 1 })
    await host.create('b', 'vae', { hiddenUnits: [16], seed: 2 })
    await host.train('a', data, train)
    const first = await host.train('b', data, train)
    const sigmoid = tf.getKernel('Sigmoid', 'wasm')!
    tf.unregisterKernel('Sigmoid', 'wasm')
    tf.registerKernel({
      ...sigmoid,
      kernelFunc: () => {
        throw new WebAssembly.RuntimeError('memory access out of bounds')
      },
    })
    let error: WireError
    try {
      error = await failure(host.call('a', 'sample', [4, 1]))
    } finally {
      tf.unregisterKernel('Sigmoid', 'wasm')
      tf.registerKernel(sigmoid)
    }
    expect(error.code).toBe('OUT_OF_MEMORY')
    expect(error.details).toMatchObject({
      restartWorker: true,
      backend: 'wasm',
      source: 'tfjs-wasm',
    })
    expect(error.message).toMatch(/restart/)
    // Snapshots taken now could hold corrupted weights: none leaves the worker.
    expect((await failure(host.snapshot('b'))).details).toMatchObject({ restartWorker: true })
    const snapshots: unknown[] = []
    const more = await host.train('b', data, train, undefined, (s) => void snapshots.push(s))
    expect(more.model.trainedSteps).toBe(2 * first.steps)
    expect(snapshots).toEqual([])
    const reply = await host.call('b', 'sample', [2, 1])
    expect((reply.result as ImageBatch).shape).toEqual([2, 8, 8, 1])
    await host.disposeModel('a')
    await host.disposeModel('b')
  })

  test('the host refuses an oversized request with INVALID_OPTION and the next call works', async () => {
    const host = new WorkerHost(BUILTIN_ENGINES)
    await host.create('a', 'vae', { hiddenUnits: [16], seed: 1 })
    await host.train('a', data, train)
    const started = performance.now()
    const error = await failure(host.call('a', 'sample', [1e7, 1]))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error.code).toBe('INVALID_OPTION')
    expect(error.message).toContain(`limit of ${error.details.limit as number} on the wasm backend`)
    const reply = await host.call('a', 'sample', [3, 1])
    expect((reply.result as ImageBatch).shape[0]).toBe(3)
    await host.disposeModel('a')
  })
})
