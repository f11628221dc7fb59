/**
 * A built-in, seeded anomaly benchmark: normal images are procedural sprites; anomalies are the same
 * kind of sprites with a defect — a scratch, a blob, a missing part or a stain — and a ground-truth
 * mask of the pixels the defect changed. Pure TypeScript.
 */
import type { ImageBatch } from '../core/dataset'
import { InvalidOptionError } from '../core/errors'
import { createRandom, deriveSeed, type Random } from '../core/random'
import { generateSprites } from './sprites'

/** The defects the benchmark injects. */
export const DEFECT_KINDS = ['scratch', 'blob', 'missing', 'stain'] as const

/** One kind of defect. */
export type DefectKind = (typeof DEFECT_KINDS)[number]

/** Options of {@link generateAnomalyBenchmark}. */
export interface AnomalyBenchmarkOptions {
  /** Normal training images. Default `2000`. */
  readonly trainCount?: number
  /** Normal test images. Default `200`. */
  readonly normalTestCount?: number
  /** Defective test images (the defect kinds in turn). Default `200`. */
  readonly defectTestCount?: number
  /** Image side in pixels. Default `28`. */
  readonly size?: number
  /** Defects to inject. Default all of {@link DEFECT_KINDS}. */
  readonly kinds?: readonly DefectKind[]
  /** Seed: the same seed gives the same images, defects and masks. Default `1`. */
  readonly seed?: number
}

/** A training set of normal images and a labelled test set with pixel masks. */
export interface AnomalyBenchmark {
  /** Normal images `[trainCount, size, size, 1]`, values in [0, 1]. */
  readonly train: ImageBatch
  /** Normal test images first, then defective ones. */
  readonly test: ImageBatch
  /** 1 for a defective test image, 0 for a normal one. */
  readonly labels: Uint8Array
  /** Ground truth per test pixel, `[n, size, size, 1]`: 1 where the defect changed the image. */
  readonly masks: ImageBatch
  /** The defect of each test image (undefined for normal ones). */
  readonly defects: readonly (DefectKind | undefined)[]
}

/** Smallest change of a pixel that counts as part of a defect. */
const CHANGED = 0.1

function paintDisk(
  image: Float32Array,
  size: number,
  cx: number,
  cy: number,
  radius: number,
  paint: (old: number, weight: number) => number,
  soft = false,
): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d2 = (x - cx) ** 2 + (y - cy) ** 2
      if (soft) {
        const weight = Math.exp(-d2 / (2 * radius * radius))
        if (weight > 0.01) image[y * size + x] = paint(image[y * size + x] as number, weight)
      } else if (d2 <= radius * radius) {
        image[y * size + x] = paint(image[y * size + x] as number, 1)
      }
    }
  }
}

function applyDefect(image: Float32Array, size: number, kind: DefectKind, random: Random): void {
  const at = (): number => 2 + random.uniform() * (size - 4)
  switch (kind) {
    case 'scratch': {
      // A thin line that inverts what it crosses, so it shows on the sprite and on the background.
      const x0 = at()
      const y0 = at()
      const angle = random.uniform() * Math.PI
      const length = size * (0.35 + 0.3 * random.uniform())
      const touched = new Set<number>()
      for (let t = 0; t <= length; t += 0.5) {
        const x = Math.round(x0 + t * Math.cos(angle))
        const y = Math.round(y0 + t * Math.sin(angle))
        if (x >= 0 && y >= 0 && x < size && y < size) touched.add(y * size + x)
      }
      for (const p of touched) image[p] = 1 - (image[p] as number)
      return
    }
    case 'blob':
      paintDisk(image, size, at(), at(), size * (0.07 + 0.05 * random.uniform()), () => 1)
      return
    case 'missing': {
      // A bite out of the sprite: a disk centred on one of its pixels, erased.
      const lit: number[] = []
      image.forEach((v, p) => {
        if (v > 0.5) lit.push(p)
      })
      const centre =
        lit.length > 0 ? (lit[random.int(lit.length)] as number) : random.int(size * size)
      paintDisk(
        image,
        size,
        centre % size,
        Math.floor(centre / size),
        size * (0.12 + 0.06 * random.uniform()),
        () => 0,
      )
      return
    }
    case 'stain':
      paintDisk(
        image,
        size,
        at(),
        at(),
        size * (0.06 + 0.04 * random.uniform()),
        (old, weight) => Math.min(1, old + 0.6 * weight),
        true,
      )
      return
  }
}

/**
 * Normal sprites for training and a test set where half the images carry a defect, with masks.
 * A defect that would change fewer than 3 pixels (e.g. a blob on the sprite itself) is drawn again.
 */
export function generateAnomalyBenchmark(options: AnomalyBenchmarkOptions = {}): AnomalyBenchmark {
  const trainCount = options.trainCount ?? 2000
  const normalTestCount = options.normalTestCount ?? 200
  const defectTestCount = options.defectTestCount ?? 200
  const size = options.size ?? 28
  const kinds = options.kinds ?? DEFECT_KINDS
  const seed = options.seed ?? 1
  for (const [name, value] of [
    ['trainCount', trainCount],
    ['normalTestCount', normalTestCount],
    ['defectTestCount', defectTestCount],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new InvalidOptionError(`${name} must be an integer ≥ 0; got ${value}`, { option: name })
    }
  }
  if (kinds.length === 0 || !kinds.every((k) => DEFECT_KINDS.includes(k))) {
    throw new InvalidOptionError(
      `kinds must be a non-empty list of ${DEFECT_KINDS.join(', ')}; got ${JSON.stringify(kinds)}`,
      { option: 'kinds' },
    )
  }
  const pixels = size * size
  const testCount = normalTestCount + defectTestCount
  const sprites = generateSprites({ count: trainCount + testCount, size, seed }).images
  const train: ImageBatch = {
    data: sprites.data.slice(0, trainCount * pixels),
    shape: [trainCount, size, size, 1],
  }
  const test = sprites.data.slice(trainCount * pixels)
  const masks = new Float32Array(testCount * pixels)
  const labels = new Uint8Array(testCount)
  const defects: (DefectKind | undefined)[] = Array.from(
    { length: normalTestCount },
    () => undefined,
  )
  const random = createRandom(deriveSeed(seed, 11))
  for (let i = normalTestCount; i < testCount; i++) {
    const kind = kinds[(i - normalTestCount) % kinds.length] as DefectKind
    const original = test.slice(i * pixels, (i + 1) * pixels)
    let image = original
    let changed = 0
    for (let attempt = 0; attempt < 20 && changed < 3; attempt++) {
      image = Float32Array.from(original)
      applyDefect(image, size, kind, random)
      changed = image.reduce(
        (n, v, p) => n + (Math.abs(v - (original[p] as number)) > CHANGED ? 1 : 0),
        0,
      )
    }
    test.set(image, i * pixels)
    image.forEach((v, p) => {
      masks[i * pixels + p] = Math.abs(v - (original[p] as number)) > CHANGED ? 1 : 0
    })
    labels[i] = 1
    defects.push(kind)
  }
  return {
    train,
    test: { data: test, shape: [testCount, size, size, 1] },
    labels,
    masks: { data: masks, shape: [testCount, size, size, 1] },
    defects,
  }
}
