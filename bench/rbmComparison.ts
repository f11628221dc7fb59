/**
 * The RBM part's comparison with scikit-learn: per-seed figures of each side summarised as mean ±
 * standard deviation, ours − theirs with its standard error, the verdicts against the targets,
 * and the markdown table.
 */

/** One seed of one side. */
export interface RBMRun {
  readonly seed: number
  readonly secondsPerEpoch: number
  /** Processor time per epoch (ours: `process.cpuUsage()`; scikit-learn: `time.process_time()`). */
  readonly cpuSecondsPerEpoch?: number
  readonly pseudoLikelihoodTrain: number
  readonly pseudoLikelihoodTest: number
  /** Test accuracy of the example's logistic regression on this RBM's features (scikit-learn's). */
  readonly accuracy: number | undefined
}

export interface SklearnRun extends RBMRun {
  readonly latentkitAccuracy?: number
}

export interface SklearnReply {
  readonly version: string
  readonly rawAccuracy: number
  readonly runs: readonly SklearnRun[]
}

const stats = (values: readonly number[]): { mean: number; sd: number } => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const variance =
    values.length < 2
      ? 0
      : values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)
  return { mean, sd: Math.sqrt(variance) }
}
const show = (values: readonly number[], digits: number): string => {
  const { mean, sd } = stats(values)
  return values.length < 2
    ? mean.toFixed(digits)
    : `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`
}

/** Ours minus theirs over the seeds: the difference of the means and its standard error. */
function gap(ours: readonly number[], theirs: readonly number[]) {
  const a = stats(ours)
  const b = stats(theirs)
  return {
    ours: show(ours, Math.abs(a.mean) < 1 ? 4 : 2),
    theirs: show(theirs, Math.abs(b.mean) < 1 ? 4 : 2),
    difference: a.mean - b.mean,
    /** Undefined with one seed a side (quick mode). */
    standardError:
      ours.length < 2 || theirs.length < 2
        ? undefined
        : Math.sqrt(a.sd ** 2 / ours.length + b.sd ** 2 / theirs.length),
    relative: Math.abs(a.mean - b.mean) / Math.abs(b.mean),
  }
}

/** The comparison's figures and verdicts (markdown and JSON). */
export function compare(ours: readonly RBMRun[], theirs: readonly RBMRun[]) {
  const pick = (runs: readonly RBMRun[], key: keyof RBMRun): number[] =>
    runs.map((r) => r[key] as number)
  const pl = (key: 'pseudoLikelihoodTrain' | 'pseudoLikelihoodTest') => {
    const g = gap(pick(ours, key), pick(theirs, key))
    return { ...g, pass: g.relative <= 0.02 }
  }
  const accuracy = gap(pick(ours, 'accuracy'), pick(theirs, 'accuracy'))
  return {
    train: pl('pseudoLikelihoodTrain'),
    test: pl('pseudoLikelihoodTest'),
    accuracy: { ...accuracy, pass: accuracy.difference >= 0 },
    timeRatio:
      stats(pick(ours, 'secondsPerEpoch')).mean / stats(pick(theirs, 'secondsPerEpoch')).mean,
  }
}

/** ` ± e` (scaled), or nothing without a standard error. */
const plusMinus = (error: number | undefined, scale: number): string =>
  error === undefined ? '' : ` ± ${(scale * error).toFixed(2)}`

const signed = (value: number, digits: number): string =>
  `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}`

/** The markdown of the comparison (scikit-learn's columns say why they are missing when it is). */
export function comparisonMarkdown(
  backend: string,
  ours: readonly RBMRun[],
  sklearn: SklearnReply | string,
  split: { train: Int32Array; test: Int32Array },
  draws: number,
): string[] {
  const pick = (runs: readonly RBMRun[], key: keyof RBMRun): number[] =>
    runs.map((r) => r[key] as number)
  const seeds = ours.map((r) => r.seed).join(', ')
  const head = [
    '## RBM on the digits (100 hidden units, persistent CD-1, learning rate 0.06, batch 10, 10 epochs)',
    '',
    `latentkit's RBM on TF.js ${backend} in Node (1 thread; \`sampler: 'pcd', gibbsSteps: 1, ` +
      `validationSplit: 0\`) beside scikit-learn's \`BernoulliRBM\` with the same settings, both ` +
      `trained on the same ${split.train.length} rows of one seeded split (80 %, rounded to whole batches; shuffled; ` +
      `${split.test.length} test rows), seeds ${seeds} on each side (mean ± standard deviation over ` +
      `seeds; differences: ours − scikit-learn's, ± their standard error). Pseudo-likelihood: scikit-learn's estimator (\`score_samples(X).mean()\`; ours the ` +
      'same: one random value per row flipped, −64 · softplus(F(v) − F(ṽ)) from `freeEnergy`), ' +
      `averaged over ${draws} flip draws on each side (one draw alone moves by up to about a nat). ` +
      "Accuracy: the documented example's `LogisticRegression(solver='newton-cg', tol=1, C=6000)` " +
      "(scikit-learn's) fitted on each RBM's `transform` of the training rows, scored on the test rows: " +
      'only the RBM differs. Ours reshuffles its rows every epoch; scikit-learn goes through them in ' +
      "the split's (shuffled) order. Time per epoch: ours includes the pseudo-likelihood the engine " +
      'records at every step.',
    '',
  ]
  if (typeof sklearn === 'string') {
    return [
      ...head,
      '| measure | latentkit | scikit-learn |',
      '|---|---|---|',
      `| pseudo-likelihood, training rows | ${show(pick(ours, 'pseudoLikelihoodTrain'), 2)} | ${sklearn} |`,
      `| pseudo-likelihood, test rows | ${show(pick(ours, 'pseudoLikelihoodTest'), 2)} | ${sklearn} |`,
      `| seconds per epoch | ${show(pick(ours, 'secondsPerEpoch'), 3)} | ${sklearn} |`,
      '',
    ]
  }
  const summary = compare(ours, sklearn.runs)
  const row = (label: string, key: 'train' | 'test'): string => {
    const { difference, standardError, relative, pass } = summary[key]
    return (
      `| ${label} | ${summary[key].ours} | ${summary[key].theirs} | ${signed(difference, 2)}${plusMinus(standardError, 1)} nat ` +
      `(${(100 * relative).toFixed(2)} %) | ${pass ? 'pass' : 'FAIL'} (within 2 %) |`
    )
  }
  const { accuracy, timeRatio } = summary
  return [
    ...head,
    `scikit-learn ${sklearn.version}, OMP_NUM_THREADS=1.`,
    '',
    '| measure | latentkit | scikit-learn | difference | target |',
    '|---|---|---|---|---|',
    row('pseudo-likelihood, training rows (nats / image)', 'train'),
    row('pseudo-likelihood, test rows', 'test'),
    `| test accuracy, RBM features + logistic regression | ${accuracy.ours} | ${accuracy.theirs} | ` +
      `${signed(100 * accuracy.difference, 2)}${plusMinus(accuracy.standardError, 100)} points | ` +
      `${accuracy.pass ? 'pass' : 'FAIL'} (≥ scikit-learn's) |`,
    `| test accuracy, raw pixels (same classifier, C = 100 as in the example) | — | ${sklearn.rawAccuracy.toFixed(4)} | | |`,
    `| seconds per epoch (${split.train.length} rows) | ${show(pick(ours, 'secondsPerEpoch'), 3)} | ` +
      `${show(pick(sklearn.runs, 'secondsPerEpoch'), 4)} | ${timeRatio.toFixed(1)} × | reported |`,
    '',
  ]
}
