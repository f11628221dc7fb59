/**
 * The conv steps' matrix products, old kernel against new, interleaved in one process: for each
 * shape (M×K×N with A's and B's strides, as the trainers call them), rounds that alternate `gemm`
 * and `gemmPackedB` on the same operands (who goes first alternating), each round the best of a few
 * calls; per shape the median over rounds of each side's time, GFLOP/s, and the median of the
 * per-round ratios. Checks the two give the same bits. Not part of `npm run bench`; run it with
 *
 *   npx esbuild bench/convProductBench.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/convproduct/bench.mjs &&
 *     node --experimental-wasm-relaxed-simd node_modules/.cache/convproduct/bench.mjs [rounds] [cold]
 */
import { compileKernels, KernelMemory, type KernelExports } from '../src/core/kernels/wasmKernels'

/** One product: M×K×N, A's strides (row, inner) and B's (inner, column). */
interface Shape {
  readonly what: string
  readonly m: number
  readonly k: number
  readonly n: number
  readonly a: readonly [number, number]
  readonly b: readonly [number, number]
}

const SHAPES: readonly Shape[] = [
  { what: 'GAN D conv 2 forward (real and fake)', m: 6272, k: 256, n: 32, a: [256, 1], b: [32, 1] },
  {
    what: 'conv 2 forward, convT 1 input gradient',
    m: 3136,
    k: 256,
    n: 32,
    a: [256, 1],
    b: [32, 1],
  },
  { what: 'GAN D conv 1 forward (real and fake)', m: 25088, k: 16, n: 16, a: [16, 1], b: [16, 1] },
  {
    what: 'conv 1 forward, convT 2 input gradient',
    m: 12544,
    k: 16,
    n: 16,
    a: [16, 1],
    b: [16, 1],
  },
  { what: 'convT 2 forward (grey image), kernelᵀ', m: 12544, k: 16, n: 16, a: [16, 1], b: [1, 16] },
  { what: 'conv 2 kernel gradient slice', m: 256, k: 128, n: 32, a: [1, 256], b: [32, 1] },
  { what: 'dense decoder 32 → 1568', m: 64, k: 32, n: 1568, a: [32, 1], b: [1568, 1] },
]

type Product = KernelExports['gemm']

/** 16 MiB written between calls in the cold mode, so a product finds its operands out of the cache as in a step. */
const flush = new Float32Array(4 << 20)

function time(run: () => void, calls: number, cold: boolean): number {
  let best = Infinity
  for (let c = 0; c < calls; c++) {
    if (cold) flush.fill(c)
    const t = performance.now()
    run()
    best = Math.min(best, performance.now() - t)
  }
  return best
}

const median = (l: readonly number[]): number => [...l].sort((x, y) => x - y)[l.length >> 1] ?? 0

/** `rounds` rounds of old and new, who goes first alternating; each round's best of three calls. */
function compare(old: () => void, next: () => void, rounds: number, cold: boolean) {
  const olds: number[] = []
  const news: number[] = []
  const ratios: number[] = []
  for (let r = 0; r < rounds; r++) {
    let o: number
    let n: number
    if (r % 2 === 0) {
      o = time(old, 3, cold)
      n = time(next, 3, cold)
    } else {
      n = time(next, 3, cold)
      o = time(old, 3, cold)
    }
    olds.push(o)
    news.push(n)
    ratios.push(o / n)
  }
  return { olds, news, ratios }
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 9)
  const cold = process.argv[3] === 'cold'
  const compiled = await compileKernels()
  if (!compiled) throw new Error('no WebAssembly SIMD here')
  const memory = new KernelMemory(compiled)
  const k = memory.kernels
  console.log(
    `build ${compiled.build}, ${rounds} rounds, best of 3 calls a round${cold ? ', caches flushed before each call' : ''}`,
  )
  for (const s of SHAPES) {
    const a = memory.alloc(s.m * s.k)
    const b = memory.alloc(s.k * s.n)
    const c1 = memory.alloc(s.m * s.n)
    const c2 = memory.alloc(s.m * s.n)
    const panel = memory.alloc(s.k * 8 * Math.ceil(s.n / 8))
    const va = memory.view(a, s.m * s.k)
    for (let i = 0; i < va.length; i++) va[i] = Math.sin(i * 0.37)
    const vb = memory.view(b, s.k * s.n)
    for (let i = 0; i < vb.length; i++) vb[i] = Math.cos(i * 0.11)
    const args = (product: Product, c: number) => () =>
      product(a, s.a[0], s.a[1], b, s.b[0], s.b[1], c, s.m, s.k, s.n, 0, panel)
    const old = args(k.gemm, c1)
    const next = args(k.gemmPackedB, c2)
    const { olds, news, ratios } = compare(old, next, rounds, cold)
    const x = memory.view(c1, s.m * s.n)
    const y = memory.view(c2, s.m * s.n)
    let same = true
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) same = false
    const flops = 2 * s.m * s.k * s.n
    const gf = (ms: number) => (flops / (ms * 1e6)).toFixed(1)
    console.log(
      `${s.m}×${s.k}×${s.n} a(${s.a.join(',')}) b(${s.b.join(',')}) ${s.what}: gemm ${median(olds).toFixed(3)} ms (${gf(median(olds))} GFLOP/s), gemmPackedB ${median(news).toFixed(3)} ms (${gf(median(news))}), speed-up ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}), same bits ${same}`,
    )
  }
}
await main()
