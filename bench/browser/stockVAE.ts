/**
 * The reference VAE written the stock TF.js way (tfjs-layers dense layers, autodiff through
 * `optimizer.minimize`), to compare latentkit's engine against. Benchmark code only.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import * as tfl from '@tensorflow/tfjs-layers'
import { median } from '../lassoProblem'

/** A stock VAE trainer: one `step` trains one batch; `dispose` frees it. */
export interface StockVAE {
  step(s: number): Promise<void>
  dispose(): void
}

/** Builds the stock VAE on the current backend for rows of `data` (`inputSize` values each). */
export function createStockVAE(data: Float32Array, inputSize: number, batch: number): StockVAE {
  const hidden = 400
  const latent = 20
  const encoder = tfl.layers.dense({ units: hidden, activation: 'relu', inputShape: [inputSize] })
  const mean = tfl.layers.dense({ units: latent })
  const logVar = tfl.layers.dense({ units: latent })
  const decoderHidden = tfl.layers.dense({ units: hidden, activation: 'relu' })
  const decoderOut = tfl.layers.dense({ units: inputSize })
  const forward = (x: tf.Tensor2D, eps: tf.Tensor2D): tf.Scalar => {
    const h = encoder.apply(x) as tf.Tensor2D
    const mu = mean.apply(h) as tf.Tensor2D
    const lv = logVar.apply(h) as tf.Tensor2D
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps))
    const logits = decoderOut.apply(decoderHidden.apply(z)) as tf.Tensor2D
    const reconstruction = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1)
    const kl = tf.mul(tf.sum(tf.sub(tf.sub(tf.add(lv, 1), tf.square(mu)), tf.exp(lv)), 1), -0.5)
    return tf.mean(tf.add(reconstruction, kl)) as tf.Scalar
  }
  // Build the layers outside minimize, or it cannot find their variables.
  tf.tidy(() => forward(tf.zeros([1, inputSize]), tf.zeros([1, latent])))
  const optimizer = tf.train.adam(0.001)
  const rows = data.length / inputSize
  const step = async (s: number): Promise<void> => {
    const start = (s * batch) % Math.max(1, rows - batch)
    const cost = tf.tidy(() => {
      const x = tf.tensor2d(data.subarray(start * inputSize, (start + batch) * inputSize), [
        batch,
        inputSize,
      ])
      const eps = tf.randomNormal([batch, latent]) as tf.Tensor2D
      return optimizer.minimize(() => forward(x, eps), true) as tf.Scalar
    })
    await cost.data()
    cost.dispose()
  }
  return {
    step,
    dispose() {
      optimizer.dispose()
      for (const layer of [encoder, mean, logVar, decoderHidden, decoderOut]) layer.dispose()
    },
  }
}

/** Trains the stock VAE: median samples/s of `runs` runs of `steps` batches, after one warm-up step. */
export async function stockVAEThroughput(
  data: Float32Array,
  inputSize: number,
  batch: number,
  steps: number,
  runs: number,
): Promise<number> {
  const vae = createStockVAE(data, inputSize, batch)
  await vae.step(0)
  const rates: number[] = []
  let step = 1
  for (let r = 0; r < runs; r++) {
    const started = performance.now()
    for (let s = 0; s < steps; s++) await vae.step(step++)
    rates.push((steps * batch * 1000) / (performance.now() - started))
  }
  vae.dispose()
  return median(rates)
}
