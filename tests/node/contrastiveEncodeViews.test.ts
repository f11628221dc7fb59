import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { Contrastive } from '../../src/core/contrastive/engine/contrastive'
import type { ContrastiveModelOptions } from '../../src/core/contrastive/contrastiveOptions'
import { SHIFT_VIEWS, shiftedImages } from '../../src/core/contrastive/shiftViews'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import type { LatentkitError } from '../../src/core/errors'
import { switchBackend } from './setupBackend'

const digits = loadDigits()

function firstImages(n: number): ImageBatch {
  return { data: digits.images.data.slice(0, n * 64), shape: [n, 8, 8, 1] }
}

async function errorOf(run: () => unknown): Promise<LatentkitError | undefined> {
  try {
    await run()
  } catch (error) {
    return error as LatentkitError
  }
  return undefined
}

const SMALL: ContrastiveModelOptions = {
  architecture: 'conv',
  convChannels: [4, 8],
  featureSize: 16,
  headUnits: [16],
  projectionSize: 8,
  seed: 3,
}

beforeAll(() => switchBackend('cpu'))

describe('shiftedImages', () => {
  test('moves every pixel by one row or column, the uncovered edge reading 0, channel by channel', () => {
    // Two 2×3 images of 2 channels: value = 100·image + 10·(3·y + x) + channel.
    const data = Float32Array.from({ length: 2 * 2 * 3 * 2 }, (_, k) => {
      const channel = k % 2
      const pixel = Math.floor(k / 2) % 6
      const image = Math.floor(k / 12)
      return 100 * image + 10 * pixel + channel + 1
    })
    const images: ImageBatch = { data, shape: [2, 2, 3, 2] }
    const at = (batch: ImageBatch, i: number, y: number, x: number, c: number): number =>
      batch.data[((i * 2 + y) * 3 + x) * 2 + c] as number
    for (const [dy, dx] of [...SHIFT_VIEWS, [1, 1] as const, [0, 3] as const]) {
      const view = shiftedImages(images, dy, dx)
      expect(view.shape).toEqual(images.shape)
      for (let i = 0; i < 2; i++)
        for (let y = 0; y < 2; y++)
          for (let x = 0; x < 3; x++)
            for (let c = 0; c < 2; c++) {
              const sy = y - dy
              const sx = x - dx
              const inside = sy >= 0 && sy < 2 && sx >= 0 && sx < 3
              expect(at(view, i, y, x, c)).toBe(inside ? at(images, i, sy, sx, c) : 0)
            }
    }
    expect(Array.from(shiftedImages(images, 0, 0).data)).toEqual(Array.from(data))
  })
})

describe("encodeViews: 'shifts'", () => {
  test('trains exactly as the default, and its features are the mean over the image and its four shifts; no tensor left behind', async () => {
    const images = firstImages(32)
    const plain = new Contrastive(SMALL)
    const shifts = new Contrastive({ ...SMALL, encodeViews: 'shifts' })
    const losses = async (model: Contrastive): Promise<number[]> => {
      const points: number[] = []
      await model.fit(
        images,
        { epochs: 2, batchSize: 16 },
        { onUpdate: (u) => points.push(...u.history.map((p) => p.loss)) },
      )
      return points
    }
    const first = await losses(plain)
    expect(first.length).toBeGreaterThan(0)
    expect(await losses(shifts)).toEqual(first)
    expect(shifts.resolvedOptions?.encodeViews).toBe('shifts')
    expect(plain.resolvedOptions?.encodeViews).toBe('image')

    const probe = firstImages(5)
    const before = tf.memory().numTensors
    const averaged = await shifts.encode(probe)
    expect(tf.memory().numTensors).toBe(before)
    expect(averaged.shape).toEqual([5, 16])
    const views = await Promise.all(
      SHIFT_VIEWS.map(([dy, dx]) => plain.encode(shiftedImages(probe, dy, dx))),
    )
    const expected = averaged.data.map(
      (_, k) => views.reduce((sum, view) => sum + (view.data[k] as number), 0) / SHIFT_VIEWS.length,
    )
    averaged.data.forEach((value, k) => expect(value).toBeCloseTo(expected[k] as number, 5))
    // Not the image's own features: the shifts change them.
    const own = views[0]?.data as Float32Array
    expect(averaged.data.some((value, k) => Math.abs(value - (own[k] as number)) > 1e-4)).toBe(true)
    plain.dispose()
    shifts.dispose()
  }, 60_000)

  test('a bad value is INVALID_OPTION naming encodeViews and the values it takes', async () => {
    const error = await errorOf(
      () => new Contrastive({ encodeViews: 'rotations' as unknown as 'shifts' }),
    )
    expect(error?.code).toBe('INVALID_OPTION')
    expect(error?.message).toMatch(/encodeViews must be one of 'image', 'shifts'; got/)
  })

  test('survives a snapshot, and a snapshot taken before encodeViews existed restores reading the image', async () => {
    const model = new Contrastive({ ...SMALL, encodeViews: 'shifts' })
    await model.fit(firstImages(16), { epochs: 1, batchSize: 8 })
    const snapshot = await model.snapshot()
    const features = await model.encode(firstImages(3))
    const restored = new Contrastive(snapshot.modelOptions as ContrastiveModelOptions)
    restored.restore(snapshot)
    expect(restored.resolvedOptions?.encodeViews).toBe('shifts')
    expect((await restored.encode(firstImages(3))).data).toEqual(features.data)

    const network = snapshot.network as { options: Record<string, unknown> }
    const older = { ...network.options }
    delete older.encodeViews
    const oldOptions = { ...(snapshot.modelOptions as ContrastiveModelOptions) }
    delete (oldOptions as { encodeViews?: unknown }).encodeViews
    const old = new Contrastive(oldOptions)
    old.restore({ ...snapshot, modelOptions: oldOptions, network: { ...network, options: older } })
    expect(old.resolvedOptions?.encodeViews).toBe('image')
    const imageOptions: ContrastiveModelOptions = { ...oldOptions, encodeViews: 'image' }
    const image = new Contrastive(imageOptions)
    image.restore({
      ...snapshot,
      modelOptions: imageOptions,
      network: { ...network, options: { ...older, encodeViews: 'image' } },
    })
    expect((await old.encode(firstImages(3))).data).toEqual(
      (await image.encode(firstImages(3))).data,
    )
    for (const m of [model, restored, old, image]) m.dispose()
  }, 60_000)
})
