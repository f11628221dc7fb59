/**
 * Seeded pseudo-random numbers (mulberry32 + Box–Muller). Pure TypeScript, identical on every
 * platform, so weights, shuffles and noise drawn from it make runs reproducible across backends.
 */

/** A seeded random source. */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number
  /** Standard normal. */
  normal(): number
  /** Integer in [0, n). */
  int(n: number): number
  /** A new Float32Array of standard normals. */
  normals(count: number): Float32Array
  /** Fisher–Yates shuffle of `0 … n-1`. */
  permutation(n: number): Uint32Array
  /** Where the stream is, to continue it later (or elsewhere) with {@link Random.setState}. */
  state(): RandomState
  /** Moves the stream to `state` (what {@link Random.state} returned): it continues from there. */
  setState(state: RandomState): void
}

/** The position of a {@link Random} stream, as JSON. */
export interface RandomState {
  /** The generator's 32-bit state (a signed integer). */
  readonly position: number
  /** The second normal of the last Box–Muller pair, not yet drawn; `null` for none. */
  readonly spareNormal: number | null
}

/** True when `value` is a {@link RandomState}: an int32 `position` and a finite or null `spareNormal`. */
export function isRandomState(value: unknown): value is RandomState {
  if (typeof value !== 'object' || value === null) return false
  const { position, spareNormal } = value as Record<string, unknown>
  return (
    typeof position === 'number' &&
    (position | 0) === position &&
    (spareNormal === null || (typeof spareNormal === 'number' && Number.isFinite(spareNormal)))
  )
}

/** Creates a {@link Random} from an integer seed (any finite number; it is hashed to 32 bits). */
export function createRandom(seed: number): Random {
  let state = hashSeed(seed)
  let spareNormal: number | undefined
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const normal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal
      spareNormal = undefined
      return value
    }
    let u = 0
    while (u === 0) u = uniform()
    const v = uniform()
    const radius = Math.sqrt(-2 * Math.log(u))
    spareNormal = radius * Math.sin(2 * Math.PI * v)
    return radius * Math.cos(2 * Math.PI * v)
  }
  return {
    uniform,
    normal,
    int: (n) => Math.floor(uniform() * n),
    normals(count) {
      const out = new Float32Array(count)
      for (let i = 0; i < count; i++) out[i] = normal()
      return out
    },
    permutation(n) {
      const out = new Uint32Array(n)
      for (let i = 0; i < n; i++) out[i] = i
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1))
        const tmp = out[i] as number
        out[i] = out[j] as number
        out[j] = tmp
      }
      return out
    },
    state: () => ({ position: state, spareNormal: spareNormal ?? null }),
    setState(next) {
      state = next.position | 0
      spareNormal = next.spareNormal ?? undefined
    },
  }
}

function hashSeed(seed: number): number {
  let h = Math.floor(seed) ^ 0x9e3779b9
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) | 0
}

/** Derives a child seed, so that independent streams (weights, shuffles, noise) do not overlap. */
export function deriveSeed(seed: number, stream: number): number {
  return hashSeed(seed * 31 + stream * 7919 + 17)
}
