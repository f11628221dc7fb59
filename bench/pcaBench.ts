/**
 * PCA part of `npm run bench` (Node): latentkit's PCA on the embedded digits beside scikit-learn's
 * `PCA` on the very same array (written as float32, fitted as float64 there): the largest
 * difference of explained-variance ratios, the largest difference of components up to sign, and the
 * fit times as a ratio. Exact (`full`, all 64 components) and randomized (16 components).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PCA } from '../src/core/pca/engine/pca'
import type { PCAChosenSolver } from '../src/core/pca/pcaOptions'
import type { PCAComponentsView } from '../src/core/pca/pcaSpec'
import { loadDigits } from '../src/data/digits'
import { pickNodeBackend, runSklearnScript } from './sklearnScript'

/** One configuration compared. */
interface PCAConfig {
  readonly k: number
  readonly solver: PCAChosenSolver
  /**
   * Leading components compared up to sign: beyond them the digits' spectrum has (near-)equal
   * eigenvalues — the constant border pixels give a zero eigenvalue several times over — whose
   * eigenvectors no two solvers need agree on.
   */
  readonly compared: number
}

const CONFIGS: readonly PCAConfig[] = [
  { k: 64, solver: 'full', compared: 32 },
  { k: 16, solver: 'randomized', compared: 16 },
]
const SEED = 0

interface SklearnResult {
  readonly k: number
  readonly solver: string
  readonly seconds: number
  readonly explainedVarianceRatio: number[]
  readonly components: number[]
}

interface SklearnReply {
  readonly version: string
  readonly results: SklearnResult[]
}

/** One configuration's comparison. */
export interface PCABenchRow {
  readonly k: number
  readonly solver: PCAChosenSolver
  readonly compared: number
  readonly seconds: number
  readonly sklearnSeconds: number | undefined
  readonly maxRatioDifference: number | undefined
  readonly maxComponentDifference: number | undefined
  /** scikit-learn's own randomized solver against its exact one (randomized rows only). */
  readonly sklearnRatioDifference: number | undefined
  readonly sklearnComponentDifference: number | undefined
  readonly explainedBy: number
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** Fits `config` `repeats` times; the median time and the last fit's view. */
async function latentkitFit(
  config: PCAConfig,
  repeats: number,
): Promise<{ seconds: number; view: PCAComponentsView }> {
  const { images } = loadDigits()
  const times: number[] = []
  let view: PCAComponentsView | undefined
  for (let r = 0; r < repeats; r++) {
    const model = new PCA({ nComponents: config.k, solver: config.solver, seed: SEED })
    try {
      const started = performance.now()
      await model.fit(images, { batchSize: 512 })
      times.push((performance.now() - started) / 1000)
      view = model.componentsView()
    } finally {
      model.dispose()
    }
  }
  return { seconds: median(times), view: view as PCAComponentsView }
}

function sklearnFits(repeats: number): SklearnReply | string {
  const { images } = loadDigits()
  const configs = CONFIGS.map((c) => `${c.k}:${c.solver}:${SEED}`).join(',')
  return runSklearnScript<SklearnReply>('sklearn_pca.py', 'latentkit-pca-', (folder) => {
    const dataFile = join(folder, 'digits.f32')
    writeFileSync(dataFile, Buffer.from(images.data.buffer, 0, images.data.byteLength))
    return [dataFile, String(images.shape[0]), '64', configs, String(repeats)]
  })
}

/** Largest |a − b| over the first `count` rows of `size` values, each row up to its sign. */
function componentDifference(
  ours: ArrayLike<number>,
  theirs: ArrayLike<number>,
  count: number,
  size: number,
): number {
  let worst = 0
  for (let row = 0; row < count; row++) {
    let plus = 0
    let minus = 0
    for (let i = row * size; i < (row + 1) * size; i++) {
      plus = Math.max(plus, Math.abs((ours[i] as number) - (theirs[i] as number)))
      minus = Math.max(minus, Math.abs((ours[i] as number) + (theirs[i] as number)))
    }
    worst = Math.max(worst, Math.min(plus, minus))
  }
  return worst
}

/** Largest |a − b| over the first `count` ratios. */
function ratioDifference(
  ours: ArrayLike<number>,
  theirs: ArrayLike<number>,
  count: number,
): number {
  let worst = 0
  for (let i = 0; i < count; i++) {
    worst = Math.max(worst, Math.abs((ours[i] as number) - (theirs[i] as number)))
  }
  return worst
}

const exponent = (value: number | undefined): string =>
  value === undefined ? '—' : value.toExponential(1)

const bracket = (value: number | undefined): string =>
  value === undefined ? '' : ` (${exponent(value)})`

/** Runs the PCA bench; `quick` times one fit per side instead of the median of 5. */
export async function runPCABench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  const repeats = options.quick ? 1 : 5
  const backend = await pickNodeBackend()
  const sklearn = sklearnFits(repeats)
  const rows: PCABenchRow[] = []
  // The exact reference: scikit-learn's full SVD; every row (randomized too) is compared with it.
  const exact =
    typeof sklearn === 'string' ? undefined : sklearn.results.find((r) => r.solver === 'full')
  for (const config of CONFIGS) {
    const { seconds, view } = await latentkitFit(config, repeats)
    const same =
      typeof sklearn === 'string'
        ? undefined
        : sklearn.results.find((r) => r.k === config.k && r.solver === config.solver)
    const against = (ratios: ArrayLike<number>, components: ArrayLike<number>) =>
      exact && {
        ratio: ratioDifference(ratios, exact.explainedVarianceRatio, config.k),
        component: componentDifference(components, exact.components, config.compared, 64),
      }
    const ours = against(view.explainedVarianceRatio, view.components.data)
    const theirs =
      config.solver === 'full' || !same
        ? undefined
        : against(same.explainedVarianceRatio, same.components)
    rows.push({
      k: config.k,
      solver: config.solver,
      compared: config.compared,
      seconds,
      sklearnSeconds: same?.seconds,
      maxRatioDifference: ours?.ratio,
      maxComponentDifference: ours?.component,
      sklearnRatioDifference: theirs?.ratio,
      sklearnComponentDifference: theirs?.component,
      explainedBy: view.explainedVarianceRatio.reduce((sum, r) => sum + r, 0),
    })
  }
  const reference =
    typeof sklearn === 'string' ? `scikit-learn ${sklearn}` : `scikit-learn ${sklearn.version}`
  const markdown = [
    '## PCA on the digits',
    '',
    `latentkit on TF.js ${backend} in Node (1 thread; covariance streamed in batches of 512, ` +
      `eigendecomposition by ml-matrix in float64) beside ${reference} \`PCA\` on the same 1,797 × 64 ` +
      `array (float64 there, 1 thread); times are medians of ${repeats}. Differences are against ` +
      "scikit-learn's exact (full SVD) PCA; components are compared up to sign over the leading ones " +
      '(the digits have repeated zero eigenvalues beyond them, whose eigenvectors are arbitrary). ' +
      "For the randomized row, scikit-learn's own randomized solver against its exact one is in " +
      'brackets.',
    '',
    '| components | solver | variance explained | max \\|EVR difference\\| | max component difference (up to sign) | latentkit (ms) | scikit-learn (ms) | latentkit / scikit-learn |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.k} (first ${row.compared} compared) | ${row.solver} | ${(100 * row.explainedBy).toFixed(1)} % | ` +
        `${exponent(row.maxRatioDifference)}${bracket(row.sklearnRatioDifference)} | ` +
        `${exponent(row.maxComponentDifference)}${bracket(row.sklearnComponentDifference)} | ` +
        `${(row.seconds * 1000).toFixed(1)} | ` +
        `${row.sklearnSeconds === undefined ? 'not here' : (row.sklearnSeconds * 1000).toFixed(1)} | ` +
        `${row.sklearnSeconds === undefined ? '—' : `${(row.seconds / row.sklearnSeconds).toFixed(1)}×`} |`,
    ),
    '',
    typeof sklearn === 'string'
      ? `scikit-learn: ${sklearn}; its columns are skipped.`
      : `Target: EVR equal to scikit-learn's to 1e-4 — ${rows.every((r) => (r.maxRatioDifference ?? 1) <= 1e-4) ? 'met' : 'NOT met'}; components equal up to sign (1e-3) — ${rows.every((r) => (r.maxComponentDifference ?? 1) <= 1e-3) ? 'met' : 'NOT met'}.`,
    '',
  ]
  return {
    json: { backend, sklearn: typeof sklearn === 'string' ? sklearn : sklearn.version, rows },
    markdown,
  }
}
