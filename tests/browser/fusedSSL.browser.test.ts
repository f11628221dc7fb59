/**
 * Contrastive learning and the pretext tasks in Chromium's worker on WASM: the dense encoder's step
 * runs in the fused WebAssembly kernels (relaxed SIMD) and the state says so; with `fusedKernels:
 * false` the same run goes through TF.js operations, to the same losses.
 */
import { afterEach, expect, test } from 'vitest'
import { ContrastiveClient, PretextClient } from '../../src/client/builtinClients'

const unsubscribers: (() => void)[] = []
afterEach(() => {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
})

/** What the two families' clients share here. */
interface Trainable {
  subscribe(listener: () => void): () => void
  trainAsync(): Promise<{ last?: { loss: number } } | undefined>
  getSnapshot(): { progress?: { kernels?: string } }
}

test.each([
  [
    'contrastive',
    (fusedKernels: boolean): Trainable =>
      new ContrastiveClient({
        data: 'digits',
        backend: 'wasm',
        hiddenUnits: [32],
        featureSize: 16,
        headUnits: [16],
        projectionSize: 8,
        epochs: 1,
        batchSize: 64,
        seed: 3,
        fusedKernels,
      }) as unknown as Trainable,
  ],
  [
    'pretext (jigsaw)',
    (fusedKernels: boolean): Trainable =>
      new PretextClient({
        data: 'digits',
        backend: 'wasm',
        task: 'jigsaw',
        grid: 2,
        hiddenUnits: [32],
        featureSize: 16,
        headUnits: [16],
        epochs: 1,
        batchSize: 64,
        seed: 3,
        fusedKernels,
      }) as unknown as Trainable,
  ],
])(
  '%s: the worker trains with the fused kernels on WASM and says so; the same run as TF.js operations',
  async (_, make) => {
    const losses: number[] = []
    for (const fusedKernels of [true, false]) {
      const client = make(fusedKernels)
      unsubscribers.push(client.subscribe(() => {}))
      const summary = await client.trainAsync()
      expect(client.getSnapshot().progress?.kernels).toBe(
        fusedKernels ? 'wasm-relaxed-simd' : 'tfjs',
      )
      losses.push(summary?.last?.loss ?? NaN)
    }
    expect(Number.isFinite(losses[0])).toBe(true)
    expect(Math.abs(losses[0]! - losses[1]!)).toBeLessThan(1e-3 * Math.abs(losses[1]!))
  },
)
