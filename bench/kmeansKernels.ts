/**
 * The k-means part's kernel comparison: the same fits with the fused WebAssembly kernels and with
 * TF.js operations, beside scikit-learn, in one run: time per iteration (a Lloyd iteration or a
 * mini-batch epoch; each fit's k-means++ seeding included), scikit-learn's time over ours (≥ 1 is
 * faster than scikit-learn), and the quality beside (best inertia, ARI).
 */
import type { KMeansRun } from './kmeansBench'

/** One side's runs of one algorithm. */
export interface KMeansSide {
  readonly algorithm: 'Lloyd' | 'mini-batch'
  readonly kernels: string
  readonly runs: readonly KMeansRun[]
}

const sum = (runs: readonly KMeansRun[], key: 'seconds' | 'iterations'): number =>
  runs.reduce((total, run) => total + run[key], 0)

/** Processor seconds per iteration, when every run measured them. */
const cpuPerIteration = (runs: readonly KMeansRun[]): number | undefined =>
  runs.every((run) => run.cpuSeconds !== undefined)
    ? runs.reduce((total, run) => total + (run.cpuSeconds as number), 0) / sum(runs, 'iterations')
    : undefined

/** Each side's figures, its time per iteration beside scikit-learn's for the same algorithm. */
export function kmeansKernelFigures(sides: readonly KMeansSide[]) {
  const perIteration = (side: KMeansSide): number =>
    sum(side.runs, 'seconds') / sum(side.runs, 'iterations')
  return sides.map((side) => {
    const reference = sides.find(
      (s) => s.algorithm === side.algorithm && s.kernels.startsWith('scikit-learn'),
    )
    const best = side.runs.reduce((a, b) => (b.inertia < a.inertia ? b : a))
    const cpu = cpuPerIteration(side.runs)
    const cpuReference = reference ? cpuPerIteration(reference.runs) : undefined
    return {
      algorithm: side.algorithm,
      kernels: side.kernels,
      seconds: sum(side.runs, 'seconds'),
      iterations: sum(side.runs, 'iterations'),
      secondsPerIteration: perIteration(side),
      /** scikit-learn's seconds per iteration over ours: above 1, faster than scikit-learn. */
      speedOverSklearn: reference ? perIteration(reference) / perIteration(side) : undefined,
      /** Processor seconds per iteration (what the load of a shared machine inflates least). */
      cpuSecondsPerIteration: cpu,
      /** scikit-learn's processor time per iteration over ours: above 1, less than scikit-learn's. */
      cpuSpeedOverSklearn:
        cpu === undefined || cpuReference === undefined ? undefined : cpuReference / cpu,
      bestInertia: best.inertia,
      ari: best.ari,
    }
  })
}

/** The markdown table of {@link kmeansKernelFigures}. */
export function kmeansKernelMarkdown(figures: ReturnType<typeof kmeansKernelFigures>): string[] {
  return [
    '',
    '### Kernels: the same fits fused, as TF.js operations, and in scikit-learn (5 seeds, one thread)',
    '',
    "Measured side by side in one run (timings on a shared machine are pessimistic; the ratios hold). Fused: latentkit's " +
      "WebAssembly SIMD kernels for each step's assignment (`fusedKernels: true`, the default on WASM); TF.js: the same steps as TF.js " +
      'operations on the wasm backend (`fusedKernels: false`), which give the same assignments; every seed is fitted on the fused kernels, then every seed as TF.js operations (alternating them had left the TF.js fits’ collector work in the fused fits). Each side seeds with its own ' +
      'k-means++ at the same seeds, so the sides run different numbers of Lloyd iterations: the time is per iteration (a Lloyd ' +
      "iteration or a mini-batch epoch), each fit's seeding included; each side's timed fits of an algorithm come after untimed fits of it " +
      "(a warm-up: three fits on each of our paths, V8's optimising tier; one for scikit-learn, its first call). CPU: the processor time of the fits (ours `process.cpuUsage()`, " +
      'scikit-learn `time.process_time()`), which the load of a shared machine inflates far less than wall time (wall-time ratios on a loaded machine flatter latentkit).',
    '',
    '| algorithm | kernels | seconds (5 seeds) | iterations | ms per iteration | scikit-learn ÷ ours (≥ 1: faster) | CPU ms per iteration | scikit-learn ÷ ours, CPU time | best inertia | ARI |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.algorithm} | ${f.kernels} | ${f.seconds.toFixed(2)} | ${f.iterations} | ${(1000 * f.secondsPerIteration).toFixed(2)} | ` +
        `${f.speedOverSklearn === undefined ? '—' : `${f.speedOverSklearn.toFixed(2)} ×`} | ` +
        `${f.cpuSecondsPerIteration === undefined ? '—' : (1000 * f.cpuSecondsPerIteration).toFixed(2)} | ` +
        `${f.cpuSpeedOverSklearn === undefined ? '—' : `${f.cpuSpeedOverSklearn.toFixed(2)} ×`} | ${f.bestInertia.toFixed(1)} | ${f.ari.toFixed(3)} |`,
    ),
    '',
  ]
}
