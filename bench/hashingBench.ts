/**
 * Semantic hashing part of `npm run bench` (Node): train on 80 % of the embedded digits, query with
 * the held-out 20 %: precision@10 by label of learned codes (8, 16, 32 bits), of random-hyperplane
 * LSH (16, 32, 64, 128 bits) and of exact Euclidean k-NN on the pixels; and the time of a search over
 * 100,000 codes. The learned models of each seed train in a Node process of their own
 * ({@link runHashingSeed}), side by side.
 */
import { SemanticHashing } from '../src/core/hashing/engine/semanticHashing'
import { HammingIndex, wordsPerCode } from '../src/core/hashing/hammingIndex'
import { hashPrecisionAtK } from '../src/core/hashing/hashPrecision'
import type { ImageBatch } from '../src/core/dataset'
import { createRandom } from '../src/core/random'
import { loadDigits } from '../src/data/digits'
import { pickNodeBackend } from './sklearnScript'

const K = 10
const LEARNED_BITS = [8, 16, 32] as const
const LSH_BITS = [16, 32, 64, 128] as const
const INDEX_SIZE = 100_000

interface Split {
  readonly train: ImageBatch
  readonly trainLabels: Uint8Array
  readonly test: ImageBatch
  readonly testLabels: Uint8Array
}

/** The digits split 80 / 20 by a seeded shuffle (seed 7, as the node test). */
function splitDigits(): Split {
  const { images, labels } = loadDigits()
  const n = images.shape[0]
  const order = Array.from({ length: n }, (_, i) => i)
  const random = createRandom(7)
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(i + 1)
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  const pick = (ids: number[]): [ImageBatch, Uint8Array] => {
    const data = new Float32Array(ids.length * 64)
    ids.forEach((source, row) =>
      data.set(images.data.subarray(source * 64, source * 64 + 64), row * 64),
    )
    return [
      { data, shape: [ids.length, 8, 8, 1] },
      Uint8Array.from(ids.map((i) => labels[i] as number)),
    ]
  }
  const cut = Math.round(n * 0.8)
  const [train, trainLabels] = pick(order.slice(0, cut))
  const [test, testLabels] = pick(order.slice(cut))
  return { train, trainLabels, test, testLabels }
}

/** Codes of `images` under `models`, concatenated per row (for LSH beyond 64 bits). */
async function concatenatedCodes(
  models: readonly SemanticHashing[],
  images: ImageBatch,
): Promise<Uint32Array> {
  const parts = await Promise.all(models.map((model) => model.hash(images)))
  const rows = images.shape[0]
  const words = parts.map((part) => wordsPerCode(part.bits))
  const total = words.reduce((a, b) => a + b, 0)
  const out = new Uint32Array(rows * total)
  for (let r = 0; r < rows; r++) {
    let at = r * total
    parts.forEach((part, m) => {
      const w = words[m] as number
      out.set(part.codes.subarray(r * w, (r + 1) * w), at)
      at += w
    })
  }
  return out
}

/** Precision@10 of codes made by `models` (whose bits add up to `bits`). */
async function precisionOf(models: readonly SemanticHashing[], split: Split, bits: number) {
  const indexed = await concatenatedCodes(models, split.train)
  const queries = await concatenatedCodes(models, split.test)
  return hashPrecisionAtK(indexed, split.trainLabels, queries, split.testLabels, bits, K)
}

/** Precision@10 of exact Euclidean k-NN on the pixels (ties: lower index first). */
function euclideanPrecision(split: Split): number {
  const n = split.train.shape[0]
  const m = split.test.shape[0]
  const distances = new Float64Array(n)
  const order = Array.from({ length: n }, (_, i) => i)
  let total = 0
  for (let q = 0; q < m; q++) {
    for (let i = 0; i < n; i++) {
      let d = 0
      for (let p = 0; p < 64; p++) {
        const diff =
          (split.test.data[q * 64 + p] as number) - (split.train.data[i * 64 + p] as number)
        d += diff * diff
      }
      distances[i] = d
    }
    order.sort((a, b) => (distances[a] as number) - (distances[b] as number) || a - b)
    let same = 0
    for (let r = 0; r < K; r++) {
      if (split.trainLabels[order[r] as number] === split.testLabels[q]) same++
    }
    total += same / K
  }
  return total / m
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** Milliseconds of one k = 10 search over `INDEX_SIZE` random codes of `bits` bits (median). */
function indexSearchMs(bits: number, queries: number): number {
  const random = createRandom(bits)
  const words = wordsPerCode(bits)
  const codes = Uint32Array.from({ length: INDEX_SIZE * words }, () =>
    Math.floor(random.uniform() * 2 ** 32),
  )
  if (bits % 32 !== 0) {
    const mask = 2 ** (bits % 32) - 1
    for (let i = words - 1; i < codes.length; i += words) codes[i] = (codes[i] as number) & mask
  }
  const index = new HammingIndex(codes, bits)
  const times: number[] = []
  for (let q = 0; q < queries; q++) {
    const query = codes.slice(q * words, (q + 1) * words)
    const started = performance.now()
    index.search(query, { k: K })
    times.push(performance.now() - started)
  }
  return median(times)
}

const fixed = (value: number, digits: number): string => value.toFixed(digits)

/**
 * Training epochs of each learned model in a quick run (a smoke check of the part; the full run's 150
 * hold its figures): 10, the part's training being most of its CPU seconds (20 took about twice).
 */
const QUICK_EPOCHS = 10

/** Seeds of the learned models (and of LSH) in a full run and in a quick one. */
export const hashingSeeds = (quick: boolean): readonly number[] => (quick ? [1] : [1, 2, 3])

/** One seed's learned models: precision@10 and training seconds at each of {@link LEARNED_BITS}. */
export interface HashingSeedRun {
  readonly seed: number
  readonly learned: readonly { bits: number; precision: number; seconds: number }[]
}

/**
 * The learned models of one seed (8, 16 and 32 bits), runnable in a Node process of its own
 * (scripts/bench.mjs runs the seeds side by side with the other model-quality parts).
 */
export async function runHashingSeed(quick: boolean, seed: number): Promise<HashingSeedRun> {
  await pickNodeBackend()
  const split = splitDigits()
  const epochs = quick ? QUICK_EPOCHS : 150
  const learned: { bits: number; precision: number; seconds: number }[] = []
  for (const bits of LEARNED_BITS) {
    const started = performance.now()
    const model = new SemanticHashing({ bits, seed })
    try {
      await model.fit(split.train, { epochs })
      const precision = await precisionOf([model], split, bits)
      learned.push({ bits, precision, seconds: (performance.now() - started) / 1000 })
    } finally {
      model.dispose()
    }
  }
  return { seed, learned }
}

/** What {@link runHashingRest} resolves with. */
export interface HashingRest {
  readonly backend: string
  readonly lsh: readonly { bits: number; precisions: number[] }[]
  readonly euclidean: number
  readonly searchMs: { readonly bits16: number; readonly bits64: number }
  readonly endToEndMs: number
  readonly buildSeconds: number
}

/**
 * The part's piece without the learned models' training: LSH at every seed, exact k-NN on the pixels
 * and the search times (runnable in a Node process of its own, beside the seeds' pieces).
 */
export async function runHashingRest(quick: boolean): Promise<HashingRest> {
  const backend = await pickNodeBackend()
  const split = splitDigits()
  const seeds = hashingSeeds(quick)
  const lsh: { bits: number; precisions: number[] }[] = []
  for (const bits of LSH_BITS) {
    const precisions: number[] = []
    for (const seed of seeds) {
      // Beyond 64 bits (one model's most): 64-bit models with other seeds, codes concatenated.
      const models = Array.from(
        { length: Math.ceil(bits / 64) },
        (_, i) =>
          new SemanticHashing({ method: 'lsh', bits: Math.min(64, bits), seed: seed + 100 * i }),
      )
      try {
        for (const model of models) await model.fit(split.train)
        precisions.push(await precisionOf(models, split, bits))
      } finally {
        for (const model of models) model.dispose()
      }
    }
    lsh.push({ bits, precisions })
  }
  const euclidean = euclideanPrecision(split)

  // Search over 100,000 codes: the index alone (popcount scan and counting sort), and end to end
  // through the model (the query hashed by the network, then the scan) over the digits repeated.
  const searchMs = { bits16: indexSearchMs(16, 50), bits64: indexSearchMs(64, 50) }
  const repeated = new Float32Array(INDEX_SIZE * 64)
  for (let r = 0; r < INDEX_SIZE; r++) {
    const source = r % split.train.shape[0]
    repeated.set(split.train.data.subarray(source * 64, source * 64 + 64), r * 64)
  }
  const model = new SemanticHashing({ bits: 16, seed: 1 })
  let endToEndMs: number
  let buildSeconds: number
  try {
    await model.fit(split.train, { epochs: 2 })
    const started = performance.now()
    await model.buildIndex({ data: repeated, shape: [INDEX_SIZE, 8, 8, 1] })
    buildSeconds = (performance.now() - started) / 1000
    const one: ImageBatch = { data: split.test.data.slice(0, 64), shape: [1, 8, 8, 1] }
    const times: number[] = []
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now()
      await model.search(one, { k: K })
      times.push(performance.now() - t0)
    }
    endToEndMs = median(times)
  } finally {
    model.dispose()
  }

  return { backend, lsh, euclidean, searchMs, endToEndMs, buildSeconds }
}

/**
 * The part's figures and section of bench/report.md from its pieces: {@link runHashingRest}'s and
 * the learned models of every seed ({@link runHashingSeed}, one per seed, in any order). A learned
 * row's seconds are its seeds' training seconds added up.
 */
export function hashingReport(
  quick: boolean,
  pieces: { readonly rest: HashingRest; readonly seedRuns: readonly HashingSeedRun[] },
): { json: object; markdown: string[] } {
  const { backend, lsh, euclidean, searchMs, endToEndMs, buildSeconds } = pieces.rest
  const split = splitDigits()
  const epochs = quick ? QUICK_EPOCHS : 150
  const seeds = hashingSeeds(quick)
  const runs = seeds.map((seed) => {
    const run = pieces.seedRuns.find((r) => r.seed === seed)
    if (!run) throw new Error(`hashing bench: no learned models of seed ${seed}`)
    return run
  })
  const learned = LEARNED_BITS.map((bits) => {
    const rows = runs.map((run) => run.learned.find((row) => row.bits === bits))
    if (rows.some((row) => row === undefined))
      throw new Error(`hashing bench: a seed lacks its ${bits}-bit model`)
    const present = rows as { bits: number; precision: number; seconds: number }[]
    return {
      bits,
      precisions: present.map((row) => row.precision),
      seconds: present.reduce((sum, row) => sum + row.seconds, 0),
    }
  })
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length
  const range = (values: readonly number[]) =>
    values.length > 1 ? ` (${fixed(Math.min(...values), 3)}–${fixed(Math.max(...values), 3)})` : ''
  const learned16 = mean(learned.find((row) => row.bits === 16)?.precisions ?? [NaN])
  const lsh64 = mean(lsh.find((row) => row.bits === 64)?.precisions ?? [NaN])
  const markdown = [
    '## Semantic hashing on the digits (precision@10 by label)',
    '',
    `Trained on 80 % of the 1,797 digits (${split.train.shape[0]}, seeded shuffle), queried with the ` +
      `held-out ${split.test.shape[0]}: the share of each query's 10 nearest training digits (Hamming ` +
      `distance, ties by index) with its label. Learned: \`SemanticHashing\` defaults (dense ` +
      `64-256-128-bits autoencoder, Gaussian noise σ 4 before the code sigmoids, σ 0.3 on the ` +
      `input), ${epochs} epochs, ` +
      `seeds ${seeds.join(', ')} (mean, range); LSH: random hyperplanes through the training mean, ` +
      `same seeds (128 bits: two 64-bit models' codes concatenated). TF.js ${backend} in Node.`,
    '',
    '| codes | bits | precision@10 | train seconds (all seeds) |',
    '|---|---|---|---|',
    ...learned.map(
      (row) =>
        `| learned | ${row.bits} | ${fixed(mean(row.precisions), 3)}${range(row.precisions)} | ${fixed(row.seconds, 1)} |`,
    ),
    ...lsh.map(
      (row) =>
        `| LSH | ${row.bits} | ${fixed(mean(row.precisions), 3)}${range(row.precisions)} | — |`,
    ),
    `| exact Euclidean k-NN on pixels | — | ${fixed(euclidean, 3)} | — |`,
    '',
    `Goal: 16 learned bits above 64 LSH bits — ${learned16 > lsh64 ? 'met' : 'not met'} ` +
      `(${fixed(learned16, 3)} vs ${fixed(lsh64, 3)}).`,
    '',
    `Search over ${INDEX_SIZE.toLocaleString('en')} codes, k = 10, one query: ${fixed(searchMs.bits16, 2)} ms ` +
      `(16 bits) / ${fixed(searchMs.bits64, 2)} ms (64 bits) in the index (median of 50); through ` +
      `\`SemanticHashing.search\` (the query hashed by the network, then the scan) ${fixed(endToEndMs, 2)} ms ` +
      `(median of 20); hashing the 100,000 digits into the index took ${fixed(buildSeconds, 1)} s.`,
  ]
  return {
    json: {
      backend,
      epochs,
      seeds,
      k: K,
      learned,
      lsh,
      euclidean,
      goalMet: learned16 > lsh64,
      searchMs: { ...searchMs, endToEnd: endToEndMs, indexSize: INDEX_SIZE },
      buildIndexSeconds: buildSeconds,
    },
    markdown,
  }
}
