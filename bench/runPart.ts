/**
 * Runs one model-quality part of `npm run bench`, or one piece of one, in its own Node process (on
 * TF.js's WASM backend), so such parts can run side by side on two cores:
 * `node runPart.mjs <part> <quick 0|1> <out.json> [<input JSON>]` (the input: what a piece needs from
 * one run before it, e.g. the DEC refinement pieces the shared pretraining's seconds). Writes
 * `{ result, cpuSeconds }`: the part's figures, and the CPU seconds (user + system) of this process
 * and of the processes it waited for (scikit-learn's Python).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import '@tensorflow/tfjs-backend-wasm'
import { runConvSpriteCurve, runGANBench } from './ganBench'
import { runAnomalyBench } from './anomalyBench'
import { AUTOREGRESSIVE_PIECES } from './autoregressiveBench'
import { DISENTANGLEMENT_PIECES } from './disentanglementBench'
import { pickNodeBackend } from './sklearnScript'
import { DEC_PIECES, type DECRefineInput } from './decBench'
import { runProbeBench } from './probeBench'
import { runReportBench } from './reportBench'
import { runSpritesReportBench } from './spritesReportBench'
import { hashingSeeds, runHashingRest, runHashingSeed } from './hashingBench'
import { contrastiveDraws, runContrastiveDraw } from './contrastiveBench'

const PARTS: Record<string, (quick: boolean, input: unknown) => Promise<unknown>> = {
  gan: runGANBench,
  'conv-sprites': runConvSpriteCurve,
  anomaly: runAnomalyBench,
  'autoregressive-made': AUTOREGRESSIVE_PIECES.made,
  'autoregressive-density': AUTOREGRESSIVE_PIECES.density,
  'autoregressive-sprites': AUTOREGRESSIVE_PIECES.sprites,
  'disentanglement-vae': DISENTANGLEMENT_PIECES.vae,
  'disentanglement-infogan': DISENTANGLEMENT_PIECES.infogan,
  'dec-pretrain': DEC_PIECES.pretrain,
  'dec-refine': (quick, input) => DEC_PIECES.dec(quick, input as DECRefineInput),
  'idec-refine': (quick, input) => DEC_PIECES.idec(quick, input as DECRefineInput),
  probe: (quick) => runProbeBench(quick),
  report: (quick) => runReportBench({ quick }),
  'report-sprites': (quick) => runSpritesReportBench({ quick }),
  'hashing-rest': runHashingRest,
  ...Object.fromEntries(
    hashingSeeds(false).map((seed) => [
      `hashing-seed-${seed}`,
      (quick: boolean) => runHashingSeed(quick, seed),
    ]),
  ),
  ...Object.fromEntries(
    Array.from({ length: contrastiveDraws(false) }, (_, draw) => [
      `contrastive-draw-${draw}`,
      (quick: boolean) => runContrastiveDraw(quick, draw),
    ]),
  ),
}

/** CPU seconds of this process and of the children it waited for, from /proc (undefined without). */
function cpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    // Fields after the command name, from field 3 (state): utime, stime, cutime, cstime are 14–17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0)
    // Clock ticks per second of /proc's times: 100 on Linux.
    return ticks / 100
  } catch {
    return undefined
  }
}

const [part, quick, out, input] = process.argv.slice(2)
const run = part === undefined ? undefined : PARTS[part]
if (!out || !run) {
  throw new Error(
    `usage: runPart.mjs <${Object.keys(PARTS).join('|')}> <0|1> <out.json> [<input JSON>]`,
  )
}
await pickNodeBackend()
const result = await run(quick === '1', input === undefined ? undefined : JSON.parse(input))
writeFileSync(out, JSON.stringify({ result, cpuSeconds: cpuSeconds() }))
