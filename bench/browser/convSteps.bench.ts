/**
 * Convolutional rows of `npm run bench`'s Chromium part: the default conv GAN's and conv
 * autoencoder's fused training steps (28×28 sprites, batch 64, one kernel thread) on this page, the
 * engine's step as the torch part times it in Node, interleaved in rounds with PyTorch's step on the
 * same layers (bench/torchCommands.ts: the same step server, run by Vitest beside the page) where
 * python3 has torch. Each model's step runs twice over in those rounds: with the register block the
 * kernels' probe chose here (tileRows.ts) and with the other one. Writes
 * bench/report.browser-conv.json, which the torch part's conv table shows; asserts nothing about
 * time.
 */
import { test } from 'vitest'
import { commands } from 'vitest/browser'
import * as tf from '@tensorflow/tfjs-core'
import './pageBackends'
import { compileKernels, KernelMemory } from '../../src/core/kernels/wasmKernels'
import { measuredTileRows, type TileRows } from '../../src/core/kernels/tileRows'
import { convModelStep, type ConvModel } from '../convModelStep'
import { convStepSprites } from '../convStepSprites'
import { interleave, type InterleavedTimes, type StepTimer } from '../interleavedRounds'
import type { TorchConvModel, TorchStart } from '../torchCommands'

const quick = import.meta.env.VITE_BENCH_QUICK === '1'

/** Counted rounds, steps per round and untimed steps before each: the torch part's counts. */
const ROUNDS = quick ? { rounds: 5, steps: 3, warm: 2 } : { rounds: 7, steps: 20, warm: 3 }

/** Wall-clock time per step of `steps` calls of `step` (no CPU clock on a page: NaN). */
function pageStepTimer(step: (s: number) => void): StepTimer {
  let next = 0
  return async (steps) => {
    const start = performance.now()
    for (let s = 0; s < steps; s++) step(next++)
    const wallMs = (performance.now() - start) / steps
    // Lets the page breathe between batches, as the worker does between steps.
    await new Promise((resolve) => setTimeout(resolve, 0))
    return { wallMs, cpuMs: NaN }
  }
}

/**
 * PyTorch's step server beside the page, or why there is none: the commands are there when
 * scripts/bench.mjs runs the session (LATENTKIT_BENCH_COMMANDS).
 */
async function startTorch(): Promise<TorchStart> {
  try {
    return await commands.torchStart()
  } catch (error) {
    return `not run: no PyTorch command in this Vitest session (${String(error)})`
  }
}

/** PyTorch's model of the same layers. */
const TORCH_MODEL: Record<ConvModel, TorchConvModel> = {
  gan: 'dcgan',
  infogan: 'infogan',
  ae: 'convAutoencoder',
}

/** One model's figures. */
export interface BrowserConvRow {
  readonly model: ConvModel
  /**
   * `ours`: the chosen block height's step; `theirs`: the other height's, then PyTorch's on one
   * thread when it ran; `wallRatios` in the same order, each over ours per round.
   */
  readonly times: InterleavedTimes
}

test('convolutional fused steps in Chromium, beside PyTorch', async () => {
  await tf.setBackend('wasm')
  await tf.ready()
  const compiled = await compileKernels()
  if (!compiled)
    throw new Error('no WebAssembly SIMD in this Chromium: the fused kernels cannot run')
  const chosen = await measuredTileRows()
  const other: TileRows = chosen === 6 ? 4 : 6
  const torch = await startTorch()
  const data = convStepSprites()
  const rows: BrowserConvRow[] = []
  try {
    for (const model of ['gan', 'ae'] as const) {
      const sides = [chosen, other].map((tileRows) => {
        const memory = new KernelMemory(compiled)
        memory.kernels.setTileRows(tileRows)
        return convModelStep(model, memory, data)
      })
      const [mine, theirs] = sides.map((side) => pageStepTimer(side.step))
      const pytorch: StepTimer = (steps) => commands.torchSteps(TORCH_MODEL[model], steps)
      const { rounds, steps, warm } = ROUNDS
      const others = typeof torch === 'string' ? [theirs!] : [theirs!, pytorch]
      const times = await interleave(mine!, others, rounds, steps, warm)
      for (const side of sides) side.dispose()
      rows.push({ model, times })
    }
  } finally {
    if (typeof torch === 'object') await commands.torchClose()
  }
  await commands.writeFile(
    'bench/report.browser-conv.json',
    JSON.stringify(
      {
        quick,
        userAgent: navigator.userAgent,
        build: compiled.build,
        tileRows: chosen,
        otherTileRows: other,
        torch,
        rows,
      },
      null,
      2,
    ),
  )
}, 900_000)
