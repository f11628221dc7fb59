/**
 * A procedural sprite generator: white shapes on black with known generative factors (kind, scale,
 * rotation, x, y), in the spirit of dSprites. Seeded, so the same options give the same images; no
 * download, and the factors are known for evaluating what a model learned.
 */
import type { ImageBatch } from '../core/dataset'
import { InvalidOptionError } from '../core/errors'
import { checkSize, floatRows, JS_LIMITS, rowLimit } from '../core/memoryModel'
import { createRandom } from '../core/random'

/** Shapes the generator draws. */
export const SPRITE_KINDS = ['square', 'ellipse', 'triangle', 'heart'] as const

/** One of {@link SPRITE_KINDS}. */
export type SpriteKind = (typeof SPRITE_KINDS)[number]

/** The factors that generated one sprite. */
export interface SpriteFactors {
  /** Shape drawn. */
  readonly kind: SpriteKind
  /** Size relative to the largest, in [0.5, 1]. */
  readonly scale: number
  /** Rotation in radians, in [0, 2π). */
  readonly rotation: number
  /** Centre, as a fraction of the width, in [0, 1] over the positions that keep it inside. */
  readonly x: number
  /** Centre, as a fraction of the height, in [0, 1] over the positions that keep it inside. */
  readonly y: number
}

/** Options of {@link generateSprites}. */
export interface SpriteOptions {
  /** Number of images. Default `1000`. */
  readonly count?: number
  /** Width and height in pixels. Default `28`. */
  readonly size?: number
  /** Seed; the same seed gives the same images. Default `1`. */
  readonly seed?: number
  /** Shapes to draw from. Default: all of {@link SPRITE_KINDS}. */
  readonly kinds?: readonly SpriteKind[]
}

/** Generated sprites and their factors. */
export interface SpriteDataset {
  /** `[count, size, size, 1]`, values in [0, 1] (edges anti-aliased). */
  readonly images: ImageBatch
  /** Factors of each image, in order. */
  readonly factors: readonly SpriteFactors[]
}

const SUPERSAMPLE = 3

function inside(kind: SpriteKind, u: number, v: number): boolean {
  switch (kind) {
    case 'square':
      return Math.abs(u) <= 0.75 && Math.abs(v) <= 0.75
    case 'ellipse':
      return u * u + (v * v) / 0.36 <= 0.9
    case 'triangle':
      // Apex up; edges through (0, −0.9), (±0.85, 0.7).
      return v <= 0.7 && v >= -0.9 + 1.882 * Math.abs(u)
    case 'heart': {
      const x = u * 1.1
      const y = -v * 1.1 + 0.2
      const a = x * x + y * y - 1
      return a * a * a - x * x * y * y * y <= 0
    }
  }
}

/** Draws `count` random sprites. */
export function generateSprites(options: SpriteOptions = {}): SpriteDataset {
  const count = options.count ?? 1000
  const size = options.size ?? 28
  const kinds = options.kinds ?? SPRITE_KINDS
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidOptionError(`count must be an integer ≥ 1; got ${count}`)
  }
  if (!Number.isInteger(size) || size < 8) {
    throw new InvalidOptionError(
      `size must be an integer ≥ 8 (sprites smaller than 8×8 cannot show their shape); got ${size}`,
    )
  }
  checkSize(
    {
      what: 'sprite count',
      actual: count,
      owner: `the ${size} × ${size} sprites'`,
      advice: (most) =>
        most > 0
          ? `generate at most ${most} sprites of this size, or smaller ones`
          : 'use a smaller size',
      option: 'count',
    },
    rowLimit(floatRows(size * size), JS_LIMITS),
    JS_LIMITS,
  )
  if (kinds.length === 0 || !kinds.every((k) => SPRITE_KINDS.includes(k))) {
    throw new InvalidOptionError(`kinds must be a non-empty subset of ${SPRITE_KINDS.join(', ')}`)
  }
  const random = createRandom(options.seed ?? 1)
  const data = new Float32Array(count * size * size)
  const factors: SpriteFactors[] = []
  const maxRadius = size * 0.3
  for (let i = 0; i < count; i++) {
    const kind = kinds[random.int(kinds.length)] as SpriteKind
    const scale = 0.5 + 0.5 * random.uniform()
    const rotation = random.uniform() * 2 * Math.PI
    const x = random.uniform()
    const y = random.uniform()
    factors.push({ kind, scale, rotation, x, y })
    const radius = maxRadius * scale
    const cx = radius + x * (size - 2 * radius)
    const cy = radius + y * (size - 2 * radius)
    const cos = Math.cos(rotation)
    const sin = Math.sin(rotation)
    const offset = i * size * size
    for (let py = 0; py < size; py++) {
      for (let px = 0; px < size; px++) {
        let hits = 0
        for (let sy = 0; sy < SUPERSAMPLE; sy++) {
          for (let sx = 0; sx < SUPERSAMPLE; sx++) {
            const dx = (px + (sx + 0.5) / SUPERSAMPLE - cx) / radius
            const dy = (py + (sy + 0.5) / SUPERSAMPLE - cy) / radius
            if (inside(kind, cos * dx + sin * dy, -sin * dx + cos * dy)) hits++
          }
        }
        data[offset + py * size + px] = hits / (SUPERSAMPLE * SUPERSAMPLE)
      }
    }
  }
  return { images: { data, shape: [count, size, size, 1] }, factors }
}

/** Sprites with their kinds as class labels, as {@link generateSpritesByKind} gives them. */
export interface LabelledSprites extends SpriteDataset {
  /** The kind of each image, as its index in the `kinds` asked for (default {@link SPRITE_KINDS}). */
  readonly labels: Int32Array
}

/**
 * Exactly `perKind` sprites of each kind (a stratified set for classification reports, the kind as
 * the label): the first `perKind` of each kind among sprites drawn by {@link generateSprites} with
 * the same options, kept in the generator's order. `count` is ignored; `INVALID_OPTION` for a
 * `perKind` that is not a whole number ≥ 1 or any option {@link generateSprites} refuses.
 */
export function generateSpritesByKind(
  perKind: number,
  options: Omit<SpriteOptions, 'count'> = {},
): LabelledSprites {
  if (!Number.isInteger(perKind) || perKind < 1) {
    throw new InvalidOptionError(`perKind must be an integer ≥ 1; got ${perKind}`, {
      option: 'perKind',
    })
  }
  const kinds = options.kinds ?? SPRITE_KINDS
  const size = options.size ?? 28
  const pixels = size * size
  const rows: number[] = []
  const taken = new Map<SpriteKind, number>()
  let generated: SpriteDataset | undefined
  // Kinds are drawn uniformly: twice the total nearly always holds enough of each; draw more if not.
  for (let count = 2 * perKind * kinds.length; rows.length < perKind * kinds.length; count *= 2) {
    generated = generateSprites({ ...options, count })
    rows.length = 0
    taken.clear()
    generated.factors.forEach((factors, row) => {
      const had = taken.get(factors.kind) ?? 0
      if (had < perKind) {
        taken.set(factors.kind, had + 1)
        rows.push(row)
      }
    })
  }
  const all = generated as SpriteDataset
  const data = new Float32Array(rows.length * pixels)
  rows.forEach((row, i) =>
    data.set(all.images.data.subarray(row * pixels, (row + 1) * pixels), i * pixels),
  )
  const factors = rows.map((row) => all.factors[row] as SpriteFactors)
  return {
    images: { data, shape: [rows.length, size, size, 1] },
    factors,
    labels: Int32Array.from(factors, (f) => kinds.indexOf(f.kind)),
  }
}
