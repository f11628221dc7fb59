/**
 * Projects codes to 2-D in the worker (or Node): PCA through the PCA family's own model (so the map
 * is exactly what `usePCA` with two components would give), and UMAP through umap-js, imported only
 * when asked for so it stays out of every bundle that never projects with UMAP.
 */
import type { LatentBatch } from '../../dataset'
import { createRandom } from '../../random'
import { PCA } from '../../pca/engine/pca'
import { nearestNeighbours } from './nearestNeighbors'
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

/** Lets other messages (a progress report, a ping) through between layout epochs. */
const yieldToEvents = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** A UMAP layout of `codes` (umap-js, seeded), reporting its epochs. */
async function projectUMAP(
  codes: LatentBatch,
  options: ResolvedProjectionOptions,
  onProgress: ((progress: ProjectionProgress) => void) | undefined,
): Promise<Projection> {
  const { UMAP } = await import('umap-js')
  const [n, d] = codes.shape
  const rows: number[][] = []
  for (let i = 0; i < n; i++) rows.push(Array.from(codes.data.subarray(i * d, (i + 1) * d)))
  const random = createRandom(options.seed)
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: options.nNeighbors,
    minDist: options.minDist,
    ...(options.epochs !== undefined ? { nEpochs: options.epochs } : {}),
    random: () => random.uniform(),
  })
  // umap-js's own choice when not given: 500 epochs up to 10,000 rows, else 200.
  const planned = options.epochs ?? (n <= 10_000 ? 500 : 200)
  let lastReport = 0
  const report = (progress: ProjectionProgress, last: boolean): boolean => {
    const now = Date.now()
    if (!last && now - lastReport < PROGRESS_INTERVAL_MS) return false
    lastReport = now
    onProgress?.(progress)
    return true
  }
  // Exact neighbours on TF.js in blocks (yielding between them) instead of umap-js's nn-descent,
  // which runs in one synchronous call: on 20,000 rows long enough for the worker to look hung.
  const knn = await nearestNeighbours(codes, options.nNeighbors, (rows) =>
    report({ phase: 'neighbours', rows, epoch: 0, epochs: planned }, false),
  )
  umap.setPrecomputedKNN(knn.indices, knn.distances)
  const epochs = umap.initializeFit(rows)
  for (let epoch = 0; epoch < epochs;) {
    epoch = umap.step()
    const progress = { phase: 'layout', rows: n, epoch: Math.min(epoch, epochs), epochs } as const
    if (report(progress, epoch >= epochs)) await yieldToEvents()
  }
  const embedding = umap.getEmbedding()
  const points = new Float32Array(n * 2)
  embedding.forEach((point, i) => {
    points[2 * i] = point[0] as number
    points[2 * i + 1] = point[1] as number
  })
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
  onProgress?.({ phase: 'layout', rows: batch.shape[0], epoch: 1, epochs: 1 })
  return projection
}
