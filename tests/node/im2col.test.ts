import { describe, expect, test } from 'vitest'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { convGeometry, patchValues, type ConvGeometry } from '../../src/core/kernels/convKernels'
import { createRandom } from '../../src/core/random'

const BUILDS = ['relaxed-simd', 'simd'] as const

/** cols[(b, oy, ox), (ky, kx, ch)] = x[b, oy·stride + ky − top, ox·stride + kx − left, ch], 0 outside. */
function referencePatches(g: ConvGeometry, x: Float32Array): Float32Array {
  const { batch, height, width, channels, size, stride, top, left, outHeight, outWidth } = g
  const out = new Float32Array(patchValues(g))
  let i = 0
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++)
        for (let ky = 0; ky < size; ky++)
          for (let kx = 0; kx < size; kx++)
            for (let ch = 0; ch < channels; ch++) {
              const iy = oy * stride + ky - top
              const ix = ox * stride + kx - left
              const inside = iy >= 0 && iy < height && ix >= 0 && ix < width
              out[i++] = inside ? x[((b * height + iy) * width + ix) * channels + ch]! : 0
            }
  return out
}

/**
 * [batch, height, width, channels, size, stride]: the default models' convolutions (a grey image's
 * 4-float segments take a vector loop of their own), odd sides, stride 1, a kernel wider than the
 * image (no column without padding), a stride wider than the kernel, and padding on every side.
 */
const CASES: [number, number, number, number, number, number][] = [
  [3, 28, 28, 1, 4, 2],
  [2, 14, 14, 16, 4, 2],
  [3, 9, 11, 3, 4, 2],
  [2, 6, 5, 2, 3, 1],
  [2, 7, 7, 1, 4, 1],
  [2, 3, 2, 1, 4, 2],
  [2, 9, 10, 1, 2, 3],
  [1, 5, 6, 24, 4, 2],
  [2, 8, 8, 1, 5, 1],
  [2, 7, 6, 2, 2, 2], // 4-float segments of two channels (not a grey image's)
]

describe.each(BUILDS)('im2col (%s build)', (build) => {
  test.each(CASES)(
    '%i×%i×%i×%i images, size %i, stride %i: the patches, bit for bit, every padding cell zero',
    async (batch, height, width, channels, size, stride) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const memory = new KernelMemory(compiled)
      const g = convGeometry(batch, height, width, channels, 1, size, stride)
      const x = Float32Array.from(
        createRandom(height * width + channels).normals(batch * height * width * channels),
      )
      const input = memory.alloc(x.length)
      memory.view(input, x.length).set(x)
      const patches = memory.alloc(patchValues(g))
      // Stale values where the patches go: padding cells must be written as zeros, not skipped.
      memory.view(patches, patchValues(g)).fill(Number.NaN)
      memory.kernels.im2col(
        input,
        g.batch,
        g.height,
        g.width,
        g.channels,
        g.size,
        g.stride,
        g.top,
        g.left,
        g.outHeight,
        g.outWidth,
        patches,
      )
      expect(Array.from(memory.view(patches, patchValues(g)))).toEqual(
        Array.from(referencePatches(g, x)),
      )
    },
  )
})

/**
 * col2im's float32 sums in its order: patch rows (b, oy, ox) one after another, each of its values
 * added into the pixel it came from (padding cells dropped), onto `start` (zeros unless accumulating).
 */
function referenceCol2im(g: ConvGeometry, cols: Float32Array, start: Float32Array): Float32Array {
  const { batch, height, width, channels, size, stride, top, left, outHeight, outWidth } = g
  const out = start.slice()
  let i = 0
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++)
        for (let ky = 0; ky < size; ky++)
          for (let kx = 0; kx < size; kx++)
            for (let ch = 0; ch < channels; ch++) {
              const iy = oy * stride + ky - top
              const ix = ox * stride + kx - left
              const value = cols[i++]!
              if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue
              const at = ((b * height + iy) * width + ix) * channels + ch
              out[at] = Math.fround(out[at]! + value)
            }
  return out
}

describe.each(BUILDS)('col2im (%s build)', (build) => {
  test.each(CASES.flatMap((c) => [[...c, 0] as const, [...c, 1] as const]))(
    '%i×%i×%i×%i images, size %i, stride %i, accumulate %i: every pixel’s sum, bit for bit, in col2im’s order',
    async (batch, height, width, channels, size, stride, accumulate) => {
      const compiled = await compileKernelBuild(build)
      if (!compiled) throw new Error(`no ${build} build here`)
      const memory = new KernelMemory(compiled)
      const g = convGeometry(batch, height, width, channels, 1, size, stride)
      const random = createRandom(height * width + channels + accumulate)
      const cols = Float32Array.from(random.normals(patchValues(g)))
      const pixels = batch * height * width * channels
      const start = accumulate
        ? Float32Array.from(random.normals(pixels))
        : new Float32Array(pixels)
      const patches = memory.alloc(cols.length)
      memory.view(patches, cols.length).set(cols)
      const images = memory.alloc(pixels)
      // Stale values unless accumulating: the kernel must zero the images first.
      if (accumulate) memory.view(images, pixels).set(start)
      else memory.view(images, pixels).fill(Number.NaN)
      memory.kernels.col2im(
        patches,
        g.batch,
        g.height,
        g.width,
        g.channels,
        g.size,
        g.stride,
        g.top,
        g.left,
        g.outHeight,
        g.outWidth,
        images,
        accumulate,
      )
      expect(Array.from(memory.view(images, pixels))).toEqual(
        Array.from(referenceCol2im(g, cols, start)),
      )
    },
  )
})
