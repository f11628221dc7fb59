import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { LatentScatter } from '../../src/components/LatentScatter'
import { useProjection } from '../../src/react/useProjection'

test('LatentScatter renders its canvas, summary, legend and tools on the server', () => {
  expect(typeof window).toBe('undefined')
  const points = Float32Array.of(0, 0, 1, 0, 0, 1, 10, 10, 11, 10, 10, 11)
  const labels = Int32Array.of(0, 0, 0, 1, 1, 1)
  const html = renderToString(
    <LatentScatter
      points={points}
      labels={labels}
      labelName={(label) => `digit ${label}`}
      width={300}
      height={200}
    />,
  )
  expect(html).toMatch(/<canvas[^>]*width="300"[^>]*height="200"/)
  expect(html).toContain('Scatter plot of 6 points in 2 clusters')
  expect(html).toContain('digit 1')
  expect(html).toContain('aria-pressed="true"')
  expect(html).toContain('Arrow keys move between clusters')
})

test('useProjection renders idle on the server and starts no worker', () => {
  function Demo() {
    const map = useProjection()
    return <p>status: {map.status}</p>
  }
  expect(renderToString(<Demo />)).toContain('status: <!-- -->idle')
})
