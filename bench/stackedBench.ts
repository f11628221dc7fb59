/**
 * Stacked autoencoder part of `npm run bench` (Node, WASM): on an 80/20 stratified split of the
 * embedded digits, the same deep dense autoencoder is trained on the 80 % without labels three ways
 * with the same total epochs — end to end from random weights, stacked (greedy layer-wise
 * pretraining, then fine-tuning) and stacked denoising (masking noise while pretraining) — and
 * judged by its held-out reconstruction error and a linear probe on its codes with 10 labels per
 * class and with all labels. Also the training throughput with the fused kernels and without.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { Autoencoder } from '../src/core/autoencoder/engine/autoencoder'
import type { AutoencoderModelOptions } from '../src/core/autoencoder/autoencoderOptions'
import { fitLinearProbe } from '../src/core/probe/engine/linearProbe'
import { resolveProbeOptions, splitForProbe } from '../src/core/probe/probeOptions'
import { digitRows, mean, meanSpreadCell, spread, timed } from './benchHelpers'
import { loadDigits } from '../src/data/digits'

const NETWORK: AutoencoderModelOptions = { hiddenUnits: [128, 64], codeSize: 16 }
const LAYERS = NETWORK.hiddenUnits!.length + 1
const TRAIN = { batchSize: 64, learningRate: 0.003 }

interface Variant {
  readonly name: string
  readonly options: AutoencoderModelOptions
}

interface Row {
  readonly name: string
  readonly mse: number[]
  readonly few: number[]
  readonly all: number[]
  readonly seconds: number[]
}

/** Runs the part; `quick`: 2 pretraining epochs per layer and 4 of fine-tuning, one draw. */
export async function runStackedBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  await tf.setBackend('wasm')
  await tf.ready()
  const draws = options.quick ? 1 : 3
  const pretrainEpochs = options.quick ? 2 : 10
  const fineTuneEpochs = options.quick ? 4 : 20
  const epochs = LAYERS * pretrainEpochs + fineTuneEpochs
  const variants: Variant[] = [
    { name: `end to end from random weights (${epochs} epochs)`, options: NETWORK },
    {
      name: `stacked: ${pretrainEpochs} epochs per layer, then ${fineTuneEpochs} fine-tuning`,
      options: { ...NETWORK, stacked: { pretrainEpochs } },
    },
    {
      name: 'stacked denoising (20 % of each layer’s inputs masked), same schedule',
      options: { ...NETWORK, stacked: { pretrainEpochs, noise: 0.2 } },
    },
    {
      name: `stacked, pretraining only (${LAYERS * pretrainEpochs} epochs, no fine-tuning)`,
      options: { ...NETWORK, stacked: { pretrainEpochs } },
    },
  ]
  const rows: Row[] = variants.map((v) => ({
    name: v.name,
    mse: [],
    few: [],
    all: [],
    seconds: [],
  }))
  const { images, labels } = loadDigits()
  const all = images.shape[0]
  const throughput = { fused: 0, tfjs: 0 }
  for (let draw = 0; draw < draws; draw++) {
    const split = splitForProbe(
      Int32Array.from(labels),
      resolveProbeOptions({ labelsPerClass: 10, seed: draw }),
    )
    const held = new Set(split.test)
    const unlabelled = digitRows(
      images,
      [...Array(all).keys()].filter((row) => !held.has(row)),
    )
    const heldOut = digitRows(images, [...split.test])
    for (const [i, variant] of variants.entries()) {
      const model = new Autoencoder({ ...variant.options, seed: 1 + draw })
      const run = i === 3 ? LAYERS * pretrainEpochs : epochs
      const fit = await timed(() => model.fit(unlabelled, { ...TRAIN, epochs: run }))
      const row = rows[i] as Row
      row.seconds.push(fit.seconds)
      row.mse.push((await model.evaluate(heldOut)).meanSquaredError)
      const codes = await model.encode(images)
      row.few.push(
        (await fitLinearProbe(codes, labels, { labelsPerClass: 10, seed: draw })).accuracy,
      )
      row.all.push((await fitLinearProbe(codes, labels, { seed: draw })).accuracy)
      model.dispose()
    }
    console.error(
      `stacked bench: draw ${draw + 1}/${draws}: mse ${rows.map((r) => r.mse.at(-1)?.toFixed(4)).join(' / ')}; 10/class ${rows.map((r) => r.few.at(-1)?.toFixed(3)).join(' / ')}`,
    )
  }
  // The same stacked run on TF.js operations (WASM backend), for the fused kernels' speed-up.
  {
    const model = new Autoencoder({ ...NETWORK, stacked: { pretrainEpochs }, seed: 1 })
    const { images: digits } = loadDigits()
    const fit = await timed(() =>
      model.fit(digits, { ...TRAIN, epochs: LAYERS * pretrainEpochs, fusedKernels: false }),
    )
    throughput.tfjs = (fit.value.steps * TRAIN.batchSize) / fit.seconds
    const fused = new Autoencoder({ ...NETWORK, stacked: { pretrainEpochs }, seed: 1 })
    const fusedFit = await timed(() =>
      fused.fit(digits, { ...TRAIN, epochs: LAYERS * pretrainEpochs }),
    )
    throughput.fused = (fusedFit.value.steps * TRAIN.batchSize) / fusedFit.seconds
    model.dispose()
    fused.dispose()
  }
  const json = {
    network: NETWORK,
    train: { ...TRAIN, pretrainEpochs, fineTuneEpochs, epochs },
    draws,
    rows: rows.map((r) => ({
      name: r.name,
      heldOutMeanSquaredError: mean(r.mse),
      heldOutMeanSquaredErrorSpread: spread(r.mse),
      probe10PerClass: mean(r.few),
      probe10PerClassSpread: spread(r.few),
      probeAllLabels: mean(r.all),
      probeAllLabelsSpread: spread(r.all),
      seconds: mean(r.seconds),
    })),
    pretrainingSamplesPerSecond: throughput,
  }
  const markdown = [
    '## Stacked autoencoders on the digits',
    '',
    `80/20 stratified split of the 1,797 digits per draw; each autoencoder (dense, 64 → ${NETWORK.hiddenUnits!.join(' → ')} → ${NETWORK.codeSize} and back, ReLU, sigmoid output) learned on the 80 % without labels, batch ${TRAIN.batchSize}, learning rate ${TRAIN.learningRate}, Adam, fused WASM kernels; reconstruction error on the 20 % held out; a linear probe on the codes fitted on 10 labelled images per class (or every labelled image) of the 80 % and scored on the 20 %. Mean ± standard deviation over ${draws} draw(s) (each its own split and weight seed). Node, WASM backend, machine shared with other jobs.`,
    '',
    '| autoencoder | held-out MSE per value | probe, 10 labels/class | probe, all labels | seconds |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${meanSpreadCell(r.mse, 4)} | ${meanSpreadCell(r.few)} | ${meanSpreadCell(r.all)} | ${mean(r.seconds).toFixed(1)} |`,
    ),
    '',
    `Pretraining (${LAYERS * pretrainEpochs} epochs, all ${LAYERS} layers, on all 1,797 digits): ${throughput.fused.toFixed(0)} images/s with the fused WASM kernels, ${throughput.tfjs.toFixed(0)} images/s on TF.js operations (WASM backend).`,
  ]
  return { json, markdown }
}
