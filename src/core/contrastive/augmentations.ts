/**
 * The random views contrastive learning compares, in plain TypeScript on `Float32Array`s (no TF.js:
 * they run in the worker beside the training loop, and in tests). Geometric changes — random crop
 * resized back, shift, rotation, scale — compose into one affine map sampled bilinearly (outside the
 * image reads as 0); then brightness, contrast, Gaussian noise and cutout. Every change is on or off
 * with its strength; the same seed gives the same views.
 */
import { InvalidOptionError, describeValue } from '../errors'
import type { Random } from '../random'

/**
 * A random crop resized back to the image's size: a square of side drawn uniformly from
 * `[minSize, maxSize]` pixels, at a uniform position. Defaults: `minSize` ⌈0.6 · side⌉,
 * `maxSize` the image's shorter side.
 */
export interface CropAugmentation {
  readonly minSize?: number
  readonly maxSize?: number
}

/** A shift of up to `pixels` (uniform, each axis, fractional). Default `pixels` 1. */
export interface ShiftAugmentation {
  readonly pixels?: number
}

/** A rotation about the centre, uniform in ±`degrees`. Default `degrees` 15. */
export interface RotationAugmentation {
  readonly degrees?: number
}

/** A zoom about the centre by a factor uniform in `[min, max]`. Defaults 0.9 and 1.1. */
export interface ScaleAugmentation {
  readonly min?: number
  readonly max?: number
}

/** Gaussian noise added to every value, standard deviation `std`. Default `std` 0.05. */
export interface NoiseAugmentation {
  readonly std?: number
}

/**
 * A square of `size` pixels set to 0 at a uniform centre, with `probability`. Defaults: `size`
 * ⌈side / 4⌉, `probability` 0.5.
 */
export interface CutoutAugmentation {
  readonly size?: number
  readonly probability?: number
}

/** A value uniform in ±`delta` added to the whole image. Default `delta` 0.1. */
export interface BrightnessAugmentation {
  readonly delta?: number
}

/** Distances from the image's mean multiplied by a factor uniform in `[min, max]`. Defaults 0.7 and 1.3. */
export interface ContrastAugmentation {
  readonly min?: number
  readonly max?: number
}

/**
 * The augmentations that make the two views of each image. Each is `true` (on, default strength),
 * `false` (off) or its strength. Defaults: every one on except `rotation`, `scale` and `noise`
 * (on the digits they add little to the crop and shift).
 */
export interface AugmentationOptions {
  /** Random crop resized back. Default on. */
  readonly crop?: boolean | CropAugmentation
  /** Shift. Default on (1 pixel). */
  readonly shift?: boolean | ShiftAugmentation
  /** Small rotation. Default off (15° when on). */
  readonly rotation?: boolean | RotationAugmentation
  /** Zoom. Default off (0.9–1.1 when on). */
  readonly scale?: boolean | ScaleAugmentation
  /** Gaussian noise. Default off (σ 0.05 when on). */
  readonly noise?: boolean | NoiseAugmentation
  /** Cutout. Default on. */
  readonly cutout?: boolean | CutoutAugmentation
  /** Brightness. Default on (±0.1). */
  readonly brightness?: boolean | BrightnessAugmentation
  /** Contrast. Default on (0.7–1.3). */
  readonly contrast?: boolean | ContrastAugmentation
}

/** Augmentations resolved for an image size: `false` where off, every strength filled in. */
export interface ResolvedAugmentations {
  readonly crop: false | Required<CropAugmentation>
  readonly shift: false | Required<ShiftAugmentation>
  readonly rotation: false | Required<RotationAugmentation>
  readonly scale: false | Required<ScaleAugmentation>
  readonly noise: false | Required<NoiseAugmentation>
  readonly cutout: false | Required<CutoutAugmentation>
  readonly brightness: false | Required<BrightnessAugmentation>
  readonly contrast: false | Required<ContrastAugmentation>
}

const DEFAULT_ON: Readonly<Record<keyof AugmentationOptions, boolean>> = {
  crop: true,
  shift: true,
  rotation: false,
  scale: false,
  noise: false,
  cutout: true,
  brightness: true,
  contrast: true,
}

const NAMES = Object.keys(DEFAULT_ON) as (keyof AugmentationOptions)[]

function fail(message: string, option: string): never {
  throw new InvalidOptionError(message, { option: `augment.${option}` })
}

/** `INVALID_OPTION` unless `value` is a finite number ≥ `min` (> `min` when `strict`). */
function checkNumber(
  value: unknown,
  option: string,
  min: number,
  strict: boolean,
  hint: string,
): void {
  if (value === undefined) return
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (strict ? value > min : value >= min)
  if (!ok) {
    fail(
      `augment.${option} must be a finite number ${strict ? '>' : '≥'} ${min}; got ${describeValue(value)}. ${hint}`,
      option,
    )
  }
}

/** `INVALID_OPTION` unless `min ≤ max` (both given or defaulted). */
function checkOrder(min: number, max: number, option: string): void {
  if (min > max) {
    fail(`augment.${option}: min (${min}) is above max (${max}); pass min ≤ max`, `${option}.min`)
  }
}

/**
 * Throws `INVALID_OPTION` (naming `augment.<name>.<strength>`) for augmentation options that no
 * image size could make valid. Sizes against the image are checked by {@link resolveAugmentations}.
 */
export function validateAugmentations(options: unknown): void {
  if (options === undefined) return
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(
      `augment must be an object such as { crop: { minSize: 5 }, noise: false }; got ${describeValue(options)}`,
      { option: 'augment' },
    )
  }
  const given = options as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!(NAMES as string[]).includes(key)) {
      fail(`augment has no ${JSON.stringify(key)}; it takes ${NAMES.join(', ')}`, key)
    }
    const value = given[key]
    if (value === undefined || typeof value === 'boolean') continue
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(
        `augment.${key} must be true, false or its strength (an object); got ${describeValue(value)}`,
        key,
      )
    }
  }
  const o = options as AugmentationOptions
  const part = <T extends object>(value: boolean | T | undefined): Partial<T> =>
    typeof value === 'object' ? value : {}
  const crop = part(o.crop)
  checkNumber(crop.minSize, 'crop.minSize', 1, false, 'Pass a crop side in pixels, e.g. 5.')
  checkNumber(crop.maxSize, 'crop.maxSize', 1, false, 'Pass a crop side in pixels, e.g. 8.')
  if (crop.minSize !== undefined && crop.maxSize !== undefined)
    checkOrder(crop.minSize, crop.maxSize, 'crop')
  checkNumber(part(o.shift).pixels, 'shift.pixels', 0, false, 'Try 1.')
  const degrees = part(o.rotation).degrees
  checkNumber(degrees, 'rotation.degrees', 0, false, 'Try 15.')
  if (degrees !== undefined && degrees > 180) {
    fail(`augment.rotation.degrees must be at most 180; got ${degrees}. Try 15`, 'rotation.degrees')
  }
  const scale = part(o.scale)
  checkNumber(scale.min, 'scale.min', 0, true, 'Try 0.9.')
  checkNumber(scale.max, 'scale.max', 0, true, 'Try 1.1.')
  checkOrder(scale.min ?? 0.9, scale.max ?? 1.1, 'scale')
  checkNumber(part(o.noise).std, 'noise.std', 0, false, 'Try 0.05.')
  const cutout = part(o.cutout)
  checkNumber(cutout.size, 'cutout.size', 1, false, 'Try a quarter of the image side.')
  const probability = cutout.probability
  checkNumber(probability, 'cutout.probability', 0, false, 'Try 0.5.')
  if (probability !== undefined && probability > 1) {
    fail(`augment.cutout.probability must be in [0, 1]; got ${probability}`, 'cutout.probability')
  }
  checkNumber(part(o.brightness).delta, 'brightness.delta', 0, false, 'Try 0.1.')
  const contrast = part(o.contrast)
  checkNumber(contrast.min, 'contrast.min', 0, false, 'Try 0.7.')
  checkNumber(contrast.max, 'contrast.max', 0, false, 'Try 1.3.')
  checkOrder(contrast.min ?? 0.7, contrast.max ?? 1.3, 'contrast')
}

/** `value`'s strength merged over `defaults`, or `false` when off. */
function pick<T extends object>(
  value: boolean | Partial<T> | undefined,
  on: boolean,
  defaults: Required<T>,
): false | Required<T> {
  const enabled = value === undefined ? on : value !== false
  if (!enabled) return false
  return typeof value === 'object' ? { ...defaults, ...value } : defaults
}

/**
 * The augmentations for images `height × width` with every default filled in. `INVALID_OPTION` for
 * bad options, a crop larger than the image, or a cutout larger than it.
 */
export function resolveAugmentations(
  options: AugmentationOptions | undefined,
  height: number,
  width: number,
): ResolvedAugmentations {
  validateAugmentations(options)
  const o = options ?? {}
  const side = Math.min(height, width)
  const crop = pick<CropAugmentation>(o.crop, DEFAULT_ON.crop, {
    minSize: Math.min(side, Math.ceil(0.6 * side)),
    maxSize: side,
  })
  if (crop && crop.maxSize > side) {
    fail(
      `augment.crop.maxSize is ${crop.maxSize} pixels but the images are ${height} × ${width}; a crop cannot be larger than the image. Pass maxSize ≤ ${side}`,
      'crop.maxSize',
    )
  }
  if (crop && crop.minSize > crop.maxSize) {
    fail(
      `augment.crop.minSize is ${crop.minSize} pixels, above the largest crop (${crop.maxSize}) of these ${height} × ${width} images; pass minSize ≤ ${crop.maxSize}`,
      'crop.minSize',
    )
  }
  const cutout = pick<CutoutAugmentation>(o.cutout, DEFAULT_ON.cutout, {
    size: Math.max(1, Math.ceil(side / 4)),
    probability: 0.5,
  })
  if (cutout && cutout.size >= side) {
    fail(
      `augment.cutout.size is ${cutout.size} pixels: it would hide the whole ${height} × ${width} image; pass a size below ${side}`,
      'cutout.size',
    )
  }
  return {
    crop,
    shift: pick<ShiftAugmentation>(o.shift, DEFAULT_ON.shift, { pixels: 1 }),
    rotation: pick<RotationAugmentation>(o.rotation, DEFAULT_ON.rotation, { degrees: 15 }),
    scale: pick<ScaleAugmentation>(o.scale, DEFAULT_ON.scale, { min: 0.9, max: 1.1 }),
    noise: pick<NoiseAugmentation>(o.noise, DEFAULT_ON.noise, { std: 0.05 }),
    cutout,
    brightness: pick<BrightnessAugmentation>(o.brightness, DEFAULT_ON.brightness, { delta: 0.1 }),
    contrast: pick<ContrastAugmentation>(o.contrast, DEFAULT_ON.contrast, { min: 0.7, max: 1.3 }),
  }
}

/** Uniform in `[low, high]`. */
const between = (random: Random, low: number, high: number): number =>
  low + (high - low) * random.uniform()

/** Where an image's pixels are read from, and what clamps its values. */
export interface AugmentTarget {
  readonly height: number
  readonly width: number
  readonly channels: number
  /** Clamp results to [0, 1] (the data lay in it). */
  readonly unitRange: boolean
}

/**
 * Writes one random view of the image at `source[offset …]` (`height × width × channels` values)
 * into `out[outOffset …]`. Draws from `random` in a fixed order, so the same stream gives the same view.
 */
export function augmentImage(
  source: Float32Array,
  offset: number,
  out: Float32Array,
  outOffset: number,
  target: AugmentTarget,
  augment: ResolvedAugmentations,
  random: Random,
): void {
  const { height: h, width: w, channels: c } = target
  const cy = (h - 1) / 2
  const cx = (w - 1) / 2
  // Output pixel → source pixel: q = position about the centre; q' = R(−θ)(q − t) / k; then into the crop.
  let cropSide = Math.min(h, w)
  let cropY = cy
  let cropX = cx
  if (augment.crop) {
    cropSide = between(random, augment.crop.minSize, augment.crop.maxSize)
    cropY = between(random, 0, h - cropSide) + (cropSide - 1) / 2
    cropX = between(random, 0, w - cropSide) + (cropSide - 1) / 2
  }
  // Corner pixels map to the crop's corner pixels, so a crop never reads outside the image.
  const side = Math.min(h, w)
  const ratio = side > 1 ? (cropSide - 1) / (side - 1) : 1
  const ty = augment.shift ? between(random, -augment.shift.pixels, augment.shift.pixels) : 0
  const tx = augment.shift ? between(random, -augment.shift.pixels, augment.shift.pixels) : 0
  const angle = augment.rotation
    ? (between(random, -augment.rotation.degrees, augment.rotation.degrees) * Math.PI) / 180
    : 0
  const zoom = augment.scale ? between(random, augment.scale.min, augment.scale.max) : 1
  const cos = (Math.cos(angle) * ratio) / zoom
  const sin = (Math.sin(angle) * ratio) / zoom
  const plane = w * c
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const qy = y - cy - ty
      const qx = x - cx - tx
      const sy = cropY + cos * qy - sin * qx
      const sx = cropX + sin * qy + cos * qx
      const y0 = Math.floor(sy)
      const x0 = Math.floor(sx)
      const fy = sy - y0
      const fx = sx - x0
      for (let k = 0; k < c; k++) {
        const read = (yy: number, xx: number): number =>
          yy < 0 || yy >= h || xx < 0 || xx >= w
            ? 0
            : (source[offset + yy * plane + xx * c + k] as number)
        out[outOffset + y * plane + x * c + k] =
          (1 - fy) * ((1 - fx) * read(y0, x0) + fx * read(y0, x0 + 1)) +
          fy * ((1 - fx) * read(y0 + 1, x0) + fx * read(y0 + 1, x0 + 1))
      }
    }
  }
  const size = h * w * c
  const brightness = augment.brightness
    ? between(random, -augment.brightness.delta, augment.brightness.delta)
    : 0
  const factor = augment.contrast ? between(random, augment.contrast.min, augment.contrast.max) : 1
  let mean = 0
  if (augment.contrast) {
    for (let i = 0; i < size; i++) mean += out[outOffset + i] as number
    mean /= size
  }
  const noise = augment.noise ? random.normals(size) : undefined
  const std = augment.noise ? augment.noise.std : 0
  for (let i = 0; i < size; i++) {
    const value = out[outOffset + i] as number
    let next = mean + factor * (value - mean) + brightness
    if (noise) next += std * (noise[i] as number)
    out[outOffset + i] = target.unitRange ? Math.min(1, Math.max(0, next)) : next
  }
  if (augment.cutout && random.uniform() < augment.cutout.probability) {
    const s = augment.cutout.size
    const top = Math.floor(between(random, 0, h)) - Math.floor(s / 2)
    const left = Math.floor(between(random, 0, w)) - Math.floor(s / 2)
    for (let y = Math.max(0, top); y < Math.min(h, top + s); y++) {
      for (let x = Math.max(0, left); x < Math.min(w, left + s); x++) {
        out.fill(0, outOffset + y * plane + x * c, outOffset + y * plane + (x + 1) * c)
      }
    }
  }
}

/**
 * Two views of each of the `rows.length` images `rows` of `data` (`size` values each): the first
 * views in `[0, n)`, the second in `[n, 2n)` — so row `i`'s positive is row `(i + n) mod 2n`.
 */
export function augmentBatch(
  data: Float32Array,
  rows: ArrayLike<number>,
  target: AugmentTarget,
  augment: ResolvedAugmentations,
  random: Random,
): Float32Array {
  const size = target.height * target.width * target.channels
  const n = rows.length
  const out = new Float32Array(2 * n * size)
  for (let i = 0; i < n; i++) {
    const offset = (rows[i] as number) * size
    augmentImage(data, offset, out, i * size, target, augment, random)
    augmentImage(data, offset, out, (n + i) * size, target, augment, random)
  }
  return out
}
