/**
 * Runs one model-quality part of `npm run bench` in its own Node process, so parts can run side by
 * side on two cores: `node runPart.mjs <gan|conv-sprites|anomaly> <quick 0|1> <out.json>`.
 */
import { writeFileSync } from 'node:fs'
import '@tensorflow/tfjs-backend-wasm'
import { runConvSpriteCurve, runGANBench } from './ganBench'
import { runAnomalyBench } from './anomalyBench'

const PARTS = { gan: runGANBench, 'conv-sprites': runConvSpriteCurve, anomaly: runAnomalyBench }
const [part, quick, out] = process.argv.slice(2)
if (!out || !(part && part in PARTS)) {
  throw new Error('usage: runPart.mjs <gan|conv-sprites|anomaly> <0|1> <out.json>')
}
const result = await PARTS[part as keyof typeof PARTS](quick === '1')
writeFileSync(out, JSON.stringify(result))
