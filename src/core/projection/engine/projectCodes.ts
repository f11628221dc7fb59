/**
 * Projects codes to 2-D in the worker (or Node): PCA through the PCA family's own model (so the map
 * is exactly what `usePCA` with two components would give), and UMAP (umap-js's algorithm and
 * arithmetic, in typed arrays and time slices: `fuzzyGraph.ts`, `umapLayout.ts`).
 */
import type { LatentBatch } from '../../dataset'
import { createRandom } from '../../random'
import { PCA } from '../../pca/engine/pca'
import { nearestNeighbours } from './nearestNeighbors'
import { fuzzyGraph } from './fuzzyGraph'
import { fitCurve } from './umapCurve'
import { UMAPLayout, defaultEpochs } from './umapLayout'
import { createTimeSlicer } from './timeSlice'
import {
  checkCodes,
  resolveProjectionOptions,
  type CodesInput,
  type Projection,
  type ProjectionOptions,
  type ProjectionProgress,
  type ResolvedProjectionOptions,
} from '../projectionOptions'

/** Progress reports at most this often (the worker's habit: about 10 per second). */
const PROGRESS_INTERVAL_MS = 100

/** Codes as images of one row each, the shape the PCA family fits. */
function asImages(codes: LatentBatch) {
  const [n, d] = codes.shape
  return { data: codes.data, shape: [n, 1, d, 1] as const }
}

/** The two leading principal components of `codes` (one axis, and zeros, for one-column codes). */
async function projectPCA(codes: LatentBatch): Promise<Projection> {
  const [n, d] = codes.shape
  const kept = Math.min(2, d)
  const pca = new PCA({ nComponents: kept, solver: 'full' })
  try {
    await pca.fit(asImages(codes), { epochs: 1, batchSize: Math.min(n, 4096) })
    const projected = await pca.transform(asImages(codes))
    const ratio = pca.componentsView().explainedVarianceRatio
    const points = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) {
      points[2 * i] = projected.data[i * kept] as number
      points[2 * i + 1] = kept === 2 ? (projected.data[i * kept + 1] as number) : 0
    }
    const explainedVarianceRatio = new Float32Array(2)
    explainedVarianceRatio.set(ratio.subarray(0, kept))
    return { points, count: n, method: 'pca', explainedVarianceRatio }
  } finally {
    pca.dispose()
  }
}

/** How long the last progress report may take to be answered before the result goes anyway. */
const DELIVERY_WAIT_MS = 1000

/**
 * Waits until a progress report sent through a Comlink proxy (whose call returns a promise) has been
 * taken on the other side, for at most {@link DELIVERY_WAIT_MS}: the report crosses on the proxy's
 * own port and the result on the worker's, and under load the result could overtake it, leaving the
 * caller's last progress short of the end. A plain callback's answer is not waited for.
 */
async function delivered(answer: unknown): Promise<void> {
  if (!(answer instanceof Promise)) return
  let timer: ReturnType<typeof setTimeout> | undefined
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, DELIVERY_WAIT_MS)
  })
  await Promise.race([
    answer.then(
      () => undefined,
      () => undefined,
    ),
    waited,
  ])
  clearTimeout(timer)
}

/** Progress reports to a caller's callback, throttled, with the callback's failures kept. */
interface ProgressReporter {
  /** Reports `progress` unless one went out less than 0.1 s ago and it is not the last: the answer. */
  report(progress: ProjectionProgress, last: boolean): unknown
  /** Waits for the last report's answer (see {@link delivered}), then throws a callback's failure. */
  finish(answer: unknown): Promise<void>
}

/**
 * A reporter to `onProgress`. A callback that throws throws from `report`; a Comlink proxy's, whose
 * callback threw on the page, answers with a rejected promise instead, which throws at the next
 * report or at `finish`. Either way the projection rejects with the callback's error, and nothing
 * is left unhandled.
 */
function progressReporter(
  onProgress: ((progress: ProjectionProgress) => void) | undefined,
): ProgressReporter {
  let lastReport = 0
  let failure: { error: unknown } | undefined
  const throwFailure = (): void => {
    if (failure) throw failure.error
  }
  return {
    report(progress, last) {
      throwFailure()
      const now = Date.now()
      if (!last && now - lastReport < PROGRESS_INTERVAL_MS) return undefined
      lastReport = now
      const answer: unknown = onProgress?.(progress)
      if (answer instanceof Promise) {
        answer.catch((error: unknown) => {
          failure ??= { error }
        })
      }
      return answer
    },
    async finish(answer) {
      await delivered(answer)
      throwFailure()
    },
  }
}

/**
 * A UMAP layout of `codes`, reporting its phases: exact neighbours on TF.js in blocks, then the
 * fuzzy graph and the layout in typed arrays. Every stretch of work yields within about
 * `SLICE_BUDGET_MS` (50 ms), so the worker answers its heartbeat however many rows there are.
 */
async function projectUMAP(
  codes: LatentBatch,
  options: ResolvedProjectionOptions,
  onProgress: ((progress: ProjectionProgress) => void) | undefined,
): Promise<Projection> {
  const [n] = codes.shape
  const random = createRandom(options.seed)
  const epochs = options.epochs ?? defaultEpochs(n)
  const { report, finish } = progressReporter(onProgress)
  const knn = await nearestNeighbours(codes, options.nNeighbors, (rows) => {
    report({ phase: 'neighbours', rows, epoch: 0, epochs }, false)
  })
  // While the graph is built and within epochs, each yield repeats where the work is (at most 10
  // reports a second), so the caller hears from the worker about every 0.1 s.
  let current: ProjectionProgress = { phase: 'neighbours', rows: n, epoch: 0, epochs }
  const slicer = createTimeSlicer(undefined, undefined, () => {
    report(current, false)
  })
  const graph = await fuzzyGraph(knn, epochs, slicer)
  const layout = new UMAPLayout(graph, {
    epochs,
    curve: fitCurve(options.minDist),
    random: () => random.uniform(),
  })
  while (layout.epochsDone < epochs) {
    const epoch = await layout.epoch(slicer)
    current = { phase: 'layout', rows: n, epoch, epochs }
    const answer = report(current, epoch >= epochs)
    if (epoch >= epochs) await finish(answer)
  }
  const points = Float32Array.from(layout.embedding)
  return { points, count: n, method: 'umap' }
}

/**
 * A 2-D map of `codes` (`[n, d]`, or one array per row): the two leading principal components, or a
 * UMAP layout. Bad codes or options throw typed errors before any work starts (`INVALID_OPTION`,
 * `INVALID_INPUT` for too few rows, `SHAPE_MISMATCH`, `NON_FINITE_INPUT`). Holds no tensor once it
 * settles.
 *
 * ```ts
 * const { data, shape } = await vae.encode(images)
 * const map = await projectCodes({ data, shape }, { method: 'umap' }, (p) => console.log(p.epoch))
 * ```
 */
export async function projectCodes(
  codes: CodesInput,
  options: ProjectionOptions = {},
  onProgress?: (progress: ProjectionProgress) => void,
): Promise<Projection> {
  const resolved = resolveProjectionOptions(options)
  const batch = checkCodes(codes, resolved)
  if (resolved.method === 'umap') return projectUMAP(batch, resolved, onProgress)
  const projection = await projectPCA(batch)
  const { report, finish } = progressReporter(onProgress)
  await finish(report({ phase: 'layout', rows: batch.shape[0], epoch: 1, epochs: 1 }, true))
  return projection
}
