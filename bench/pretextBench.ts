/**
 * Pretext part of `npm run bench` (Node, WASM), the contrastive part's protocol: on an 80/20
 * stratified split of the embedded digits, each pretext task's encoder is learned on the 80 %
 * without labels; a linear probe is fitted on 10 labelled images per class of the 80 % (and on all
 * of them) and scored on the 20 % — beside raw pixels and PCA, over several draws (each its own
 * split and encoder seed). Also: the task's own accuracy on examples of the held-out 20 %, the
 * seconds to learn, and the training step's throughput.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import type { LatentBatch } from '../src/core/dataset'
import { Pretext } from '../src/core/pretext/engine/pretext'
import type { PretextModelOptions } from '../src/core/pretext/pretextOptions'
import { PCA } from '../src/core/pca/engine/pca'
import { fitLinearProbe } from '../src/core/probe/engine/linearProbe'
import { resolveProbeOptions, splitForProbe } from '../src/core/probe/probeOptions'
import { loadDigits } from '../src/data/digits'
import { digitRows, mean, spread, timed } from './benchHelpers'
import { measurePretextSteps, pretextStepMarkdown } from './pretextStep'

const LABELS_PER_CLASS = 10
const PCA_COMPONENTS = 32

/** The pretext encoders the bench measures (dense encoder [256] → 64 per view, head [128]). */
export const BENCH_TASKS: readonly {
  name: string
  options: PretextModelOptions
  chance: number
}[] = [
  { name: 'rotation (4 classes)', options: { task: 'rotation' }, chance: 1 / 4 },
  { name: 'jigsaw 2×2 (24 permutations)', options: { task: 'jigsaw', grid: 2 }, chance: 1 / 24 },
  {
    name: 'relative position (2-pixel patches, gap 1)',
    options: { task: 'relativePosition' },
    chance: 1 / 8,
  },
]
/** How the bench's pretext encoders train (the report part trains them the same way). */
export const PRETEXT_TRAIN = { epochs: 30, batchSize: 128, learningRate: 0.003 }

interface EncoderRow {
  readonly name: string
  readonly few: number[]
  readonly all: number[]
  readonly seconds: number[]
  readonly task: number[]
  readonly chance: number | undefined
  readonly samplesPerSecond: number[]
  readonly msPerStep: number[]
}

const row = (name: string, chance?: number): EncoderRow => ({
  name,
  few: [],
  all: [],
  seconds: [],
  task: [],
  chance,
  samplesPerSecond: [],
  msPerStep: [],
})

const figure = (xs: readonly number[]): string =>
  xs.length === 0 ? '–' : `${mean(xs).toFixed(3)} ± ${spread(xs).toFixed(3)}`

/** Runs the part; `quick` trains for 5 epochs over 2 draws. */
export async function runPretextBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  await tf.setBackend('wasm')
  await tf.ready()
  const draws = options.quick ? 2 : 5
  const train = { ...PRETEXT_TRAIN, epochs: options.quick ? 5 : PRETEXT_TRAIN.epochs }
  const { images, labels } = loadDigits()
  const all = images.shape[0]
  const rows: EncoderRow[] = [
    row('raw pixels'),
    row(`PCA, ${PCA_COMPONENTS} components`),
    ...BENCH_TASKS.map((t) => row(t.name, t.chance)),
  ]
  for (let draw = 0; draw < draws; draw++) {
    const fewOptions = { labelsPerClass: LABELS_PER_CLASS, seed: draw }
    const split = splitForProbe(Int32Array.from(labels), resolveProbeOptions(fewOptions))
    const held = new Set(split.test)
    const unlabelled = digitRows(
      images,
      [...Array(all).keys()].filter((r) => !held.has(r)),
    )
    const heldOut = digitRows(images, Array.from(split.test))
    const measure = async (r: EncoderRow, features: LatentBatch): Promise<void> => {
      r.few.push((await fitLinearProbe(features, labels, fewOptions)).accuracy)
      r.all.push((await fitLinearProbe(features, labels, { seed: draw })).accuracy)
    }
    const raw = rows[0] as EncoderRow
    raw.seconds.push(0)
    await measure(raw, { data: images.data, shape: [all, 64] })
    const pcaRow = rows[1] as EncoderRow
    const pca = await timed(async () => {
      const model = new PCA({ nComponents: PCA_COMPONENTS })
      await model.fit(unlabelled)
      const codes = await model.transform(images)
      model.dispose()
      return codes
    })
    pcaRow.seconds.push(pca.seconds)
    await measure(pcaRow, pca.value)
    for (const [i, task] of BENCH_TASKS.entries()) {
      const r = rows[2 + i] as EncoderRow
      const model = new Pretext({ ...task.options, seed: 1 + draw })
      const fit = await timed(() => model.fit(unlabelled, train))
      r.seconds.push(fit.seconds)
      r.samplesPerSecond.push((fit.value.steps * train.batchSize) / fit.seconds)
      r.msPerStep.push((1000 * fit.seconds) / fit.value.steps)
      const examples = model.makeTask(heldOut, heldOut.shape[0], 100 + draw)
      const { classes } = await model.predict(examples.inputs)
      r.task.push(classes.filter((c, k) => c === examples.targets[k]).length / classes.length)
      await measure(r, await model.encode(images))
      model.dispose()
    }
    console.error(
      `pretext bench: draw ${draw + 1}/${draws}: ${rows.map((r) => `${r.name} ${r.few.at(-1)?.toFixed(3)}`).join(' / ')}`,
    )
  }
  const step = await measurePretextSteps(
    BENCH_TASKS,
    train.batchSize,
    train.learningRate,
    options.quick,
  )
  const json = {
    labelsPerClass: LABELS_PER_CLASS,
    draws,
    tasks: BENCH_TASKS,
    train,
    rows: rows.map((r) => ({
      name: r.name,
      probe10: mean(r.few),
      probe10Spread: spread(r.few),
      probeAll: mean(r.all),
      probeAllSpread: spread(r.all),
      taskAccuracy: r.task.length ? mean(r.task) : undefined,
      chance: r.chance,
      seconds: mean(r.seconds),
      samplesPerSecond: r.samplesPerSecond.length ? mean(r.samplesPerSecond) : undefined,
      msPerStep: r.msPerStep.length ? mean(r.msPerStep) : undefined,
    })),
    step,
  }
  const markdown = [
    '## Pretext tasks on the digits',
    '',
    `The contrastive part's protocol: 80/20 stratified split of the 1,797 digits per draw; encoders learned on the 80 % without labels; a linear probe fitted on ${LABELS_PER_CLASS} labelled images per class of the 80 % (and on all of its labels) and scored on the 20 %. Mean ± standard deviation over ${draws} draws (each its own split and encoder seed). Task accuracy: the pretext task's own accuracy on one example of each held-out digit. Pretext encoders: dense [256] → 64 features per view (\`encode\` concatenates the views: 1 for rotation, 4 tiles for the jigsaw, 9 patches for relative position), head [128], ${train.epochs} epochs, batch ${train.batchSize}, learning rate ${train.learningRate}. Node, WASM backend (the step in latentkit's fused WebAssembly kernels, \`fusedKernels\` on by default), machine shared with other jobs. The contrastive encoder's row is in the contrastive part (same protocol).`,
    '',
    '| encoder | probe, 10 labels/class | probe, all labels | task accuracy (chance) | seconds to learn | training step |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${figure(r.few)} | ${figure(r.all)} | ${r.task.length ? `${mean(r.task).toFixed(3)} (${(r.chance ?? 0).toFixed(3)})` : '–'} | ${mean(r.seconds).toFixed(1)} | ${r.msPerStep.length ? `${mean(r.msPerStep).toFixed(1)} ms, ${mean(r.samplesPerSecond).toFixed(0)} images/s` : '–'} |`,
    ),
    ...pretextStepMarkdown(step),
  ]
  return { json, markdown }
}
