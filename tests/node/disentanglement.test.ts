import { describe, expect, test } from 'vitest'
import { mutualInformationGap } from '../../src/core/disentanglement'
import { mutualInformation } from '../../src/core/kmeans/clusterAgreement'
import { createRandom } from '../../src/core/random'

const rows = 4000
const random = createRandom(7)
const kind = Int32Array.from({ length: rows }, () => random.int(4))
const position = Int32Array.from({ length: rows }, () => random.int(10))
const noise = Float32Array.from({ length: rows }, () => random.normal())

/** Latent rows from columns. */
function latents(...columns: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(rows * columns.length)
  for (let i = 0; i < rows; i++)
    columns.forEach((column, j) => (out[i * columns.length + j] = column[i] as number))
  return out
}

describe('mutual information gap', () => {
  test('one latent per factor: MIG near 1, each factor found in its own dimension', () => {
    const result = mutualInformationGap(latents(noise, kind, position), 3, [kind, position])
    expect(result.factors.map((f) => f.latent)).toEqual([1, 2])
    expect(result.factors[0]!.entropy).toBeCloseTo(Math.log(4), 2)
    expect(result.mig).toBeGreaterThan(0.95)
    expect(result.mig).toBeLessThanOrEqual(1)
  })

  test('a factor spread over two latents has no gap; random latents give MIG near 0', () => {
    const doubled = Float32Array.from(kind, (k) => 2 * k + 1)
    const shared = mutualInformationGap(latents(kind, doubled, position), 3, [kind, position])
    expect(shared.factors[0]!.gap).toBeCloseTo(0, 6)
    expect(shared.factors[1]!.gap).toBeGreaterThan(0.9)
    expect(shared.mig).toBeCloseTo((shared.factors[1]!.gap + 0) / 2, 6)
    const other = Float32Array.from({ length: rows }, () => random.normal())
    const none = mutualInformationGap(latents(noise, other), 2, [kind, position])
    expect(none.mig).toBeLessThan(0.03)
  })

  test('a mixed latent (rotated axes) scores lower than the aligned one', () => {
    const a = Float32Array.from(kind, (k, i) => k + (0.3 * (position[i] as number)) / 9)
    const b = Float32Array.from(position, (p, i) => p / 9 + 0.3 * (kind[i] as number))
    const mixed = mutualInformationGap(latents(a, b), 2, [kind, position]).mig
    const aligned = mutualInformationGap(latents(kind, position), 2, [kind, position]).mig
    expect(mixed).toBeLessThan(aligned - 0.1)
  })

  test('mutual information equals entropy for a labeling with itself, 0 for a constant', () => {
    const self = mutualInformation(position, position)
    expect(self.mutual).toBeCloseTo(self.entropyA, 10)
    expect(mutualInformation(position, new Int32Array(rows)).mutual).toBe(0)
  })

  test('bad input: typed errors', () => {
    expect(() => mutualInformationGap(latents(noise, kind), 2, [kind.subarray(1)])).toThrowError(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }) as Error,
    )
    expect(() => mutualInformationGap(noise, 1, [kind])).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }) as Error,
    )
    expect(() => mutualInformationGap(latents(noise, kind), 2, [])).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT' }) as Error,
    )
  })
})
