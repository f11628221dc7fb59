/**
 * Options of an imported model (a TF.js LayersModel trained elsewhere) and their checks. Pure
 * TypeScript (no TF.js): the client validates with it before any work is sent to the worker.
 */
import type { ImageShape } from '../dataset'
import { InvalidOptionError, describeValue } from '../errors'
import { checkOneOf, isPositiveInteger } from '../optionChecks'

/** What an imported model is, which decides the actions it offers. */
export type ImportedRole = 'vae' | 'gan' | 'autoencoder'

/** The roles an imported model may play. */
export const IMPORTED_ROLES: readonly ImportedRole[] = ['vae', 'gan', 'autoencoder']

/** The prior `sample` draws latents from. */
export type ImportedLatent = 'normal'

/** Which model to import and how to read it. Changing any of these imports the model again. */
export interface ImportedModelOptions {
  /**
   * What the model is: `'vae'` (decoder, optional encoder giving `[mean, logVar]`), `'gan'` (a
   * generator, optional encoder) or `'autoencoder'` (decoder, optional encoder; no prior, so no
   * `sample`). Default `'vae'`.
   */
  readonly role?: ImportedRole
  /**
   * Where the decoder (a GAN's generator) is: the URL of a TF.js LayersModel's `model.json` (the
   * converter's `tfjs_layers_model` output, or what tfjs-layers' `model.save` writes) or any `tf.io`
   * URL (`indexeddb://name`, `localstorage://name`). Required. Input `[null, latent]`, output
   * `[null, h, w, c]`, or flat `[null, h·w·c]` with {@link ImportedModelOptions.imageShape}.
   */
  readonly decoder?: string
  /**
   * Where the encoder is (same URL kinds as `decoder`), for `encode`, `reconstruct`, `score`,
   * `calibrate` and `probe`. Input: one image (`[null, h, w, c]` or flat `[null, h·w·c]`); output
   * `[null, latent]` — for a VAE also two or more outputs (`[mean, logVar, …]`) or one of
   * `2·latent` (mean first): `encode` gives the mean. Default: none.
   */
  readonly encoder?: string
  /**
   * Shape `[height, width, channels]` of one image, needed when the decoder outputs flat rows;
   * checked against the decoder when it outputs images. Default: the decoder's output shape.
   */
  readonly imageShape?: ImageShape
  /**
   * The range of the decoder's pixel values, `[low, high]`: mapped linearly onto `[0, 1]` for
   * drawing (and back for the encoder's input). `[-1, 1]` for a `tanh` generator. Default `[0, 1]`.
   */
  readonly pixelRange?: readonly [low: number, high: number]
  /** The prior `sample` draws latents from: `'normal'` (standard normal). Default `'normal'`. */
  readonly latent?: ImportedLatent
}

/** Training an imported model: none (fine-tuning is not supported). */
export type ImportedTrainOptions = Readonly<Record<never, never>>

/** {@link ImportedModelOptions} with the defaults filled in. */
export interface ResolvedImportedOptions {
  readonly role: ImportedRole
  readonly decoder: string
  readonly encoder: string | undefined
  readonly imageShape: ImageShape | undefined
  readonly pixelRange: readonly [number, number]
  readonly latent: ImportedLatent
}

function checkURL(value: unknown, name: string, required: boolean): void {
  if (value === undefined && !required) return
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidOptionError(
      `${name} must be the URL of a TF.js LayersModel's model.json (e.g. '/models/decoder/model.json' or 'indexeddb://my-decoder'); got ${describeValue(value)}`,
      { option: name },
    )
  }
}

function checkImageShape(value: unknown): void {
  if (value === undefined) return
  if (!Array.isArray(value) || value.length !== 3 || !value.every(isPositiveInteger)) {
    throw new InvalidOptionError(
      `imageShape must be [height, width, channels], three integers ≥ 1 (e.g. [28, 28, 1]); got ${describeValue(value)}`,
      { option: 'imageShape' },
    )
  }
}

function checkPixelRange(value: unknown): void {
  if (value === undefined) return
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    (value[0] as number) < (value[1] as number)
  if (!ok) {
    throw new InvalidOptionError(
      `pixelRange must be [low, high] with finite low < high (e.g. [-1, 1] for a tanh output); got ${describeValue(value)}`,
      { option: 'pixelRange' },
    )
  }
}

/** Throws `INVALID_OPTION` for a bad option (a missing `decoder` included). */
export function validateImportedModelOptions(options: ImportedModelOptions): void {
  checkOneOf(options.role, IMPORTED_ROLES, 'role')
  checkURL(options.decoder, 'decoder', true)
  checkURL(options.encoder, 'encoder', false)
  checkImageShape(options.imageShape)
  checkPixelRange(options.pixelRange)
  checkOneOf(options.latent, ['normal'], 'latent')
}

/** Training options of an imported model: there are none to check. */
export function validateImportedTrainOptions(_options: ImportedTrainOptions): void {}

/** The options with their defaults; `INVALID_OPTION` for a bad one. */
export function resolveImportedOptions(options: ImportedModelOptions): ResolvedImportedOptions {
  validateImportedModelOptions(options)
  return {
    role: options.role ?? 'vae',
    decoder: options.decoder as string,
    encoder: options.encoder,
    imageShape: options.imageShape,
    pixelRange: options.pixelRange ?? [0, 1],
    latent: options.latent ?? 'normal',
  }
}
