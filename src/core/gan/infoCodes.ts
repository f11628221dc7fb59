/**
 * InfoGAN's latent codes (Chen et al., 2016), TF-free: options, checks, draws from the prior and the
 * layout of the codes inside the generator's input. The codes take the first values of the noise
 * vector (`noiseDim` counts them): one one-hot block per categorical code, then the continuous codes,
 * then the incompressible noise.
 */
import { describeValue, InvalidInputError, InvalidOptionError } from '../errors'
import { MAX_COUNT } from '../memoryModel'
import type { Random } from '../random'

/** InfoGAN's codes and the weight of the mutual-information term. */
export interface InfoGANOptions {
  /**
   * Number of values of each categorical code, e.g. `[10]` for one ten-way code (each ≥ 2). Drawn
   * uniformly, fed to the generator one-hot. Default `[]`.
   */
  readonly categorical?: readonly number[]
  /** Number of continuous codes, each drawn uniformly from [−1, 1]. Default `0`. */
  readonly continuous?: number
  /**
   * Weight λ of the mutual-information lower bound L_I in the generator's and Q's losses (≥ 0); of
   * its categorical codes' part alone when `continuousWeight` is given. Default `1`.
   */
  readonly weight?: number
  /**
   * Weight λ_cont of the continuous codes' part of L_I (≥ 0), when it should differ from `weight`,
   * which then weighs the categorical codes' part alone (Chen et al. use λ 1 for categorical codes
   * and 0.1 for continuous ones). Default: `weight` (one λ for every code).
   */
  readonly continuousWeight?: number
}

/** {@link InfoGANOptions} with the defaults filled in. */
export interface ResolvedInfoGANOptions {
  readonly categorical: readonly number[]
  readonly continuous: number
  readonly weight: number
  /** λ_cont; absent when not given (then `weight` weighs every code, and snapshots stay as before). */
  readonly continuousWeight?: number
}

function fail(message: string): never {
  throw new InvalidOptionError(`info ${message}`, { option: 'info' })
}

/** Throws `INVALID_OPTION` for an `info` option that is not a valid set of codes. */
export function validateInfoGANOptions(info: InfoGANOptions | undefined): void {
  if (info === undefined) return
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    fail(
      `must be an object such as { categorical: [10], continuous: 2 }; got ${describeValue(info)}`,
    )
  }
  const { categorical, continuous, weight, continuousWeight } = info
  if (categorical !== undefined) {
    if (!Array.isArray(categorical)) {
      fail(`.categorical must be an array of value counts; got ${describeValue(categorical)}`)
    }
    for (const count of categorical as readonly unknown[]) {
      if (!(typeof count === 'number' && Number.isInteger(count) && count <= MAX_COUNT)) {
        fail(`.categorical must hold integers; got ${describeValue(count)}. Try [10]`)
      }
      if (count < 2) {
        fail(
          `.categorical has a code with ${count} value(s); a categorical code needs at least 2 values. Try [10]`,
        )
      }
    }
  }
  if (
    continuous !== undefined &&
    !(typeof continuous === 'number' && Number.isInteger(continuous) && continuous >= 0)
  ) {
    fail(`.continuous must be an integer ≥ 0; got ${describeValue(continuous)}. Try 2`)
  }
  if (
    weight !== undefined &&
    !(typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)
  ) {
    fail(`.weight must be a finite number ≥ 0; got ${describeValue(weight)}. Try 1`)
  }
  if (
    continuousWeight !== undefined &&
    !(
      typeof continuousWeight === 'number' &&
      Number.isFinite(continuousWeight) &&
      continuousWeight >= 0
    )
  ) {
    fail(
      `.continuousWeight must be a finite number ≥ 0; got ${describeValue(continuousWeight)}. Try 0.1, or leave it out to use weight`,
    )
  }
  if ((categorical?.length ?? 0) + (continuous ?? 0) === 0) {
    fail('has no code; give categorical (e.g. [10]) or continuous (e.g. 2)')
  }
}

/** Values the codes take in the generator's input (one-hot blocks plus continuous codes). */
export function infoCodeSize(info: ResolvedInfoGANOptions): number {
  return info.categorical.reduce((sum, count) => sum + count, 0) + info.continuous
}

/** Fills in the defaults of a valid `info` (`INVALID_OPTION` otherwise); noise room is not checked. */
export function infoGANDefaults(info: InfoGANOptions): ResolvedInfoGANOptions {
  validateInfoGANOptions(info)
  return {
    categorical: [...(info.categorical ?? [])],
    continuous: info.continuous ?? 0,
    weight: info.weight ?? 1,
    ...(info.continuousWeight === undefined ? {} : { continuousWeight: info.continuousWeight }),
  }
}

/**
 * Fills in the defaults and checks that the codes leave room for noise: the codes take
 * {@link infoCodeSize} of the `noiseDim` input values and at least one must stay noise.
 */
export function resolveInfoGANOptions(
  info: InfoGANOptions,
  noiseDim: number,
): ResolvedInfoGANOptions {
  const resolved = infoGANDefaults(info)
  const size = infoCodeSize(resolved)
  if (size >= noiseDim) {
    throw new InvalidOptionError(
      `info codes take ${size} input values (one per categorical value plus the continuous codes), larger than the noise: noiseDim is ${noiseDim} and counts the codes. Use noiseDim ≥ ${size + 1}, or fewer codes`,
      { option: 'info' },
    )
  }
  return resolved
}

/**
 * `n` generator inputs of `noiseDim` values drawn from InfoGAN's prior: uniform categorical codes
 * (one-hot), continuous codes uniform in [−1, 1], standard-normal noise.
 */
export function drawInfoLatents(
  info: ResolvedInfoGANOptions,
  noiseDim: number,
  n: number,
  random: Random,
): Float32Array {
  const latents = random.normals(n * noiseDim)
  for (let i = 0; i < n; i++) {
    let at = i * noiseDim
    for (const count of info.categorical) {
      const chosen = random.int(count)
      for (let k = 0; k < count; k++) latents[at + k] = k === chosen ? 1 : 0
      at += count
    }
    for (let k = 0; k < info.continuous; k++) latents[at + k] = 2 * random.uniform() - 1
  }
  return latents
}

/**
 * `n` rows of a GAN's noise from its prior: with an InfoGAN's `info`, its codes drawn as
 * {@link drawInfoLatents} draws them; without, `n × noiseDim` standard normals.
 */
export function drawGANLatents(
  info: ResolvedInfoGANOptions | undefined,
  noiseDim: number,
  n: number,
  random: Random,
): Float32Array {
  return info ? drawInfoLatents(info, noiseDim, n, random) : random.normals(n * noiseDim)
}

/** The codes of one generated image, for `generateWithCodes`. */
export interface InfoCodeRow {
  /** The value of each categorical code, in order (`0 … count − 1`). Default: all `0`. */
  readonly categorical?: readonly number[]
  /** The continuous codes, in order (the prior spans [−1, 1]). Default: all `0`. */
  readonly continuous?: readonly number[]
}

/**
 * Writes `rows`' codes into the first values of the generator inputs `latents` (`[rows, noiseDim]`,
 * noise already in place). `INVALID_INPUT` for a code out of range or of the wrong count.
 */
export function writeInfoCodes(
  info: ResolvedInfoGANOptions,
  noiseDim: number,
  rows: readonly InfoCodeRow[],
  latents: Float32Array,
): void {
  rows.forEach((row, i) => {
    const categorical = row.categorical ?? info.categorical.map(() => 0)
    const continuous = row.continuous ?? new Array<number>(info.continuous).fill(0)
    if (!Array.isArray(categorical) || categorical.length !== info.categorical.length) {
      throw new InvalidInputError(
        `codes[${i}].categorical must hold ${info.categorical.length} value(s), one per categorical code; got ${describeValue(categorical)}`,
      )
    }
    if (!Array.isArray(continuous) || continuous.length !== info.continuous) {
      throw new InvalidInputError(
        `codes[${i}].continuous must hold ${info.continuous} number(s); got ${describeValue(continuous)}`,
      )
    }
    let at = i * noiseDim
    info.categorical.forEach((count, c) => {
      const value = categorical[c]
      if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < count)) {
        throw new InvalidInputError(
          `codes[${i}].categorical[${c}] must be an integer from 0 to ${count - 1}; got ${describeValue(value)}`,
        )
      }
      for (let k = 0; k < count; k++) latents[at + k] = k === value ? 1 : 0
      at += count
    })
    continuous.forEach((value, k) => {
      if (!(typeof value === 'number' && Number.isFinite(value))) {
        throw new InvalidInputError(
          `codes[${i}].continuous[${k}] must be a finite number; got ${describeValue(value)}`,
        )
      }
      latents[at + k] = value
    })
  })
}

/** What Q infers from images: `inferCodes`' result. */
export interface InferredCodes {
  /** Images. */
  readonly count: number
  /** Values of each categorical code (the model's `info.categorical`). */
  readonly categories: readonly number[]
  /** The most probable value of each categorical code, `[count, categories.length]` row-major. */
  readonly categorical: Int32Array
  /** Q's probabilities, each code's block in turn: `[count, sum(categories)]` row-major. */
  readonly probabilities: Float32Array
  /** Q's means of the continuous codes, `[count, continuous]` row-major. */
  readonly continuous: Float32Array
}

/** Q's raw outputs (`[count, infoCodeSize]`, logits then means) read as {@link InferredCodes}. */
export function readInferredCodes(
  info: ResolvedInfoGANOptions,
  q: Float32Array,
  count: number,
): InferredCodes {
  const size = infoCodeSize(info)
  const values = size - info.continuous
  const categorical = new Int32Array(count * info.categorical.length)
  const probabilities = new Float32Array(count * values)
  const continuous = new Float32Array(count * info.continuous)
  for (let i = 0; i < count; i++) {
    let at = 0
    info.categorical.forEach((n, c) => {
      let best = 0
      let max = -Infinity
      for (let k = 0; k < n; k++) max = Math.max(max, q[i * size + at + k] as number)
      const exps: number[] = []
      for (let k = 0; k < n; k++) {
        exps.push(Math.exp((q[i * size + at + k] as number) - max))
        if ((q[i * size + at + k] as number) > (q[i * size + at + best] as number)) best = k
      }
      const sum = exps.reduce((a, b) => a + b, 0)
      exps.forEach((p, k) => (probabilities[i * values + at + k] = p / sum))
      categorical[i * info.categorical.length + c] = best
      at += n
    })
    continuous.set(q.subarray(i * size + at, (i + 1) * size), i * info.continuous)
  }
  return { count, categories: [...info.categorical], categorical, probabilities, continuous }
}
