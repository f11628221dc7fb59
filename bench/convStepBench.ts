/**
 * latentkit's side of the convolutional PyTorch comparison (`npm run bench -- --only torch`): one
 * training step of the default convolutional GAN, of the same GAN as an InfoGAN
 * (bench/convModelStep.ts's codes) and of the default convolutional autoencoder on 28×28 sprites,
 * batch 64, in Node on TF.js's WASM backend — the engines' own step bodies (passes,
 * Adam, one read-back) — each interleaved in rounds with PyTorch's step on the same layers
 * (bench/interleavedRounds.ts), wall clock and CPU time. Figures only.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { createRandom } from '../src/core/random'
import { drawGANLatents } from '../src/core/gan/infoCodes'
import { GANNetwork } from '../src/core/gan/engine/ganNetwork'
import { resolveGANTrainOptions } from '../src/core/gan/ganOptions'
import { ConvAutoencoderNetwork } from '../src/core/autoencoder/engine/convAutoencoderNetwork'
import {
  resolveAutoencoderOptions,
  resolveAutoencoderTrainOptions,
} from '../src/core/autoencoder/autoencoderOptions'
import { AdamSlot } from '../src/core/engine/adamSlot'
import { TwoThreadGemm } from '../src/core/kernels/twoThreadGemm'
import { compileKernels, compileSharedKernels, KernelMemory } from '../src/core/kernels/wasmKernels'
import { spawnNodeKernelThread } from './nodeKernelThread'
import { convGANOptions, convModelStep } from './convModelStep'
import { CONV_STEP_BATCH, CONV_STEP_SIDE, convStepSprites } from './convStepSprites'
import { applyGradientList } from '../src/core/engine/trainingLoop'
import { interleave, stepTimer, type InterleavedTimes } from './interleavedRounds'
import type { ReferenceHeap } from './referenceEnv'
import { startTorchStepServer, type TorchStepServer } from './torchStepServer'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

const SIDE = CONV_STEP_SIDE
const BATCH = CONV_STEP_BATCH

/** One latentkit step to time, ready to call; `dispose` frees what it holds. */
interface Stepper {
  readonly step: (s: number) => unknown
  readonly dispose: () => void
  /** Which kernel build a fused step runs on. */
  readonly build?: string
}

/** A batch of `BATCH` rows of `data` for step `s`. */
function batchOf(data: Float32Array, s: number): tf.Tensor2D {
  const size = SIDE * SIDE
  const rows = data.length / size
  const start = (s * BATCH) % Math.max(1, rows - BATCH)
  return tf.tensor2d(data.subarray(start * size, (start + BATCH) * size), [BATCH, size])
}

/**
 * The default conv GAN's step (or the InfoGAN's: bench/convModelStep.ts's codes) as TF.js
 * operations: discriminator step, then generator step.
 */
function ganStep(data: Float32Array, model: 'gan' | 'infogan'): Stepper {
  const options = convGANOptions(model)
  const { info, noiseDim } = options
  const train = resolveGANTrainOptions({}, 'conv')
  const network = new GANNetwork([SIDE, SIDE, 1], options)
  const generatorAdam = tf.train.adam(train.generatorLearningRate, train.beta1)
  const discriminatorAdam = tf.train.adam(train.discriminatorLearningRate, train.beta1)
  const generatorVariables = network.generatorVariables()
  const discriminatorVariables = network.discriminatorVariables()
  const noise = createRandom(3)
  return {
    step: async (s) => {
      const readings = tf.tidy(() => {
        const x = batchOf(data, s)
        const z = (): tf.Tensor2D =>
          tf.tensor2d(drawGANLatents(info, noiseDim, BATCH, noise), [BATCH, noiseDim])
        const d = network.discriminatorPass(x, z(), 1)
        applyGradientList(discriminatorAdam, discriminatorVariables, d.gradients)
        const g = network.generatorPass(z())
        applyGradientList(generatorAdam, generatorVariables, g.gradients)
        return tf.stack([g.loss, d.loss, d.realScore, d.fakeScore])
      })
      await readings.data()
      readings.dispose()
    },
    dispose: () => {
      generatorAdam.dispose()
      discriminatorAdam.dispose()
      network.dispose()
    },
  }
}

/** The same step on latentkit's fused kernels (what `fusedKernels` runs on WASM). */
async function fusedGanStep(data: Float32Array, model: 'gan' | 'infogan'): Promise<Stepper> {
  const compiled = await compileKernels()
  if (!compiled) throw new Error('no WebAssembly SIMD here: the fused kernels cannot run')
  const memory = new KernelMemory(compiled)
  return { build: memory.build, ...convModelStep(model, memory, data) }
}

/** The default conv autoencoder's step as TF.js operations (passes, Adam, one read-back). */
function autoencoderStep(data: Float32Array): Stepper {
  const options = resolveAutoencoderOptions({ architecture: 'conv' }, SIDE * SIDE)
  const train = resolveAutoencoderTrainOptions({})
  const network = new ConvAutoencoderNetwork([SIDE, SIDE, 1], options, 'sigmoid')
  const variables = network.variables()
  const adam = new AdamSlot()
  return {
    step: (s) =>
      adam.step(train.learningRate, variables, () => {
        const x = batchOf(data, s)
        const { terms, gradients } = network.lossAndGradients(x, x)
        return { terms: [terms.total, terms.reconstruction, terms.codeL1], gradients }
      }),
    dispose: () => {
      adam.dispose()
      network.dispose()
    },
  }
}

/**
 * The conv autoencoder's fused step on `threads` kernel threads (two: a Node worker thread as the
 * helper, what `kernelThreads: 2` runs on a cross-origin-isolated page); undefined where that
 * build does not compile.
 */
async function fusedAutoencoderStep(
  data: Float32Array,
  threads: 1 | 2,
): Promise<Stepper | undefined> {
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
  const fixture = convModelStep('ae', memory, data)
  return {
    build: memory.build,
    step: fixture.step,
    dispose: () => {
      fixture.dispose()
      helper?.dispose()
    },
  }
}

/** One row of the comparison: a latentkit step interleaved with PyTorch's on the same layers. */
export interface ConvStepRow {
  /** Which latentkit step: see {@link runConvStepBench}. */
  readonly key: ConvStepKey
  /** The PyTorch model it is compared with (bench/torch_dcgan.py's name). */
  readonly torchModel: 'dcgan' | 'infogan' | 'convAutoencoder'
  /**
   * latentkit's and PyTorch's times, interleaved in rounds; `theirs` is PyTorch on one thread with
   * its heap kept (the ratios' reference), then the others measured (`torchSides`). Undefined
   * `times.theirs` entries: no PyTorch here.
   */
  readonly times: InterleavedTimes
  /** PyTorch's thread count and heap set-up of each of `times.theirs`, in order ([] without it). */
  readonly torchSides: readonly TorchSide[]
}

/** One PyTorch process beside latentkit's steps: its threads and how its heap is set up. */
export interface TorchSide {
  readonly threads: number
  readonly heap: ReferenceHeap
}

/** The steps compared. */
export type ConvStepKey =
  | 'ganStep'
  | 'ganFusedStep'
  | 'infoganStep'
  | 'infoganFusedStep'
  | 'autoencoderStep'
  | 'autoencoderFusedStep'
  | 'autoencoderFusedTwoThreadStep'

/** Everything {@link runConvStepBench} measured. */
export interface ConvStepBench {
  readonly backend: string
  /** Which kernel build ran the fused steps. */
  readonly kernelBuild: string
  /** PyTorch's version and BLAS, or why it did not run. */
  readonly torch: { readonly torch: string; readonly blas: string } | string
  /** Whether PyTorch on two threads was measured, or why not. */
  readonly torchTwoThreads: string
  /** One-minute load average of the machine before and after. */
  readonly load: readonly [number, number]
  /** The machine's logical cores. */
  readonly cores: number
  readonly rows: readonly ConvStepRow[]
}

/**
 * PyTorch on two threads is left out when a probe step takes more than this many times its step on
 * one thread, or when the machine's load average is above its cores.
 */
const TWO_THREAD_PROBE_LIMIT = 3

/** Counted rounds and steps per round: full run, and quick (CI). */
const ROUNDS = {
  full: { rounds: 7, steps: 20, warm: 3 },
  quick: { rounds: 5, steps: 3, warm: 2 },
}

/**
 * Times the default convolutional models' steps on TF.js WASM in Node, each interleaved in rounds
 * with the same layers' step in PyTorch (bench/torch_dcgan.py's step server, one thread, its heap
 * kept; beside the fused steps in a full run also two threads, and one thread as installed), when
 * python3 has torch; latentkit alone otherwise. `quick` takes fewer, shorter rounds.
 */
export async function runConvStepBench(quick: boolean): Promise<ConvStepBench> {
  await tf.setBackend('wasm')
  await tf.ready()
  const load0 = loadavg()[0] ?? NaN
  const data = convStepSprites()
  const folder = mkdtempSync(join(tmpdir(), 'latentkit-torch-'))
  const rowsFile = join(folder, 'sprites.f32')
  writeFileSync(rowsFile, data)
  const { rounds, steps, warm } = quick ? ROUNDS.quick : ROUNDS.full
  const one = await startTorchStepServer('torch_dcgan.py', rowsFile, 1)
  const two =
    quick || typeof one === 'string'
      ? undefined
      : await startTorchStepServer('torch_dcgan.py', rowsFile, 2)
  // PyTorch as installed (glibc's heap defaults), beside the fused steps in a full run: what a
  // user here sees without the reference's best set-up (see referenceEnv).
  const asInstalled =
    quick || typeof one === 'string'
      ? undefined
      : await startTorchStepServer('torch_dcgan.py', rowsFile, 1, 'default')
  let servers = [one, two, asInstalled].filter((s): s is TorchStepServer => typeof s === 'object')
  let torchTwoThreads = quick ? 'not measured in a quick run' : 'measured'
  try {
    if (typeof one === 'object' && typeof two === 'object') {
      // On a busy machine PyTorch's two threads wait for each other (seconds a step, measured at
      // load 14 on two cores): such a run would take hours and say nothing, so it is left out.
      const probe = async (server: TorchStepServer) =>
        (await server.run('convAutoencoder', 2)).wallMs
      const [oneMs, twoMs] = [await probe(one), await probe(two)]
      const busy = load0 > cpus().length
      if (busy || twoMs > TWO_THREAD_PROBE_LIMIT * oneMs) {
        torchTwoThreads = busy
          ? `left out: load average ${load0.toFixed(1)} above the ${cpus().length} cores (its threads wait for each other: 0.5–0.9 s a step at load 5 on 2 cores)`
          : `left out: ${twoMs.toFixed(0)} ms a step on two threads against ${oneMs.toFixed(0)} on one in a probe (a busy machine)`
        two.close()
        servers = servers.filter((server) => server !== two)
      }
    } else if (!quick && typeof one === 'object') {
      torchTwoThreads = `left out: ${String(two)}`
    }
    const plan: [
      ConvStepKey,
      ConvStepRow['torchModel'],
      () => Promise<Stepper | undefined>,
      boolean,
    ][] = [
      ['ganStep', 'dcgan', async () => ganStep(data, 'gan'), false],
      ['ganFusedStep', 'dcgan', () => fusedGanStep(data, 'gan'), true],
      ['infoganStep', 'infogan', async () => ganStep(data, 'infogan'), false],
      ['infoganFusedStep', 'infogan', () => fusedGanStep(data, 'infogan'), false],
      ['autoencoderStep', 'convAutoencoder', async () => autoencoderStep(data), false],
      ['autoencoderFusedStep', 'convAutoencoder', () => fusedAutoencoderStep(data, 1), true],
      [
        'autoencoderFusedTwoThreadStep',
        'convAutoencoder',
        () => fusedAutoencoderStep(data, 2),
        true,
      ],
    ]
    const rows: ConvStepRow[] = []
    let kernelBuild = '?'
    // A quick run (CI) leaves out the InfoGAN on TF.js operations: its slow steps and its kernels'
    // first compilation cost seconds the quick run's four minutes do not have; the fused row stays.
    const planned = quick ? plan.filter(([key]) => key !== 'infoganStep') : plan
    for (const [key, torchModel, make, withAll] of planned) {
      const stepper = await make()
      if (!stepper) continue
      kernelBuild = stepper.build ?? kernelBuild
      const torchSides = servers.filter(
        ({ info }) => withAll || (info.threads === 1 && info.heap === 'kept'),
      )
      const times = await interleave(
        stepTimer(stepper.step),
        torchSides.map((server) => (n: number) => server.run(torchModel, n)),
        rounds,
        steps,
        warm,
      )
      stepper.dispose()
      const sides = torchSides.map(({ info }) => ({ threads: info.threads, heap: info.heap }))
      rows.push({ key, torchModel, times, torchSides: sides })
    }
    return {
      backend: tf.getBackend(),
      kernelBuild,
      torch: typeof one === 'string' ? one : { torch: one.info.torch, blas: one.info.blas },
      torchTwoThreads,
      load: [load0, loadavg()[0] ?? NaN],
      cores: cpus().length,
      rows,
    }
  } finally {
    for (const server of servers) server.close()
    rmSync(folder, { recursive: true, force: true })
  }
}
