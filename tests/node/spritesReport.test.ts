/**
 * The few-labels report on the 28×28 sprites with the shape kind as the label (bench part
 * `report-sprites`): the stratified subset, and the data-set-generic report on a tiny subset with
 * encoders of 784 raw values and convolutional codes: one row per encoder, every column, accuracies
 * in [0, 1], raw pixels above chance, and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import { PCA } from '../../src/core/pca/engine/pca'
import { DEFAULT_LABELS_PER_CLASS } from '../../src/core/report/reportOptions'
import { SPRITE_KINDS, generateSprites, generateSpritesByKind } from '../../src/data/sprites'
import { RAW_PIXELS, runFewLabelsReport, type BenchEncoder } from '../../bench/reportBench'
import { SPRITES_PER_KIND, spritesReportSet } from '../../bench/spritesReportBench'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('wasm'))

describe('sprites for the report', () => {
  test("generateSpritesByKind: exactly n of each kind, labelled by kind, the generator's own images", () => {
    const { images, labels, factors } = generateSpritesByKind(20, { size: 28, seed: 1 })
    expect(images.shape).toEqual([80, 28, 28, 1])
    expect(images.data.length).toBe(80 * 28 * 28)
    for (let kind = 0; kind < SPRITE_KINDS.length; kind++) {
      expect(labels.filter((label) => label === kind).length).toBe(20)
    }
    factors.forEach((f, i) => expect(labels[i]).toBe(SPRITE_KINDS.indexOf(f.kind)))
    // The generator's first sprite is the first row, with its kind as the label.
    const generated = generateSprites({ count: 160, size: 28, seed: 1 })
    expect(factors[0]).toEqual(generated.factors[0])
    expect(Array.from(images.data.subarray(0, 784))).toEqual(
      Array.from(generated.images.data.subarray(0, 784)),
    )
  })

  test('generateSpritesByKind: labels index the kinds asked for; other sides; a bad count is INVALID_OPTION', () => {
    const { images, labels, factors } = generateSpritesByKind(30, {
      size: 16,
      seed: 3,
      kinds: ['heart', 'square'],
    })
    expect(images.shape).toEqual([60, 16, 16, 1])
    factors.forEach((f, i) => expect(labels[i]).toBe(f.kind === 'heart' ? 0 : 1))
    expect(labels.filter((label) => label === 0).length).toBe(30)
    for (const bad of [0, 2.5, -1, Number.NaN]) {
      expect(() => generateSpritesByKind(bad)).toThrowError(
        expect.objectContaining({ code: 'INVALID_OPTION' }) as Error,
      )
    }
  })

  test('the quick subset still leaves 50 labels per kind outside the held-out fifth', () => {
    const set = spritesReportSet({ quick: true, encoders: [RAW_PIXELS] })
    const perKind = SPRITES_PER_KIND.quick
    expect(set.labels.length).toBe(4 * perKind)
    expect(perKind - Math.round(0.2 * perKind)).toBeGreaterThanOrEqual(50)
    expect(set.heading).toContain('shape kind')
  })
})

describe('few-labels report on a tiny sprites subset, label: shape kind', () => {
  test('one row per encoder, every column, accuracies in [0, 1], raw pixels above chance; no leak', async () => {
    const convolutional: BenchEncoder = {
      name: 'convolutional autoencoder code (1 epoch)',
      learn: async (unlabelled, all) => {
        const model = new Autoencoder({ architecture: 'conv', codeSize: 16, seed: 1 })
        try {
          await model.fit(unlabelled, { epochs: 1, batchSize: 64 })
          return await model.encode(all)
        } finally {
          model.dispose()
        }
      },
    }
    const pca: BenchEncoder = {
      name: 'PCA, 8 components',
      learn: async (unlabelled, all) => {
        const model = new PCA({ nComponents: 8 })
        try {
          await model.fit(unlabelled)
          return await model.transform(all)
        } finally {
          model.dispose()
        }
      },
    }
    const set = spritesReportSet({
      quick: true,
      perKind: 64,
      encoders: [RAW_PIXELS, pca, convolutional],
    })
    const before = tf.memory().numTensors
    const { json, markdown } = await runFewLabelsReport(
      { ...set, sklearn: false },
      { draws: 2, maxIterations: 100 },
    )
    expect(tf.memory().numTensors).toBe(before)
    expect(json.images).toBe(256)
    expect(json.side).toBe(28)
    expect(json.classes).toBe(4)
    expect(json.testCount).toBe(4 * Math.round(0.2 * 64))
    expect(json.rows.map((row) => row.encoder)).toEqual([
      'raw pixels',
      'PCA, 8 components',
      'convolutional autoencoder code (1 epoch)',
    ])
    expect(json.rows.map((row) => row.featureSize)).toEqual([784, 8, 16])
    for (const row of json.rows) {
      expect(row.learnSeconds).toBeGreaterThanOrEqual(0)
      expect(row.cells.map((cell) => cell.labelsPerClass)).toEqual([...DEFAULT_LABELS_PER_CLASS])
      for (const cell of row.cells) {
        expect(cell.accuracies).toHaveLength(cell.labelsPerClass === 'all' ? 1 : 2)
        for (const accuracy of cell.accuracies) {
          expect(accuracy).toBeGreaterThanOrEqual(0)
          expect(accuracy).toBeLessThanOrEqual(1)
        }
        const perClass = cell.labelsPerClass === 'all' ? 64 - 13 : cell.labelsPerClass
        expect(cell.labelled).toBe(4 * perClass)
      }
    }
    // Four kinds: chance is 0.25; raw pixels with every label do clearly better.
    const raw = json.rows[0]?.cells.find((cell) => cell.labelsPerClass === 'all')
    expect(raw?.mean).toBeGreaterThan(0.35)
    expect(markdown[0]).toBe('## Few-labels report on the sprites (label: shape kind)')
    expect(markdown.filter((line) => line.startsWith('| ')).length).toBe(1 + 3)
  })
})
