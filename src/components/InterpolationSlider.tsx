'use client'
import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactNode,
} from 'react'
import type { DataInput } from '../core/dataset'
import { interpolateLatent, type InterpolationMethod } from '../core/interpolate'
import { createRandom } from '../core/random'
import { classNames } from './composeProps'
import { drawImageGrid } from './drawGrid'
import { MAX_GRID_SIDE, gridLayout, type ImageColorMap } from './imagePixels'
import { isTrained, type LatentSource } from './modelHandle'
import { useLatestAsync } from './useLatestAsync'

/**
 * One end of the walk: a latent vector, an image to encode (needs a model with `encode`), or a
 * seeded draw from the prior.
 */
export type InterpolationEndpoint =
  | { readonly latent: Float32Array | readonly number[] }
  | { readonly image: DataInput }
  | { readonly seed: number }

/**
 * Props of {@link InterpolationSlider}. Other attributes (`style`, `id`, handlers, …) pass through to
 * the outer `<div>`; the slider's own change handling is on the inner `<input>` and always runs.
 */
export interface InterpolationSliderProps extends Omit<
  HTMLAttributes<HTMLDivElement>,
  'onChange' | 'defaultValue'
> {
  /** The model whose latent space is walked (e.g. the result of `useVAE`). */
  model: LatentSource
  /** Start of the walk. Default `{ seed: 1 }` (a draw from the prior). */
  from?: InterpolationEndpoint
  /** End of the walk. Default `{ seed: 2 }`. */
  to?: InterpolationEndpoint
  /** `'linear'` (default) or `'slerp'` (spherical; keeps latents at a typical norm). */
  method?: InterpolationMethod
  /** Position on the path, 0 … 1, when controlled. */
  value?: number
  /** Starting position when uncontrolled. Default `0.5`. */
  defaultValue?: number
  /** Called with the new position while the slider moves. */
  onChange?: (t: number) => void
  /** Called after the image decoded for position `t` is painted (e.g. to sync other views). */
  onDraw?: (t: number) => void
  /** Slider step. Default `0.01`. */
  step?: number
  /** Images in the strip of intermediate steps (0 hides it). Default `8`. */
  steps?: number
  /** Canvas pixels per image pixel of the large image. Default `12`. */
  scale?: number
  /** Canvas pixels per image pixel in the strip. Default `4`. */
  stripScale?: number
  /** `'grayscale'` (default) or `'inverted'`. */
  colorMap?: ImageColorMap
  /** Keep hard pixel edges. Default `true`. */
  pixelated?: boolean
  /** Accessible name of the slider. Default `'Interpolation position'`. */
  label?: string
  /** Rendered in place of the image until the model is trained (the slider stays, disabled). Default: a short text. */
  renderEmpty?: () => ReactNode
}

async function resolveEndpoint(
  model: LatentSource,
  endpoint: InterpolationEndpoint,
  latentDim: number,
): Promise<Float32Array> {
  if ('latent' in endpoint) return Float32Array.from(endpoint.latent)
  if ('image' in endpoint) {
    if (!model.encode) throw new Error('this model has no encoder; pass a latent or a seed')
    const encoded = await model.encode(endpoint.image)
    if (!encoded) throw new Error('the image could not be encoded')
    return encoded.data.slice(0, latentDim)
  }
  return createRandom(endpoint.seed).normals(latentDim)
}

const DEFAULT_FROM: InterpolationEndpoint = { seed: 1 }
const DEFAULT_TO: InterpolationEndpoint = { seed: 2 }

/** What is wrong with the slider's size props, in words, or undefined. */
function sliderProblem(steps: number, scale: number, stripScale: number): string | undefined {
  if (!Number.isInteger(steps) || steps < 0 || steps > MAX_GRID_SIDE) {
    return `InterpolationSlider: steps must be an integer from 0 to ${MAX_GRID_SIDE}; got ${String(steps)}`
  }
  for (const [name, value] of [
    ['scale', scale],
    ['stripScale', stripScale],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0 && value <= 64)) {
      return `InterpolationSlider: ${name} must be a number in (0, 64]; got ${String(value)}`
    }
  }
  return undefined
}

/**
 * A slider over a path through latent space: the decoded image follows the slider live, a strip shows
 * the intermediate steps. Keyboard operable (arrows, Page Up/Down, Home/End) with ARIA labels.
 */
export function InterpolationSlider({
  model,
  from = DEFAULT_FROM,
  to = DEFAULT_TO,
  method = 'linear',
  value,
  defaultValue = 0.5,
  onChange,
  onDraw,
  step = 0.01,
  steps = 8,
  scale = 12,
  stripScale = 4,
  colorMap = 'grayscale',
  pixelated = true,
  label = 'Interpolation position',
  renderEmpty,
  className,
  ...divProps
}: InterpolationSliderProps) {
  const [internal, setInternal] = useState(defaultValue)
  const wanted = value ?? internal
  // A position that is not a number (NaN from a bad parse) shows the midpoint rather than failing.
  const t = Number.isFinite(wanted) ? Math.min(1, Math.max(0, wanted)) : 0.5
  const problem = sliderProblem(steps, scale, stripScale)
  const imageRef = useRef<HTMLCanvasElement>(null)
  const stripRef = useRef<HTMLCanvasElement>(null)
  const sliderId = useId()
  const trained = !problem && isTrained(model) && model.latentDim !== undefined
  const latentDim = model.latentDim ?? 0
  const endpointKey = trained
    ? `${model.modelVersion}:${JSON.stringify(from)}:${JSON.stringify(to)}`
    : undefined
  const endpoints = useLatestAsync(endpointKey, async () =>
    Promise.all([resolveEndpoint(model, from, latentDim), resolveEndpoint(model, to, latentDim)]),
  )
  const current = useMemo(
    () => (endpoints ? interpolateLatent(endpoints[0], endpoints[1], t, method) : undefined),
    [endpoints, t, method],
  )
  const decoded = useLatestAsync(
    current && endpoints ? `${endpointKey}:${t}:${method}` : undefined,
    async () => {
      if (!current) throw new Error('no endpoints')
      const image = await model.decode(current)
      return image && { t, image }
    },
  )
  const strip = useLatestAsync(
    endpoints && steps >= 2 ? `${endpointKey}:${steps}:${method}` : undefined,
    () =>
      endpoints
        ? model.interpolate(endpoints[0], endpoints[1], steps, { method })
        : Promise.reject(new Error('no endpoints')),
  )

  useEffect(() => {
    const canvas = imageRef.current
    if (!canvas || !decoded) return
    const { image } = decoded
    drawImageGrid(canvas, image, {
      layout: gridLayout(image.shape[1], image.shape[2], 1, 1, scale, 0),
      colorMap,
      pixelated,
      background: '#000',
    })
    onDraw?.(decoded.t)
  }, [decoded, scale, colorMap, pixelated, onDraw])

  useEffect(() => {
    const canvas = stripRef.current
    if (!canvas || !strip) return
    drawImageGrid(canvas, strip, {
      layout: gridLayout(strip.shape[1], strip.shape[2], 1, strip.shape[0], stripScale, 2),
      colorMap,
      pixelated,
      background: 'transparent',
    })
  }, [strip, stripScale, colorMap, pixelated])

  const update = (next: number): void => {
    if (value === undefined) setInternal(next)
    onChange?.(next)
  }
  const position = t.toFixed(2)

  return (
    <div {...divProps} className={classNames('lk-interpolation', className)}>
      {trained ? (
        <canvas
          ref={imageRef}
          className="lk-interpolation__image"
          role="img"
          aria-label={`Image decoded at t = ${position} between the two endpoints`}
          style={{ imageRendering: pixelated ? 'pixelated' : 'auto', maxWidth: '100%' }}
        />
      ) : (
        <div className="lk-interpolation__empty" role="status">
          {problem ??
            (renderEmpty ? renderEmpty() : 'Train the model to walk through its latent space.')}
        </div>
      )}
      <div className="lk-interpolation__control">
        <label htmlFor={sliderId} className="lk-interpolation__label">
          {label}
        </label>
        <input
          id={sliderId}
          className="lk-interpolation__slider"
          type="range"
          min={0}
          max={1}
          step={step}
          value={t}
          disabled={!trained}
          aria-valuetext={`t = ${position} (${method === 'slerp' ? 'spherical' : 'linear'} interpolation)`}
          onChange={(event) => update(Number(event.currentTarget.value))}
        />
        <output htmlFor={sliderId} className="lk-interpolation__value">
          {position}
        </output>
      </div>
      {trained && steps >= 2 ? (
        <canvas
          ref={stripRef}
          className="lk-interpolation__strip"
          role="img"
          aria-label={`${steps} images from start to end of the path`}
          style={{ imageRendering: pixelated ? 'pixelated' : 'auto', maxWidth: '100%' }}
        />
      ) : null}
    </div>
  )
}
