/**
 * Colour scales from a library (d3-scale-chromatic): sampled once into a lookup table for pixels,
 * or into a CSS gradient for legends. No DOM.
 */
import { rgb } from 'd3-color'

/** A colour scale: t in [0, 1] → CSS colour (e.g. d3's `interpolateRdBu`). */
export type ColorScale = (t: number) => string

/** Entries of a {@link colorLookup} table. */
export const COLOR_LEVELS = 256
const lookups = new WeakMap<ColorScale, Uint8Array>()

/** RGB bytes of `scale` at 256 evenly spaced points, cached per scale function. */
export function colorLookup(scale: ColorScale): Uint8Array {
  let table = lookups.get(scale)
  if (!table) {
    table = new Uint8Array(COLOR_LEVELS * 3)
    for (let i = 0; i < COLOR_LEVELS; i++) {
      const colour = rgb(scale(i / (COLOR_LEVELS - 1)))
      table[3 * i] = colour.r
      table[3 * i + 1] = colour.g
      table[3 * i + 2] = colour.b
    }
    lookups.set(scale, table)
  }
  return table
}

/** A left-to-right CSS gradient of `scale`, for legends. */
export function cssGradient(scale: ColorScale): string {
  return `linear-gradient(to right, ${Array.from({ length: 11 }, (_, i) => scale(i / 10)).join(', ')})`
}
