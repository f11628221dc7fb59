import * as tf from '@tensorflow/tfjs-core'
// TF.js's automatic differentiation is the reference the kernels' gradients are checked against.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, test } from 'vitest'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import {
  convBackward,
  convForward,
  convGeometry,
  kernelLayout,
  panelValues,
  patchValues,
  transposedConvBackward,
  transposedConvForward,
  type ConvGeometry,
  type ConvScratch,
} from '../../src/core/kernels/convKernels'
import { createRandom } from '../../src/core/random'
import {
  applyBatchNormTraced,
  backpropBatchNorm,
  createBatchNorm,
  disposeBatchNorm,
} from '../../src/core/engine/batchNorm'
import { switchBackend } from './setupBackend'
import { resolveAutoencoderOptions } from '../../src/core/autoencoder/autoencoderOptions'
import { ConvAutoencoderNetwork } from '../../src/core/autoencoder/engine/convAutoencoderNetwork'
import { FusedConvAutoencoderTrainer } from '../../src/core/autoencoder/engine/fusedConvAutoencoderTrainer'
import { generateSprites } from '../../src/data/sprites'
import { relativeGap } from './relativeGap'

// The reference runs on TF.js's CPU backend: WASM has no Conv2DBackpropFilter for tf.grad.
beforeAll(() => switchBackend('cpu'))

const BUILDS = ['relaxed-simd', 'simd'] as const

async function memoryFor(build: (typeof BUILDS)[number]): Promise<KernelMemory> {
  const compiled = await compileKernelBuild(build)
  if (!compiled) throw new Error(`no ${build} build here`)
  return new KernelMemory(compiled)
}

/** Copies `values` into fresh kernel memory and returns the offset. */
function put(memory: KernelMemory, values: Float32Array): number {
  const offset = memory.alloc(values.length)
  memory.view(offset, values.length).set(values)
  return offset
}

function read(memory: KernelMemory, offset: number, length: number): Float32Array {
  return memory.view(offset, length).slice()
}

function scratchFor(memory: KernelMemory, g: ConvGeometry): ConvScratch {
  return { patches: memory.alloc(patchValues(g)), panel: memory.alloc(panelValues(g)) }
}

/**
 * [batch, height, width, channels, filters, size, stride]: the default models' four layers (batch 8:
 * the reference is slow), then odd shapes.
 */
const CASES: [number, number, number, number, number, number, number][] = [
  [8, 28, 28, 1, 16, 4, 2], // conv GAN / autoencoder: first convolution, last transposed one
  [8, 14, 14, 16, 32, 4, 2], // second convolution, first transposed one
  [3, 9, 11, 3, 5, 4, 2], // odd sides: the extra padding row below and right
  [2, 6, 5, 2, 3, 3, 1], // 3×3, stride 1
  [2, 7, 7, 5, 6, 4, 2],
  // Channels a multiple of 8 (transposed convolutions add the product straight into the image):
  // odd sides with rows not a multiple of four, 3×3 stride 1, and more than eight channels.
  [3, 9, 11, 8, 5, 4, 2],
  [2, 6, 5, 8, 3, 3, 1],
  [1, 5, 6, 24, 7, 4, 2],
]

describe.each(BUILDS)('convolution kernels (%s build) against TF.js', (build) => {
  test.each(CASES)(
    'conv %i×%i×%i×%i → %i filters, size %i, stride %i: output, kernel and input gradients',
    async (batch, height, width, channels, filters, size, stride) => {
      const memory = await memoryFor(build)
      const k = memory.kernels
      const g = convGeometry(batch, height, width, channels, filters, size, stride)
      const random = createRandom(batch * 100 + height)
      const xValues = Float32Array.from(random.normals(batch * height * width * channels))
      const wValues = Float32Array.from(random.normals(size * size * channels * filters))
      const outLength = batch * g.outHeight * g.outWidth * filters
      const upstream = Float32Array.from(random.normals(outLength))
      const x = put(memory, xValues)
      const kernel = put(memory, wValues)
      const gradOut = put(memory, upstream)
      const out = memory.alloc(outLength)
      const gradKernel = memory.alloc(wValues.length)
      const gradX = memory.alloc(xValues.length)
      const scratch = scratchFor(memory, g)
      convForward(k, g, x, kernel, out, scratch)
      convBackward(k, g, x, kernel, gradOut, gradKernel, gradX, scratch, true)

      const xt = tf.tensor4d(xValues, [batch, height, width, channels])
      const wt = tf.tensor4d(wValues, [size, size, channels, filters])
      const ut = tf.tensor4d(upstream, [batch, g.outHeight, g.outWidth, filters])
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same'), ut))
      const [dx, dw] = tf.grads(f)([xt, wt])
      expect(
        relativeGap(read(memory, out, outLength), tf.conv2d(xt, wt, stride, 'same').dataSync()),
      ).toBeLessThan(1e-5)
      expect(
        relativeGap(read(memory, gradKernel, wValues.length), (dw as tf.Tensor).dataSync()),
      ).toBeLessThan(1e-5)
      expect(
        relativeGap(read(memory, gradX, xValues.length), (dx as tf.Tensor).dataSync()),
      ).toBeLessThan(1e-5)
      tf.dispose([xt, wt, ut, dx, dw])
    },
  )

  test.each(CASES)(
    'transposed conv back to %i×%i×%i×%i from %i filters, size %i, stride %i: output, kernel and input gradients',
    async (batch, height, width, channels, filters, size, stride) => {
      const memory = await memoryFor(build)
      const k = memory.kernels
      const g = convGeometry(batch, height, width, channels, filters, size, stride)
      const random = createRandom(batch * 300 + width)
      const inLength = batch * g.outHeight * g.outWidth * filters
      const outLength = batch * height * width * channels
      const xValues = Float32Array.from(random.normals(inLength))
      const wValues = Float32Array.from(random.normals(size * size * channels * filters))
      const upstream = Float32Array.from(random.normals(outLength))
      const x = put(memory, xValues)
      const kernel = put(memory, wValues)
      const gradOut = put(memory, upstream)
      const out = memory.alloc(outLength)
      const gradKernel = memory.alloc(wValues.length)
      const gradX = memory.alloc(inLength)
      const scratch = scratchFor(memory, g)
      transposedConvForward(k, g, x, kernel, out, scratch)
      transposedConvBackward(k, g, x, kernel, gradOut, gradKernel, gradX, scratch)

      const shape: [number, number, number, number] = [batch, height, width, channels]
      const xt = tf.tensor4d(xValues, [batch, g.outHeight, g.outWidth, filters])
      const wt = tf.tensor4d(wValues, [size, size, channels, filters])
      const ut = tf.tensor4d(upstream, shape)
      const convT = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D =>
        tf.conv2dTranspose(a, b, shape, stride, 'same')
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(convT(a as tf.Tensor4D, b as tf.Tensor4D), ut)),
      )([xt, wt])
      expect(relativeGap(read(memory, out, outLength), convT(xt, wt).dataSync())).toBeLessThan(1e-5)
      expect(
        relativeGap(read(memory, gradKernel, wValues.length), (dw as tf.Tensor).dataSync()),
      ).toBeLessThan(1e-5)
      expect(relativeGap(read(memory, gradX, inLength), (dx as tf.Tensor).dataSync())).toBeLessThan(
        1e-5,
      )
      tf.dispose([xt, wt, ut, dx, dw])
    },
  )

  test.each([
    [64, 7, 7, 32],
    [64, 14, 14, 16],
    [3, 5, 2, 7],
    [2, 3, 3, 21],
  ])(
    'batch normalisation over %i×%i×%i×%i: output, running statistics, scale, shift and input gradients as batchNorm.ts',
    async (batch, height, width, channels) => {
      const memory = await memoryFor(build)
      const k = memory.kernels
      const rows = batch * height * width
      const random = createRandom(rows + channels)
      const xValues = Float32Array.from(random.normals(rows * channels), (v, i) => 3 * v + (i % 5))
      const scaleValues = Float32Array.from(random.normals(channels), (v) => 1 + 0.3 * v)
      const shiftValues = Float32Array.from(random.normals(channels))
      const upstream = Float32Array.from(random.normals(rows * channels))
      const x = put(memory, xValues)
      const scale = put(memory, scaleValues)
      const shift = put(memory, shiftValues)
      const dy = put(memory, upstream)
      const [mean, variance, invStd, gradScale, gradShift] = [0, 0, 0, 0, 0].map(() =>
        memory.alloc(channels),
      ) as [number, number, number, number, number]
      const runningMean = memory.alloc(channels)
      const runningVariance = put(memory, new Float32Array(channels).fill(1))
      const normalised = memory.alloc(rows * channels)
      const out = memory.alloc(rows * channels)
      const dx = memory.alloc(rows * channels)
      const rectified = memory.alloc(rows * channels)
      // ReLU into `rectified`, then none into `out` (the statistics and x̂ are rewritten alike).
      for (const [target, activation] of [
        [rectified, 1],
        [out, 0],
      ] as const) {
        const stats = [mean, variance, invStd, normalised] as const
        k.batchNormForward(x, rows, channels, scale, shift, 1e-5, ...stats, target, activation)
      }
      // The affine part is a multiply then an add in float32, the activation applied after it.
      const xHat = read(memory, normalised, rows * channels)
      const affine = xHat.map((v, i) => {
        const c = i % channels
        return Math.fround(Math.fround(v * (scaleValues[c] ?? 0)) + (shiftValues[c] ?? 0))
      })
      expect(read(memory, out, rows * channels)).toEqual(affine)
      expect(read(memory, rectified, rows * channels)).toEqual(affine.map((v) => Math.max(v, 0)))
      k.batchNormRunning(runningMean, runningVariance, mean, variance, channels, rows, 0.9)
      k.batchNormBackward(dy, normalised, rows, channels, scale, invStd, gradScale, gradShift, dx)

      const layer = createBatchNorm(channels, 'bnTest')
      layer.scale.assign(tf.tensor1d(scaleValues))
      layer.shift.assign(tf.tensor1d(shiftValues))
      const shape: [number, number, number, number] = [batch, height, width, channels]
      const xt = tf.tensor4d(xValues, shape)
      const ut = tf.tensor4d(upstream, shape)
      const reference = tf.tidy(() => {
        const trace = applyBatchNormTraced(layer, xt, true)
        const grads = backpropBatchNorm(layer, trace, ut)
        return [trace.output, grads.scale, grads.shift, grads.input]
      })
      // The explicit backward pass of batchNorm.ts is itself checked against automatic differentiation.
      const [autoX, autoScale, autoShift] = tf.grads((a: tf.Tensor, s: tf.Tensor, b: tf.Tensor) => {
        const { mean: m, variance: v } = tf.moments(a, [0, 1, 2])
        const y = tf.add(tf.mul(tf.mul(tf.sub(a, m), tf.rsqrt(tf.add(v, 1e-5))), s), b)
        return tf.sum(tf.mul(y, ut))
      })([xt, tf.tensor1d(scaleValues), tf.tensor1d(shiftValues)])
      const [output, refScale, refShift, refInput] = reference as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ]
      expect(relativeGap(read(memory, out, rows * channels), output.dataSync())).toBeLessThan(1e-5)
      expect(
        relativeGap(read(memory, runningMean, channels), layer.runningMean.dataSync()),
      ).toBeLessThan(1e-5)
      expect(
        relativeGap(read(memory, runningVariance, channels), layer.runningVariance.dataSync()),
      ).toBeLessThan(1e-5)
      expect(relativeGap(read(memory, gradScale, channels), refScale.dataSync())).toBeLessThan(1e-4)
      expect(relativeGap(read(memory, gradShift, channels), refShift.dataSync())).toBeLessThan(1e-4)
      expect(relativeGap(read(memory, dx, rows * channels), refInput.dataSync())).toBeLessThan(1e-4)
      expect(
        relativeGap(read(memory, gradScale, channels), (autoScale as tf.Tensor).dataSync()),
      ).toBeLessThan(1e-4)
      expect(
        relativeGap(read(memory, gradShift, channels), (autoShift as tf.Tensor).dataSync()),
      ).toBeLessThan(1e-4)
      expect(
        relativeGap(read(memory, dx, rows * channels), (autoX as tf.Tensor).dataSync()),
      ).toBeLessThan(1e-4)
      tf.dispose([xt, ut, output, refScale, refShift, refInput, autoX, autoScale, autoShift])
      disposeBatchNorm(layer)
    },
  )

  test('leaky ReLU forward and backward (addBias and activationBackward, code 4) as tf.leakyRelu and its gradient', async () => {
    const memory = await memoryFor(build)
    const k = memory.kernels
    const values = Float32Array.from(createRandom(5).normals(4 * 37))
    const upstream = Float32Array.from(createRandom(6).normals(4 * 37))
    const out = put(memory, values)
    const grad = put(memory, upstream)
    k.addBias(out, put(memory, new Float32Array(37)), 4, 37, 4)
    k.activationBackward(grad, out, 4 * 37, 4)
    const xt = tf.tensor2d(values, [4, 37])
    const ut = tf.tensor2d(upstream, [4, 37])
    const forward = tf.leakyRelu(xt, 0.2)
    const backward = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(a, 0.2), ut)))(xt)
    expect(relativeGap(read(memory, out, values.length), forward.dataSync())).toBeLessThan(1e-6)
    expect(relativeGap(read(memory, grad, values.length), backward.dataSync())).toBeLessThan(1e-6)
    tf.dispose([xt, ut, forward, backward])
  })

  test.each([
    [3, 9, 11, 16, 32, 4, 2], // 90 rows: one full group of rows, a part group, a part block of four
    [64, 14, 14, 16, 32, 4, 2], // the default models' first transposed convolution at batch 64
    [2, 6, 5, 8, 3, 3, 1],
  ])(
    'gemmCol2im over %i×%i×%i×%i from %i filters (size %i, stride %i) equals gemm into patches and col2im',
    async (batch, height, width, channels, filters, size, stride) => {
      const memory = await memoryFor(build)
      const k = memory.kernels
      const g = convGeometry(batch, height, width, channels, filters, size, stride)
      const random = createRandom(batch + channels)
      const rows = batch * g.outHeight * g.outWidth
      const depth = size * size * channels
      const x = put(memory, Float32Array.from(random.normals(rows * filters)))
      const kernel = put(memory, Float32Array.from(random.normals(depth * filters)))
      const outLength = batch * height * width * channels
      // Stale values in the output: the kernel overwrites, it does not add.
      const fused = put(memory, new Float32Array(outLength).fill(7))
      const reference = memory.alloc(outLength)
      const scratch = scratchFor(memory, g)
      k.gemmCol2im(
        x,
        kernel,
        filters,
        scratch.panel,
        batch,
        height,
        width,
        channels,
        size,
        stride,
        g.top,
        g.left,
        g.outHeight,
        g.outWidth,
        fused,
      )
      const args = [g.top, g.left, g.outHeight, g.outWidth] as const
      k.gemm(
        x,
        filters,
        1,
        kernel,
        1,
        filters,
        scratch.patches,
        rows,
        filters,
        depth,
        0,
        scratch.panel,
      )
      k.col2im(scratch.patches, batch, height, width, channels, size, stride, ...args, reference, 0)
      expect(
        relativeGap(read(memory, fused, outLength), read(memory, reference, outLength)),
      ).toBeLessThan(1e-6)
    },
  )
})

describe.each(BUILDS)('convolution in chunks of images (%s build)', (build) => {
  // 64 images of 14×14×16 (the default conv GAN's second convolution): 50 KB of patches an
  // image, so the forward pass runs in several chunks of images, the last one short.
  test.each([64, 61])(
    "convForward over %i images gives the whole batch's patches and output, bit for bit",
    async (batch) => {
      const memory = await memoryFor(build)
      const k = memory.kernels
      const g = convGeometry(batch, 14, 14, 16, 32, 4, 2)
      const depth = g.size * g.size * g.channels
      const rows = g.batch * g.outHeight * g.outWidth
      expect(rows * depth * 4).toBeGreaterThan(3 * 512 * 1024)
      const random = createRandom(batch)
      const x = put(memory, random.normals(batch * 14 * 14 * 16))
      const kernel = put(memory, random.normals(depth * g.filters))
      const scratch = scratchFor(memory, g)
      const out = memory.alloc(rows * g.filters)
      convForward(k, g, x, kernel, out, scratch)
      const chunkedPatches = read(memory, scratch.patches, rows * depth)
      const chunkedOut = read(memory, out, rows * g.filters)
      const wholePatches = memory.alloc(rows * depth)
      k.im2col(x, ...kernelLayout(g), wholePatches)
      k.gemmPackedB(
        wholePatches,
        depth,
        1,
        kernel,
        g.filters,
        1,
        out,
        rows,
        depth,
        g.filters,
        0,
        scratch.panel,
      )
      // The first index that differs (-1: none): a diff of 200,000 values would not print.
      const firstDifference = (a: Float32Array, b: Float32Array) =>
        a.findIndex((value, i) => !Object.is(value, b[i]))
      expect(firstDifference(chunkedPatches, read(memory, wholePatches, rows * depth))).toBe(-1)
      expect(firstDifference(chunkedOut, read(memory, out, rows * g.filters))).toBe(-1)
    },
  )
})

describe.each(BUILDS)('the kernels keep no scratch in static memory (%s shared build)', (build) => {
  // A second thread instantiates the shared build on the same memory while the first already runs
  // kernels, and instantiation rewrites the module's data segments: a kernel's scratch must be the
  // caller's, never static memory (its bytes would be reset under the kernel using them).
  test('gemmCol2im and a one-column addBias leave every byte below heapBase as instantiation wrote it', async () => {
    const compiled = await compileKernelBuild(build, true)
    if (!compiled) throw new Error(`no shared ${build} build here`)
    const memory = new KernelMemory(compiled)
    const k = memory.kernels
    const staticBytes = () => new Uint8Array(k.memory.buffer, 0, k.heapBase()).slice()
    const before = staticBytes()
    const g = convGeometry(3, 9, 11, 16, 32, 4, 2)
    const random = createRandom(19)
    const x = put(memory, Float32Array.from(random.normals(3 * 5 * 6 * 32)))
    const kernel = put(memory, Float32Array.from(random.normals(4 * 4 * 16 * 32)))
    const out = memory.alloc(3 * 9 * 11 * 16)
    const scratch = scratchFor(memory, g)
    transposedConvForward(k, g, x, kernel, out, scratch)
    const column = put(memory, Float32Array.from(random.normals(7)))
    k.addBias(column, put(memory, Float32Array.of(0.5)), 7, 1, 1)
    expect(staticBytes()).toEqual(before)
    // And the output does not depend on what lies in static memory: the same call after a second
    // instance was made on this memory gives the same bytes.
    const first = read(memory, out, 3 * 9 * 11 * 16)
    new WebAssembly.Instance(compiled.module, { env: { memory: k.memory, abort: () => undefined } })
    transposedConvForward(k, g, x, kernel, out, scratch)
    expect(read(memory, out, 3 * 9 * 11 * 16)).toEqual(first)
  })

  test('a whole fused conv autoencoder step (every kernel it calls) leaves static memory unchanged', async () => {
    const compiled = await compileKernelBuild(build, true)
    if (!compiled) throw new Error(`no shared ${build} build here`)
    const memory = new KernelMemory(compiled)
    const options = resolveAutoencoderOptions({ architecture: 'conv', seed: 4 }, 28 * 28)
    const network = new ConvAutoencoderNetwork([28, 28, 1], options, 'sigmoid')
    const trainer = new FusedConvAutoencoderTrainer(memory, [28, 28, 1], options, 'sigmoid', 8)
    const images = generateSprites({ count: 8, size: 28, seed: 5 }).images.data
    const staticBytes = () =>
      new Uint8Array(memory.kernels.memory.buffer, 0, memory.kernels.heapBase()).slice()
    const before = staticBytes()
    const first = trainer.step(network.variables(), { input: images, clean: images }, 1e-3)
    trainer.step(network.variables(), { input: images, clean: images }, 1e-3)
    expect(Number.isFinite(first.loss)).toBe(true)
    expect(staticBytes()).toEqual(before)
    network.dispose()
  })

  test.each([
    [0, (t: tf.Tensor) => t],
    [1, (t: tf.Tensor) => tf.relu(t)],
    [2, (t: tf.Tensor) => tf.sigmoid(t)],
    [3, (t: tf.Tensor) => tf.tanh(t)],
    [4, (t: tf.Tensor) => tf.leakyRelu(t, 0.2)],
  ])(
    'one-column addBias with activation %i over 4k + 3 rows (the bias splat in a register) as TF.js',
    async (activation, reference) => {
      const compiled = await compileKernelBuild(build, true)
      if (!compiled) throw new Error(`no shared ${build} build here`)
      const memory = new KernelMemory(compiled)
      const values = Float32Array.from(createRandom(activation).normals(403), (v) => 3 * v)
      const column = put(memory, values)
      memory.kernels.addBias(
        column,
        put(memory, Float32Array.of(-0.25)),
        values.length,
        1,
        activation,
      )
      const expected = tf.tidy(() => reference(tf.add(tf.tensor1d(values), -0.25)).dataSync())
      expect(relativeGap(read(memory, column, values.length), expected)).toBeLessThan(1e-6)
    },
  )
})
