/**
 * The linear probe as an action of the hooks that encode, in the real worker: the codes of a
 * briefly trained VAE, autoencoder and sparse coding model, PCA's codes and the distances to
 * k-means centroids, judged with 10 labels per digit, beat chance by far; the probe leaves the model
 * as it was.
 */
import { afterAll, describe, expect, test } from 'vitest'
import {
  AutoencoderClient,
  KMeansClient,
  PCAClient,
  SparseCodingClient,
  VAEClient,
} from '../../src/client/builtinClients'
import { loadDigits } from '../../src/data/digits'
import type { ProbeResult } from '../../src/core/probe/probeOptions'

const digits = loadDigits()
const unsubscribers: (() => void)[] = []
afterAll(() => {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
})

interface Encoding {
  subscribe(listener: () => void): () => void
  trainAsync(): Promise<unknown>
  probeAsync(images: unknown, labels: ArrayLike<number>, options?: object): Promise<ProbeResult>
  [action: string]: unknown
}

const clients: readonly [string, () => object][] = [
  [
    'VAE',
    () => new VAEClient({ data: 'digits', epochs: 5, latentDim: 8, backend: 'wasm', seed: 1 }),
  ],
  [
    'autoencoder',
    () =>
      new AutoencoderClient({ data: 'digits', epochs: 5, codeSize: 16, backend: 'wasm', seed: 1 }),
  ],
  ['PCA', () => new PCAClient({ data: 'digits', nComponents: 16, backend: 'wasm' })],
  ['k-means', () => new KMeansClient({ data: 'digits', k: 30, backend: 'wasm', seed: 1 })],
  [
    'sparse coding',
    () =>
      new SparseCodingClient({ data: 'digits', epochs: 1, atoms: 64, backend: 'wasm', seed: 1 }),
  ],
]

describe('probe(images, labels): a linear probe on the codes, in the worker', () => {
  test.each(clients)('%s', async (_, make) => {
    const client = make() as Encoding
    unsubscribers.push(client.subscribe(() => {}))
    await client.trainAsync()
    const probeImage = { data: digits.images.data.slice(0, 64), shape: [1, 8, 8, 1] }
    const features = client['encodeAsync' in client ? 'encodeAsync' : 'transformAsync'] as (
      images: unknown,
    ) => Promise<unknown>
    const before = JSON.stringify(await features(probeImage))
    const result = await client.probeAsync(digits.images, digits.labels, { labelsPerClass: 10 })
    expect(result.trainCount).toBe(100)
    expect(result.testCount).toBeGreaterThan(350)
    expect(Array.from(result.classes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    // Chance is 0.1; even briefly trained, the features let a probe read the digits far better.
    expect(result.accuracy).toBeGreaterThan(0.5)
    expect(JSON.stringify(await features(probeImage))).toBe(before)
  })
})
