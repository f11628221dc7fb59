/**
 * The fused conv autoencoder's and conv GAN's steps with this code against the same steps as they
 * were before, interleaved in one process: rounds of 20 steps each, who goes first alternating
 * (bench/interleavedRounds.ts), each on its own kernel memory; per model the medians per step (wall
 * clock and CPU) and the median of the per-round ratios. Before: every convolution's product on
 * `gemm` (`gemmPackedB` sent to `gemm`, which gives the same bits) and, when given, the kernels of
 * an older build (a generated src/core/kernels/binaries/ file of the same build, e.g.
 * `git show main:src/core/kernels/binaries/relaxedSimd.ts > /tmp/before.ts`). Not part of
 * `npm run bench`; run it with
 *
 *   npx esbuild bench/convStepAB.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=node_modules/.cache/convab/ab.mjs &&
 *     node --experimental-wasm-relaxed-simd node_modules/.cache/convab/ab.mjs [rounds] [before.ts]
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { compileKernels, KernelMemory, type CompiledKernels } from '../src/core/kernels/wasmKernels'
import { decodeBase64 } from '../src/core/kernels/kernelSources'
import { convModelStep, type ConvModel } from './convModelStep'
import { convStepSprites } from './convStepSprites'
import { interleave, stepTimer } from './interleavedRounds'

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 7)
  await tf.setBackend('wasm')
  await tf.ready()
  const data = convStepSprites()
  const compiled = await compileKernels()
  if (!compiled) throw new Error('no WebAssembly SIMD here: the fused kernels cannot run')
  const file = process.argv[3]
  // The generated file holds the module as one base64 string literal.
  const older = file ? /'([A-Za-z0-9+/=]+)'/.exec(readFileSync(file, 'utf8')) : null
  const beforeKernels: CompiledKernels = older
    ? {
        module: await WebAssembly.compile(decodeBase64(older[1]!)),
        build: compiled.build,
        shared: false,
      }
    : compiled
  console.log(`before: ${file ? `the kernels in ${file}` : 'these kernels'}, conv products on gemm`)
  console.log(
    `${compiled.build} build, ${rounds} rounds of 20 steps, load ${loadavg()[0]!.toFixed(1)}`,
  )
  for (const model of ['ae', 'gan'] as ConvModel[]) {
    const before = new KernelMemory(beforeKernels)
    const kernels = before.modelKernels as { gemmPackedB: unknown; gemm: unknown }
    kernels.gemmPackedB = kernels.gemm
    const now = convModelStep(model, new KernelMemory(compiled), data)
    const then = convModelStep(model, before, data)
    const t = await interleave(stepTimer(now.step), [stepTimer(then.step)], rounds, 20)
    const [old] = t.theirs
    console.log(
      `conv ${model}: now ${t.ours.wallMs.toFixed(2)} ms (CPU ${t.ours.cpuMs.toFixed(2)}), before ${old!.wallMs.toFixed(2)} ms (CPU ${old!.cpuMs.toFixed(2)}), speed-up ${t.wallRatio.median.toFixed(3)}× (${t.wallRatio.min.toFixed(2)}–${t.wallRatio.max.toFixed(2)}), CPU ${t.cpuRatio.median.toFixed(3)}× (${t.cpuRatio.min.toFixed(2)}–${t.cpuRatio.max.toFixed(2)}), load now ${loadavg()[0]!.toFixed(1)}`,
    )
    now.dispose()
    then.dispose()
  }
}
await main()
