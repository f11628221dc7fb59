/**
 * The RBM part's kernel comparison: the same training (scikit-learn's example settings) with the
 * fused WebAssembly kernels and with TF.js operations, beside scikit-learn's `BernoulliRBM`, in one
 * run: seconds per epoch, images per second, scikit-learn's time over ours (≥ 1 is faster than
 * scikit-learn), and the pseudo-likelihoods beside (the quality must not move).
 */
import type { RBMRun } from './rbmComparison'

/** The runs of one way of computing the steps. */
export interface KernelRuns {
  /** What computed the steps (`'wasm-relaxed-simd'`, `'wasm-simd'`, `'tfjs'`, or scikit-learn). */
  readonly kernels: string
  readonly runs: readonly RBMRun[]
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length

/** Each side's mean figures and its speed against scikit-learn's. */
export function kernelFigures(
  sides: readonly KernelRuns[],
  sklearn: KernelRuns | undefined,
  rows: number,
) {
  const reference = sklearn ? mean(sklearn.runs.map((r) => r.secondsPerEpoch)) : undefined
  const cpuOf = (runs: readonly RBMRun[]): number | undefined =>
    runs.every((r) => r.cpuSecondsPerEpoch !== undefined)
      ? mean(runs.map((r) => r.cpuSecondsPerEpoch as number))
      : undefined
  const cpuReference = sklearn ? cpuOf(sklearn.runs) : undefined
  return [...sides, ...(sklearn ? [sklearn] : [])].map(({ kernels, runs }) => {
    const secondsPerEpoch = mean(runs.map((r) => r.secondsPerEpoch))
    const cpuSecondsPerEpoch = cpuOf(runs)
    return {
      kernels,
      seeds: runs.map((r) => r.seed),
      secondsPerEpoch,
      imagesPerSecond: rows / secondsPerEpoch,
      /** scikit-learn's seconds per epoch over ours: above 1, faster than scikit-learn. */
      speedOverSklearn: reference === undefined ? undefined : reference / secondsPerEpoch,
      /** Processor seconds per epoch (what load on a shared machine inflates least). */
      cpuSecondsPerEpoch,
      /** scikit-learn's processor time per epoch over ours: above 1, less work than scikit-learn. */
      cpuSpeedOverSklearn:
        cpuReference === undefined || cpuSecondsPerEpoch === undefined
          ? undefined
          : cpuReference / cpuSecondsPerEpoch,
      pseudoLikelihoodTrain: mean(runs.map((r) => r.pseudoLikelihoodTrain)),
      pseudoLikelihoodTest: mean(runs.map((r) => r.pseudoLikelihoodTest)),
    }
  })
}

/** The markdown table of {@link kernelFigures}. */
export function kernelMarkdown(figures: ReturnType<typeof kernelFigures>, rows: number): string[] {
  return [
    `### Kernels: the same training step fused, as TF.js operations, and in scikit-learn (${rows} rows, one thread)`,
    '',
    "Measured side by side in one run (timings on a shared machine are pessimistic; the ratios hold). Fused: latentkit's " +
      'WebAssembly SIMD kernels (`fusedKernels: true`, the default on WASM); TF.js: the same step as TF.js ' +
      "operations on the wasm backend (`fusedKernels: false`). Both draw the same seeded random numbers. Ours include the pseudo-likelihood the engine records (by default on each epoch's first step and every 10 steps after it, `pseudoLikelihoodEvery: 10`; the rows marked 1 and 0 measure it at every step and never, on the same training); scikit-learn's `fit` records none. Ours are timed after a warm-up fit on the training rows (V8's optimising tier), each fused run the median of 3 fits of the same seed; scikit-learn after an untimed one-epoch fit. " +
      'CPU time: the processor time of the fit (ours `process.cpuUsage()`, scikit-learn `time.process_time()`), which the load of a shared machine inflates far less than wall time (and wall-time ratios on a loaded machine flatter latentkit: scikit-learn suffers more from it).',
    '',
    '| kernels | seeds | seconds per epoch | images per second | scikit-learn ÷ ours (≥ 1: faster) | CPU seconds per epoch | scikit-learn ÷ ours, CPU time | pseudo-likelihood, training rows | test rows |',
    '|---|---|---|---|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.kernels} | ${f.seeds.join(', ')} | ${f.secondsPerEpoch.toFixed(4)} | ${Math.round(f.imagesPerSecond)} | ` +
        `${f.speedOverSklearn === undefined ? '—' : `${f.speedOverSklearn.toFixed(2)} ×`} | ` +
        `${f.cpuSecondsPerEpoch === undefined ? '—' : f.cpuSecondsPerEpoch.toFixed(4)} | ` +
        `${f.cpuSpeedOverSklearn === undefined ? '—' : `${f.cpuSpeedOverSklearn.toFixed(2)} ×`} | ` +
        `${f.pseudoLikelihoodTrain.toFixed(2)} | ${f.pseudoLikelihoodTest.toFixed(2)} |`,
    ),
    '',
  ]
}
