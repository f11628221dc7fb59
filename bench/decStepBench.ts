/**
 * The `decstep` part of `npm run bench` (Node): DEC's and IDEC's refinement step alone — latentkit's
 * fused WebAssembly kernels, TF.js's WASM kernels and PyTorch's CPU step side by side (decStep.ts) —
 * on the `dec` part's full-size autoencoder (`--quick`: a small one), in about a minute, without the
 * `dec` part's ten minutes of training.
 */
import type { DECModelOptions } from '../src/core/dec/decOptions'
import { resolveDECOptions } from '../src/core/dec/decOptions'
import { pickNodeBackend } from './sklearnScript'
import { decStepMarkdown, measureDECStep } from './decStep'

/** Images per refinement batch, DEC's default. */
const BATCH = 256

/** Runs the part; `quick` measures a small encoder for a few steps. */
export async function runDECStepBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  const backend = await pickNodeBackend()
  const model: DECModelOptions = options.quick ? { hiddenUnits: [64, 64] } : {}
  const { hiddenUnits, codeSize } = resolveDECOptions(model)
  const step = await measureDECStep(model, BATCH, options.quick)
  const encoder = `64-${hiddenUnits.join('-')}-${codeSize}${options.quick ? ' (--quick: not the defaults)' : ''}`
  return { json: { backend, ...step }, markdown: decStepMarkdown(step, encoder) }
}
