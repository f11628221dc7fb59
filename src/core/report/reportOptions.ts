/**
 * The few-labels report's options, results and draws, TF-free (the main thread checks them before
 * anything is sent; the worker checks them again). For several encoders at once: linear-probe
 * accuracy on one held-out split with 1, 5, 10, 50 and all labels per class, each averaged over
 * several seeded draws of the labelled images, with its spread.
 */
import { InvalidInputError, InvalidOptionError, describeValue } from '../errors'
import { meanAndStandardError } from '../logSumExp'
import { checkPositiveInteger, checkPositiveNumber, checkSeed } from '../optionChecks'
import { deriveSeed, createRandom } from '../random'
import { probeLabels, type ProbeSplit } from '../probe/probeOptions'

/** Labelled images per class of one column of the report: a count, or `'all'` of them. */
export type LabelsPerClass = number | 'all'

/** The report's default columns: 1, 5, 10, 50 and all labels per class. */
export const DEFAULT_LABELS_PER_CLASS: readonly LabelsPerClass[] = [1, 5, 10, 50, 'all']

/** Options of the few-labels report. */
export interface ReportOptions {
  /**
   * The columns: labelled images per class to fit each probe on, drawn from the rows not held out.
   * Default `[1, 5, 10, 50, 'all']`. Every class must have at least that many rows outside the
   * held-out set (`INVALID_INPUT` naming the class otherwise).
   */
  readonly labelsPerClass?: readonly LabelsPerClass[]
  /** Draws of the labelled images per column (the `'all'` column needs one). Default `5`. */
  readonly draws?: number
  /** Seed of the held-out split and of the draws. Default `0`. */
  readonly seed?: number
  /** Fraction of each class held out to measure accuracy on, in (0, 1). Default `0.2`. */
  readonly testFraction?: number
  /** Inverse strength of the probe's L2 penalty, as scikit-learn's `LogisticRegression(C)`. Default `1`. */
  readonly C?: number
  /** Most full-batch optimisation steps per probe. Default `300`. */
  readonly maxIterations?: number
  /**
   * The names of the encoders to report, in this order (each must be one of those given;
   * `INVALID_OPTION` naming the known ones otherwise). Default: every encoder given, in its order.
   */
  readonly encoders?: readonly string[]
}

/** Resolved {@link ReportOptions}. */
export type ResolvedReportOptions = Required<Omit<ReportOptions, 'encoders'>> & {
  readonly encoders: readonly string[] | undefined
}

/** One encoder's features of every image, as the report takes them. */
export interface EncoderFeatures {
  /** The encoder's name: the row's label. */
  readonly name: string
  /** Its features, `[images, size]`, one row per label. */
  readonly features: { readonly data: Float32Array; readonly shape: readonly [number, number] }
}

/** One cell of the report: one encoder with one number of labels per class, over its draws. */
export interface ReportCell {
  /** The column. */
  readonly labelsPerClass: LabelsPerClass
  /** Rows each probe was fitted on. */
  readonly labelled: number
  /** Held-out accuracy of each draw, in [0, 1]. */
  readonly accuracies: readonly number[]
  /** Mean of {@link ReportCell.accuracies}. */
  readonly mean: number
  /** Its standard error (sample deviation / √draws; 0 for one draw). */
  readonly standardError: number
  /** Lowest accuracy of the draws. */
  readonly min: number
  /** Highest accuracy of the draws. */
  readonly max: number
}

/** One encoder's row of the report. */
export interface ReportRow {
  /** The encoder's name. */
  readonly encoder: string
  /** Values per feature vector. */
  readonly featureSize: number
  /** One cell per column measured so far, in the order of the columns. */
  readonly cells: readonly ReportCell[]
}

/** The few-labels report. */
export interface FewLabelsReport {
  /** The columns, in order. */
  readonly labelsPerClass: readonly LabelsPerClass[]
  /** One row per encoder, in order. */
  readonly rows: readonly ReportRow[]
  /** Draws per column (the `'all'` column has one). */
  readonly draws: number
  /** Held-out images every probe is scored on. */
  readonly testCount: number
  /** The distinct labels, ascending. */
  readonly classes: readonly number[]
}

/** Progress of a report: the row being measured, with the cells done so far. */
export interface ReportProgress {
  /** The row of the encoder being measured (its cells so far). */
  readonly row: ReportRow
  /** Cells measured, of {@link ReportProgress.total}. */
  readonly done: number
  /** Cells to measure in this call. */
  readonly total: number
}

/** Checks and fills in the defaults (`INVALID_OPTION` naming the option). */
export function resolveReportOptions(options: ReportOptions | undefined): ResolvedReportOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidOptionError(
      `report options must be an object such as { draws: 5 }; got ${describeValue(options)}`,
    )
  }
  const {
    labelsPerClass = DEFAULT_LABELS_PER_CLASS,
    draws = 5,
    seed = 0,
    testFraction = 0.2,
    C = 1,
    maxIterations = 300,
    encoders,
  } = options ?? {}
  if (!Array.isArray(labelsPerClass) || labelsPerClass.length === 0) {
    throw new InvalidOptionError(
      `labelsPerClass must be a non-empty array of counts or 'all', such as [1, 10, 'all']; got ${describeValue(labelsPerClass)}`,
      { option: 'labelsPerClass' },
    )
  }
  for (const column of labelsPerClass as readonly unknown[]) {
    if (column !== 'all' && !(Number.isInteger(column) && (column as number) > 0)) {
      throw new InvalidOptionError(
        `labelsPerClass holds ${describeValue(column)}; each entry must be a whole number ≥ 1 or 'all'`,
        { option: 'labelsPerClass' },
      )
    }
  }
  checkPositiveInteger(draws, 'draws', 'Try 5.')
  checkSeed(seed)
  if (!(Number.isFinite(testFraction) && testFraction > 0 && testFraction < 1)) {
    throw new InvalidOptionError(
      `testFraction must be a number in (0, 1); got ${describeValue(testFraction)}. Try 0.2.`,
      { option: 'testFraction' },
    )
  }
  checkPositiveNumber(C, 'C', 'Try 1 (smaller regularises more).')
  checkPositiveInteger(maxIterations, 'maxIterations', 'Try 300.')
  if (
    encoders !== undefined &&
    !(Array.isArray(encoders) && encoders.every((name) => typeof name === 'string'))
  ) {
    throw new InvalidOptionError(
      `encoders must be an array of encoder names; got ${describeValue(encoders)}`,
      { option: 'encoders' },
    )
  }
  return {
    labelsPerClass: [...labelsPerClass],
    draws,
    seed,
    testFraction,
    C,
    maxIterations,
    encoders,
  }
}

/**
 * The names to report, in order: `selected` (each one of `available`; `INVALID_OPTION` naming the
 * known ones otherwise), or every available name. `INVALID_INPUT` for an empty or repeated name.
 */
export function selectEncoders(
  available: readonly string[],
  selected: readonly string[] | undefined,
): readonly string[] {
  const seen = new Set<string>()
  for (const name of available) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidInputError(
        `every encoder needs a non-empty name; got ${describeValue(name)}`,
      )
    }
    if (seen.has(name)) {
      throw new InvalidInputError(
        `two encoders are named '${name}'; give each encoder its own name (it labels its row)`,
      )
    }
    seen.add(name)
  }
  if (selected === undefined) return available
  for (const name of selected) {
    if (!seen.has(name)) {
      throw new InvalidOptionError(
        `unknown encoder '${name}'; the encoders given are ${available.map((a) => `'${a}'`).join(', ') || 'none'}`,
        { option: 'encoders', encoder: name },
      )
    }
  }
  return selected
}

/** The held-out rows, and per class the rows the labelled images are drawn from. */
export interface ReportSplit {
  /** The distinct labels, ascending. */
  readonly classes: Int32Array
  /** Held-out rows (every probe is scored on them). */
  readonly test: Int32Array
  /** Per class (in the order of `classes`), the rows outside the held-out set. */
  readonly pool: readonly Int32Array[]
}

/**
 * Checks `labels` (one integer ≥ 0 per image: `SHAPE_MISMATCH` for the wrong length,
 * `INVALID_INPUT` otherwise) and splits them: of each class, `round(testFraction · count)` rows (at
 * least one) are held out, seeded. `INVALID_INPUT` naming the class when a class has fewer rows left
 * than the largest column asks for, or fewer than two classes.
 */
export function reportSplit(
  labels: unknown,
  rows: number,
  options: Pick<ResolvedReportOptions, 'seed' | 'testFraction' | 'labelsPerClass'>,
): ReportSplit {
  const checked = probeLabels(labels, rows)
  const byClass = new Map<number, number[]>()
  checked.forEach((label, row) => {
    const list = byClass.get(label)
    if (list) list.push(row)
    else byClass.set(label, [row])
  })
  const classes = Int32Array.from([...byClass.keys()].sort((a, b) => a - b))
  if (classes.length < 2) {
    throw new InvalidInputError(
      `the report needs at least two classes; the labels have ${classes.length}. Pass labels of several classes`,
    )
  }
  const most = Math.max(...options.labelsPerClass.map((column) => (column === 'all' ? 1 : column)))
  const random = createRandom(options.seed)
  const test: number[] = []
  const pool: Int32Array[] = []
  for (const label of classes) {
    const classRows = byClass.get(label) as number[]
    const order = random.permutation(classRows.length)
    const held = Math.max(1, Math.round(options.testFraction * classRows.length))
    const left = classRows.length - held
    if (left < most) {
      throw new InvalidInputError(
        `class ${label} has ${classRows.length} image(s): ${held} held out leaves ${left} to draw labels from, but ${most} labels per class were asked. Ask for at most ${left} labels per class, or pass more images of class ${label}`,
        { class: label, available: left, asked: most },
      )
    }
    for (let i = 0; i < held; i++) test.push(classRows[order[i] as number] as number)
    pool.push(
      Int32Array.from(
        Array.from(order.subarray(held), (index) => classRows[index] as number),
      ).sort(),
    )
  }
  return { classes, test: Int32Array.from(test), pool }
}

/**
 * The probe split of draw `draw` of column `labelsPerClass`: exactly that many rows of each class,
 * drawn (seeded by `seed`, the column and the draw) from the class's pool, or the whole pool for
 * `'all'`.
 */
export function drawLabelled(
  split: ReportSplit,
  labelsPerClass: LabelsPerClass,
  seed: number,
  draw: number,
): ProbeSplit {
  const train: number[] = []
  const column = labelsPerClass === 'all' ? 0 : labelsPerClass
  const random = createRandom(deriveSeed(deriveSeed(seed, 1 + column), 1 + draw))
  for (const rows of split.pool) {
    if (labelsPerClass === 'all') {
      train.push(...rows)
      continue
    }
    const order = random.permutation(rows.length)
    for (let i = 0; i < labelsPerClass; i++) train.push(rows[order[i] as number] as number)
  }
  return { classes: split.classes, train: Int32Array.from(train), test: split.test }
}

/** Draws of column `labelsPerClass`: one for `'all'` (every draw would be the same). */
export function drawsOf(labelsPerClass: LabelsPerClass, draws: number): number {
  return labelsPerClass === 'all' ? 1 : draws
}

/** A cell from its draws' accuracies. */
export function reportCell(
  labelsPerClass: LabelsPerClass,
  labelled: number,
  accuracies: readonly number[],
): ReportCell {
  const { mean, standardError } = meanAndStandardError(accuracies)
  return {
    labelsPerClass,
    labelled,
    accuracies,
    mean,
    standardError,
    min: Math.min(...accuracies),
    max: Math.max(...accuracies),
  }
}
