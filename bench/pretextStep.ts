/**
 * The pretext step's throughput for the bench's `pretext` part: for each bench task, latentkit's
 * fused WebAssembly kernels and TF.js's WASM kernels run one batch of fixed examples (made once:
 * example-making excluded on both sides) in alternating blocks in this process, so they share the
 * machine's load. One step = every view through the dense encoder, the task head, softmax
 * cross-entropy, backward and Adam.
 */
import * as tf from '@tensorflow/tfjs-core'
import { AdamSlot } from '../src/core/engine/adamSlot'
import { compileKernels, KernelMemory } from '../src/core/kernels/wasmKernels'
import { FusedPretextTrainer } from '../src/core/pretext/engine/fusedPretextTrainer'
import { PretextNetwork } from '../src/core/pretext/engine/pretextNetwork'
import { resolvePretextOptions, type PretextModelOptions } from '../src/core/pretext/pretextOptions'
import {
  exampleViews,
  makeExamples,
  resolveTaskOptions,
  taskLayout,
} from '../src/core/pretext/pretextTasks'
import { createRandom } from '../src/core/random'
import { loadDigits } from '../src/data/digits'
import { median, stepRate } from './stepRate'

/** One task's step, images (examples) per second, median over blocks. */
export interface PretextStepRow {
  readonly name: string
  /** Undefined where this engine lacks WebAssembly SIMD. */
  readonly fused: number | undefined
  readonly tfjs: number
}

/** Every task's row, and how they were measured. */
export interface PretextStepFigures {
  readonly batch: number
  readonly blocks: number
  readonly stepsPerBlock: number
  readonly build: string | undefined
  readonly rows: readonly PretextStepRow[]
}

/** One task's fused and TF.js step rates on one fixed batch of `batch` examples. */
async function measureTask(
  name: string,
  model: PretextModelOptions,
  batch: number,
  learningRate: number,
  blocks: number,
  stepsPerBlock: number,
): Promise<PretextStepRow> {
  const { images } = loadDigits()
  const options = resolveTaskOptions(resolvePretextOptions(model), [8, 8, 1])
  const layout = taskLayout(options, [8, 8, 1])
  const random = createRandom(11)
  const indices = Int32Array.from({ length: batch }, () => random.int(images.shape[0]))
  const { inputs, targets } = makeExamples(images.data, indices, layout, random)
  const views = exampleViews(inputs, batch, layout)
  const fusedNetwork = new PretextNetwork(layout, options)
  const plainNetwork = new PretextNetwork(layout, options)
  const compiled = await compileKernels()
  const fused = compiled
    ? new FusedPretextTrainer(
        new KernelMemory(compiled),
        layout,
        fusedNetwork.viewSize,
        options,
        batch,
      )
    : undefined
  const adam = new AdamSlot()
  const fusedVariables = fusedNetwork.variables()
  const plainVariables = plainNetwork.variables()
  const fusedStep = (): unknown => fused?.step(fusedVariables, { views, targets }, learningRate)
  const plainStep = (): Promise<Float32Array> =>
    adam.step(learningRate, plainVariables, () => {
      const x = tf.tensor2d(views, [batch * layout.views, plainNetwork.viewSize])
      const { terms, gradients } = plainNetwork.lossAndGradients(x, tf.tensor1d(targets, 'int32'))
      return { terms: [terms.loss], gradients }
    })
  fusedStep()
  await plainStep()
  const fusedRates: number[] = []
  const plainRates: number[] = []
  for (let block = 0; block < blocks; block++) {
    if (fused) fusedRates.push(await stepRate(fusedStep, stepsPerBlock, batch))
    plainRates.push(await stepRate(plainStep, stepsPerBlock, batch))
  }
  adam.dispose()
  fusedNetwork.dispose()
  plainNetwork.dispose()
  return { name, fused: fused ? median(fusedRates) : undefined, tfjs: median(plainRates) }
}

/**
 * Measures each of `tasks` at `batch` examples on the WASM backend (which must be running): `quick`
 * runs 3 blocks of 2 steps per side, else 7 blocks of 6.
 */
export async function measurePretextSteps(
  tasks: readonly { readonly name: string; readonly options: PretextModelOptions }[],
  batch: number,
  learningRate: number,
  quick: boolean,
): Promise<PretextStepFigures> {
  const blocks = quick ? 3 : 7
  const stepsPerBlock = quick ? 2 : 6
  const rows: PretextStepRow[] = []
  for (const task of tasks) {
    rows.push(
      await measureTask(task.name, task.options, batch, learningRate, blocks, stepsPerBlock),
    )
  }
  return { batch, blocks, stepsPerBlock, build: (await compileKernels())?.build, rows }
}

/** The step's rows of the part's report. */
export function pretextStepMarkdown(figures: PretextStepFigures): string[] {
  return [
    '',
    '### The pretext step: fused kernels against TF.js kernels',
    '',
    `One training step of each bench task's dense encoder and head on a batch of ${figures.batch} examples made once (example-making excluded on both sides): every view through the encoder, the head, softmax cross-entropy, backward, Adam. The two step kinds run in ${figures.blocks} alternating blocks of ${figures.stepsPerBlock} steps in one Node process (median of the blocks; the fused kernels run on one thread). Machine shared with other jobs: figures are pessimistic, the ratio is side by side.`,
    '',
    `| task | fused WebAssembly kernels${figures.build ? ` (${figures.build})` : ''}, images/s | TF.js WASM kernels, images/s | fused / TF.js |`,
    '|---|---|---|---|',
    ...figures.rows.map(
      (r) =>
        `| ${r.name} | ${r.fused === undefined ? 'absent (no WebAssembly SIMD)' : r.fused.toFixed(0)} | ${r.tfjs.toFixed(0)} | ${r.fused === undefined ? '—' : `${(r.fused / r.tfjs).toFixed(2)}×`} |`,
    ),
  ]
}
