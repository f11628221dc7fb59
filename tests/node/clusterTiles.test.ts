import { describe, expect, test } from 'vitest'
import { clusterOrder, clusterTiles } from '../../src/components/clusterTiles'

/** Two 1-pixel clusters; cluster 0 has 5 members (values 1…5, nearest first), cluster 1 has 2. */
const source = {
  centroids: { data: Float32Array.from([10, 20]), shape: [2, 1, 1, 1] as const },
  sizes: Int32Array.from([5, 9]),
  membersPerCluster: 5,
  members: {
    data: Float32Array.from([1, 2, 3, 4, 5, 21, 22, 0, 0, 0]),
    shape: [10, 1, 1, 1] as const,
  },
  memberIndices: Int32Array.from([0, 1, 2, 3, 4, 5, 6, -1, -1, -1]),
}

/** The tile values of each row, `undefined` for a blank tile. */
function rows(members: number) {
  const tiles = clusterTiles(source, [0, 1], members)
  return Array.from({ length: 2 }, (_, r) =>
    Array.from({ length: tiles.columns }, (_, c) => {
      const i = r * tiles.columns + c
      return tiles.blank[i] ? undefined : tiles.images.data[i]
    }),
  )
}

describe('cluster tiles', () => {
  test('all members given: centroid, a spacer, then the members in order', () => {
    expect(rows(5)).toEqual([
      [10, undefined, 1, 2, 3, 4, 5],
      [20, undefined, 21, 22, undefined, undefined, undefined],
    ])
  })

  test('fewer shown than given: a spread from the nearest to the farthest, not the nearest few', () => {
    expect(rows(3)).toEqual([
      [10, undefined, 1, 3, 5],
      [20, undefined, 21, 22, undefined],
    ])
    expect(rows(1)).toEqual([
      [10, undefined, 1],
      [20, undefined, 21],
    ])
  })

  test('largest cluster first when sorted by size', () => {
    expect(clusterOrder(source, 'size')).toEqual([1, 0])
    expect(clusterOrder(source, 'none')).toEqual([0, 1])
  })
})
