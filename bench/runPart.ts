/**
 * Runs one model-quality part of `npm run bench` in its own Node process, so the GAN and anomaly
 * parts can run side by side on two cores: `node runPart.mjs <gan|anomaly> <quick 0|1> <out.json>`.
 */
import { writeFileSync } from 'node:fs'
import '@tensorflow/tfjs-backend-wasm'
import { runGANBench } from './ganBench'
import { runAnomalyBench } from './anomalyBench'

const [part, quick, out] = process.argv.slice(2)
if (!out || (part !== 'gan' && part !== 'anomaly')) {
  throw new Error('usage: runPart.mjs <gan|anomaly> <0|1> <out.json>')
}
const result =
  part === 'gan' ? await runGANBench(quick === '1') : await runAnomalyBench(quick === '1')
writeFileSync(out, JSON.stringify(result))
