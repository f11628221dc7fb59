/**
 * The random numbers of an RBM's training step, drawn in plain TypeScript from one seed per draw
 * (`src/core/random.ts`), so the TF.js step and the fused WebAssembly step sample with the very same
 * numbers and give the same updates. Pure TypeScript.
 */
import { createRandom } from '../../random'

/** Fills `out` with uniforms in [0, 1) from `seed`. */
export function uniformsInto(out: Float32Array, seed: number): Float32Array {
  const random = createRandom(seed)
  for (let i = 0; i < out.length; i++) out[i] = random.uniform()
  return out
}

/** Fills `out` with standard normals from `seed`. */
export function normalsInto(out: Float32Array, seed: number): Float32Array {
  const random = createRandom(seed)
  for (let i = 0; i < out.length; i++) out[i] = random.normal()
  return out
}
