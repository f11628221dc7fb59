/**
 * The rows every conv-step comparison trains on, latentkit's side and PyTorch's alike: 1,024 sprites
 * of 28×28 (seed 1). One definition, so that a page's steps, Node's and the PyTorch step server's
 * always see the same data.
 */
import { generateSprites } from '../src/data/sprites'

/** Side of the square grey sprites. */
export const CONV_STEP_SIDE = 28

/** Rows per timed conv step. */
export const CONV_STEP_BATCH = 64

/** The sprites' values, image after image (`CONV_STEP_SIDE²` each). */
export function convStepSprites(): Float32Array {
  return generateSprites({ count: 1024, size: CONV_STEP_SIDE, seed: 1 }).images.data
}
