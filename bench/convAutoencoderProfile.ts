/**
 * Where the fused convolutional autoencoder's step spends its time: every kernel call (each matrix
 * product by its shape M×K×N and GFLOP/s), the dense layers, Adam and the weight sync to TF.js, over
 * 50 steps of the default model (28×28 sprites, batch 64) in Node. Per call: the median (robust to a
 * loaded machine's preemptions) and the mean. Then PyTorch's step on the same layers with one
 * thread, per operation (torch.autograd.profiler over 50 steps, bench/torch_dcgan.py's step server),
 * when python3 has torch. Not part of `npm run bench`; run it with
 *
 *   npx esbuild bench/convAutoencoderProfile.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/convae/profile.mjs &&
 *     node --experimental-wasm-relaxed-simd node_modules/.cache/convae/profile.mjs
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { generateSprites } from '../src/data/sprites'
import { compileKernels, KernelMemory } from '../src/core/kernels/wasmKernels'
import { CONV_AUTOENCODER_SIDE, convAutoencoderStepFixture } from './convAutoencoderStepFixture'
import { startTorchStepServer } from './torchStepServer'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Prints one line per kernel call kind (and the whole step) with its time per step. */
async function profile(): Promise<void> {
  await tf.setBackend('wasm')
  await tf.ready()
  const data = generateSprites({ count: 1024, size: CONV_AUTOENCODER_SIDE, seed: 1 }).images.data
  const compiled = await compileKernels()
  if (!compiled) throw new Error('no WebAssembly SIMD here: the fused kernels cannot run')
  const fixture = convAutoencoderStepFixture(new KernelMemory(compiled), data)
  const times = new Map<string, number[]>()
  let on = false
  const note = (key: string, ms: number) => {
    if (!on) return
    const list = times.get(key) ?? []
    list.push(ms)
    times.set(key, list)
  }
  const net = (fixture.trainer as unknown as { net: Record<string, unknown> }).net
  const k = net.k as Record<string, unknown>
  for (const name of Object.keys(k)) {
    const f = k[name]
    if (typeof f !== 'function') continue
    k[name] = (...args: number[]) => {
      const t = performance.now()
      const r = (f as (...a: number[]) => unknown)(...args)
      const at = (i: number): number => args[i] ?? 0
      const key =
        name === 'gemm'
          ? `gemm ${at(7)}x${at(8)}x${at(9)} a(${at(1)},${at(2)}) b(${at(4)},${at(5)}) acc${at(10)}`
          : name === 'gemmCol2im'
            ? `gemmCol2im ${at(4) * at(12) * at(13)}x${at(2)}x${at(8) * at(8) * at(7)}`
            : name === 'im2col' || name === 'col2im'
              ? `${name} ${at(1)}x${at(2)}x${at(3)}x${at(4)}`
              : name
      note(key, performance.now() - t)
      return r
    }
  }
  // The products the trainer calls through the memory (gemm, gemmPair: the dense layers too).
  const memory = net.memory as Record<string, (...a: number[][] | number[]) => unknown>
  const shape = (a: readonly number[]): string =>
    `${a[7]}x${a[8]}x${a[9]} a(${a[1]},${a[2]}) b(${a[4]},${a[5]}) acc${a[10]}`
  for (const name of ['gemm', 'gemmPair'] as const) {
    const f = memory[name]!
    memory[name] = (...args: number[][] | number[]) => {
      const t = performance.now()
      const r = f(...args)
      const key =
        name === 'gemm'
          ? `memory.gemm ${shape(args as number[])}`
          : `memory.gemmPair ${(args as number[][]).map(shape).join(' + ')}`
      note(key, performance.now() - t)
      return r
    }
  }
  for (const name of ['readWeights', 'writeWeights', 'applyAdam', 'forward', 'backward']) {
    const f = (net as Record<string, (...a: unknown[]) => unknown>)[name]!
    ;(net as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const t = performance.now()
      const r = f.apply(net, args)
      note(`net.${name}`, performance.now() - t)
      return r
    }
  }
  const steps = 50
  for (let s = 0; s < steps + 5; s++) {
    on = s >= 5
    const t = performance.now()
    fixture.step(s)
    note('STEP', performance.now() - t)
  }
  fixture.dispose()
  const med = (l: number[]) => [...l].sort((a, b) => a - b)[l.length >> 1] ?? 0
  const rowsOut = [...times.entries()].map(([key, l]) => {
    const perStep = l.length / steps
    let gf = ''
    const m = /gemm (\d+)x(\d+)x(\d+)/.exec(key)
    if (m) gf = ((2 * +m[1]! * +m[2]! * +m[3]!) / (med(l) * 1e6)).toFixed(2) + ' GFLOP/s'
    return `${key.padEnd(52)} calls/step ${perStep.toFixed(0).padStart(3)} median ${med(l).toFixed(3)} ms  total/step ${(med(l) * perStep).toFixed(3)} ms mean-total ${(l.reduce((a, b) => a + b, 0) / steps).toFixed(3)} ${gf}`
  })
  console.log(rowsOut.join('\n'))
  await torchProfile(data)
}

/** PyTorch's per-operation profile of the same step with one thread, or why there is none. */
async function torchProfile(data: Float32Array): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'latentkit-torch-'))
  try {
    const rowsFile = join(folder, 'sprites.f32')
    writeFileSync(rowsFile, data)
    const server = await startTorchStepServer('torch_dcgan.py', rowsFile, 1)
    if (typeof server === 'string') {
      console.log(`\nPyTorch: ${server}`)
      return
    }
    await server.run('convAutoencoder', 10)
    console.log(`\nPyTorch ${server.info.torch}, one thread, 50 steps:`)
    console.log(await server.profile('convAutoencoder', 50))
    server.close()
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
await profile()
