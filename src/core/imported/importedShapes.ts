/**
 * The shape rules of an imported model, checked when it loads: what the decoder and the encoder
 * must take and give for the components to draw them. Pure TypeScript over the models' symbolic
 * shapes (`null` for the batch and any unknown size), so the rules are tested without TF.js.
 */
import type { ImageShape } from '../dataset'
import { InvalidOptionError, ShapeMismatchError } from '../errors'
import type { ImportedRole } from './importedOptions'

/** A symbolic shape, `null` where the size is not fixed (the batch). */
export type SymbolicShape = readonly (number | null)[]

/** The input and output shapes of a LayersModel. */
export interface ModelShapes {
  readonly inputs: readonly SymbolicShape[]
  readonly outputs: readonly SymbolicShape[]
}

/** How the encoder's latent mean is read from its outputs. */
export type EncoderMean = 'first-output' | 'first-half'

/** What loading found: how to feed the models and read them. */
export interface ImportPlan {
  /** Size of one latent vector (the decoder's input). */
  readonly latentDim: number
  /** Shape of one image (the decoder's output). */
  readonly imageShape: ImageShape
  /** The encoder, when there is one: whether it takes flat rows, and where its mean is. */
  readonly encoder: { readonly input: SymbolicShape; readonly mean: EncoderMean } | undefined
}

/** `[null, 8, 8, 1]`, as messages write a shape. */
export const shapeText = (shape: SymbolicShape): string =>
  `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1)

const known = (dims: SymbolicShape): dims is readonly number[] =>
  dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)

function mismatch(
  model: 'decoder' | 'encoder',
  message: string,
  shape?: SymbolicShape,
): ShapeMismatchError {
  return new ShapeMismatchError(message, {
    model,
    ...(shape ? { shape: shapeText(shape) } : {}),
  })
}

function single(
  model: 'decoder' | 'encoder',
  what: 'input' | 'output',
  shapes: readonly SymbolicShape[],
  advice: string,
): SymbolicShape {
  const [shape] = shapes
  if (shapes.length !== 1 || !shape) {
    throw mismatch(
      model,
      `the ${model} has ${shapes.length} ${what}s (${shapes.map(shapeText).join(', ')}); it must have one: ${advice}`,
    )
  }
  return shape
}

/** The decoder's latent size: its one input must be `[null, latent]`. */
function decoderLatent(decoder: ModelShapes): number {
  const input = single('decoder', 'input', decoder.inputs, 'a batch of latent vectors [n, latent]')
  const [, latent] = input
  if (input.length !== 2 || typeof latent !== 'number' || latent < 1) {
    throw mismatch(
      'decoder',
      `the decoder's input is ${shapeText(input)}; it must be [null, latent] (one latent vector per row). Export the decoder from its latent input, e.g. keras.Input(shape=(latent,))`,
      input,
    )
  }
  return latent
}

/** The image shape the decoder makes, checked against `imageShape` when given. */
function decoderImage(decoder: ModelShapes, imageShape: ImageShape | undefined): ImageShape {
  const output = single(
    'decoder',
    'output',
    decoder.outputs,
    'the images, [n, h, w, c] or [n, h·w·c]',
  )
  const dims = output.slice(1)
  if (!known(dims) || output.length < 2 || output.length > 4) {
    throw mismatch(
      'decoder',
      `the decoder's output is ${shapeText(output)}; it must be images [null, h, w, c] (or [null, h, w]) or flat rows [null, h·w·c] with fixed sizes`,
      output,
    )
  }
  if (dims.length === 1) {
    const size = dims[0] as number
    if (!imageShape) {
      const side = Math.round(Math.sqrt(size))
      const example = side * side === size ? `[${side}, ${side}, 1]` : '[height, width, channels]'
      throw new InvalidOptionError(
        `the decoder outputs flat rows of ${size} values; set imageShape to the shape of one image (e.g. ${example}) so they can be drawn`,
        { option: 'imageShape', actual: size },
      )
    }
    if (product(imageShape) !== size) {
      throw mismatch(
        'decoder',
        `imageShape [${imageShape.join(', ')}] has ${product(imageShape)} values but the decoder outputs rows of ${size}; set imageShape to [height, width, channels] with height·width·channels = ${size}`,
        output,
      )
    }
    return checkChannels(imageShape, output)
  }
  const shape: ImageShape = [dims[0] as number, dims[1] as number, dims[2] ?? 1]
  if (imageShape && imageShape.join() !== shape.join()) {
    throw mismatch(
      'decoder',
      `imageShape [${imageShape.join(', ')}] does not match the decoder's output ${shapeText(output)}; leave imageShape out (it is read from the decoder) or set it to [${shape.join(', ')}]`,
      output,
    )
  }
  return checkChannels(shape, output)
}

function checkChannels(shape: ImageShape, output: SymbolicShape): ImageShape {
  if (shape[2] !== 1 && shape[2] !== 3) {
    throw mismatch(
      'decoder',
      `the decoder makes images of ${shape[2]} channels (${shapeText(output)}); latentkit draws grayscale (1 channel) or RGB (3 channels) images`,
      output,
    )
  }
  return shape
}

/** Checks the encoder against the decoder: it takes their images and gives their latents. */
function encoderPlan(
  encoder: ModelShapes,
  role: ImportedRole,
  latentDim: number,
  imageShape: ImageShape,
): NonNullable<ImportPlan['encoder']> {
  const input = single('encoder', 'input', encoder.inputs, 'a batch of images')
  const dims = input.slice(1)
  const [h, w, c] = imageShape
  const fits =
    known(dims) &&
    (dims.join() === [h, w, c].join() ||
      (c === 1 && dims.join() === [h, w].join()) ||
      (dims.length === 1 && dims[0] === h * w * c))
  if (!fits) {
    throw mismatch(
      'encoder',
      `the encoder's input is ${shapeText(input)} but the decoder makes ${h}×${w}×${c} images; it must take [null, ${h}, ${w}, ${c}] or flat rows [null, ${h * w * c}]`,
      input,
    )
  }
  const first = encoder.outputs[0]
  const size = first && first.length === 2 ? first[1] : undefined
  if (first && size === latentDim) {
    if (encoder.outputs.length > 1 && role !== 'vae') {
      throw mismatch(
        'encoder',
        `the encoder has ${encoder.outputs.length} outputs (${encoder.outputs.map(shapeText).join(', ')}); a ${role}'s encoder has one, [null, ${latentDim}]. Use role 'vae' for an encoder giving [mean, logVar]`,
      )
    }
    return { input, mean: 'first-output' }
  }
  if (first && role === 'vae' && encoder.outputs.length === 1 && size === 2 * latentDim) {
    return { input, mean: 'first-half' }
  }
  const wanted =
    role === 'vae'
      ? `[null, ${latentDim}] (the mean, alone or first of [mean, logVar, …]) or one output [null, ${2 * latentDim}] (mean then logVar)`
      : `[null, ${latentDim}]`
  throw mismatch(
    'encoder',
    `the encoder outputs ${encoder.outputs.map(shapeText).join(', ')} but the decoder takes latents of ${latentDim}; it must output ${wanted}`,
    first,
  )
}

/**
 * Checks a decoder (and an encoder) against each other and against `imageShape`: `SHAPE_MISMATCH`
 * naming the model, its shape and what it must be, or `INVALID_OPTION` when `imageShape` is needed.
 */
export function planImport(
  role: ImportedRole,
  imageShape: ImageShape | undefined,
  decoder: ModelShapes,
  encoder: ModelShapes | undefined,
): ImportPlan {
  const latentDim = decoderLatent(decoder)
  const shape = decoderImage(decoder, imageShape)
  return {
    latentDim,
    imageShape: shape,
    encoder: encoder ? encoderPlan(encoder, role, latentDim, shape) : undefined,
  }
}
