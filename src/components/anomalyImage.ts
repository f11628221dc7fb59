/**
 * Turns what a user drops or picks into an image of the model's shape: `File`, `ImageData`, `<img>`,
 * canvas or bitmap are drawn resized; an `ImageBatch` must already have the shape (it cannot be
 * resized). Call from effects or event handlers only (uses the DOM).
 */
import type { ImageBatch, ImageShape } from '../core/dataset'
import { ShapeMismatchError } from '../core/errors'
import { fromImageSources, type DrawableImage } from '../data/imageInput'

/** Anything {@link AnomalyHeatmap} can show. */
export type AnomalyImageSource = ImageBatch | ImageData | DrawableImage | Blob

/** The image ready for the model, and a note when it had to be resized. */
export interface PreparedImage {
  readonly image: ImageBatch
  readonly note: string | undefined
}

function isImageBatch(source: AnomalyImageSource): source is ImageBatch {
  return 'shape' in source && 'data' in source && source.data instanceof Float32Array
}

/** `source` as one image of `shape`; resizes what can be drawn, says so in `note`. */
export async function prepareImage(
  source: AnomalyImageSource,
  shape: ImageShape,
): Promise<PreparedImage> {
  const [height, width, channels] = shape
  if (isImageBatch(source)) {
    const [, h, w, c] = source.shape
    if (h !== height || w !== width || c !== channels) {
      throw new ShapeMismatchError(
        `the image is ${h}×${w}×${c}, the model takes ${height}×${width}×${channels}; an array cannot be resized — pass a File, ImageData, <img> or canvas to have it resized`,
        { expected: [height, width, channels], actual: [h, w, c] },
      )
    }
    return {
      image: { data: source.data.slice(0, h * w * c), shape: [1, h, w, c] },
      note: undefined,
    }
  }
  if (channels !== 1 && channels !== 3) {
    throw new ShapeMismatchError(
      `the model takes ${channels}-channel images; only 1 (gray) or 3 (RGB) channels can be made from a picture. Pass an array of shape [1, ${height}, ${width}, ${channels}]`,
      { channels },
    )
  }
  const drawable: DrawableImage =
    source instanceof Blob || source instanceof ImageData ? await createImageBitmap(source) : source
  const from = { width: drawable.width, height: drawable.height }
  const image = fromImageSources(drawable, {
    width,
    height,
    channels: channels === 3 ? 3 : 1,
  })
  const resized = from.width !== width || from.height !== height
  return {
    image,
    note: resized
      ? `resized from ${from.width}×${from.height} to ${width}×${height}${channels === 1 ? ', gray' : ''} to match the model`
      : undefined,
  }
}
