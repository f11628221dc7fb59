import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeAll, expect, test } from 'vitest'
import { spawnNodeKernelThread } from '../../bench/nodeKernelThread'
import { Autoencoder } from '../../src/core/autoencoder/engine/autoencoder'
import {
  checkFusedKernelsOption,
  resolveFusedKernelsOption,
  type KernelThreads,
} from '../../src/core/kernels/fusedKernelsOption'
import { setKernelThreadSpawner } from '../../src/core/kernels/kernelThreadSpawner'
import { resolveVAETrainOptions } from '../../src/core/vae/vaeOptions'
import { summaryText } from '../../src/components/trainingStatusText'
import { generateSprites } from '../../src/data/sprites'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('wasm'))
afterEach(() => setKernelThreadSpawner(undefined))

test('kernelThreads is 1 or 2, default 2; anything else is INVALID_OPTION naming the option', () => {
  expect(resolveFusedKernelsOption({})).toEqual({ fusedKernels: true, kernelThreads: 2 })
  expect(resolveVAETrainOptions({ kernelThreads: 1 }).kernelThreads).toBe(1)
  for (const bad of [0, 3, 1.5, '2', null]) {
    expect(() =>
      checkFusedKernelsOption({ kernelThreads: bad as unknown as KernelThreads }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(/kernelThreads must be 1 or 2/),
      }),
    )
  }
})

/** Two epochs of a conv autoencoder on WASM; its losses and the threads its progress reported. */
async function trainConv(kernelThreads: KernelThreads) {
  const data = generateSprites({ count: 128, size: 28, seed: 1 }).images
  const model = new Autoencoder({ architecture: 'conv', codeSize: 16, seed: 2 })
  const losses: number[] = []
  const threads: number[] = []
  await model.fit(
    data,
    { epochs: 2, batchSize: 64, kernelThreads },
    {
      onUpdate: (update) => {
        threads.push(update.progress.kernelThreads)
        losses.push(...update.history.map((point) => point.loss))
      },
      updateIntervalMs: 0,
    },
  )
  model.dispose()
  return { losses, threads }
}

test('the conv autoencoder trains on two kernel threads where a spawner is registered: the same losses as one thread, and progress says which', async () => {
  const baseline = tf.memory().numTensors
  const alone = await trainConv(2) // no spawner registered: one thread
  setKernelThreadSpawner(spawnNodeKernelThread)
  const two = await trainConv(2)
  const one = await trainConv(1)
  expect(alone.threads.every((n) => n === 1)).toBe(true)
  expect(two.threads.at(-1)).toBe(2)
  expect(one.threads.every((n) => n === 1)).toBe(true)
  expect(two.losses.length).toBe(4)
  expect(two.losses).toEqual(one.losses)
  expect(two.losses).toEqual(alone.losses)
  expect(tf.memory().numTensors).toBe(baseline)
}, 120_000)

test('a helper thread that cannot start leaves training on one thread, reported once', async () => {
  const warnings: string[] = []
  const warn = console.warn
  console.warn = (message: string) => warnings.push(message)
  try {
    setKernelThreadSpawner(() => {
      throw new Error('no workers here')
    })
    const failed = await trainConv(2)
    setKernelThreadSpawner(undefined)
    const alone = await trainConv(2)
    expect(failed.threads.every((n) => n === 1)).toBe(true)
    expect(failed.losses).toEqual(alone.losses)
    expect(warnings).toEqual([
      expect.stringMatching(
        /one thread: the helper thread did not start \(Error: no workers here\)/,
      ),
    ])
  } finally {
    console.warn = warn
  }
}, 120_000)

test('TrainingStatus names the second thread when the fused kernels use it', () => {
  const progress = {
    epoch: 1,
    epochs: 2,
    runStep: 3,
    runSteps: 10,
    samplesPerSecond: 0,
    elapsedMs: 0,
    kernels: 'wasm-relaxed-simd' as const,
  }
  const backend = { name: 'wasm' as const, skipped: [] }
  const text = (kernelThreads: 1 | 2) =>
    summaryText({ status: 'training', backend, progress: { ...progress, kernelThreads } }, 'images')
  expect(text(2)).toMatch(/^ on wasm \(fused kernels, wasm-relaxed-simd, 2 threads\) · epoch 1\/2/)
  expect(text(1)).toMatch(/^ on wasm \(fused kernels, wasm-relaxed-simd\) · epoch 1\/2/)
})
