/**
 * Paths through latent space. Pure TypeScript (no TF.js), so components on the main thread can move
 * along a path at slider speed and only ask the worker to decode.
 */
import { InvalidOptionError, ShapeMismatchError, describeValue } from './errors'

/** How to walk between two latent vectors. */
export type InterpolationMethod = 'linear' | 'slerp'

/** The point at fraction `t` (0 … 1) between latent vectors `a` and `b`. */
export function interpolateLatent(
  a: Float32Array,
  b: Float32Array,
  t: number,
  method: InterpolationMethod = 'linear',
): Float32Array {
  if (a.length !== b.length) {
    throw new ShapeMismatchError(
      `interpolation endpoints have ${a.length} and ${b.length} values; pass two latents of the same size`,
      { expected: a.length, actual: b.length },
    )
  }
  if (!Number.isFinite(t)) {
    throw new InvalidOptionError(`t must be a finite number in [0, 1]; got ${describeValue(t)}`)
  }
  const out = new Float32Array(a.length)
  if (method === 'slerp') {
    let dot = 0
    let normA = 0
    let normB = 0
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as number
      const y = b[i] as number
      dot += x * y
      normA += x * x
      normB += y * y
    }
    const cos = dot / Math.sqrt(normA * normB || 1)
    const omega = Math.acos(Math.min(1, Math.max(-1, cos)))
    const sinOmega = Math.sin(omega)
    // Nearly parallel vectors: slerp degenerates into lerp, which is then exact enough.
    if (sinOmega > 1e-6) {
      const wa = Math.sin((1 - t) * omega) / sinOmega
      const wb = Math.sin(t * omega) / sinOmega
      for (let i = 0; i < a.length; i++) out[i] = wa * (a[i] as number) + wb * (b[i] as number)
      return out
    }
  }
  for (let i = 0; i < a.length; i++) out[i] = (1 - t) * (a[i] as number) + t * (b[i] as number)
  return out
}

/** `steps` evenly spaced points from `a` to `b` inclusive, as one flat `[steps, d]` array. */
export function interpolationPath(
  a: Float32Array,
  b: Float32Array,
  steps: number,
  method: InterpolationMethod = 'linear',
): Float32Array {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new InvalidOptionError(
      `steps must be an integer ≥ 2 (both endpoints are included); got ${describeValue(steps)}`,
      { steps },
    )
  }
  const out = new Float32Array(steps * a.length)
  for (let s = 0; s < steps; s++) {
    out.set(interpolateLatent(a, b, s / (steps - 1), method), s * a.length)
  }
  return out
}
