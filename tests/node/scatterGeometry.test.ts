import { describe, expect, test } from 'vitest'
import {
  boundsOf,
  buildPointGrid,
  fitViewport,
  nearestPoint,
  panBy,
  pointInPolygon,
  pointsInPolygon,
  pointsInRect,
  rectFromCorners,
  toData,
  toScreen,
  zoomAt,
} from '../../src/components/scatterGeometry'
import {
  categoricalColors,
  clusterAnnouncement,
  scatterClusters,
  scatterSummaryText,
} from '../../src/components/scatterSummary'
import { groupByColor } from '../../src/components/drawScatter'
import { createRandom } from '../../src/core/random'

function randomPoints(n: number, seed = 1): Float32Array {
  const random = createRandom(seed)
  return Float32Array.from({ length: 2 * n }, () => random.normal() * 5)
}

describe('view transform', () => {
  test('fitting puts the bounds inside the padded canvas, centred', () => {
    const view = fitViewport({ minX: -2, minY: 0, maxX: 2, maxY: 1 }, 420, 220, 10)
    expect(view.scale).toBeCloseTo(100)
    expect(toScreen(view, -2, 0)).toEqual({ x: 10, y: 60 })
    expect(toScreen(view, 2, 1)).toEqual({ x: 410, y: 160 })
  })

  test('zooming keeps the data point under the pointer, and clamps the scale', () => {
    const view = { scale: 2, offsetX: 10, offsetY: -4 }
    const under = toData(view, 37, 81)
    const zoomed = zoomAt(view, 3, 37, 81)
    expect(zoomed.scale).toBe(6)
    const after = toScreen(zoomed, under.x, under.y)
    expect(after.x).toBeCloseTo(37)
    expect(after.y).toBeCloseTo(81)
    expect(zoomAt(view, 100, 0, 0, 0, 8).scale).toBe(8)
    expect(zoomAt(view, 0.001, 0, 0, 1).scale).toBe(1)
  })

  test('panning moves every point by the drag, and toData inverts toScreen', () => {
    const view = { scale: 3, offsetX: 1, offsetY: 2 }
    const moved = panBy(view, 5, -7)
    expect(toScreen(moved, 1, 1)).toEqual({ x: 9, y: -2 })
    const back = toData(view, ...(Object.values(toScreen(view, 0.25, -4)) as [number, number]))
    expect(back.x).toBeCloseTo(0.25)
    expect(back.y).toBeCloseTo(-4)
  })
})

describe('hit-testing with the spatial grid', () => {
  test('nearestPoint agrees with a brute-force search on 5,000 random points', () => {
    const points = randomPoints(5000)
    const grid = buildPointGrid(points)
    const random = createRandom(9)
    for (let q = 0; q < 300; q++) {
      const x = random.normal() * 6
      const y = random.normal() * 6
      const radius = random.uniform() * 0.6
      let best: number | undefined
      let bestD = radius * radius
      for (let i = 0; i < 5000; i++) {
        const d = (points[2 * i]! - x) ** 2 + (points[2 * i + 1]! - y) ** 2
        if (d < bestD) {
          best = i
          bestD = d
        }
      }
      expect(nearestPoint(grid, x, y, radius)).toBe(best)
    }
  })

  test('non-finite points are never hit, skipped points neither', () => {
    const points = Float32Array.of(0, 0, NaN, 0, 1, 1)
    const grid = buildPointGrid(points)
    expect(grid.order.length).toBe(2)
    expect(nearestPoint(grid, 0.1, 0, 0.5)).toBe(0)
    expect(nearestPoint(grid, 0.1, 0, 0.5, (i) => i === 0)).toBeUndefined()
    expect(boundsOf(points)).toEqual({ minX: 0, minY: 0, maxX: 1, maxY: 1 })
  })
})

describe('brush and lasso selection', () => {
  test('a rectangle selects the points inside it, edges included, from either corner', () => {
    const points = Float32Array.of(0, 0, 1, 1, 2, 2, 1, 3)
    expect(pointsInRect(points, rectFromCorners(2, 2, 0.5, 0.5))).toEqual([1, 2])
  })

  test('point in polygon: a concave L shape', () => {
    // An L: the square [0,2]² minus its top-right quarter [1,2]².
    const l = [0, 0, 2, 0, 2, 1, 1, 1, 1, 2, 0, 2]
    expect(pointInPolygon(0.5, 0.5, l)).toBe(true)
    expect(pointInPolygon(1.5, 0.5, l)).toBe(true)
    expect(pointInPolygon(0.5, 1.5, l)).toBe(true)
    expect(pointInPolygon(1.5, 1.5, l)).toBe(false)
    expect(pointInPolygon(3, 0.5, l)).toBe(false)
    const points = Float32Array.of(0.5, 0.5, 1.5, 1.5, 1.5, 0.5, -1, -1)
    expect(pointsInPolygon(points, l)).toEqual([0, 2])
    expect(pointsInPolygon(points, [0, 0, 1, 1])).toEqual([])
  })
})

describe('summary and separation', () => {
  test('between/within ratio by hand, clusters, sizes and centres', () => {
    // Two clusters: (0,0),(2,0) centre (1,0); (10,0),(12,0) centre (11,0). Grand mean (6,0).
    const points = Float32Array.of(0, 0, 2, 0, 10, 0, 12, 0)
    const summary = scatterClusters(points, [3, 3, 7, 7])
    expect(summary.clusters).toEqual([
      { label: 3, size: 2, x: 1, y: 0 },
      { label: 7, size: 2, x: 11, y: 0 },
    ])
    // between = 2·25 + 2·25 = 100; within = 4 · 1 = 4.
    expect(summary.separation).toBeCloseTo(25)
    expect(scatterSummaryText(4, summary, (l) => `digit ${l}`)).toBe(
      'Scatter plot of 4 points in 2 clusters; separation (between/within spread) 25.00; the largest is digit 3 with 2 points.',
    )
    expect(clusterAnnouncement(summary, 1, (l) => `digit ${l}`)).toBe(
      'digit 7: 2 points, centred at (11.00, 0.00); cluster 2 of 2.',
    )
  })

  test('mixed clusters separate less than distinct ones; one cluster or no labels gives none', () => {
    const points = randomPoints(400)
    const random = createRandom(4)
    const mixed = Int32Array.from({ length: 400 }, () => random.int(3))
    const byX = Int32Array.from({ length: 400 }, (_, i) => (points[2 * i]! > 0 ? 1 : 0))
    expect(scatterClusters(points, mixed).separation!).toBeLessThan(0.1)
    // A Gaussian split at x = 0: between 2/π, within (1 − 2/π) + 1, a ratio of 0.467.
    expect(scatterClusters(points, byX).separation!).toBeCloseTo(0.467, 1)
    expect(scatterClusters(points, new Int32Array(400)).separation).toBeUndefined()
    expect(scatterSummaryText(400, scatterClusters(points, undefined), String)).toBe(
      'Scatter plot of 400 points.',
    )
  })

  test('colours: distinct, Tableau up to 10, and groups follow increasing labels', () => {
    expect(new Set(categoricalColors(10)).size).toBe(10)
    expect(new Set(categoricalColors(14)).size).toBe(14)
    const groups = groupByColor(5, [2, 0, 2, 1.5, 0], categoricalColors, '#000')
    expect(groups.labels).toEqual([0, 2])
    expect(groups.members.map((m) => Array.from(m))).toEqual([
      [1, 4],
      [0, 2],
    ])
    expect(groups.colors).toEqual(categoricalColors(2))
  })
})
