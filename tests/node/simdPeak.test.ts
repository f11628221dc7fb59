import { expect, test } from 'vitest'
import { measureSimdPeak } from '../../bench/simdPeak'

// The bench's measured 128-bit SIMD peak: the encoded module compiles (relaxed SIMD is on in this
// project's Node tests), and its figure is a clock a core can have. Its speed is the bench's to
// report; here only that the measurement is sound.
test('the SIMD peak loop compiles with relaxed SIMD and implies a clock between 0.5 and 7 GHz', () => {
  const peak = measureSimdPeak(3)
  expect(peak.loop).toBe('relaxed-simd')
  expect(peak.gflops).toBeGreaterThan(0)
  expect(peak.megahertz).toBeGreaterThan(500)
  expect(peak.megahertz).toBeLessThan(7000)
})
