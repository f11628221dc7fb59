import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { ClusterGrid } from '../../src/components/ClusterGrid'
import { LossChart } from '../../src/components/LossChart'
import { useKMeans } from '../../src/react/useKMeans'

test('useKMeans with ClusterGrid and LossChart renders idle on the server; given clusters render sized', () => {
  expect(typeof window).toBe('undefined')
  function KMeansDemo() {
    const km = useKMeans({ data: 'digits', k: 10, autoTrain: true })
    return (
      <section>
        <p>status: {km.status}</p>
        <p>k: {String(km.k)}</p>
        <ClusterGrid clusters={km.clusters} />
        <LossChart history={km.history} />
      </section>
    )
  }
  const html = renderToString(<KMeansDemo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('k: <!-- -->undefined')
  expect(html).toContain('No clusters yet')

  // 3 clusters of 4 × 4 images, 2 members each: rows of centroid, spacer and 2 members.
  const centroids = { data: new Float32Array(3 * 16).fill(0.5), shape: [3, 4, 4, 1] as const }
  const members = { data: new Float32Array(6 * 16).fill(1), shape: [6, 4, 4, 1] as const }
  const grid = renderToString(
    <ClusterGrid
      clusters={{
        centroids,
        members,
        membersPerCluster: 2,
        sizes: Int32Array.from([5, 9, 1]),
        memberIndices: Int32Array.from([0, 1, 2, 3, 4, -1]),
      }}
      scale={2}
      gap={1}
      sort="size"
    />,
  )
  // 4 tiles of 8 pixels and 3 gaps across; 3 rows of 8 and 2 gaps down.
  expect(grid).toMatch(/<canvas[^>]*width="35"[^>]*height="26"/)
  expect(grid).toContain('3 clusters: each centroid, then 2 of its members, largest first')
  // Largest first: cluster 2 (9), cluster 1 (5), cluster 3 (1).
  expect(grid.indexOf('cluster 2: 9')).toBeLessThan(grid.indexOf('cluster 1: 5'))
  expect(grid.indexOf('cluster 1: 5')).toBeLessThan(grid.indexOf('cluster 3: 1'))
})
