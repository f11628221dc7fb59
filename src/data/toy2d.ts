/**
 * Seeded 2-D data sets for teaching GANs: a ring of Gaussians (the standard mode-collapse test), two
 * moons and a spiral. Points come as `{ data, shape: [n, 2] }`, ready for any model hook.
 */
import { InvalidOptionError } from '../core/errors'
import { createRandom, type Random } from '../core/random'

/** Points in the plane, row-major `[n, 2]`. */
export interface PointSet {
  readonly data: Float32Array
  readonly shape: readonly [n: number, 2]
}

/** Options of {@link ringOfGaussians}. */
export interface RingOptions {
  /** Points. Default `2000`. */
  readonly count?: number
  /** Gaussians on the ring. Default `8`. */
  readonly modes?: number
  /** Ring radius. Default `1`. */
  readonly radius?: number
  /** Standard deviation of each Gaussian. Default `0.02`. */
  readonly sigma?: number
  /** Seed. Default `1`. */
  readonly seed?: number
}

/** Options of {@link twoMoons} and {@link spiral}. */
export interface ShapeOptions {
  /** Points. Default `2000`. */
  readonly count?: number
  /** Standard deviation of the noise added to each point. Default `0.05`. */
  readonly noise?: number
  /** Seed. Default `1`. */
  readonly seed?: number
}

/** The names of the built-in 2-D data sets. */
export type Toy2DName = 'ring' | 'moons' | 'spiral'

/** `count` points, each `centre(random)` plus Gaussian noise of standard deviation `noise`. */
function noisyPoints(
  count: number,
  seed: number,
  noise: number,
  centre: (random: Random) => readonly [number, number],
): PointSet {
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidOptionError(`count must be an integer ≥ 1; got ${count}`)
  }
  const random = createRandom(seed)
  const data = new Float32Array(count * 2)
  for (let i = 0; i < count; i++) {
    const [x, y] = centre(random)
    data[i * 2] = x + noise * random.normal()
    data[i * 2 + 1] = y + noise * random.normal()
  }
  return { data, shape: [count, 2] }
}

/** Centres of the ring's modes. */
export function ringCentres(modes = 8, radius = 1): Float32Array {
  const out = new Float32Array(modes * 2)
  for (let k = 0; k < modes; k++) {
    out[k * 2] = radius * Math.cos((2 * Math.PI * k) / modes)
    out[k * 2 + 1] = radius * Math.sin((2 * Math.PI * k) / modes)
  }
  return out
}

/** Equal mixture of Gaussians on a circle (σ = 0.02, radius 1, 8 modes by default). */
export function ringOfGaussians(options: RingOptions = {}): PointSet {
  const { count = 2000, modes = 8, radius = 1, sigma = 0.02, seed = 1 } = options
  const centres = ringCentres(modes, radius)
  return noisyPoints(count, seed, sigma, (random) => {
    const k = random.int(modes)
    return [centres[k * 2] as number, centres[k * 2 + 1] as number]
  })
}

/** Two interleaving half circles. */
export function twoMoons(options: ShapeOptions = {}): PointSet {
  const { count = 2000, noise = 0.05, seed = 1 } = options
  return noisyPoints(count, seed, noise, (random) => {
    const t = Math.PI * random.uniform()
    const upper = random.uniform() < 0.5
    const x = upper ? Math.cos(t) : 1 - Math.cos(t)
    const y = upper ? Math.sin(t) : 0.5 - Math.sin(t)
    // Centred on the origin, scaled to about [−1, 1].
    return [(x - 0.5) * 0.8, (y - 0.25) * 0.8]
  })
}

/** A two-turn Archimedean spiral. */
export function spiral(options: ShapeOptions = {}): PointSet {
  const { count = 2000, noise = 0.05, seed = 1 } = options
  return noisyPoints(count, seed, noise, (random) => {
    const t = Math.sqrt(random.uniform())
    const angle = t * 4 * Math.PI
    return [t * Math.cos(angle), t * Math.sin(angle)]
  })
}

/** A built-in 2-D data set by name. */
export function toy2d(name: Toy2DName, options: RingOptions & ShapeOptions = {}): PointSet {
  if (name === 'ring') return ringOfGaussians(options)
  if (name === 'moons') return twoMoons(options)
  if (name === 'spiral') return spiral(options)
  throw new InvalidOptionError(
    `unknown 2-D data set ${JSON.stringify(name)}; use 'ring', 'moons' or 'spiral'`,
  )
}
