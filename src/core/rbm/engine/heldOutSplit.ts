/** The rows an RBM holds out of training to measure the free-energy gap. Pure TypeScript. */
import { createRandom, deriveSeed } from '../../random'

/** Row indices of the training and held-out images. */
export interface HeldOutSplit {
  readonly training: Uint32Array
  readonly heldOut: Uint32Array
}

/**
 * A seeded split of `rows` rows: `⌊rows × fraction⌋` held out (none when that would leave no
 * training row), the rest for training. The same rows, fraction and seed give the same split, so
 * every call of `train` on the same data holds out the same images.
 */
export function heldOutSplit(rows: number, fraction: number, seed: number): HeldOutSplit {
  const order = createRandom(deriveSeed(seed, 4)).permutation(rows)
  const wanted = Math.floor(rows * fraction)
  const held = wanted < rows ? wanted : 0
  return {
    heldOut: order.slice(0, held).sort(),
    training: order.slice(held).sort(),
  }
}
