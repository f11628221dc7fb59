import { describe, expect, test } from 'vitest'
import {
  clusteringAccuracy,
  minimumCostAssignment,
  normalizedMutualInformation,
} from '../../src/core/kmeans/clusterAgreement'
import { createRandom } from '../../src/core/random'

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

/** The least total cost over every one-to-one assignment of `rows` rows to `columns` columns. */
function bruteForce(cost: Float64Array, rows: number, columns: number): number {
  let best = Infinity
  const used = new Array<boolean>(columns).fill(false)
  const visit = (row: number, total: number): void => {
    if (row === rows) {
      best = Math.min(best, total)
      return
    }
    for (let j = 0; j < columns; j++) {
      if (used[j]) continue
      used[j] = true
      visit(row + 1, total + (cost[row * columns + j] as number))
      used[j] = false
    }
  }
  visit(0, 0)
  return best
}

describe('minimumCostAssignment', () => {
  test('a 3 × 3 matrix worked by hand', () => {
    // Totals: (1, 0, 2) → 1 + 2 + 2 = 5; every other permutation costs 6 or more.
    const cost = [4, 1, 3, 2, 0, 5, 3, 2, 2]
    expect(Array.from(minimumCostAssignment(cost, 3, 3))).toEqual([1, 0, 2])
  })

  test('a rectangular matrix leaves the costliest column out', () => {
    expect(Array.from(minimumCostAssignment([5, 1, 9, 2, 8, 9], 2, 3))).toEqual([1, 0])
  })

  test('matches brute force on random matrices, each column used once', () => {
    const random = createRandom(3)
    for (let trial = 0; trial < 40; trial++) {
      const rows = 1 + random.int(6)
      const columns = rows + random.int(3)
      const cost = new Float64Array(rows * columns)
      for (let i = 0; i < cost.length; i++) cost[i] = Math.round(random.uniform() * 20) - 5
      const assignment = minimumCostAssignment(cost, rows, columns)
      expect(new Set(assignment).size).toBe(rows)
      let total = 0
      assignment.forEach((j, i) => (total += cost[i * columns + j] as number))
      expect(total).toBe(bruteForce(cost, rows, columns))
    }
  })

  test('bad matrices give INVALID_INPUT', () => {
    expect(codeOf(() => minimumCostAssignment([1, 2, 3], 2, 2))).toBe('INVALID_INPUT')
    expect(codeOf(() => minimumCostAssignment([1, 2, 3, 4, 5, 6], 3, 2))).toBe('INVALID_INPUT')
    expect(codeOf(() => minimumCostAssignment([1, NaN, 3, 4], 2, 2))).toBe('INVALID_INPUT')
  })
})

describe('clusteringAccuracy', () => {
  test('worked by hand: the best one-to-one matching, not the majority label', () => {
    // Clusters → labels: 0 → 1 (2 items), 1 → 0 (2 of 3), 2 → 2 (1): 5 of 6.
    expect(clusteringAccuracy([0, 0, 1, 1, 1, 2], [1, 1, 0, 0, 2, 2])).toBeCloseTo(5 / 6, 12)
    // Two clusters both mostly label 0: only one may take it.
    expect(clusteringAccuracy([0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 0, 2])).toBeCloseTo(3 / 6, 12)
  })

  test('renamed clusters score 1; more clusters than labels count the extra as wrong', () => {
    expect(clusteringAccuracy([7, 7, 3, 3, 5], [0, 0, 1, 1, 2])).toBe(1)
    expect(clusteringAccuracy([0, 1, 2, 3], [0, 0, 1, 1])).toBe(0.5)
  })

  test('lengths that differ give SHAPE_MISMATCH', () => {
    expect(codeOf(() => clusteringAccuracy([0, 1], [0, 1, 2]))).toBe('SHAPE_MISMATCH')
  })
})

describe('normalizedMutualInformation', () => {
  test('worked by hand (arithmetic normalisation)', () => {
    // Table: a0 → b0 ×2; a1 → b1, b2; a2 → b2 ×2 (n = 6).
    const mutual = Math.log(3) / 2 + Math.log(2) / 3
    const ha = Math.log(3)
    const hb = Math.log(3) / 3 + Math.log(6) / 6 + Math.log(2) / 2
    expect(normalizedMutualInformation([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2])).toBeCloseTo(
      mutual / ((ha + hb) / 2),
      12,
    )
  })

  test('1 for the same partition renamed, 0 for independent labelings', () => {
    expect(normalizedMutualInformation([0, 0, 1, 1], [1, 1, 0, 0])).toBeCloseTo(1, 12)
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12)
    expect(normalizedMutualInformation([4, 4, 4], [1, 1, 1])).toBe(1)
  })

  test('lengths that differ give SHAPE_MISMATCH', () => {
    expect(codeOf(() => normalizedMutualInformation([0], [0, 1]))).toBe('SHAPE_MISMATCH')
  })
})
