import * as tf from '@tensorflow/tfjs-core'
import { expect } from 'vitest'
import { GAN } from '../../src/core/gan/engine/gan'
import type { GANModelOptions } from '../../src/core/gan/ganOptions'
import type { InfoCodeRow } from '../../src/core/gan/infoCodes'
import type { ImageBatch } from '../../src/core/dataset'
import { relativeGap } from './relativeGap'

/**
 * Fits the InfoGAN `options` on `images` twice on the current (WASM) backend, with the fused kernels
 * and with TF.js operations, and expects the same model from both: the last losses, L_I and code
 * accuracy (absent, not NaN, without categorical codes), an image generated with the codes `row`, and
 * Q's reading of it, within 1e-3; tensors back to the baseline.
 */
export async function expectFusedInfoGANFit(
  options: GANModelOptions,
  images: ImageBatch,
  train: { readonly epochs: number; readonly batchSize: number },
  row: InfoCodeRow,
): Promise<void> {
  const baseline = tf.memory().numTensors
  const runs: { kernels: string; last: number[]; sample: number[]; codes: number[] }[] = []
  for (const fusedKernels of [true, false]) {
    const gan = new GAN(options)
    let kernels = ''
    const result = await gan.fit(
      images,
      { ...train, fusedKernels },
      { onUpdate: (u) => (kernels = u.progress.kernels) },
    )
    const last = result.last!
    // NaN would stop training as a divergence.
    expect('codeAccuracy' in last).toBe((options.info?.categorical?.length ?? 0) > 0)
    const sample = await gan.generateWithCodes([row], { seed: 1 })
    const codes = await gan.inferCodes(sample)
    runs.push({
      kernels,
      last: [
        last.generatorLoss,
        last.discriminatorLoss,
        last.informationLoss!,
        ...(last.codeAccuracy === undefined ? [] : [last.codeAccuracy]),
      ],
      sample: Array.from(sample.data),
      codes: [...codes.continuous, ...codes.probabilities],
    })
    gan.dispose()
  }
  const [fused, plain] = runs as [(typeof runs)[0], (typeof runs)[0]]
  expect(fused.kernels).toMatch(/^wasm-/)
  expect(plain.kernels).toBe('tfjs')
  expect(fused.last.every(Number.isFinite)).toBe(true)
  expect(relativeGap(fused.last, plain.last)).toBeLessThan(1e-3)
  expect(relativeGap(fused.sample, plain.sample)).toBeLessThan(1e-3)
  expect(relativeGap(fused.codes, plain.codes)).toBeLessThan(1e-3)
  expect(tf.memory().numTensors).toBe(baseline)
}
