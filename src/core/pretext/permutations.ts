/**
 * The jigsaw task's permutation sets (Noroozi & Favaro 2016) and the tile shuffles they stand for.
 * Pure TypeScript: the worker builds examples with it, and a UI un-shuffles tiles with it.
 */
import { InvalidOptionError, describeValue } from '../errors'
import { createRandom } from '../random'

/** `n!` for the small `n` of a jigsaw grid's tile count. */
export function factorial(n: number): number {
  let product = 1
  for (let k = 2; k <= n; k++) product *= k
  return product
}

/** Every permutation of `0 … n−1`, in lexicographic order, flat (`n!` rows of `n`). */
function allPermutations(n: number): Uint8Array {
  const total = factorial(n)
  const out = new Uint8Array(total * n)
  const current = Uint8Array.from({ length: n }, (_, i) => i)
  for (let k = 0; k < total; k++) {
    out.set(current, k * n)
    // Next lexicographic permutation (Narayana).
    let i = n - 2
    while (i >= 0 && (current[i] as number) > (current[i + 1] as number)) i--
    if (i < 0) break
    let j = n - 1
    while ((current[j] as number) < (current[i] as number)) j--
    const swap = current[i] as number
    current[i] = current[j] as number
    current[j] = swap
    current.subarray(i + 1).reverse()
  }
  return out
}

/** Hamming distance of two permutations: the positions where `a` and `b` differ. */
export function permutationDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let distance = 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) distance++
  return distance
}

const cache = new Map<string, readonly (readonly number[])[]>()

/**
 * `count` distinct permutations of the `tiles` tiles of a jigsaw grid, chosen greedily for maximal
 * Hamming distance (Noroozi & Favaro 2016, algorithm 1): the first at random (from `seed`), then
 * each time the permutation farthest from those chosen — largest minimum distance, ties broken by
 * the largest total distance, then by lexicographic order. `INVALID_OPTION` when `count` is below 2
 * (nothing to predict) or above `tiles!`.
 */
export function maximalHammingPermutations(
  tiles: number,
  count: number,
  seed: number,
): readonly (readonly number[])[] {
  checkPermutationCount(count, tiles)
  const key = `${tiles}|${count}|${seed}`
  const known = cache.get(key)
  if (known) return known
  const candidates = allPermutations(tiles)
  const total = factorial(tiles)
  const minimum = new Int32Array(total).fill(tiles + 1)
  const sum = new Int32Array(total)
  const taken = new Uint8Array(total)
  const chosen: number[][] = []
  let next = createRandom(seed).int(total)
  for (let k = 0; k < count; k++) {
    const picked = candidates.subarray(next * tiles, next * tiles + tiles)
    taken[next] = 1
    chosen.push(Array.from(picked))
    let best = -1
    for (let c = 0; c < total; c++) {
      if (taken[c]) continue
      let d = 0
      for (let t = 0; t < tiles; t++) if (picked[t] !== candidates[c * tiles + t]) d++
      if (d < (minimum[c] as number)) minimum[c] = d
      sum[c] = (sum[c] as number) + d
      if (
        best < 0 ||
        (minimum[c] as number) > (minimum[best] as number) ||
        ((minimum[c] as number) === (minimum[best] as number) &&
          (sum[c] as number) > (sum[best] as number))
      ) {
        best = c
      }
    }
    next = best
  }
  cache.set(key, chosen)
  return chosen
}

/** `INVALID_OPTION` unless `count` is an integer from 2 to `tiles!`. */
export function checkPermutationCount(count: number, tiles: number): void {
  const most = factorial(tiles)
  if (!Number.isInteger(count) || count < 2 || count > most) {
    throw new InvalidOptionError(
      `permutations must be an integer from 2 to ${most} (${tiles} tiles have ${most} orders, and the task needs at least 2 to tell apart); got ${describeValue(count)}. Try ${Math.min(most, 100)}`,
      { option: 'permutations' },
    )
  }
}

/**
 * Shuffles the `grid × grid` tiles of an image (`height × width × channels` values from
 * `source[offset …]`) into `out[outOffset …]`: the tile at grid position `i` (row-major) of the
 * result is tile `permutation[i]` of the source.
 */
export function shuffleTiles(
  source: ArrayLike<number>,
  offset: number,
  out: Float32Array,
  outOffset: number,
  shape: readonly [number, number, number],
  grid: number,
  permutation: ArrayLike<number>,
): void {
  const [height, width, channels] = shape
  const th = height / grid
  const tw = width / grid
  const row = width * channels
  for (let i = 0; i < grid * grid; i++) {
    const from = permutation[i] as number
    const fy = Math.floor(from / grid) * th
    const fx = (from % grid) * tw
    const ty = Math.floor(i / grid) * th
    const tx = (i % grid) * tw
    for (let y = 0; y < th; y++) {
      for (let v = 0; v < tw * channels; v++) {
        out[outOffset + (ty + y) * row + tx * channels + v] = source[
          offset + (fy + y) * row + fx * channels + v
        ] as number
      }
    }
  }
}

/** The inverse of `permutation`: `inverse[permutation[i]] = i`. */
export function invertPermutation(permutation: ArrayLike<number>): number[] {
  const inverse = new Array<number>(permutation.length).fill(0)
  for (let i = 0; i < permutation.length; i++) inverse[permutation[i] as number] = i
  return inverse
}

/**
 * Puts the tiles of a shuffled image back (`height × width × channels` values), taking
 * `permutation` to be the one that shuffled them: the result's tile `permutation[i]` is the
 * shuffled image's tile `i`. Applied with the right permutation it gives the original image back.
 */
export function unshuffleTiles(
  shuffled: ArrayLike<number>,
  shape: readonly [number, number, number],
  grid: number,
  permutation: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(shape[0] * shape[1] * shape[2])
  shuffleTiles(shuffled, 0, out, 0, shape, grid, invertPermutation(permutation))
  return out
}
