/**
 * The masks of MADE (Germain, Gregor, Murray & Larochelle 2015): each input pixel gets its place in
 * the ordering (degree 1 … D), each hidden unit a degree drawn between the previous layer's smallest
 * and D − 1, and a weight is kept only from a unit to a unit of degree at least as large — strictly
 * larger into the outputs. So output d depends only on the pixels before d in the ordering, and one
 * pass gives every conditional p(x_d | x_<d). Pure TypeScript: the same seed gives the same masks on
 * every backend.
 */
import { InvalidInputError } from '../errors'
import { createRandom, deriveSeed } from '../random'
import type { PixelOrdering } from './autoregressiveOptions'

/** A mask of one layer, `inputs × units`, row-major (1 keeps the weight, 0 cuts it). */
export interface LayerMask {
  readonly inputs: number
  readonly units: number
  readonly values: Float32Array
}

/** What masks are built from: pixel count, hidden layers, ordering and seed. */
export interface MaskPlan {
  readonly pixels: number
  readonly hiddenUnits: readonly number[]
  readonly ordering: PixelOrdering
  readonly seed: number
}

/** The built masks and the ordering they follow. */
export interface MADEMasks {
  /** `order[k]` is the pixel drawn k-th (a permutation of 0 … D − 1). */
  readonly order: Uint32Array
  /** `degrees[p]` is pixel p's place in the ordering, from 1. */
  readonly degrees: Uint32Array
  /** One mask per layer, input layer first, output layer last. */
  readonly layers: readonly LayerMask[]
}

/** Throws `INVALID_INPUT` for images of fewer than two values (nothing to condition on). */
export function checkPixelCount(pixels: number): void {
  if (pixels < 2) {
    throw new InvalidInputError(
      `an autoregressive model needs images of at least 2 values; got ${pixels}. Pass larger images`,
      { pixels },
    )
  }
}

/** The pixel order of `plan`: raster order, or a permutation drawn from its seed. */
export function pixelOrder(pixels: number, ordering: PixelOrdering, seed: number): Uint32Array {
  if (ordering === 'random') return createRandom(deriveSeed(seed, 5)).permutation(pixels)
  return Uint32Array.from({ length: pixels }, (_, i) => i)
}

function mask(from: Uint32Array, to: Uint32Array, strict: boolean): LayerMask {
  const values = new Float32Array(from.length * to.length)
  for (let i = 0; i < from.length; i++) {
    const a = from[i] as number
    for (let k = 0; k < to.length; k++) {
      const b = to[k] as number
      values[i * to.length + k] = (strict ? b > a : b >= a) ? 1 : 0
    }
  }
  return { inputs: from.length, units: to.length, values }
}

/** Builds the masks of `plan` (`INVALID_INPUT` for fewer than two pixels). */
export function buildMasks(plan: MaskPlan): MADEMasks {
  const { pixels } = plan
  checkPixelCount(pixels)
  const order = pixelOrder(pixels, plan.ordering, plan.seed)
  const degrees = new Uint32Array(pixels)
  order.forEach((pixel, k) => {
    degrees[pixel] = k + 1
  })
  const random = createRandom(deriveSeed(plan.seed, 6))
  const layers: LayerMask[] = []
  let previous = degrees
  let smallest = 1
  for (const units of plan.hiddenUnits) {
    const hidden = new Uint32Array(units)
    // Degrees from the previous layer's smallest to D − 1: no unit is cut off from every input,
    // and none sees the last pixel (no output could use it).
    for (let k = 0; k < units; k++) hidden[k] = smallest + random.int(pixels - smallest)
    layers.push(mask(previous, hidden, false))
    smallest = hidden.reduce((low, d) => Math.min(low, d), pixels)
    previous = hidden
  }
  layers.push(mask(previous, degrees, true))
  return { order, degrees, layers }
}
