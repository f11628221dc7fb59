import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, test } from 'vitest'
import { spawnNodeKernelThread } from '../../bench/nodeKernelThread'
import { TwoThreadGemm } from '../../src/core/kernels/twoThreadGemm'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { FusedVAETrainer } from '../../src/core/vae/engine/fusedVAETrainer'
import { VAENetwork } from '../../src/core/vae/engine/vaeNetwork'
import { resolveVAEModelOptions } from '../../src/core/vae/vaeOptions'
import { createRandom } from '../../src/core/random'
import { generateSprites } from '../../src/data/sprites'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('wasm'))

/** Five steps of the reference VAE (784-400-20, batch 128) on one or two kernel threads. */
async function train(twoThreads: boolean) {
  const compiled = await compileKernelBuild('simd', twoThreads)
  if (!compiled) throw new Error('no simd build here')
  const memory = new KernelMemory(compiled)
  const threads = twoThreads ? new TwoThreadGemm(memory, spawnNodeKernelThread).attach() : undefined
  const deadline = Date.now() + 20_000
  while (threads && !threads.helperReady) {
    if (Date.now() > deadline) throw new Error('the helper thread did not start')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const options = resolveVAEModelOptions({ seed: 1, hiddenUnits: [400], latentDim: 20 }, 784)
  const network = new VAENetwork(784, options)
  const trainer = new FusedVAETrainer(memory, 784, options, 128)
  const data = generateSprites({ count: 256, size: 28, seed: 1 }).images.data
  const noise = createRandom(2)
  const order = createRandom(3)
  const losses: number[] = []
  for (let s = 0; s < 5; s++) {
    const rows = order.permutation(256).subarray(0, 128)
    const loss = trainer.step(
      network.variables(),
      { data, rows, epsilon: noise.normals(128 * 20) },
      1e-3,
    )
    losses.push(loss.loss, loss.reconstruction, loss.kl)
  }
  const weights = network.variables().map((v) => v.dataSync().slice())
  network.dispose()
  threads?.dispose()
  return { losses, weights, splits: threads?.splitCount ?? 0 }
}

test('the reference VAE trains to bit-identical losses and weights on two kernel threads', async () => {
  const before = tf.memory().numTensors
  const one = await train(false)
  const two = await train(true)
  expect(two.splits).toBeGreaterThan(0)
  expect(two.losses).toEqual(one.losses)
  expect(two.weights).toEqual(one.weights)
  expect(tf.memory().numTensors).toBe(before)
}, 120_000)
