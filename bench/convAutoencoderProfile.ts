/**
 * Where the fused convolutional autoencoder's, GAN's or InfoGAN's step spends its time: every kernel
 * call (each matrix product by its shape M×K×N, A's and B's strides, and GFLOP/s), Adam and the
 * weight sync to TF.js, over 50 steps of the default model (28×28 sprites, batch 64) in Node. Per
 * call kind: the median (robust to a loaded machine's preemptions) and the mean; the products also
 * with the time lost against the peak (time − flops / peak, per step), the peak being the best
 * GFLOP/s of a 128×784×400 product measured first in the same process. Rows are sorted by time per
 * step. Then PyTorch's step on the same layers with one thread, per operation
 * (torch.autograd.profiler over 50 steps, bench/torch_dcgan.py's step server), when python3 has
 * torch. Not part of `npm run bench`; run it with (model `ae`, the default, `gan` or `infogan`)
 *
 *   npx esbuild bench/convAutoencoderProfile.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/convae/profile.mjs &&
 *     node --experimental-wasm-relaxed-simd node_modules/.cache/convae/profile.mjs [ae|gan|infogan]
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { compileKernels, KernelMemory, type KernelExports } from '../src/core/kernels/wasmKernels'
import { convModelStep, type ConvModel } from './convModelStep'
import { convStepSprites } from './convStepSprites'
import { startTorchStepServer } from './torchStepServer'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const STEPS = 50

/** Multiply-adds of a kernel call that is a product (`gemm`, `gemmPackedB`, `gemmCol2im`), else 0. */
function productShape(name: string, a: readonly number[]): string | undefined {
  const at = (i: number): number => a[i] ?? 0
  if (name === 'gemm' || name === 'gemmPackedB')
    return `${at(7)}x${at(8)}x${at(9)} a(${at(1)},${at(2)}) b(${at(4)},${at(5)}) acc${at(10)}`
  if (name === 'gemmCol2im') return `${at(4) * at(12) * at(13)}x${at(2)}x${at(8) * at(8) * at(7)}`
  return undefined
}

/** Best GFLOP/s of a 128×784×400 product (`gemm`, 20 calls): the peak the rows are set against. */
function peakGflops(memory: KernelMemory): number {
  const [m, k, n] = [128, 784, 400]
  const a = memory.alloc(m * k)
  const b = memory.alloc(k * n)
  const c = memory.alloc(m * n)
  const panel = memory.alloc(8 * k)
  memory.view(a, m * k).fill(0.5)
  memory.view(b, k * n).fill(0.25)
  let best = Infinity
  for (let r = 0; r < 20; r++) {
    const t = performance.now()
    memory.kernels.gemm(a, k, 1, b, n, 1, c, m, k, n, 0, panel)
    best = Math.min(best, performance.now() - t)
  }
  return (2 * m * k * n) / (best * 1e6)
}

/** Prints one line per kernel call kind (and the whole step) with its time per step. */
async function profile(model: ConvModel): Promise<void> {
  await tf.setBackend('wasm')
  await tf.ready()
  const data = convStepSprites()
  const compiled = await compileKernels()
  if (!compiled) throw new Error('no WebAssembly SIMD here: the fused kernels cannot run')
  const memory = new KernelMemory(compiled)
  const peak = peakGflops(memory)
  const times = new Map<string, number[]>()
  let on = false
  const note = (key: string, ms: number) => {
    if (!on) return
    const list = times.get(key) ?? []
    list.push(ms)
    times.set(key, list)
  }
  const timed =
    <A extends unknown[], R>(key: (args: A) => string, f: (...args: A) => R) =>
    (...args: A): R => {
      const t = performance.now()
      const r = f(...args)
      note(key(args), performance.now() - t)
      return r
    }
  // Every product goes through memory.gemm (modelKernels.gemm and gemmPair call it); the other
  // kernels through modelKernels.
  const gemm = memory.gemm
  memory.gemm = timed((a) => `gemm ${productShape('gemm', a)}`, gemm)
  const kernels = memory.modelKernels as unknown as Record<string, unknown>
  for (const name of Object.keys(kernels)) {
    const f = kernels[name]
    if (typeof f !== 'function' || name === 'gemm' || name === 'adam') continue
    kernels[name] = timed(
      (a: number[]) => `${name}${productShape(name, a) ? ' ' + productShape(name, a) : ''}`,
      f as (...a: number[]) => unknown,
    )
  }
  memory.adam = timed(() => 'adam', memory.adam) as KernelExports['adam']
  const run = convModelStep(model, memory, data)
  for (let s = 0; s < STEPS + 5; s++) {
    on = s >= 5
    const t = performance.now()
    run.step(s)
    note('STEP', performance.now() - t)
  }
  run.dispose()
  const med = (l: number[]) => [...l].sort((a, b) => a - b)[l.length >> 1] ?? 0
  let productMs = 0
  let lostMs = 0
  const rows = [...times.entries()].map(([key, l]) => {
    const perStep = l.length / STEPS
    const total = med(l) * perStep
    let extra = ''
    const m = /(\d+)x(\d+)x(\d+)/.exec(key)
    if (m && key !== 'STEP') {
      const flops = 2 * +m[1]! * +m[2]! * +m[3]!
      const lost = total - (flops * perStep) / (peak * 1e6)
      productMs += total
      lostMs += lost
      extra = ` ${(flops / (med(l) * 1e6)).toFixed(1).padStart(5)} GFLOP/s, lost ${lost.toFixed(3)} ms`
    }
    return {
      total,
      line: `${key.padEnd(52)} calls/step ${perStep.toFixed(0).padStart(3)} median ${med(l).toFixed(3)} ms  total/step ${total.toFixed(3)} ms mean-total ${(l.reduce((a, b) => a + b, 0) / STEPS).toFixed(3)}${extra}`,
    }
  })
  rows.sort((x, y) => y.total - x.total)
  console.log(`conv ${model}, ${memory.build} build, peak ${peak.toFixed(1)} GFLOP/s (128×784×400)`)
  console.log(rows.map((r) => r.line).join('\n'))
  console.log(
    `products ${productMs.toFixed(2)} ms a step, of which ${lostMs.toFixed(2)} ms lost against the peak`,
  )
  await torchProfile(model, data)
}

/** PyTorch's per-operation profile of the same step with one thread, or why there is none. */
async function torchProfile(model: ConvModel, data: Float32Array): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'latentkit-torch-'))
  try {
    const rowsFile = join(folder, 'sprites.f32')
    writeFileSync(rowsFile, data)
    const server = await startTorchStepServer('torch_dcgan.py', rowsFile, 1)
    if (typeof server === 'string') {
      console.log(`\nPyTorch: ${server}`)
      return
    }
    const name = model === 'ae' ? 'convAutoencoder' : 'dcgan'
    await server.run(name, 10)
    console.log(`\nPyTorch ${server.info.torch}, one thread, ${STEPS} steps:`)
    console.log(await server.profile(name, STEPS))
    server.close()
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
const asked = process.argv[2]
await profile(asked === 'gan' || asked === 'infogan' ? asked : 'ae')
