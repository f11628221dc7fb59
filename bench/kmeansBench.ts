/**
 * k-means part of `npm run bench` (Node): latentkit's k-means (k = 10, k-means++) at 5 seeds on the
 * embedded digits, best inertia and adjusted Rand index beside scikit-learn's `KMeans(n_init=1)` at
 * the same seeds, and mini-batch k-means time beside `MiniBatchKMeans` doing the same epochs.
 * scikit-learn runs on the very same array (written as float32), single-threaded.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { KMeans } from '../src/core/kmeans/engine/kmeans'
import { adjustedRandIndex } from '../src/core/kmeans/clusterAgreement'
import type { KMeansAlgorithm } from '../src/core/kmeans/kmeansOptions'
import { loadDigits } from '../src/data/digits'
import { pickNodeBackend, runSklearnScript } from './sklearnScript'
import { kmeansKernelFigures, kmeansKernelMarkdown, type KMeansSide } from './kmeansKernels'

const K = 10
const SEEDS = [0, 1, 2, 3, 4]
/**
 * Seeds of the untimed fits each algorithm gets on each path first (not the timed seeds). Three: a
 * Lloyd fit calls its per-fit functions (k-means++, the rows' measurements) once, and V8 moves them
 * to its optimising tier only after a few fits (after one, the first timed round measured up to half
 * as much again per iteration as the later rounds).
 */
const WARM_UP_SEEDS = [97, 98, 99]
/** Mini-batch: rows per step (the digits are 1,797 rows: 8 steps an epoch). */
const BATCH = 256

/** One run at one seed. */
export interface KMeansRun {
  readonly seed: number
  readonly seconds: number
  /** Processor seconds of the fit (ours `process.cpuUsage()`, scikit-learn `time.process_time()`). */
  readonly cpuSeconds?: number
  /** Sum of squared distances of every row to its final centroid. */
  readonly inertia: number
  /** Adjusted Rand index of the clusters against the digit classes. */
  readonly ari: number
  /** Lloyd iterations, or mini-batch epochs. */
  readonly iterations: number
  readonly steps: number
}

interface SklearnReply {
  readonly version: string
  readonly lloyd: readonly KMeansRun[]
  readonly minibatch: readonly KMeansRun[]
}

/** One fit at `seed`, on the fused kernels (where the backend is WASM) or TF.js operations. */
async function latentkitRun(
  algorithm: KMeansAlgorithm,
  epochs: number,
  seed: number,
  fusedKernels: boolean,
): Promise<KMeansRun> {
  const { images, labels } = loadDigits()
  const model = new KMeans({ k: K, seed, algorithm })
  try {
    const cpu = process.cpuUsage()
    const started = performance.now()
    const result = await model.fit(
      images,
      algorithm === 'lloyd'
        ? { fusedKernels }
        : { epochs, batchSize: BATCH, reassignmentRatio: 0.01, fusedKernels },
    )
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    const assignment = await model.assign(images)
    return {
      seed,
      seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      inertia: assignment.inertia,
      ari: adjustedRandIndex(assignment.labels, labels),
      iterations: model.trainedEpochs,
      steps: result.steps,
    }
  } finally {
    model.dispose()
  }
}

/**
 * Our fits at every seed: every seed on the fused kernels, then every seed as TF.js operations. Not
 * alternated: a TF.js fit leaves the collector work its helper threads and the main thread then do
 * during the next fit (fused Lloyd fits alternated with TF.js ones measured about a third more
 * processor time per iteration, and twice the wall time, than the same fits one after another).
 */
async function latentkitRuns(
  algorithm: KMeansAlgorithm,
  epochs: number,
): Promise<{ fused: KMeansRun[]; tfjs: KMeansRun[] }> {
  const fused: KMeansRun[] = []
  const tfjs: KMeansRun[] = []
  for (const fusedKernels of [true, false]) {
    for (const seed of SEEDS) {
      const run = await latentkitRun(algorithm, epochs, seed, fusedKernels)
      ;(fusedKernels ? fused : tfjs).push(run)
    }
  }
  return { fused, tfjs }
}

function sklearnRuns(epochs: number): SklearnReply | string {
  const { images, labels } = loadDigits()
  return runSklearnScript<SklearnReply>('sklearn_kmeans.py', 'latentkit-kmeans-', (folder) => {
    const dataFile = join(folder, 'digits.f32')
    const labelsFile = join(folder, 'labels.u8')
    writeFileSync(dataFile, Buffer.from(images.data.buffer, 0, images.data.byteLength))
    writeFileSync(labelsFile, Buffer.from(labels.buffer, 0, labels.byteLength))
    return [
      dataFile,
      labelsFile,
      String(images.shape[0]),
      '64',
      String(K),
      SEEDS.join(','),
      String(BATCH),
      String(epochs),
    ]
  })
}

const best = (runs: readonly KMeansRun[]): KMeansRun =>
  runs.reduce((a, b) => (b.inertia < a.inertia ? b : a))
const totalSeconds = (runs: readonly KMeansRun[]): number =>
  runs.reduce((sum, run) => sum + run.seconds, 0)
const fixed = (value: number, digits: number): string => value.toFixed(digits)

/** Runs the k-means bench; `quick` runs fewer mini-batch epochs. */
export async function runKMeansBench(options: {
  quick: boolean
}): Promise<{ json: object; markdown: string[] }> {
  const epochs = options.quick ? 10 : 50
  const backend = await pickNodeBackend()
  // Warm-up: the first fits pay for the kernels' compilation and the backend's first kernels, and
  // V8 moves the WebAssembly and the steps' JavaScript to its optimising tier only after their first
  // hundred-odd calls: one whole fit of each algorithm on each path at another seed before its timed
  // fits (three Lloyd iterations alone, and no mini-batch step, had left the first timed fits of
  // each at up to twice the processor time of the next).
  const warmUp = async (algorithm: KMeansAlgorithm): Promise<void> => {
    // TF.js first: the fused path's timed fits follow its own untimed ones.
    for (const fusedKernels of [false, true]) {
      for (const seed of WARM_UP_SEEDS) await latentkitRun(algorithm, epochs, seed, fusedKernels)
    }
  }
  await warmUp('lloyd')
  const lloydRuns = await latentkitRuns('lloyd', 0)
  await warmUp('minibatch')
  const minibatchRuns = await latentkitRuns('minibatch', epochs)
  const [lloyd, minibatch] = [lloydRuns.fused, minibatchRuns.fused]
  const tfjs = { lloyd: lloydRuns.tfjs, minibatch: minibatchRuns.tfjs }
  const sklearn = sklearnRuns(epochs)
  const fusedName = backend === 'wasm' ? 'fused WASM kernels' : `${backend} (no fused kernels)`
  const reference = typeof sklearn === 'string' ? undefined : sklearn
  /** One algorithm's sides: fused, TF.js operations and scikit-learn's (when here). */
  const sidesOf = (
    algorithm: KMeansSide['algorithm'],
    runs: { fused: KMeansRun[]; tfjs: KMeansRun[] },
    theirs: readonly KMeansRun[] | undefined,
  ): KMeansSide[] => [
    { algorithm, kernels: fusedName, runs: runs.fused },
    { algorithm, kernels: 'tfjs', runs: runs.tfjs },
    ...(reference && theirs
      ? [{ algorithm, kernels: `scikit-learn ${reference.version}`, runs: theirs }]
      : []),
  ]
  const kernels = kmeansKernelFigures([
    ...sidesOf('Lloyd', lloydRuns, reference?.lloyd),
    ...sidesOf('mini-batch', minibatchRuns, reference?.minibatch),
  ])
  const ours = { lloyd: best(lloyd), minibatch: best(minibatch) }
  const markdown = [
    '## k-means on the digits (k = 10, k-means++)',
    '',
    `latentkit on TF.js ${backend} in Node (1 thread), best inertia of seeds ${SEEDS.join(', ')}; ` +
      `inertia is the sum of squared distances of the 1,797 digits (values in [0, 1]) to their ` +
      `centroids, ARI the adjusted Rand index against the digit classes. Mini-batch: batch ${BATCH}, ` +
      `${epochs} epochs, no early stop, on both sides.`,
    '',
  ]
  const json = {
    backend,
    seeds: SEEDS,
    k: K,
    batchSize: BATCH,
    epochs,
    lloyd,
    minibatch,
    tfjs,
    kernels,
    sklearn,
  }
  if (typeof sklearn === 'string') {
    markdown.push(
      '| algorithm | latentkit best inertia | ARI | seconds (5 seeds) | scikit-learn |',
      '|---|---|---|---|---|',
      `| Lloyd | ${fixed(ours.lloyd.inertia, 1)} | ${fixed(ours.lloyd.ari, 3)} | ${fixed(totalSeconds(lloyd), 2)} | ${sklearn} |`,
      `| mini-batch | ${fixed(ours.minibatch.inertia, 1)} | ${fixed(ours.minibatch.ari, 3)} | ${fixed(totalSeconds(minibatch), 2)} | ${sklearn} |`,
      ...kmeansKernelMarkdown(kernels),
    )
    return { json, markdown }
  }
  const theirs = { lloyd: best(sklearn.lloyd), minibatch: best(sklearn.minibatch) }
  const ratio = {
    lloydInertia: ours.lloyd.inertia / theirs.lloyd.inertia,
    minibatchInertia: ours.minibatch.inertia / theirs.minibatch.inertia,
    lloydTime: totalSeconds(lloyd) / totalSeconds(sklearn.lloyd),
    minibatchTime: totalSeconds(minibatch) / totalSeconds(sklearn.minibatch),
  }
  const within = Math.abs(ratio.lloydInertia - 1) <= 0.01
  markdown.push(
    `scikit-learn ${sklearn.version}, \`KMeans(n_init=1)\` and \`MiniBatchKMeans(n_init=1, max_no_improvement=None, tol=0)\`, OMP_NUM_THREADS=1.`,
    '',
    '| algorithm | best inertia latentkit | best inertia scikit-learn | ratio | ARI latentkit | ARI scikit-learn | seconds latentkit (5 seeds) | seconds scikit-learn | time ratio |',
    '|---|---|---|---|---|---|---|---|---|',
    `| Lloyd | ${fixed(ours.lloyd.inertia, 1)} (seed ${ours.lloyd.seed}, ${ours.lloyd.iterations} it.) | ${fixed(theirs.lloyd.inertia, 1)} (seed ${theirs.lloyd.seed}, ${theirs.lloyd.iterations} it.) | ${fixed(ratio.lloydInertia, 4)} | ${fixed(ours.lloyd.ari, 3)} | ${fixed(theirs.lloyd.ari, 3)} | ${fixed(totalSeconds(lloyd), 2)} | ${fixed(totalSeconds(sklearn.lloyd), 2)} | ${fixed(ratio.lloydTime, 1)} × |`,
    `| mini-batch | ${fixed(ours.minibatch.inertia, 1)} | ${fixed(theirs.minibatch.inertia, 1)} | ${fixed(ratio.minibatchInertia, 4)} | ${fixed(ours.minibatch.ari, 3)} | ${fixed(theirs.minibatch.ari, 3)} | ${fixed(totalSeconds(minibatch), 2)} | ${fixed(totalSeconds(sklearn.minibatch), 2)} | ${fixed(ratio.minibatchTime, 1)} × |`,
    '',
    `Lloyd's best inertia is ${within ? 'within' : 'NOT within'} 1 % of scikit-learn's (ratio ${fixed(ratio.lloydInertia, 4)}).`,
    ...kmeansKernelMarkdown(kernels),
  )
  return {
    json: { ...json, ratio, lloydWithinOnePercent: within },
    markdown,
  }
}
