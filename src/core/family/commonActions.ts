/**
 * Actions several families share, as the main thread sees them: sampling and walking a latent space
 * (VAE, GAN), encoding and rebuilding images (VAE, autoencoder), and anomaly scoring (VAE,
 * autoencoder). Pure TypeScript; the engine's side is in `engine/commonEngineActions.ts`.
 */
import type { DataInput, ImageBatch, LatentBatch } from '../dataset'
import type { InterpolationMethod } from '../interpolate'
import {
  checkPercentile,
  checkThreshold,
  resolveScoreOptions,
  type AnomalyScores,
  type CalibrateOptions,
  type ScoreOptions,
} from '../anomaly/anomalyScoring'
import { InvalidInputError, describeValue } from '../errors'
import {
  probeLabels,
  resolveProbeOptions,
  type ProbeOptions,
  type ProbeResult,
} from '../probe/probeOptions'
import { checkCount } from '../memoryModel'
import { defineAction, optionsArgument } from './familySpec'

/** Latent vectors as callers pass them: a batch, or the flat values of one or more vectors. */
export type LatentInput = LatentBatch | Float32Array | readonly number[]

/** Latent vectors as the worker takes them (`INVALID_INPUT` for anything else). */
export function latentPayload(latents: LatentInput, name = 'latents'): LatentBatch | Float32Array {
  if (latents instanceof Float32Array || Array.isArray(latents)) {
    return Float32Array.from(latents as ArrayLike<number>)
  }
  const batch = latents as Partial<LatentBatch> | null
  if (typeof batch === 'object' && batch !== null && batch.data instanceof Float32Array) {
    return latents as LatentBatch
  }
  throw new InvalidInputError(
    `${name} must be a Float32Array, an array of numbers or { data: Float32Array, shape: [n, size] }; got ${describeValue(latents)}`,
  )
}

/** One latent vector (`INVALID_INPUT` unless a Float32Array or an array of numbers). */
function vectorArgument(value: Float32Array | readonly number[], name: string): Float32Array {
  if (value instanceof Float32Array || Array.isArray(value)) {
    return Float32Array.from(value as ArrayLike<number>)
  }
  throw new InvalidInputError(
    `${name} must be a Float32Array or an array of numbers (one latent vector); got ${describeValue(value)}`,
  )
}

/** Options of `sample`. */
export interface ClientSampleOptions {
  /** Seed of the latent draws: the same seed gives the same latents. Default: random. */
  readonly seed?: number
}

/** Options of `interpolate`. */
export interface ClientInterpolateOptions {
  /** `'linear'` (default) or `'slerp'`. */
  readonly method?: InterpolationMethod
}

/** Options of `calibrate`. */
export interface ClientCalibrateOptions extends CalibrateOptions {
  /** Normal images to calibrate on. Default: the data the model was trained on. */
  readonly data?: DataInput
}

/** Decodes `n` draws from the prior; the same `seed` gives the same latents. */
export const sampleAction = /* @__PURE__ */ defineAction<ImageBatch>()(
  (_, n: number, options?: ClientSampleOptions) =>
    [
      checkCount(n, 'sample count'),
      optionsArgument(options, 'sample', '{ seed: 1 }').seed,
    ] as const,
)

/** Images decoded from latent vectors, `[n, latentDim]`. */
export const decodeAction = /* @__PURE__ */ defineAction<ImageBatch>()(
  (_, latents: LatentInput) => [latentPayload(latents)] as const,
)

/** `steps` decoded images on the path from latent `a` to latent `b`, endpoints included. */
export const interpolateAction = /* @__PURE__ */ defineAction<ImageBatch>()(
  (
    _,
    a: Float32Array | readonly number[],
    b: Float32Array | readonly number[],
    steps: number,
    options?: ClientInterpolateOptions,
  ) =>
    [
      vectorArgument(a, 'interpolate from'),
      vectorArgument(b, 'interpolate to'),
      checkCount(steps, 'steps', 2, 'Both endpoints are included'),
      optionsArgument(options, 'interpolate', "{ method: 'slerp' }").method ?? 'linear',
    ] as const,
)

/** Sampling and walking the latent space of a generative model. */
export const generativeActions = {
  /** Decodes `n` draws from the prior; the same `seed` gives the same latents. */
  sample: sampleAction,
  /** Images decoded from latent vectors, `[n, latentDim]`. */
  decode: decodeAction,
  /** `steps` decoded images on the path from latent `a` to latent `b`, endpoints included. */
  interpolate: interpolateAction,
}

/** An action that takes images (checked, flat rows read with the model's shape) and returns `Result`. */
export const imagesAction = <Result>() =>
  /* @__PURE__ */ defineAction<Result>()(
    (context, images: DataInput) => [context.images(images)] as const,
  )

/** Latent vectors (posterior means, or codes) of `images`, `[n, latentDim]`. */
export const encodeAction = /* @__PURE__ */ imagesAction<LatentBatch>()

/** `images` through the encoder and the decoder (no noise). */
export const reconstructAction = /* @__PURE__ */ imagesAction<ImageBatch>()

/**
 * How useful the model's codes are when labels are few: a logistic regression fitted in the worker
 * on the codes of `images` with `labels` (one class number per image), on a stratified, seeded
 * split; resolves with the held-out accuracy (see {@link ProbeOptions}).
 */
export const probeAction = /* @__PURE__ */ defineAction<ProbeResult>()((
  context,
  images: DataInput,
  labels: ArrayLike<number>,
  options?: ProbeOptions,
) => {
  const batch = context.images(images)
  return [batch, probeLabels(labels, batch.shape[0]), resolveProbeOptions(options)] as const
})

/** Encoding images to latents and rebuilding them. */
export const latentActions = {
  /** Latent vectors (posterior means, or codes) of `images`, `[n, latentDim]`. */
  encode: encodeAction,
  /** `images` through the encoder and the decoder (no noise). */
  reconstruct: reconstructAction,
  /** Held-out accuracy of a logistic regression on the codes, fitted with few labels. */
  probe: probeAction,
}

/**
 * Scores `images`: per-pixel error maps under the model's likelihood (smoothed), one score per
 * image and, once calibrated, which are above the threshold.
 */
export const scoreAction = /* @__PURE__ */ defineAction<AnomalyScores>()((
  context,
  images: DataInput,
  options?: ScoreOptions,
) => {
  const checked = optionsArgument(options, 'score', "{ reduction: 'top' }")
  resolveScoreOptions(checked)
  return [context.images(images), checked] as const
})

/**
 * Sets the threshold to a percentile (default the 99th) of the scores of normal images — by default
 * the training data — and resolves with it.
 */
export const calibrateAction = /* @__PURE__ */ defineAction<number | undefined>()((
  context,
  options?: ClientCalibrateOptions,
) => {
  const { data, ...rest } = optionsArgument(options, 'calibrate', '{ percentile: 99 }')
  checkPercentile(rest.percentile ?? 99)
  resolveScoreOptions(rest)
  return [data === undefined ? undefined : context.images(data), rest] as const
})

/** Sets the threshold by hand: a finite number ≥ 0 (`INVALID_OPTION` otherwise). */
export const setThresholdAction = /* @__PURE__ */ defineAction<void>()((_, value: number) => {
  checkThreshold(value)
  return [value] as const
})

/** Anomaly detection by reconstruction error. */
export const anomalyActions = {
  /** Anomaly scores, error maps and (once calibrated) flags of `images`. */
  score: scoreAction,
  /** Sets the threshold to a percentile of normal images' scores (default: the training data). */
  calibrate: calibrateAction,
  /** Sets the threshold by hand. */
  setThreshold: setThresholdAction,
}

/** The anomaly facts a reconstruction model reports. */
export interface AnomalyFacts {
  /** The anomaly threshold, once calibrated or set. */
  readonly threshold: number | undefined
}
