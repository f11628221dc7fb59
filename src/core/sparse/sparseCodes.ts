/** Sparse codes in compressed-row form: only the non-zero coefficients travel. Pure TypeScript. */
import type { PatchPositions } from './patches'

/**
 * Codes of `count` patches over a dictionary of `atoms` atoms, compressed by row: the non-zeros of
 * patch `p` are `indices[offsets[p] … offsets[p + 1])` (atom numbers) with `values` at the same places.
 */
export interface SparseCodes {
  /** Dictionary size. */
  readonly atoms: number
  /** Number of coded patches. */
  readonly count: number
  /** `count + 1` row starts into `indices` and `values`. */
  readonly offsets: Int32Array
  /** Atom number of each non-zero coefficient. */
  readonly indices: Int32Array
  /** Value of each non-zero coefficient. */
  readonly values: Float32Array
  /** Where each patch came from: image index, top row, left column (three per patch). */
  readonly positions: PatchPositions
  /** FISTA iterations run (the most over the chunks coded). */
  readonly iterations: number
}

/** Keeps the non-zeros of dense codes (`count × atoms`, row-major). */
export function compressCodes(
  dense: Float32Array,
  atoms: number,
): Omit<SparseCodes, 'positions' | 'iterations'> {
  const count = dense.length / atoms
  let nonZeros = 0
  for (const value of dense) if (value !== 0) nonZeros += 1
  const offsets = new Int32Array(count + 1)
  const indices = new Int32Array(nonZeros)
  const values = new Float32Array(nonZeros)
  let o = 0
  for (let p = 0; p < count; p++) {
    for (let j = 0; j < atoms; j++) {
      const value = dense[p * atoms + j] as number
      if (value !== 0) {
        indices[o] = j
        values[o] = value
        o += 1
      }
    }
    offsets[p + 1] = o
  }
  return { atoms, count, offsets, indices, values }
}

/** Dense codes (`count × atoms`) from compressed ones. */
export function expandCodes(
  codes: Pick<SparseCodes, 'atoms' | 'count' | 'offsets' | 'indices' | 'values'>,
): Float32Array {
  const dense = new Float32Array(codes.count * codes.atoms)
  for (let p = 0; p < codes.count; p++) {
    for (let o = codes.offsets[p] as number; o < (codes.offsets[p + 1] as number); o++) {
      dense[p * codes.atoms + (codes.indices[o] as number)] = codes.values[o] as number
    }
  }
  return dense
}

/** The non-zero coefficients of patch `p`, largest magnitude first. */
export function codesOfPatch(
  codes: Pick<SparseCodes, 'offsets' | 'indices' | 'values'>,
  p: number,
): { atom: number; weight: number }[] {
  const out: { atom: number; weight: number }[] = []
  for (let o = codes.offsets[p] as number; o < (codes.offsets[p + 1] as number); o++) {
    out.push({ atom: codes.indices[o] as number, weight: codes.values[o] as number })
  }
  return out.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
}
