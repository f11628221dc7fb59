/** Largest |a − b| relative to the largest |b|: how far a computed gradient is from a reference. */
export function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0
  let scale = 0
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)))
    scale = Math.max(scale, Math.abs(b[i] as number))
  }
  return worst / scale
}
