/**
 * Binary codes packed into 32-bit words and searched by Hamming distance (popcount). Pure TypeScript
 * (no TF.js): the engine, the tests and the bench share it.
 */
import { InvalidInputError } from '../errors'

/** Words of a packed code of `bits` bits: `ceil(bits / 32)`. */
export function wordsPerCode(bits: number): number {
  return Math.ceil(bits / 32)
}

/** Set bits of a 32-bit word (SWAR popcount). */
export function popcount32(word: number): number {
  let v = word >>> 0
  v -= (v >>> 1) & 0x55555555
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  v = (v + (v >>> 4)) & 0x0f0f0f0f
  return Math.imul(v, 0x01010101) >>> 24
}

/**
 * Packs `rows × bits` values (a bit is set where the value is above `threshold`, default 0.5) into
 * `rows × ceil(bits / 32)` words: bit `j` of a row is bit `j % 32` of its word `⌊j / 32⌋`.
 */
export function packBits(
  values: ArrayLike<number>,
  rows: number,
  bits: number,
  threshold = 0.5,
): Uint32Array {
  const words = wordsPerCode(bits)
  const packed = new Uint32Array(rows * words)
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < bits; j++) {
      if ((values[r * bits + j] as number) > threshold) {
        const w = r * words + (j >>> 5)
        packed[w] = ((packed[w] as number) | (1 << (j & 31))) >>> 0
      }
    }
  }
  return packed
}

/** The bits of packed codes as 0/1 bytes, `rows × bits` (the inverse of {@link packBits}). */
export function unpackBits(packed: Uint32Array, rows: number, bits: number): Uint8Array {
  const words = wordsPerCode(bits)
  const out = new Uint8Array(rows * bits)
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < bits; j++) {
      out[r * bits + j] = ((packed[r * words + (j >>> 5)] as number) >>> (j & 31)) & 1
    }
  }
  return out
}

/** Hamming distance between code `a` of `codesA` and code `b` of `codesB` (`words` words each). */
export function hammingDistance(
  codesA: Uint32Array,
  a: number,
  codesB: Uint32Array,
  b: number,
  words: number,
): number {
  let d = 0
  for (let w = 0; w < words; w++) {
    d += popcount32((codesA[a * words + w] as number) ^ (codesB[b * words + w] as number))
  }
  return d
}

/** What a search asks for: the `k` nearest codes, or every code within `radius` bits. */
export type HammingQuery = { readonly k: number } | { readonly radius: number }

/** Nearest codes of each query, flattened: query `q`'s are `offsets[q]` to `offsets[q + 1]`. */
export interface HammingMatches {
  /** Index of each match in the index, nearest first (ties: lower index first). */
  readonly indices: Int32Array
  /** Hamming distance of each match. */
  readonly distances: Uint8Array
  /** Where each query's matches start; length queries + 1. */
  readonly offsets: Int32Array
}

/**
 * A set of packed codes searched exactly by Hamming distance: one pass of popcounts over every code,
 * then a counting sort of the distances (at most 64 + 1 values), so a search is linear in the index
 * size whatever `k`.
 */
export class HammingIndex {
  /** Codes in the index. */
  readonly size: number
  /** Words per code. */
  readonly words: number
  private readonly scratch: Uint8Array

  constructor(
    /** The packed codes, `size × ceil(bits / 32)` words. */
    readonly codes: Uint32Array,
    /** Bits per code, 1–64. */
    readonly bits: number,
  ) {
    this.words = wordsPerCode(bits)
    if (codes.length % this.words !== 0) {
      throw new InvalidInputError(
        `an index of ${bits}-bit codes needs a multiple of ${this.words} words; got ${codes.length}`,
      )
    }
    this.size = codes.length / this.words
    this.scratch = new Uint8Array(this.size)
  }

  /** Nearest codes of each of the packed `queries` (same bits), exact. */
  search(queries: Uint32Array, query: HammingQuery): HammingMatches {
    const { words, size, codes, scratch } = this
    const count = queries.length / words
    const perQuery = 'k' in query ? Math.min(query.k, size) : -1
    const indices: number[] = []
    const distances: number[] = []
    const offsets = new Int32Array(count + 1)
    const histogram = new Int32Array(this.bits + 2)
    for (let q = 0; q < count; q++) {
      histogram.fill(0)
      if (words === 1) {
        const code = queries[q] as number
        for (let i = 0; i < size; i++) {
          const d = popcount32(code ^ (codes[i] as number))
          scratch[i] = d
          histogram[d + 1] = (histogram[d + 1] as number) + 1
        }
      } else {
        for (let i = 0; i < size; i++) {
          const d = hammingDistance(queries, q, codes, i, words)
          scratch[i] = d
          histogram[d + 1] = (histogram[d + 1] as number) + 1
        }
      }
      // The largest distance kept: the k-th smallest, or the radius.
      let limit: number
      if (perQuery >= 0) {
        let seen = 0
        limit = 0
        while (limit <= this.bits && seen + (histogram[limit + 1] as number) < perQuery) {
          seen += histogram[limit + 1] as number
          limit++
        }
      } else {
        limit = Math.min((query as { radius: number }).radius, this.bits)
      }
      // Counting sort of the kept codes by distance (stable: lower index first within a distance).
      const start = new Int32Array(limit + 2)
      for (let d = 0; d <= limit; d++) {
        start[d + 1] = (start[d] as number) + (histogram[d + 1] as number)
      }
      const kept = start[limit + 1] as number
      const order = new Int32Array(kept)
      for (let i = 0; i < size; i++) {
        const d = scratch[i] as number
        if (d <= limit) {
          const at = start[d] as number
          order[at] = i
          start[d] = at + 1
        }
      }
      const take = perQuery >= 0 ? perQuery : kept
      for (let m = 0; m < take; m++) {
        const i = order[m] as number
        indices.push(i)
        distances.push(scratch[i] as number)
      }
      offsets[q + 1] = indices.length
    }
    return {
      indices: Int32Array.from(indices),
      distances: Uint8Array.from(distances),
      offsets,
    }
  }
}
