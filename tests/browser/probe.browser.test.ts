/**
 * The linear probe as an action of the hooks that encode, in the real worker: the codes of a
 * briefly trained VAE, autoencoder and sparse coding model, judged with 10 labels per digit, beat
 * chance by far; the probe leaves the model as it was.
 */
import { afterAll, describe, expect, test } from 'vitest'
import { AutoencoderClient, SparseCodingClient, VAEClient } from '../../src/client/builtinClients'
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
  encodeAsync(images: unknown): Promise<unknown>
}

const clients: readonly [string, () => Encoding][] = [
  [
    'VAE',
    () => new VAEClient({ data: 'digits', epochs: 5, latentDim: 8, backend: 'wasm', seed: 1 }),
  ],
  [
    'autoencoder',
    () =>
      new AutoencoderClient({ data: 'digits', epochs: 5, codeSize: 16, backend: 'wasm', seed: 1 }),
  ],
  [
    'sparse coding',
    () =>
      new SparseCodingClient({ data: 'digits', epochs: 1, atoms: 64, backend: 'wasm', seed: 1 }),
  ],
]

describe('probe(images, labels): a linear probe on the codes, in the worker', () => {
  test.each(clients)('%s', async (_, make) => {
    const client = make()
    unsubscribers.push(client.subscribe(() => {}))
    await client.trainAsync()
    const probeImage = { data: digits.images.data.slice(0, 64), shape: [1, 8, 8, 1] }
    const before = JSON.stringify(await client.encodeAsync(probeImage))
    const result = await client.probeAsync(digits.images, digits.labels, { labelsPerClass: 10 })
    expect(result.trainCount).toBe(100)
    expect(result.testCount).toBeGreaterThan(350)
    expect(Array.from(result.classes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    // Chance is 0.1; five epochs of training give codes a probe reads far better.
    expect(result.accuracy).toBeGreaterThan(0.5)
    expect(JSON.stringify(await client.encodeAsync(probeImage))).toBe(before)
  })
})
