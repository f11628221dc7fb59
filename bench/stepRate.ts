/** What the bench's side-by-side step measurements share: a block's rate and a median. */

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Images per second of `steps` calls of `step` (each awaited) on batches of `batch` images. */
export async function stepRate(
  step: () => Promise<unknown> | unknown,
  steps: number,
  batch: number,
): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < steps; i++) await step()
  return (steps * batch) / ((performance.now() - started) / 1000)
}
