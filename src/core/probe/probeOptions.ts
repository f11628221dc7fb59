/**
 * The linear probe's options, labels and split, TF-free (the main thread checks them before anything
 * is sent; the worker checks them again). How useful are a model's features when labels are few: a
 * seeded, stratified held-out split, and a few labelled examples per class to fit on.
 */
import { InvalidInputError, InvalidOptionError, ShapeMismatchError, describeValue } from '../errors'
import { checkPositiveInteger, checkPositiveNumber, checkSeed } from '../optionChecks'
import { createRandom } from '../random'

/** Options of a linear probe. */
export interface ProbeOptions {
  /**
   * Labelled examples per class to fit on, drawn (seeded) from the rows not held out. Default: all of
   * them. A class with fewer rows uses what it has.
   */
  readonly labelsPerClass?: number
  /** Fraction of each class held out to measure accuracy on, in (0, 1). Default 0.2. */
  readonly testFraction?: number
  /** Seed of the split and the draw of labelled examples. Default 0. */
  readonly seed?: number
  /**
   * Inverse strength of the L2 penalty, as scikit-learn's `LogisticRegression(C)`: the loss is the
   * mean cross-entropy plus `‖W‖² / (2 · C · rows)`. Default 1.
   */
  readonly C?: number
  /** Most full-batch optimisation steps. Default 300. */
  readonly maxIterations?: number
}

/** What a linear probe measured. */
export interface ProbeResult {
  /** Fraction of held-out rows classified right, in [0, 1]. */
  readonly accuracy: number
  /** Held-out accuracy per class, in the order of `classes`. */
  readonly classAccuracy: Float32Array
  /** The distinct labels, ascending. */
  readonly classes: Int32Array
  /** Rows fitted on. */
  readonly trainCount: number
  /** Rows held out. */
  readonly testCount: number
  /** Values per feature vector. */
  readonly featureSize: number
  /** Mean cross-entropy on the rows fitted on, at the end (nats). */
  readonly trainLoss: number
}

/** Resolved options. */
export type ResolvedProbeOptions = Required<Omit<ProbeOptions, 'labelsPerClass'>> & {
  readonly labelsPerClass: number | undefined
}

/** Checks and fills in the defaults (`INVALID_OPTION` naming the option). */
export function resolveProbeOptions(options: ProbeOptions | undefined): ResolvedProbeOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidOptionError(
      `probe options must be an object such as { labelsPerClass: 10 }; got ${describeValue(options)}`,
    )
  }
  const { labelsPerClass, testFraction = 0.2, seed = 0, C = 1, maxIterations = 300 } = options ?? {}
  checkPositiveInteger(labelsPerClass, 'labelsPerClass', 'Try 1, 10 or 100; leave it out for all.')
  if (!(Number.isFinite(testFraction) && testFraction > 0 && testFraction < 1)) {
    throw new InvalidOptionError(
      `testFraction must be a number in (0, 1); got ${describeValue(testFraction)}. Try 0.2.`,
      { option: 'testFraction' },
    )
  }
  checkSeed(seed)
  checkPositiveNumber(C, 'C', 'Try 1 (smaller regularises more).')
  checkPositiveInteger(maxIterations, 'maxIterations', 'Try 300.')
  return { labelsPerClass, testFraction, seed, C, maxIterations }
}

/** Labels as the probe takes them: one integer ≥ 0 per row (`INVALID_INPUT`, `SHAPE_MISMATCH`). */
export function probeLabels(labels: unknown, rows: number): Int32Array {
  const list = labels as ArrayLike<unknown> | null
  const arrayLike =
    Array.isArray(labels) || (ArrayBuffer.isView(labels) && !(labels instanceof DataView)) || false
  if (!arrayLike || list === null) {
    throw new InvalidInputError(
      `labels must be an array (or typed array) of class numbers, one per image; got ${describeValue(labels)}`,
    )
  }
  if (list.length !== rows) {
    throw new ShapeMismatchError(
      `labels has ${list.length} entries for ${rows} images; pass one label per image`,
      { expected: [rows], actual: [list.length] },
    )
  }
  const out = new Int32Array(rows)
  for (let i = 0; i < rows; i++) {
    const label = list[i]
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label > 65535) {
      throw new InvalidInputError(
        `labels must be integers from 0 to 65535; entry ${i} is ${describeValue(label)}`,
      )
    }
    out[i] = label
  }
  return out
}

/** The rows to fit on and the rows held out, and the classes. */
export interface ProbeSplit {
  readonly classes: Int32Array
  readonly train: Int32Array
  readonly test: Int32Array
}

/**
 * A stratified, seeded split: of each class, `round(testFraction · count)` rows (at least one)
 * are held out; of the rest, `labelsPerClass` (all when undefined) are fitted on. `INVALID_INPUT`
 * when fewer than two classes have a row on each side.
 */
export function splitForProbe(labels: Int32Array, options: ResolvedProbeOptions): ProbeSplit {
  const byClass = new Map<number, number[]>()
  labels.forEach((label, row) => {
    const rows = byClass.get(label)
    if (rows) rows.push(row)
    else byClass.set(label, [row])
  })
  const classes = Int32Array.from([...byClass.keys()].sort((a, b) => a - b))
  const random = createRandom(options.seed)
  const train: number[] = []
  const test: number[] = []
  let usable = 0
  for (const label of classes) {
    const rows = byClass.get(label) as number[]
    const order = random.permutation(rows.length)
    const held = rows.length < 2 ? 0 : Math.max(1, Math.round(options.testFraction * rows.length))
    const fit = Math.min(options.labelsPerClass ?? Infinity, rows.length - held)
    for (let i = 0; i < held; i++) test.push(rows[order[i] as number] as number)
    for (let i = held; i < held + fit; i++) train.push(rows[order[i] as number] as number)
    if (held > 0 && fit > 0) usable += 1
  }
  if (usable < 2) {
    throw new InvalidInputError(
      `a probe needs at least two classes with two or more images each; the labels have ${classes.length} class(es) and ${usable} usable`,
    )
  }
  return { classes, train: Int32Array.from(train), test: Int32Array.from(test) }
}
