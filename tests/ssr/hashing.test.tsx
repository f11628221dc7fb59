import { renderToString } from 'react-dom/server'
import { expect, test } from 'vitest'
import { HashSearch, type HashSearchSource } from '../../src/components/HashSearch'
import { codeBits, queryMatches } from '../../src/components/hashSearchText'
import { useSemanticHashing } from '../../src/react/useSemanticHashing'

test('useSemanticHashing with HashSearch renders idle and empty on the server', () => {
  expect(typeof window).toBe('undefined')
  function Demo() {
    const hasher = useSemanticHashing({ data: 'digits', bits: 16, autoTrain: true })
    return (
      <section>
        <p>status: {hasher.status}</p>
        <p>bits: {String(hasher.bits)}</p>
        <HashSearch model={hasher} images={undefined} />
      </section>
    )
  }
  const html = renderToString(<Demo />)
  expect(html).toContain('status: <!-- -->idle')
  expect(html).toContain('bits: <!-- -->undefined')
  expect(html).toContain('No codes yet')
})

test('HashSearch of a trained model renders its sized picker and drop zone on the server; a bad k says so', () => {
  const source: HashSearchSource = {
    modelVersion: 1,
    model: { trainedSteps: 3 },
    buildIndex: () => Promise.resolve(undefined),
    search: () => Promise.resolve(undefined),
  }
  const images = { data: new Float32Array(30 * 16), shape: [30, 4, 4, 1] as const }
  const html = renderToString(
    <HashSearch model={source} images={images} choices={20} scale={2} gap={1} />,
  )
  // 12 columns of 8 px and 11 gaps; 2 rows of 8 and 1 gap.
  expect(html).toMatch(/<canvas[^>]*width="107"[^>]*height="17"/)
  expect(html).toContain('Pick a query: 20 images')
  expect(html).toContain('Or drop an image file here')
  expect(renderToString(<HashSearch model={source} images={images} k={0} />)).toContain(
    'k must be an integer ≥ 1',
  )
})

test('codeBits and queryMatches read packed codes and flattened results', () => {
  expect(codeBits(Uint32Array.from([0b101, 1]), 33)).toBe('10100000 00000000 00000000 00000000 1')
  const matches = queryMatches(
    {
      indices: Int32Array.from([4, 2, 9]),
      distances: Uint8Array.from([0, 3, 1]),
      offsets: Int32Array.from([0, 2, 3]),
      queryCodes: new Uint32Array(2),
      bits: 8,
    },
    1,
  )
  expect(matches).toEqual([{ index: 9, distance: 1 }])
})
