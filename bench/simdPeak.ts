/**
 * The core's 128-bit SIMD peak as WebAssembly reaches it, measured: a tiny module (encoded here, not
 * shipped) whose loop updates 12 independent f32x4 accumulators with no memory traffic — a multiply
 * then an add per accumulator for the plain SIMD build, one relaxed fused multiply-add for the
 * relaxed build — so it runs at the FP pipes' throughput, whatever the core's clock. The clock that
 * /proc/cpuinfo reports is the nominal one (2,096 MHz on the Zen 5 machine, where the product ran at
 * 127 % of a peak computed from it): a share of peak needs the peak measured.
 */
import type { KernelBuild } from '../src/core/kernels/wasmKernels'

const ACCUMULATORS = 12
/** Flops per loop iteration: every accumulator's 4 lanes, a multiply and an add each. */
const FLOPS_PER_ITERATION = ACCUMULATORS * 4 * 2

/** Unsigned LEB128. */
function leb(value: number): number[] {
  const bytes: number[] = []
  let rest = value
  do {
    const byte = rest & 0x7f
    rest >>>= 7
    bytes.push(rest === 0 ? byte : byte | 0x80)
  } while (rest !== 0)
  return bytes
}

const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body]
const simd = (opcode: number): number[] => [0xfd, ...leb(opcode)]
const F32X4_SPLAT = 0x13
const F32X4_EXTRACT_LANE = 0x1f
const F32X4_ADD = 0xe4
const F32X4_MUL = 0xe6
const F32X4_RELAXED_MADD = 0x105
const f32 = (value: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(value).buffer)]

/** `peak(iterations: i32): f32`, its accumulators summed into the result so nothing is dead. */
function peakModule(build: KernelBuild): Uint8Array<ArrayBuffer> {
  // Locals: 0 the iteration count (the parameter), 1..12 accumulators, 13 the factor, 14 the term.
  const [factor, term] = [ACCUMULATORS + 1, ACCUMULATORS + 2]
  const accumulators = Array.from({ length: ACCUMULATORS }, (_, i) => i + 1)
  const splatInto = (local: number, value: number): number[] => [
    ...f32(value),
    ...simd(F32X4_SPLAT),
    0x21,
    local,
  ]
  const update = (acc: number): number[] =>
    build === 'relaxed-simd'
      ? [0x20, acc, 0x20, factor, 0x20, term, ...simd(F32X4_RELAXED_MADD), 0x21, acc]
      : [0x20, acc, 0x20, factor, ...simd(F32X4_MUL), 0x20, term, ...simd(F32X4_ADD), 0x21, acc]
  const code = [
    ...accumulators.flatMap((acc) => splatInto(acc, acc / 7)),
    ...splatInto(factor, 0.999),
    ...splatInto(term, 0.001),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...[0x20, 0, 0x45, 0x0d, 1], // exit when the count is 0
    ...accumulators.flatMap(update),
    ...[0x20, 0, 0x41, 1, 0x6b, 0x21, 0, 0x0c, 0], // count -= 1, again
    ...[0x0b, 0x0b], // end loop, end block
    0x20,
    1,
    ...accumulators.slice(1).flatMap((acc) => [0x20, acc, ...simd(F32X4_ADD)]),
    ...simd(F32X4_EXTRACT_LANE),
    0,
    0x0b,
  ]
  const body = [1, ...leb(ACCUMULATORS + 2), 0x7b, ...code]
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(7, [1, 4, ...new TextEncoder().encode('peak'), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ])
}

/** One core's 128-bit SIMD peak, measured. */
export interface MeasuredSimdPeak {
  /** The loop measured: the relaxed build's fused multiply-add, or (without relaxed SIMD) the plain one's. */
  readonly loop: KernelBuild
  /** Best GFLOP/s of the accumulator loop over the timed runs. */
  readonly gflops: number
  /** The clock it implies at 16 flops a cycle (2 vector FMA pipes × 4 lanes × 2 flops). */
  readonly megahertz: number
}

/**
 * The best of `runs` timed calls of the accumulator loop (about 10 ms each) after a warm-up, on this
 * thread, for one build's loop; undefined where it does not compile (relaxed SIMD off here).
 */
function timeLoop(build: KernelBuild, runs: number): number | undefined {
  let instance: WebAssembly.Instance
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(peakModule(build)))
  } catch {
    return undefined
  }
  const peak = instance.exports.peak as (iterations: number) => number
  const iterations = 200_000
  peak(iterations) // warm-up: the optimising tier
  let best = Infinity
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    peak(iterations)
    best = Math.min(best, performance.now() - started)
  }
  return (FLOPS_PER_ITERATION * iterations) / best / 1e6
}

/**
 * The peak both builds are set against: the fused multiply-add loop's when relaxed SIMD runs here
 * (throughput-bound: 12 chains of 4-cycle FMAs on 2 pipes), else the multiply-and-add loop's, a lower
 * bound (each chain then waits for a multiply and an add in turn, about 15 % slower on Zen 5).
 */
export function measureSimdPeak(runs = 15): MeasuredSimdPeak {
  const relaxed = timeLoop('relaxed-simd', runs)
  const [loop, gflops]: [KernelBuild, number] =
    relaxed !== undefined ? ['relaxed-simd', relaxed] : ['simd', timeLoop('simd', runs) ?? NaN]
  return { loop, gflops, megahertz: (gflops * 1000) / 16 }
}
