/** The order tiles are shown in, shared by the grids that sort by a weight. No DOM. */

/**
 * Order of `count` tiles: source order, or largest weight first (ties in source order) when `sort`
 * is `'weight'` and there are weights.
 */
export function weightOrder(
  count: number,
  weights: ArrayLike<number> | undefined,
  sort: 'none' | 'weight',
): number[] {
  const order = Array.from({ length: count }, (_, i) => i)
  if (sort === 'weight' && weights) {
    order.sort((a, b) => (weights[b] ?? 0) - (weights[a] ?? 0) || a - b)
  }
  return order
}
