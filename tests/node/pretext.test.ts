import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Pretext } from '../../src/core/pretext/engine/pretext'
import {
  invertPermutation,
  maximalHammingPermutations,
  permutationDistance,
  shuffleTiles,
  unshuffleTiles,
} from '../../src/core/pretext/permutations'
import {
  exampleViews,
  imageViews,
  makeExamples,
  rotateImage,
  taskLayout,
} from '../../src/core/pretext/pretextTasks'
import {
  resolvePretextOptions,
  type PretextModelOptions,
} from '../../src/core/pretext/pretextOptions'
import { fitLinearProbe } from '../../src/core/probe/engine/linearProbe'
import { resolveProbeOptions } from '../../src/core/probe/probeOptions'
import { pretextEngine } from '../../src/core/pretext/engine/pretextEngine'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import type { PretextHistoryPoint } from '../../src/core/pretext/pretextSpec'
import { switchBackend } from './setupBackend'

/** Fits `model` and returns every history point of the run. */
async function fitHistory(
  model: Pretext,
  data: ImageBatch,
  train: { epochs: number; batchSize: number; learningRate?: number },
): Promise<PretextHistoryPoint[]> {
  const points: PretextHistoryPoint[] = []
  await model.fit(data, train, { onUpdate: (u) => points.push(...u.history) })
  return points
}

const digits = loadDigits()

function firstImages(n: number): ImageBatch {
  return { data: digits.images.data.slice(0, n * 64), shape: [n, 8, 8, 1] }
}

/** The pixels 0 … size−1 as an image, so every move is visible. */
function ramp(shape: [number, number, number]): Float32Array {
  return Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => i)
}

const layoutOf = (options: PretextModelOptions, shape: [number, number, number] = [8, 8, 1]) =>
  taskLayout(resolvePretextOptions(options), shape)

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run()
    return undefined
  } catch (error) {
    return (error as LatentkitError).code
  }
}

beforeAll(() => switchBackend('wasm'))
afterAll(() => switchBackend('cpu'))

describe('jigsaw permutations', () => {
  test('a 2×2 grid: the 24 are every order, distinct; asking for all gives each once', () => {
    const set = maximalHammingPermutations(4, 24, 1)
    expect(new Set(set.map((p) => p.join())).size).toBe(24)
    for (const p of set) expect([...p].sort()).toEqual([0, 1, 2, 3])
  })

  test('a 3×3 grid: 100 distinct permutations far apart, farther than 100 drawn at random; seeded', () => {
    const set = maximalHammingPermutations(9, 100, 7)
    expect(set).toHaveLength(100)
    expect(new Set(set.map((p) => p.join())).size).toBe(100)
    const distances = (ps: readonly (readonly number[])[]): number[] =>
      ps.flatMap((a, i) => ps.slice(i + 1).map((b) => permutationDistance(a, b)))
    const chosen = distances(set)
    const random = createRandom(3)
    const drawn = distances(Array.from({ length: 100 }, () => Array.from(random.permutation(9))))
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length
    // Greedy max-min: every pair differs in most of the 9 places.
    expect(Math.min(...chosen)).toBeGreaterThanOrEqual(6)
    expect(Math.min(...chosen)).toBeGreaterThan(Math.min(...drawn))
    expect(mean(chosen)).toBeGreaterThan(mean(drawn))
    expect(maximalHammingPermutations(9, 100, 7)).toEqual(set)
    expect(maximalHammingPermutations(9, 100, 8)[0]).not.toEqual(set[0])
  })

  test('too few or too many permutations are INVALID_OPTION', async () => {
    expect(await codeOf(() => maximalHammingPermutations(4, 1, 1))).toBe('INVALID_OPTION')
    expect(await codeOf(() => maximalHammingPermutations(4, 25, 1))).toBe('INVALID_OPTION')
    expect(await codeOf(() => new Pretext({ task: 'jigsaw', permutations: 1 }))).toBe(
      'INVALID_OPTION',
    )
    expect(await codeOf(() => new Pretext({ task: 'jigsaw', grid: 2, permutations: 30 }))).toBe(
      'INVALID_OPTION',
    )
  })

  test('shuffling puts tile permutation[i] at i, and un-shuffling with the same permutation undoes it', () => {
    const shape: [number, number, number] = [6, 6, 2]
    const image = ramp(shape)
    for (const p of maximalHammingPermutations(9, 20, 2)) {
      const shuffled = new Float32Array(image.length)
      shuffleTiles(image, 0, shuffled, 0, shape, 3, p)
      // The first pixel of grid cell i is the first pixel of source tile p[i].
      for (let i = 0; i < 9; i++) {
        const at = (cell: number): number => (Math.floor(cell / 3) * 2 * 6 + (cell % 3) * 2) * 2
        expect(shuffled[at(i)]).toBe(image[at(p[i] as number)])
      }
      expect(Array.from(unshuffleTiles(shuffled, shape, 3, p))).toEqual(Array.from(image))
      expect(invertPermutation(invertPermutation(p))).toEqual(Array.from(p))
    }
  })
})

describe('task examples', () => {
  test('rotation: a quarter turn is counter-clockwise, four give the image back; targets are 0–3', () => {
    const shape: [number, number, number] = [3, 3, 1]
    const image = ramp(shape)
    const once = new Float32Array(9)
    rotateImage(image, 0, once, 0, shape, 1)
    // 0 1 2 / 3 4 5 / 6 7 8 turned counter-clockwise: 2 5 8 / 1 4 7 / 0 3 6.
    expect(Array.from(once)).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6])
    let turned = image
    for (let k = 0; k < 4; k++) {
      const next = new Float32Array(9)
      rotateImage(turned, 0, next, 0, shape, 1)
      turned = next
    }
    expect(Array.from(turned)).toEqual(Array.from(image))
    const layout = layoutOf({ task: 'rotation' })
    const images = firstImages(200)
    const { inputs, targets } = makeExamples(
      images.data,
      Int32Array.from({ length: 200 }, (_, i) => i),
      layout,
      createRandom(1),
    )
    expect(new Set(targets)).toEqual(new Set([0, 1, 2, 3]))
    for (let i = 0; i < 200; i++) {
      const expected = new Float32Array(64)
      rotateImage(images.data, i * 64, expected, 0, [8, 8, 1], targets[i] as number)
      expect(Array.from(inputs.subarray(i * 64, i * 64 + 64))).toEqual(Array.from(expected))
    }
  })

  test('jigsaw: examples are the tiles shuffled by the target permutation; views are the tiles in order', () => {
    const layout = layoutOf({ task: 'jigsaw', grid: 2 })
    expect(layout.classes).toBe(24)
    expect(layout.viewShape).toEqual([4, 4, 1])
    const image = ramp([8, 8, 1])
    const { inputs, targets } = makeExamples(image, [0, 0, 0], layout, createRandom(4))
    for (let i = 0; i < 3; i++) {
      const back = unshuffleTiles(
        inputs.subarray(i * 64, i * 64 + 64),
        [8, 8, 1],
        2,
        layout.permutations[targets[i] as number] as readonly number[],
      )
      expect(Array.from(back)).toEqual(Array.from(image))
    }
    const views = imageViews(image, 1, layout)
    // Tile 1 (top right) starts at pixel (0, 4); tile 2 (bottom left) at (4, 0).
    expect(views[16]).toBe(4)
    expect(views[32]).toBe(32)
  })

  test('relative position: the centre patch and the target neighbour, a gap apart; 9 patches to encode', () => {
    const layout = layoutOf({ task: 'relativePosition' })
    expect([layout.patchSize, layout.gap, layout.jitter]).toEqual([2, 1, 0])
    expect(layout.inputShape).toEqual([2, 4, 1])
    const image = ramp([8, 8, 1])
    const { inputs, targets } = makeExamples(
      image,
      [0, 0, 0, 0, 0, 0, 0, 0],
      layout,
      createRandom(1),
      [0, 1, 2, 3, 4, 5, 6, 7],
    )
    expect(Array.from(targets)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    const views = exampleViews(inputs, 8, layout)
    for (let t = 0; t < 8; t++) {
      // Centre patch at (3, 3); neighbours at rows/columns 0, 3, 6 (2 pixels + a gap of 1).
      expect(views[2 * t * 4]).toBe(3 * 8 + 3)
      const row = [0, 0, 0, 1, 1, 2, 2, 2][t] as number
      const column = [0, 1, 2, 0, 2, 0, 1, 2][t] as number
      expect(views[(2 * t + 1) * 4]).toBe(row * 3 * 8 + column * 3)
    }
    expect(layout.encodeViews).toBe(9)
    expect(imageViews(image, 1, layout)).toHaveLength(9 * 4)
  })

  test('image sizes the task cannot cut are typed errors', async () => {
    const sprites = (h: number, w: number): ImageBatch => ({
      data: new Float32Array(4 * h * w),
      shape: [4, h, w, 1],
    })
    expect(await codeOf(() => new Pretext({ task: 'jigsaw', grid: 3 }).fit(firstImages(8)))).toBe(
      'INVALID_OPTION',
    )
    expect(
      await codeOf(() =>
        new Pretext({ task: 'relativePosition', patchSize: 9 }).fit(firstImages(8)),
      ),
    ).toBe('INVALID_OPTION')
    expect(
      await codeOf(() => new Pretext({ task: 'relativePosition', gap: 2 }).fit(firstImages(8))),
    ).toBe('INVALID_OPTION')
    expect(await codeOf(() => new Pretext({ task: 'rotation' }).fit(sprites(8, 12)))).toBe(
      'SHAPE_MISMATCH',
    )
    expect(
      await codeOf(() =>
        new Pretext({ task: 'relativePosition', architecture: 'convolutional' }).fit(
          firstImages(8),
        ),
      ),
    ).toBe('SHAPE_MISMATCH')
    expect(await codeOf(() => new Pretext({ task: 'spin' as unknown as 'rotation' }))).toBe(
      'INVALID_OPTION',
    )
  })
})

describe('Pretext', () => {
  const train = { epochs: 4, batchSize: 64, learningRate: 0.003 }
  const images = firstImages(1000)
  const chance = { rotation: 1 / 4, jigsaw: 1 / 24, relativePosition: 1 / 8 }

  for (const task of ['rotation', 'jigsaw', 'relativePosition'] as const) {
    test(`${task}: the task's accuracy rises well above chance on the digits in a few epochs; no tensor left behind`, async () => {
      const before = tf.memory().numTensors
      const model = new Pretext({ task, seed: 2 })
      const history = await fitHistory(model, images, train)
      const last = history.slice(-10)
      const accuracy = last.reduce((s, p) => s + p.accuracy, 0) / last.length
      expect(accuracy).toBeGreaterThan(2 * chance[task])
      expect(accuracy).toBeGreaterThan(history.slice(0, 3).reduce((s, p) => s + p.accuracy, 0) / 3)
      const examples = model.makeTask(images, 200, 9)
      const { classes, probabilities, classCount } = await model.predict(examples.inputs)
      const right = classes.filter((c, i) => c === examples.targets[i]).length / 200
      expect(right).toBeGreaterThan(2 * chance[task])
      expect(probabilities).toHaveLength(200 * classCount)
      const features = await model.encode(firstImages(10))
      expect(features.shape).toEqual([10, (model.taskLayout?.encodeViews ?? 0) * 64])
      expect(await codeOf(() => model.predict(firstImages(3)))).toBe(
        task === 'relativePosition' ? 'SHAPE_MISMATCH' : undefined,
      )
      model.dispose()
      expect(tf.memory().numTensors).toBe(before)
    })
  }

  test('the same seed gives the same run; the encoder features feed a linear probe', async () => {
    const run = async (): Promise<number[]> => {
      const model = new Pretext({ task: 'jigsaw', seed: 5 })
      const history = await fitHistory(model, firstImages(300), { epochs: 1, batchSize: 50 })
      model.dispose()
      return history.map((p) => p.loss)
    }
    expect(await run()).toEqual(await run())
    const model = new Pretext({ task: 'rotation', seed: 1 })
    await model.fit(digits.images, { epochs: 3, batchSize: 128, learningRate: 0.003 })
    const features = await model.encode(digits.images)
    const probe = await fitLinearProbe(features, digits.labels, { labelsPerClass: 10, seed: 0 })
    expect(probe.accuracy).toBeGreaterThan(0.5)
    model.dispose()
  })

  test('the engine probe refuses labels of the wrong length (SHAPE_MISMATCH) and keeps the model', async () => {
    const model = new Pretext({ task: 'rotation', hiddenUnits: [16], featureSize: 8, seed: 1 })
    await model.fit(firstImages(64), { epochs: 1, batchSize: 32 })
    const probe = pretextEngine.actions.probe as unknown as (
      context: { model: Pretext },
      images: ImageBatch,
      labels: Int32Array,
      options: ReturnType<typeof resolveProbeOptions>,
    ) => Promise<unknown>
    const before = (await model.encode(firstImages(2))).data
    expect(
      await codeOf(() =>
        probe({ model }, firstImages(64), new Int32Array(10), resolveProbeOptions({})),
      ),
    ).toBe('SHAPE_MISMATCH')
    expect((await model.encode(firstImages(2))).data).toEqual(before)
    model.dispose()
  })

  test('a convolutional encoder trains on the jigsaw tiles', async () => {
    const model = new Pretext({ task: 'jigsaw', architecture: 'convolutional', seed: 1 })
    const history = await fitHistory(model, images, {
      epochs: 2,
      batchSize: 64,
      learningRate: 0.003,
    })
    expect(history.at(-1)?.loss).toBeLessThan(history[0]?.loss ?? 0)
    model.dispose()
  })
})
