import { describe, expect, test } from 'vitest'
import {
  defineAction,
  defineFamily,
  optionKeys,
  type ActionMap,
} from '../../src/core/family/familySpec'
import { createClientClass } from '../../src/client/familyClient'
import { vaeSpec } from '../../src/core/vae/vaeSpec'
import { interpolateLatent, interpolationPath } from '../../src/core/interpolate'
import { createRandom } from '../../src/core/random'
import {
  BusyError,
  WorkerCrashedError,
  ShapeMismatchError,
  fromWireError,
  toWireError,
  isWireError,
} from '../../src/core/errors'
import { modelReducer, initialModelState } from '../../src/client/modelState'
import { downsample, summarise, valueRange } from '../../src/components/lossChartGeometry'
import { gridLayout, tileAt, tileOrigin, imageToRGBA } from '../../src/components/imagePixels'

const norm = (v: Float32Array) => Math.hypot(...v)

describe('interpolation', () => {
  test('linear and slerp hit both endpoints; slerp keeps the norm of equal-norm endpoints', () => {
    const a = new Float32Array([3, 0, 0])
    const b = new Float32Array([0, 3, 0])
    for (const method of ['linear', 'slerp'] as const) {
      expect(Array.from(interpolateLatent(a, b, 0, method))).toEqual([3, 0, 0])
      const end = interpolateLatent(a, b, 1, method)
      expect(end[1]).toBeCloseTo(3, 5)
    }
    expect(norm(interpolateLatent(a, b, 0.5, 'slerp'))).toBeCloseTo(3, 5)
    expect(norm(interpolateLatent(a, b, 0.5, 'linear'))).toBeCloseTo(3 / Math.SQRT2, 5)
  })

  test('a path has steps × d values and rejects bad steps', () => {
    expect(interpolationPath(new Float32Array(4), new Float32Array(4).fill(1), 5).length).toBe(20)
    expect(() => interpolationPath(new Float32Array(2), new Float32Array(2), 1)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    )
    expect(() => interpolateLatent(new Float32Array(2), new Float32Array(3), 0.5)).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    )
  })
})

describe('seeded random', () => {
  test('same seed, same stream; normals have mean ≈ 0 and variance ≈ 1', () => {
    expect(Array.from(createRandom(5).normals(10))).toEqual(Array.from(createRandom(5).normals(10)))
    expect(Array.from(createRandom(5).normals(10))).not.toEqual(
      Array.from(createRandom(6).normals(10)),
    )
    const xs = createRandom(1).normals(20000)
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length
    expect(Math.abs(mean)).toBeLessThan(0.03)
    expect(Math.abs(variance - 1)).toBeLessThan(0.05)
    const perm = createRandom(2).permutation(100)
    expect([...perm].sort((x, y) => x - y)).toEqual([...Array(100).keys()])
  })
})

describe('errors across the wire', () => {
  test('keep class, code, message and details', () => {
    const wire = toWireError(new ShapeMismatchError('bad shape', { expected: 64, actual: 63 }))
    const cloned = structuredClone(wire)
    expect(isWireError(cloned)).toBe(true)
    const rebuilt = fromWireError(cloned)
    expect(rebuilt).toBeInstanceOf(ShapeMismatchError)
    expect(rebuilt.code).toBe('SHAPE_MISMATCH')
    expect(rebuilt.details).toEqual({ expected: 64, actual: 63 })
    expect(fromWireError(toWireError(new BusyError('x'))).name).toBe('BusyError')
  })

  test('unknown throwables become INTERNAL with the original message', () => {
    const rebuilt = fromWireError(new TypeError('boom'))
    expect(rebuilt.code).toBe('INTERNAL')
    expect(rebuilt.message).toMatch(/boom/)
  })
})

describe('model state reducer', () => {
  const info = {
    kind: 'vae' as const,
    trainedSteps: 3,
    trainedEpochs: 1,
    imageShape: [8, 8, 1] as const,
    latentDim: 2,
    patchShape: undefined,
    threshold: undefined,
  }
  test("the history keeps its family's chart defaults through progress and reset, unenumerated", () => {
    const chart = { series: [{ key: 'energy' as const, label: 'energy' }], unit: 'nats' }
    let s = initialModelState<{ step: number; epoch: number; energy: number }>(chart)
    expect(s.history.chart).toBe(chart)
    s = modelReducer(s, {
      type: 'progress',
      progress: {
        epoch: 1,
        epochs: 1,
        step: 1,
        stepInEpoch: 1,
        stepsPerEpoch: 1,
        runStep: 1,
        runSteps: 1,
        samplesPerSecond: 1,
        elapsedMs: 1,
        kernels: 'tfjs',
        kernelThreads: 1,
      },
      points: [{ step: 1, epoch: 1, energy: 2 }],
      model: info,
      historyLimit: 10,
    })
    expect(s.history.chart).toBe(chart)
    expect(Object.keys(s.history)).toEqual(['0'])
    s = modelReducer(s, { type: 'reset', model: undefined })
    expect(s.history.chart).toBe(chart)
    expect(s.history).toEqual([])
  })

  test('training lifecycle and history cap', () => {
    let s = initialModelState<{ step: number }>()
    s = modelReducer(s, { type: 'loading' })
    expect(s.status).toBe('loading')
    s = modelReducer(s, { type: 'trainStart' })
    const progress = {
      epoch: 1,
      epochs: 1,
      step: 3,
      stepInEpoch: 3,
      stepsPerEpoch: 3,
      runStep: 3,
      runSteps: 3,
      samplesPerSecond: 1,
      elapsedMs: 1,
      kernels: 'tfjs' as const,
      kernelThreads: 1 as const,
    }
    s = modelReducer(s, {
      type: 'progress',
      progress,
      points: [{ step: 1 }, { step: 2 }, { step: 3 }],
      model: info,
      historyLimit: 2,
    })
    expect(s.history).toEqual([{ step: 2 }, { step: 3 }])
    expect(s.modelVersion).toBe(1)
    s = modelReducer(s, { type: 'paused' })
    expect(s.status).toBe('paused')
    const errored = modelReducer(s, { type: 'error', error: new BusyError('x'), source: 'train' })
    expect(errored.status).toBe('paused')
    s = modelReducer(s, { type: 'resumed' })
    s = modelReducer(s, { type: 'trainEnd', model: info })
    expect(s.status).toBe('ready')
    s = modelReducer(s, { type: 'error', error: new BusyError('x'), source: 'interpolate' })
    expect(s.status).toBe('error')
    expect(s.errorSource).toBe('interpolate')
    // An unrelated success (a grid's re-sample) leaves the error; the same action's success clears it.
    expect(modelReducer(s, { type: 'succeeded', source: 'sample' })).toBe(s)
    expect(modelReducer(s, { type: 'loading' }).error?.code).toBe('BUSY')
    s = modelReducer(s, { type: 'succeeded', source: 'interpolate' })
    expect(s.status).toBe('ready')
    expect(s.error).toBeUndefined()
    expect(s.errorSource).toBeUndefined()
    s = modelReducer(s, {
      type: 'crashed',
      error: new WorkerCrashedError('gone'),
      model: { ...info, trainedSteps: 7 },
    })
    expect([s.status, s.errorSource, s.model?.trainedSteps]).toEqual(['ready', 'train', 7])
    const lost = modelReducer(s, {
      type: 'crashed',
      error: new WorkerCrashedError('gone'),
      model: undefined,
    })
    expect([lost.status, lost.model]).toEqual(['error', undefined])
    s = modelReducer(s, { type: 'reset', model: undefined })
    expect(s.status).toBe('idle')
    expect(s.history).toEqual([])
  })
})

describe('component geometry', () => {
  test('grid layout and hit testing', () => {
    const layout = gridLayout(8, 8, 2, 3, 4, 2)
    expect(layout.width).toBe(3 * 32 + 2 * 2)
    expect(layout.height).toBe(2 * 32 + 2)
    expect(tileOrigin(layout, 4)).toEqual({ x: 34, y: 34 })
    expect(tileAt(layout, 35, 35)).toBe(4)
    expect(tileAt(layout, 33, 5)).toBeUndefined()
    expect(tileAt(layout, 500, 5)).toBeUndefined()
  })

  test('colour maps clamp and invert', () => {
    const rgba = imageToRGBA(
      { data: new Float32Array([0, 0.5, 2, -1]), shape: [1, 2, 2, 1] },
      0,
      'grayscale',
    )
    expect([rgba[0], rgba[4], rgba[8], rgba[12]]).toEqual([0, 128, 255, 0])
    const inverted = imageToRGBA(
      { data: new Float32Array([0, 1]), shape: [1, 1, 2, 1] },
      0,
      'inverted',
    )
    expect([inverted[0], inverted[4], inverted[7]]).toEqual([255, 0, 255])
  })

  test('loss chart thinning, range and summary', () => {
    const history = Array.from({ length: 1000 }, (_, i) => ({
      step: i + 1,
      loss: 100 - i / 20,
      kl: 1,
    }))
    const thin = downsample(history, 50)
    expect(thin.length).toBe(50)
    expect(thin[49]).toBe(history[999])
    expect(valueRange(history, ['loss', 'kl'], false)).toEqual({ min: 1, max: 100 })
    const text = summarise(
      history,
      [
        { key: 'loss', label: 'loss' },
        { key: 'kl', label: 'KL' },
      ],
      'nats per image',
    )
    expect(text).toBe(
      'After step 1000: loss 50.0, KL 1.00 nats per image; loss down 50% from 100 at step 1.',
    )
    expect(summarise([], [{ key: 'loss', label: 'loss' }], 'nats')).toBe('No training steps yet.')
  })
})

describe('family option keys', () => {
  test('optionKeys lists every key; the compiler refuses a missing or an unknown one', () => {
    type Options = { readonly epochs?: number; readonly batchSize?: number }
    expect(optionKeys<Options>()(['epochs', 'batchSize'])).toEqual(['epochs', 'batchSize'])
    // @ts-expect-error batchSize is missing
    optionKeys<Options>()(['epochs'])
    // @ts-expect-error learningRate is not an option
    optionKeys<Options>()(['epochs', 'batchSize', 'learningRate'])
    // The built-in families' lists match their option types (checked at compile time) and the
    // client sends exactly these keys.
    expect(vaeSpec.trainKeys).toEqual([
      'epochs',
      'batchSize',
      'learningRate',
      'fusedKernels',
      'kernelThreads',
    ])
  })
})

describe('family clients', () => {
  test("a family's actions become client methods in both forms, and may not hide the client's own members", () => {
    const family = (actions: ActionMap) =>
      defineFamily<object, object, { step: number; epoch: number }>()({
        kind: 'probe',
        noun: 'probe',
        modelKeys: [],
        trainKeys: [],
        validateModel: () => undefined,
        validateTrain: () => undefined,
        chart: { series: [], unit: '' },
        actions,
      })
    const Client = createClientClass(family({ look: defineAction<number>()(() => [] as const) }))
    const client = new Client() as unknown as Record<string, unknown>
    expect(typeof client.look).toBe('function')
    expect(typeof client.lookAsync).toBe('function')
    for (const name of ['train', 'getSnapshot', 'subscribe', 'actions', 'history', 'lookAsync']) {
      const clashing = family({ [name]: defineAction<number>()(() => [] as const) })
      expect(() => createClientClass(clashing), name).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: expect.stringContaining('would hide'),
        }),
      )
    }
  })
})
