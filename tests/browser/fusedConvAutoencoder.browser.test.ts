import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
// TF.js's automatic differentiation is the reference for the fused kernels' gradients.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { describe, expect, test } from 'vitest'
import { compileKernels, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { ConvAutoencoderNetwork } from '../../src/core/autoencoder/engine/convAutoencoderNetwork'
import { FusedConvAutoencoderTrainer } from '../../src/core/autoencoder/engine/fusedConvAutoencoderTrainer'
import { resolveAutoencoderOptions } from '../../src/core/autoencoder/autoencoderOptions'
import { generateSprites } from '../../src/data/sprites'

const BATCH = 8
const SIZE = 28 * 28

/** Largest |a − b| relative to the largest |b|. */
function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0
  let scale = 0
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)))
    scale = Math.max(scale, Math.abs(b[i] ?? 0))
  }
  return worst / scale
}

describe('fused conv autoencoder kernels in Chromium', () => {
  // 8 images of 28×28: the transposed convolutions' gemmCol2im runs over 392 and 1568 rows (several
  // groups of rows and a part group), the convolutions' patches are kept for the backward pass.
  test('the default conv autoencoder step equals TF.js autodiff on 28×28 images', async () => {
    await tf.setBackend('cpu') // the reference; the kernels do not depend on the TF.js backend
    const compiled = await compileKernels()
    expect(compiled?.build).toBe('relaxed-simd')
    const options = resolveAutoencoderOptions({ architecture: 'conv', seed: 3 }, SIZE)
    const network = new ConvAutoencoderNetwork([28, 28, 1], options, 'sigmoid')
    const memory = new KernelMemory(compiled!)
    const fused = new FusedConvAutoencoderTrainer(memory, [28, 28, 1], options, 'sigmoid', BATCH)
    const images = generateSprites({ count: BATCH, size: 28, seed: 2 }).images.data
    const ours = fused.gradients(network.variables(), { input: images, clean: images })
    const reference = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const x = tf.tensor2d(images, [BATCH, SIZE])
        return tf.div(tf.sum(tf.square(tf.sub(network.decode(network.encode(x)), x))), BATCH)
      }, network.variables())
      return [value, ...network.variables().map((v) => grads[v.name] as tf.Tensor)]
    })
    const [loss, ...grads] = reference
    const expected = loss!.dataSync()[0]!
    expect(Math.abs(ours.loss.loss - expected) / expected).toBeLessThan(1e-5)
    ours.gradients.forEach((g, i) =>
      expect(relativeGap(g, grads[i]!.dataSync())).toBeLessThan(1e-4),
    )
    tf.dispose(reference)
    network.dispose()
  })
})
