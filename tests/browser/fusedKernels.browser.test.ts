import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
// TF.js's automatic differentiation is the reference for the fused kernels' gradients.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { afterEach, describe, expect, test } from 'vitest'
import { GANClient, KMeansClient, RBMClient, VAEClient } from '../../src/client/builtinClients'
import { compileKernels, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { FusedVAETrainer } from '../../src/core/vae/engine/fusedVAETrainer'
import { VAENetwork } from '../../src/core/vae/engine/vaeNetwork'
import { resolveVAEModelOptions } from '../../src/core/vae/vaeOptions'
import { createRandom } from '../../src/core/random'
import { generateSprites } from '../../src/data/sprites'

const unsubscribers: (() => void)[] = []
afterEach(() => {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
})

describe('fused WebAssembly kernels in Chromium', () => {
  test('Chromium runs the relaxed-SIMD build; its step equals TF.js autodiff on 28×28 images', async () => {
    await tf.setBackend('cpu') // the reference; the kernels do not depend on the TF.js backend
    const compiled = await compileKernels()
    expect(compiled?.build).toBe('relaxed-simd')
    const options = resolveVAEModelOptions({ hiddenUnits: [64], latentDim: 6, seed: 4 }, 784)
    const network = new VAENetwork(784, options)
    const fused = new FusedVAETrainer(new KernelMemory(compiled!), 784, options, 32)
    const images = generateSprites({ count: 32, size: 28, seed: 2 }).images
    const rows = Uint32Array.from({ length: 32 }, (_, i) => i)
    const epsilon = createRandom(5).normals(32 * 6)
    const ours = fused.gradients(network.variables(), { data: images.data, rows, epsilon })
    const reference = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () =>
          network.loss(tf.tensor2d(images.data, [32, 784]), tf.tensor2d(epsilon, [32, 6])).total,
        network.variables(),
      )
      return [value, ...network.variables().map((v) => grads[v.name] as tf.Tensor)]
    })
    const [loss, ...grads] = reference
    expect(Math.abs(ours.loss.loss - loss!.dataSync()[0]!) / ours.loss.loss).toBeLessThan(1e-5)
    let worst = 0
    let scale = 0
    grads.forEach((g, i) => {
      const want = g.dataSync()
      const got = ours.gradients[i]!
      want.forEach((w, j) => {
        worst = Math.max(worst, Math.abs(got[j]! - w))
        scale = Math.max(scale, Math.abs(w))
      })
    })
    expect(worst / scale).toBeLessThan(1e-5)
    tf.dispose(reference)
    network.dispose()
  })

  test('the worker trains the VAE with them and says so; the same run as TF.js operations', async () => {
    const losses: number[] = []
    for (const fusedKernels of [true, false]) {
      const client = new VAEClient({
        data: 'digits',
        backend: 'wasm',
        epochs: 2,
        batchSize: 64,
        seed: 3,
        fusedKernels,
      })
      unsubscribers.push(client.subscribe(() => {}))
      const summary = await client.trainAsync()
      const state = client.getSnapshot()
      expect(state.progress?.kernels).toBe(fusedKernels ? 'wasm-relaxed-simd' : 'tfjs')
      losses.push(summary?.last?.loss ?? NaN)
    }
    expect(Math.abs(losses[0]! - losses[1]!)).toBeLessThan(1e-3 * Math.abs(losses[1]!))
  })

  test('the worker trains the RBM and k-means with them and says so; the same runs as TF.js operations', async () => {
    const rbmRuns: number[][] = []
    const kmeansRuns: number[][] = []
    for (const fusedKernels of [true, false]) {
      const rbm = new RBMClient({
        data: { name: 'digits', limit: 300 },
        backend: 'wasm',
        layers: [32],
        epochs: 2,
        seed: 3,
        fusedKernels,
      })
      unsubscribers.push(rbm.subscribe(() => {}))
      const rbmSummary = await rbm.trainAsync()
      expect(rbm.getSnapshot().progress?.kernels).toBe(fusedKernels ? 'wasm-relaxed-simd' : 'tfjs')
      rbmRuns.push([
        rbmSummary?.last?.reconstruction ?? NaN,
        rbmSummary?.last?.pseudoLikelihood ?? NaN,
      ])
      const kmeans = new KMeansClient({
        data: 'digits',
        backend: 'wasm',
        k: 10,
        seed: 3,
        fusedKernels,
      })
      unsubscribers.push(kmeans.subscribe(() => {}))
      const kmeansSummary = await kmeans.trainAsync()
      expect(kmeans.getSnapshot().progress?.kernels).toBe(
        fusedKernels ? 'wasm-relaxed-simd' : 'tfjs',
      )
      kmeansRuns.push([kmeansSummary?.last?.inertia ?? NaN, kmeansSummary?.last?.step ?? NaN])
    }
    rbmRuns[0]!.forEach((value, i) =>
      expect(Math.abs(value - rbmRuns[1]![i]!)).toBeLessThan(1e-4 * Math.abs(rbmRuns[1]![i]!)),
    )
    expect(kmeansRuns[0]![1]).toBe(kmeansRuns[1]![1])
    expect(Math.abs(kmeansRuns[0]![0]! - kmeansRuns[1]![0]!)).toBeLessThan(
      1e-5 * kmeansRuns[1]![0]!,
    )
  })

  test('the worker trains a conv InfoGAN with them (its Q head included) and says so; the same run as TF.js operations', async () => {
    const runs: number[][] = []
    for (const fusedKernels of [true, false]) {
      const gan = new GANClient({
        data: { name: 'sprites', count: 128, size: 12 },
        backend: 'wasm',
        architecture: 'conv',
        filters: 4,
        noiseDim: 12,
        info: { categorical: [4], continuous: 2 },
        epochs: 2,
        batchSize: 32,
        seed: 3,
        fusedKernels,
      })
      unsubscribers.push(gan.subscribe(() => {}))
      const summary = await gan.trainAsync()
      expect(gan.getSnapshot().progress?.kernels).toBe(fusedKernels ? 'wasm-relaxed-simd' : 'tfjs')
      const last = summary?.last
      runs.push([
        last?.generatorLoss ?? NaN,
        last?.discriminatorLoss ?? NaN,
        last?.informationLoss ?? NaN,
        last?.codeAccuracy ?? NaN,
      ])
    }
    expect(runs[0]!.every(Number.isFinite)).toBe(true)
    runs[0]!.forEach((value, i) =>
      expect(Math.abs(value - runs[1]![i]!)).toBeLessThan(1e-3 * Math.abs(runs[1]![i]!) + 1e-6),
    )
  })
})
