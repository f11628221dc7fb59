/**
 * The few-labels report's engine: for several encoders' features of the same labelled images,
 * linear-probe accuracy on one seeded held-out split with 1, 5, 10, 50 and all labels per class,
 * each averaged over seeded draws of the labelled images (exactly n per class). Runs wherever TF.js
 * runs: in the worker behind `useRepresentationReport`, in Node for the bench.
 */
import { assertFinite, type ImageBatch, type LatentBatch } from '../../dataset'
import { InvalidInputError, ShapeMismatchError, describeValue } from '../../errors'
import { checkRows, hostLimit } from '../../engine/memoryBudget'
import { fitProbeOnSplit } from '../../probe/engine/linearProbe'
import {
  drawLabelled,
  drawsOf,
  reportCell,
  reportSplit,
  resolveReportOptions,
  selectEncoders,
  type EncoderFeatures,
  type FewLabelsReport,
  type ReportCell,
  type ReportOptions,
  type ReportProgress,
  type ReportRow,
} from '../reportOptions'

/** An encoder as the report takes it in Node: a name and a function from images to features. */
export interface ReportEncoder {
  /** The encoder's name: the row's label. */
  readonly name: string
  /** Features of `images`, `[images, size]`. */
  encode(images: ImageBatch): Promise<LatentBatch> | LatentBatch
}

/** `features` checked against the label count (`SHAPE_MISMATCH`, `NON_FINITE_INPUT`, `INVALID_INPUT`). */
function checkedFeatures(encoder: EncoderFeatures, rows: number): LatentBatch {
  const features = encoder.features as Partial<LatentBatch> | null
  const shape = features?.shape
  if (
    typeof features !== 'object' ||
    features === null ||
    !(features.data instanceof Float32Array) ||
    !Array.isArray(shape) ||
    shape.length !== 2
  ) {
    throw new InvalidInputError(
      `encoder '${encoder.name}' gave ${describeValue(features)}; an encoder must give { data: Float32Array, shape: [images, size] }`,
    )
  }
  const [count, size] = shape as [number, number]
  if (count !== rows || features.data.length !== count * size || !(size > 0)) {
    throw new ShapeMismatchError(
      `encoder '${encoder.name}' gave ${count} feature rows (${features.data.length} values, size ${size}) for ${rows} labels; it must give one row per image`,
      { expected: [rows], actual: [count] },
    )
  }
  assertFinite(features.data, `encoder '${encoder.name}' features`)
  checkRows(
    {
      what: 'report row count',
      actual: rows,
      owner: 'the report’s',
      advice: (most) => `report on at most ${most} images, or fewer features per image`,
    },
    hostLimit(size + 16),
  )
  return features as LatentBatch
}

/**
 * The report for `encoders` (their features of the same images, one row per entry of `labels`).
 * `onProgress` hears of every cell as it completes. `SHAPE_MISMATCH` for labels or features of the
 * wrong length, `INVALID_INPUT` for a class with too few images for the columns asked (naming it),
 * `INVALID_OPTION` for bad options or an unknown encoder name in `options.encoders`. Leaves no
 * tensor behind.
 */
export async function fewLabelsReport(
  encoders: readonly EncoderFeatures[],
  labels: ArrayLike<number>,
  options?: ReportOptions,
  onProgress?: (progress: ReportProgress) => void,
): Promise<FewLabelsReport> {
  const resolved = resolveReportOptions(options)
  if (!Array.isArray(encoders)) {
    throw new InvalidInputError(
      `encoders must be an array of { name, features }; got ${describeValue(encoders)}`,
    )
  }
  const names = selectEncoders(
    encoders.map((e: EncoderFeatures | undefined) => e?.name as string),
    resolved.encoders,
  )
  const rows = (labels as { length?: unknown } | null)?.length
  const split = reportSplit(labels, typeof rows === 'number' ? rows : -1, resolved)
  const chosen = names.map((name) => {
    const encoder = encoders.find((e) => e.name === name) as EncoderFeatures
    return { name, features: checkedFeatures(encoder, rows as number) }
  })
  const columns = resolved.labelsPerClass
  const perRow = columns.reduce<number>((sum, column) => sum + drawsOf(column, resolved.draws), 0)
  const total = perRow * chosen.length
  let done = 0
  const out: ReportRow[] = []
  for (const { name, features } of chosen) {
    const cells: ReportCell[] = []
    for (const column of columns) {
      const accuracies: number[] = []
      let labelled = 0
      for (let draw = 0; draw < drawsOf(column, resolved.draws); draw++) {
        const probeSplit = drawLabelled(split, column, resolved.seed, draw)
        labelled = probeSplit.train.length
        const result = await fitProbeOnSplit(features, labels, probeSplit, resolved)
        accuracies.push(result.accuracy)
        done += 1
      }
      cells.push(reportCell(column, labelled, accuracies))
      onProgress?.({
        row: { encoder: name, featureSize: features.shape[1], cells: [...cells] },
        done,
        total,
      })
    }
    out.push({ encoder: name, featureSize: features.shape[1], cells })
  }
  return {
    labelsPerClass: columns,
    rows: out,
    draws: resolved.draws,
    testCount: split.test.length,
    classes: Array.from(split.classes),
  }
}

/**
 * Encodes `images` with every encoder (in order) and reports on their features: the report in one
 * call where the encoders live beside it (Node, the bench). Errors as {@link fewLabelsReport}.
 */
export async function encodeAndReport(
  images: ImageBatch,
  labels: ArrayLike<number>,
  encoders: readonly ReportEncoder[],
  options?: ReportOptions,
  onProgress?: (progress: ReportProgress) => void,
): Promise<FewLabelsReport> {
  const resolved = resolveReportOptions(options)
  const names = selectEncoders(
    encoders.map((e) => e.name),
    resolved.encoders,
  )
  const features: EncoderFeatures[] = []
  for (const name of names) {
    const encoder = encoders.find((e) => e.name === name) as ReportEncoder
    features.push({ name, features: await encoder.encode(images) })
  }
  return fewLabelsReport(features, labels, options, onProgress)
}
