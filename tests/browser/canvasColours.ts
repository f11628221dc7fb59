/** Canvas colour checks shared by the browser tests of components that draw on a diverging scale. */

/** Counts pixels that are clearly red (negative) and clearly blue (positive) on RdBu. */
export function redAndBlue(pixels: Uint8ClampedArray): { red: number; blue: number } {
  let red = 0
  let blue = 0
  for (let i = 0; i < pixels.length; i += 4) {
    const r = pixels[i] as number
    const b = pixels[i + 2] as number
    if (r > b + 60) red += 1
    if (b > r + 60) blue += 1
  }
  return { red, blue }
}
