/** Pure helpers of `HashSearch`: a packed code as bits, and one query's matches. */
import type { HashSearchResult } from '../core/hashing/hashingSpec'

/** Bit `j` of a packed code (`words` words) as `'0'`/`'1'`, in groups of 8 separated by spaces. */
export function codeBits(codes: Uint32Array, bits: number, index = 0): string {
  const words = Math.ceil(bits / 32)
  let text = ''
  for (let j = 0; j < bits; j++) {
    if (j > 0 && j % 8 === 0) text += ' '
    text += ((codes[index * words + (j >>> 5)] ?? 0) >>> (j & 31)) & 1 ? '1' : '0'
  }
  return text
}

/** One match of a search: the indexed image and its Hamming distance. */
export interface HashMatch {
  readonly index: number
  readonly distance: number
}

/** The matches of query `query` (default the first) of a search result. */
export function queryMatches(result: HashSearchResult, query = 0): HashMatch[] {
  const from = result.offsets[query] ?? 0
  const to = result.offsets[query + 1] ?? from
  const matches: HashMatch[] = []
  for (let m = from; m < to; m++) {
    matches.push({ index: result.indices[m] ?? 0, distance: result.distances[m] ?? 0 })
  }
  return matches
}
