/**
 * latentkit's side of the convolutional PyTorch comparison (`npm run bench -- --only torch`): one
 * training step of the default convolutional GAN and of the default convolutional autoencoder on
 * 28×28 sprites, batch 64, in Node on TF.js's WASM backend — the engines' own step bodies (passes,
 * Adam, one read-back), timed as bench/torch_dcgan.py times PyTorch's. Figures only.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { generateSprites } from '../src/data/sprites'
import { createRandom } from '../src/core/random'
import { GANNetwork } from '../src/core/gan/engine/ganNetwork'
import { resolveGANModelOptions, resolveGANTrainOptions } from '../src/core/gan/ganOptions'
import { ConvAutoencoderNetwork } from '../src/core/autoencoder/engine/convAutoencoderNetwork'
import {
  resolveAutoencoderOptions,
  resolveAutoencoderTrainOptions,
} from '../src/core/autoencoder/autoencoderOptions'
import { AdamSlot } from '../src/core/engine/adamSlot'
import { FusedConvGANTrainer } from '../src/core/gan/engine/fusedConvGANTrainer'
import { TwoThreadGemm } from '../src/core/kernels/twoThreadGemm'
import { compileKernels, compileSharedKernels, KernelMemory } from '../src/core/kernels/wasmKernels'
import { spawnNodeKernelThread } from './nodeKernelThread'
import { convAutoencoderStepFixture } from './convAutoencoderStepFixture'
import { applyGradientList } from '../src/core/engine/trainingLoop'
import { median } from './lassoProblem'

const SIDE = 28
const BATCH = 64

/** Median milliseconds per step of each default convolutional model, TF.js WASM in Node. */
export interface ConvStepTimes {
  readonly backend: string
  /** The default conv GAN (16 filters, noise 32): discriminator step, then generator step. */
  readonly ganStepMs: number
  /** The same step on latentkit's fused WebAssembly kernels (what `fusedKernels` runs on WASM). */
  readonly ganFusedStepMs: number
  /** The default conv autoencoder (code 32): one step of summed squared error, TF.js operations. */
  readonly autoencoderStepMs: number
  /** The same step on latentkit's fused WebAssembly kernels (what `fusedKernels` runs on WASM). */
  readonly autoencoderFusedStepMs: number
  /**
   * The fused step on two kernel threads (a Node worker thread as the helper, what `kernelThreads: 2`
   * runs on a cross-origin-isolated page); undefined where the shared build does not compile.
   */
  readonly autoencoderFusedTwoThreadStepMs: number | undefined
  /** Which kernel build ran the fused step. */
  readonly kernelBuild: string
  readonly stepsPerRun: number
}

/** Median over three runs of the mean time of `steps` calls of `step` (after three warm-up calls). */
async function stepMs(step: (s: number) => Promise<void>, steps: number): Promise<number> {
  for (let s = 0; s < 3; s++) await step(s)
  const runs: number[] = []
  for (let r = 0; r < 3; r++) {
    const started = performance.now()
    for (let s = 0; s < steps; s++) await step(s)
    runs.push((performance.now() - started) / steps)
  }
  return median(runs)
}

/** A batch of `BATCH` rows of `data` for step `s`. */
function batchOf(data: Float32Array, s: number): tf.Tensor2D {
  const size = SIDE * SIDE
  const rows = data.length / size
  const start = (s * BATCH) % Math.max(1, rows - BATCH)
  return tf.tensor2d(data.subarray(start * size, (start + BATCH) * size), [BATCH, size])
}

async function ganStep(data: Float32Array, steps: number): Promise<number> {
  const options = resolveGANModelOptions({ architecture: 'conv' }, SIDE * SIDE, true)
  const train = resolveGANTrainOptions({}, 'conv')
  const network = new GANNetwork([SIDE, SIDE, 1], options)
  const generatorAdam = tf.train.adam(train.generatorLearningRate, train.beta1)
  const discriminatorAdam = tf.train.adam(train.discriminatorLearningRate, train.beta1)
  const generatorVariables = network.generatorVariables()
  const discriminatorVariables = network.discriminatorVariables()
  const noise = createRandom(3)
  const ms = await stepMs(async (s) => {
    const readings = tf.tidy(() => {
      const x = batchOf(data, s)
      const z = (): tf.Tensor2D =>
        tf.tensor2d(noise.normals(BATCH * options.noiseDim), [BATCH, options.noiseDim])
      const d = network.discriminatorPass(x, z(), 1)
      applyGradientList(discriminatorAdam, discriminatorVariables, d.gradients)
      const g = network.generatorPass(z())
      applyGradientList(generatorAdam, generatorVariables, g.gradients)
      return tf.stack([g.loss, d.loss, d.realScore, d.fakeScore])
    })
    await readings.data()
    readings.dispose()
  }, steps)
  generatorAdam.dispose()
  discriminatorAdam.dispose()
  network.dispose()
  return ms
}

async function fusedGanStep(data: Float32Array, steps: number): Promise<number> {
  const options = resolveGANModelOptions({ architecture: 'conv' }, SIDE * SIDE, true)
  const train = resolveGANTrainOptions({}, 'conv')
  const network = new GANNetwork([SIDE, SIDE, 1], options)
  const compiled = await compileKernels()
  if (!compiled) throw new Error('no WebAssembly SIMD here: the fused kernels cannot run')
  const trainer = new FusedConvGANTrainer(
    new KernelMemory(compiled),
    [SIDE, SIDE, 1],
    options,
    BATCH,
  )
  const generatorVariables = network.generatorVariables()
  const discriminatorVariables = network.discriminatorVariables()
  const statistics = network.statistics()
  const noise = createRandom(3)
  const rows = data.length / (SIDE * SIDE)
  const ms = await stepMs(async (s) => {
    const start = (s * BATCH) % Math.max(1, rows - BATCH)
    const indices = Uint32Array.from({ length: BATCH }, (_, i) => start + i)
    const z = [0, 1].map(() => noise.normals(BATCH * options.noiseDim))
    await Promise.resolve(
      trainer.step(
        generatorVariables,
        discriminatorVariables,
        data,
        indices,
        z,
        { ...train, realLabel: 1 },
        statistics,
      ),
    )
  }, steps)
  network.dispose()
  return ms
}

async function autoencoderStep(data: Float32Array, steps: number): Promise<number> {
  const options = resolveAutoencoderOptions({ architecture: 'conv' }, SIDE * SIDE)
  const train = resolveAutoencoderTrainOptions({})
  const network = new ConvAutoencoderNetwork([SIDE, SIDE, 1], options, 'sigmoid')
  const variables = network.variables()
  const adam = new AdamSlot()
  const ms = await stepMs(async (s) => {
    await adam.step(train.learningRate, variables, () => {
      const x = batchOf(data, s)
      const { terms, gradients } = network.lossAndGradients(x, x)
      return { terms: [terms.total, terms.reconstruction, terms.codeL1], gradients }
    })
  }, steps)
  adam.dispose()
  network.dispose()
  return ms
}

async function fusedAutoencoderStep(
  data: Float32Array,
  steps: number,
  threads: 1 | 2,
): Promise<{ ms: number; build: string } | undefined> {
  const compiled = threads === 2 ? await compileSharedKernels() : await compileKernels()
  if (!compiled) return undefined
  const memory = new KernelMemory(compiled)
  const helper =
    threads === 2 ? new TwoThreadGemm(memory, spawnNodeKernelThread).attach() : undefined
  const deadline = Date.now() + 30_000
  while (helper && !helper.helperReady) {
    if (Date.now() > deadline) throw new Error('the kernel helper thread did not start')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const fixture = convAutoencoderStepFixture(memory, data)
  const ms = await stepMs(async (s) => {
    await Promise.resolve(fixture.step(s))
  }, steps)
  fixture.dispose()
  helper?.dispose()
  return { ms, build: memory.build }
}

/** Times both default convolutional models' steps on TF.js WASM; `quick` takes a few steps. */
export async function runConvStepBench(quick: boolean): Promise<ConvStepTimes> {
  await tf.setBackend('wasm')
  await tf.ready()
  const data = generateSprites({ count: 1024, size: SIDE, seed: 1 }).images.data
  const steps = quick ? 3 : 20
  const fused = await fusedAutoencoderStep(data, steps, 1)
  if (!fused) throw new Error('no WebAssembly SIMD here: the fused kernels cannot run')
  const twoThreads = await fusedAutoencoderStep(data, steps, 2)
  return {
    backend: tf.getBackend(),
    ganStepMs: await ganStep(data, steps),
    ganFusedStepMs: await fusedGanStep(data, steps),
    autoencoderStepMs: await autoencoderStep(data, steps),
    autoencoderFusedStepMs: fused.ms,
    autoencoderFusedTwoThreadStepMs: twoThreads?.ms,
    kernelBuild: fused.build,
    stepsPerRun: steps,
  }
}
