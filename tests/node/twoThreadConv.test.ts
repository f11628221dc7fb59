import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawnNodeKernelThread } from '../../bench/nodeKernelThread'
import { FusedConvGANTrainer } from '../../src/core/gan/engine/fusedConvGANTrainer'
import { GANNetwork } from '../../src/core/gan/engine/ganNetwork'
import { resolveGANModelOptions, resolveGANTrainOptions } from '../../src/core/gan/ganOptions'
import { drawGANLatents, type InfoGANOptions } from '../../src/core/gan/infoCodes'
import {
  convForward,
  convForwardOnce,
  convGeometry,
  panelValues,
  patchValues,
  transposedConvForward,
  transposedConvForwardOnce,
} from '../../src/core/kernels/convKernels'
import { gemmSlices, slicedGemm, type GemmArguments } from '../../src/core/kernels/slicedGemm'
import { splitImage, TwoThreadGemm } from '../../src/core/kernels/twoThreadGemm'
import { compileKernelBuild, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { createRandom } from '../../src/core/random'
import { generateSprites } from '../../src/data/sprites'
import { switchBackend } from './setupBackend'

beforeAll(() => switchBackend('wasm'))

// Node 20 runs plain SIMD only (relaxed SIMD sits behind a flag), so the shared plain-SIMD build.
const compiled = await compileKernelBuild('simd', true)
if (!compiled) throw new Error('the shared kernel build does not compile in this Node')

const disposers: (() => void)[] = []
afterAll(() => disposers.forEach((dispose) => dispose()))

async function startThreads(memory: KernelMemory): Promise<TwoThreadGemm> {
  const threads = new TwoThreadGemm(memory, spawnNodeKernelThread).attach()
  disposers.push(() => threads.dispose())
  const deadline = Date.now() + 20_000
  while (!threads.helperReady) {
    if (Date.now() > deadline) throw new Error('the helper thread did not start')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return threads
}

/** The bytes of `length` floats at `offset`, for a whole-buffer comparison. */
const bytes = (memory: KernelMemory, offset: number, length: number): string =>
  Buffer.from(memory.view(offset, length).slice().buffer).toString('base64')

test('a kernel gradient summed over slices is one hand-off on two threads, bit-identical to one thread', async () => {
  const memory = new KernelMemory(compiled)
  const threads = await startThreads(memory)
  const random = createRandom(4)
  // The default conv GAN's second convolution, both batches: patchesᵀ [256, rows] · gradOut [rows, 32].
  for (const [depth, rows, filters, slice, accumulate] of [
    [256, 6272, 32, 128, 0],
    [16, 25088, 16, 512, 0],
    [36, 1001, 20, 97, 1], // ragged: rows not a multiple of the slice, depth of 4-row blocks + 0
  ] as const) {
    const patches = memory.alloc(rows * depth)
    const other = memory.alloc(rows * filters)
    memory.view(patches, rows * depth).set(random.normals(rows * depth))
    memory.view(other, rows * filters).set(random.normals(rows * filters))
    const [one, two] = [memory.alloc(depth * filters), memory.alloc(depth * filters)]
    memory.view(one, depth * filters).set(random.normals(depth * filters))
    memory.view(two, depth * filters).set(memory.view(one, depth * filters))
    const panel = memory.alloc(8 * slice)
    const args = (c: number): GemmArguments => [
      patches,
      1,
      depth,
      other,
      filters,
      1,
      c,
      depth,
      rows,
      filters,
      accumulate,
      panel,
    ]
    gemmSlices(memory.kernels, args(one), slice)
    const before = threads.splitCount
    slicedGemm(memory.modelKernels, args(two), slice)
    expect(threads.splitCount - before).toBe(depth * rows * filters >= 1 << 20 ? 1 : 0)
    expect(bytes(memory, two, depth * filters)).toBe(bytes(memory, one, depth * filters))
  }
  expect(threads.splitCount).toBe(2)
}, 60_000)

test('a convolution or transposed convolution split by images is one hand-off (patches, product rows and col2im on each thread), bit-identical to one thread', async () => {
  const memory = new KernelMemory(compiled)
  const threads = await startThreads(memory)
  const random = createRandom(5)
  // The default conv GAN's discriminator on real and generated rows, an odd batch, and colour.
  for (const g of [
    convGeometry(128, 28, 28, 1, 16, 4, 2),
    convGeometry(128, 14, 14, 16, 32, 4, 2),
    convGeometry(7, 30, 22, 3, 24, 4, 2), // 1.3M multiply-adds: large enough
  ]) {
    const inputs = g.batch * g.height * g.width * g.channels
    const outputs = g.batch * g.outHeight * g.outWidth * g.filters
    const kernelValues = g.size * g.size * g.channels * g.filters
    const [x, kernel] = [memory.alloc(inputs), memory.alloc(kernelValues)]
    memory.view(x, inputs).set(random.normals(inputs))
    memory.view(kernel, kernelValues).set(random.normals(kernelValues))
    const scratch = () => ({
      patches: memory.alloc(patchValues(g)),
      panel: memory.alloc(panelValues(g)),
    })
    const [one, two] = [memory.alloc(outputs), memory.alloc(outputs)]
    const [oneScratch, twoScratch] = [scratch(), scratch()]
    convForwardOnce(memory.kernels, g, x, kernel, one, oneScratch)
    const before = threads.splitCount
    convForward(memory.modelKernels, g, x, kernel, two, twoScratch)
    expect(threads.splitCount - before).toBe(1)
    expect(bytes(memory, two, outputs)).toBe(bytes(memory, one, outputs))
    // The patches stay for the backward pass: all of them, from both threads.
    const patches = patchValues(g)
    expect(bytes(memory, twoScratch.patches, patches)).toBe(
      bytes(memory, oneScratch.patches, patches),
    )
    // The transposed convolution (its adjoint): cells in, images out, col2im on each thread.
    const cells = memory.alloc(outputs)
    memory.view(cells, outputs).set(random.normals(outputs))
    const [oneImages, twoImages] = [memory.alloc(inputs), memory.alloc(inputs)]
    transposedConvForwardOnce(memory.kernels, g, cells, kernel, oneImages, oneScratch)
    transposedConvForward(memory.modelKernels, g, cells, kernel, twoImages, twoScratch)
    expect(threads.splitCount - before).toBe(2)
    expect(bytes(memory, twoImages, inputs)).toBe(bytes(memory, oneImages, inputs))
  }
}, 60_000)

test('a transposed convolution that may run on gemmCol2im splits only where its 64-row groups start', () => {
  // 7×7 cells a 14×14 image: 64 images make 3,136 rows, a group start only at image 64.
  expect(splitImage('transposed', convGeometry(64, 14, 14, 16, 32, 4, 2))).toBe(0)
  expect(splitImage('transposed', convGeometry(128, 14, 14, 16, 32, 4, 2))).toBe(64)
  // 14×14 cells: every 16 images (3,136 rows) start a group.
  expect(splitImage('transposed', convGeometry(64, 28, 28, 16, 8, 4, 2))).toBe(32)
  expect(splitImage('transposed', convGeometry(40, 28, 28, 16, 8, 4, 2))).toBe(16)
  // Fewer channels (col2im, image by image) and forward passes: the middle image.
  expect(splitImage('transposed', convGeometry(64, 28, 28, 1, 16, 4, 2))).toBe(32)
  expect(splitImage('forward', convGeometry(7, 14, 14, 16, 32, 4, 2))).toBe(3)
})

test('gemmCol2im in two calls split where splitImage says gives the bits of one call', () => {
  const memory = new KernelMemory(compiled)
  const random = createRandom(6)
  const g = convGeometry(128, 14, 14, 16, 32, 4, 2)
  const cells = g.batch * g.outHeight * g.outWidth * g.filters
  const pixels = g.batch * g.height * g.width * g.channels
  const kernelValues = g.size * g.size * g.channels * g.filters
  const [x, kernel, panel] = [cells, kernelValues, panelValues(g)].map((n) => memory.alloc(n)) as [
    number,
    number,
    number,
  ]
  memory.view(x, cells).set(random.normals(cells))
  memory.view(kernel, kernelValues).set(random.normals(kernelValues))
  const run = (first: number): string => {
    const out = memory.alloc(pixels)
    for (const [from, count] of first === 0
      ? [[0, g.batch]]
      : [
          [0, first],
          [first, g.batch - first],
        ]) {
      const part = { ...g, batch: count }
      const layout = [part.batch, g.height, g.width, g.channels, g.size, g.stride, g.top, g.left]
      memory.kernels.gemmCol2im(
        x + 4 * from! * g.outHeight * g.outWidth * g.filters,
        kernel,
        g.filters,
        panel,
        ...(layout as [number, number, number, number, number, number, number, number]),
        g.outHeight,
        g.outWidth,
        out + 4 * from! * g.height * g.width * g.channels,
      )
    }
    return bytes(memory, out, pixels)
  }
  const whole = run(0)
  expect(run(splitImage('transposed', g))).toBe(whole)
  // Elsewhere (image 63: row 3,087) a pixel's sums change order, and its bits with them.
  expect(run(63)).not.toBe(whole)
})

/**
 * Four steps of the default conv GAN (28×28 sprites, batch 64) on one thread or two; with `info`, of
 * that InfoGAN.
 */
async function trainGAN(threads: 'one' | 'two', info?: InfoGANOptions) {
  const memory = new KernelMemory(compiled!)
  const two = threads === 'one' ? undefined : await startThreads(memory)
  const options = resolveGANModelOptions(
    { architecture: 'conv', seed: 7, ...(info ? { info } : {}) },
    784,
    true,
  )
  const train = resolveGANTrainOptions({}, 'conv')
  const network = new GANNetwork([28, 28, 1], options)
  const trainer = new FusedConvGANTrainer(memory, [28, 28, 1], options, 64)
  const data = generateSprites({ count: 256, size: 28, seed: 1 }).images.data
  const noise = createRandom(3)
  const [generator, discriminator, statistics] = [
    network.generatorVariables(),
    network.discriminatorVariables(),
    network.statistics(),
  ]
  const losses: number[] = []
  const steps = 4
  for (let s = 0; s < steps; s++) {
    const rows = Uint32Array.from({ length: 64 }, (_, i) => (s * 64 + i) % 256)
    const z = [0, 1].map(() => drawGANLatents(options.info, options.noiseDim, 64, noise))
    const step = await Promise.resolve(
      trainer.step(generator, discriminator, data, rows, z, { ...train, realLabel: 1 }, statistics),
    )
    losses.push(step.generatorLoss, step.discriminatorLoss)
    if (info) losses.push(step.informationLoss!, step.codeAccuracy!)
  }
  const weights = [...generator, ...discriminator, ...statistics].map((v) =>
    Buffer.from(v.dataSync().slice().buffer).toString('base64'),
  )
  network.dispose()
  two?.dispose()
  return { losses, weights, handOffsPerStep: (two?.splitCount ?? 0) / steps }
}

test('the default conv GAN trains to bit-identical losses and weights on two kernel threads, in at most 20 hand-offs a step', async () => {
  const before = tf.memory().numTensors
  const one = await trainGAN('one')
  const every = await trainGAN('two')
  expect(every.losses).toEqual(one.losses)
  expect(every.weights).toEqual(one.weights)
  // 89 a step when each slice of a kernel gradient was its own hand-off.
  expect(every.handOffsPerStep).toBeGreaterThan(10)
  expect(every.handOffsPerStep).toBeLessThanOrEqual(20)
  expect(tf.memory().numTensors).toBe(before)
}, 180_000)

test('a conv InfoGAN (its Q head beside the logit) trains to bit-identical losses, L_I and weights on two kernel threads', async () => {
  const info: InfoGANOptions = { categorical: [4], continuous: 4 }
  const one = await trainGAN('one', info)
  const every = await trainGAN('two', info)
  expect(one.losses.length).toBe(16)
  expect(one.losses.every(Number.isFinite)).toBe(true)
  expect(every.handOffsPerStep).toBeGreaterThan(10)
  expect(every.losses).toEqual(one.losses)
  expect(every.weights).toEqual(one.weights)
}, 180_000)
