'use client'
import { interpolateInferno } from 'd3-scale-chromatic'
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type ChangeEvent,
  type DragEvent,
  type HTMLAttributes,
  type ReactNode,
} from 'react'
import type { DataInput, ImageShape } from '../core/dataset'
import type { AnomalyScores, PixelError } from '../core/anomaly/anomalyScoring'
import { fromWireError, type LatentkitError } from '../core/errors'
import { prepareImage, type AnomalyImageSource, type PreparedImage } from './anomalyImage'
import { colorLookup, cssGradient, type ColorScale } from './colorScale'
import { classNames, composeHandlers, mergeStyle } from './composeProps'
import { imageToRGBA, type ImageColorMap } from './imagePixels'
import { isTrained, type ActionResult } from './modelHandle'
import { paintImage } from './drawGrid'
import { useLatestAsync } from './useLatestAsync'

/** The legend's name for each model's per-pixel error. */
const PIXEL_ERROR_NAMES: Record<PixelError, string> = {
  squared: 'squared error',
  bernoulli: 'cross-entropy',
}

/** What {@link AnomalyHeatmap} needs from a model; `useAutoencoder`'s and `useVAE`'s results fit. */
export interface AnomalySource {
  /** Increases whenever the weights change; the map is recomputed when it moves. */
  readonly modelVersion: number
  /** Facts about the model: nothing is scored until `trainedSteps > 0`; `imageShape` to resize to. */
  readonly model:
    { readonly trainedSteps: number; readonly imageShape: ImageShape | undefined } | undefined
  /** The anomaly threshold, once calibrated. */
  readonly threshold: number | undefined
  /** Scores images. */
  score(images: DataInput): ActionResult<AnomalyScores>
}

/**
 * Props of {@link AnomalyHeatmap}. Other attributes pass through to the root `<figure>`; your
 * `onDragOver` and `onDrop` run after the component's own drop handling, and your `style` goes over
 * its grid layout.
 */
export interface AnomalyHeatmapProps extends Omit<
  HTMLAttributes<HTMLElement>,
  'children' | 'onError'
> {
  /** The model (e.g. the result of `useAutoencoder`). */
  model: AnomalySource
  /** The image to examine: an `ImageBatch` of the model's shape, or a `File`, `ImageData`, `<img>`, canvas or bitmap (resized). */
  image?: AnomalyImageSource
  /** Let the user drop or pick an image of their own (replaces `image` until `image` changes). Default `true`. */
  allowPick?: boolean
  /** Opacity of the error map at its largest value (lower errors are more transparent). Default `0.7`. */
  opacity?: number
  /** Perceptual colour scale of the error, t ∈ [0, 1]. Default d3's `interpolateInferno`. */
  colorScale?: ColorScale
  /** Top of the colour scale. Default: the larger of the map's maximum and 1.5 × the threshold. */
  maxValue?: number
  /** Canvas pixels per image pixel. Default `8`. */
  scale?: number
  /** How image values in [0, 1] are coloured. Default `'grayscale'`. */
  colorMap?: ImageColorMap
  /** Called with each new scoring of the image. */
  onScore?: (result: AnomalyScores) => void
  /** Called with a typed error when the image cannot be used (wrong shape, unreadable file). */
  onError?: (error: LatentkitError) => void
  /** Rendered before the model is trained or without an image. Default: a short text. */
  renderEmpty?: () => ReactNode
  /** Accessible name of the view. Default: its text summary (the figure's caption). */
  label?: string
}

interface Scored {
  readonly prepared: PreparedImage
  readonly result: AnomalyScores
}

/**
 * An image with its anomaly map laid over it: where the model cannot rebuild the input. Shows a
 * legend with the scale and the threshold, a flag when the image score is above it, and a text
 * summary ("anomaly score 0.083, threshold 0.041: anomalous"). Accepts dropped or picked files.
 * SSR-safe: scores and draws in effects.
 */
export function AnomalyHeatmap({
  model,
  image,
  allowPick = true,
  opacity = 0.7,
  colorScale = interpolateInferno,
  maxValue,
  scale = 8,
  colorMap = 'grayscale',
  onScore,
  onError,
  renderEmpty,
  label,
  className,
  style,
  onDragOver,
  onDrop,
  ...rest
}: AnomalyHeatmapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const [picked, setPicked] = useState<{
    source: AnomalyImageSource
    from: AnomalyImageSource | undefined
  }>()
  const [prepared, setPrepared] = useState<{ readonly id: number; readonly image: PreparedImage }>()
  const [problem, setProblem] = useState<LatentkitError | undefined>(undefined)
  const source = picked && picked.from === image ? picked.source : image
  // The model's facts are a new object at every training update; key the shape by value.
  const shapeKey = model.model?.imageShape?.join('×')
  const shape = useMemo((): ImageShape | undefined => {
    if (!shapeKey) return undefined
    const [height = 0, width = 0, channels = 0] = shapeKey.split('×').map(Number)
    return [height, width, channels]
  }, [shapeKey])
  const trained = isTrained(model)
  const callbacks = useRef({ onScore, onError })
  useEffect(() => {
    callbacks.current = { onScore, onError }
  })

  // Decode and resize once per image and model shape, not at every training update.
  useEffect(() => {
    if (!shape || !source) return
    let live = true
    prepareImage(source, shape)
      .then((next) => {
        if (!live) return
        setPrepared((previous) => ({ id: (previous?.id ?? 0) + 1, image: next }))
        setProblem(undefined)
      })
      .catch((error: unknown) => {
        if (!live) return
        const typed = fromWireError(error)
        setProblem(typed)
        callbacks.current.onError?.(typed)
      })
    return () => {
      live = false
    }
  }, [source, shape])

  // Re-score as the model learns, one request in flight (updates arrive about 10 times a second).
  const { modelVersion, score } = model
  const scored = useLatestAsync<Scored>(
    trained && prepared ? `${modelVersion}:${prepared.id}` : undefined,
    async () => {
      if (!prepared) throw new Error('no image to score')
      const result = await score(prepared.image.image)
      return result && { prepared: prepared.image, result }
    },
  )
  useEffect(() => {
    if (scored) callbacks.current.onScore?.(scored.result)
  }, [scored])

  const threshold = model.threshold
  const mapMax = scored ? scored.result.maps.data.reduce((m, v) => Math.max(m, v), 0) : 0
  const top = maxValue ?? Math.max(mapMax, (threshold ?? 0) * 1.5, 1e-12)

  useEffect(() => {
    const canvas = canvasRef.current
    if (!canvas || !scored) return
    const { image: picture } = scored.prepared
    const [, h, w] = picture.shape
    const base = imageToRGBA(picture, 0, colorMap)
    const lookup = colorLookup(colorScale)
    const map = scored.result.maps.data
    for (let p = 0; p < h * w; p++) {
      const t = Math.min(1, (map[p] as number) / top)
      const level = Math.round(t * 255)
      const alpha = opacity * t
      for (let c = 0; c < 3; c++) {
        base[p * 4 + c] = Math.round(
          (1 - alpha) * (base[p * 4 + c] as number) + alpha * (lookup[level * 3 + c] as number),
        )
      }
    }
    paintImage(canvas, base, w, h, scale)
  }, [scored, colorMap, colorScale, opacity, scale, top])

  const pickFile = (file: File | undefined): void => {
    if (file) setPicked({ source: file, from: image })
  }
  const dropProps = {
    onDragOver: composeHandlers(
      allowPick ? (event: DragEvent<HTMLElement>) => event.preventDefault() : undefined,
      onDragOver,
    ),
    onDrop: composeHandlers(
      allowPick
        ? (event: DragEvent<HTMLElement>) => {
            event.preventDefault()
            pickFile(event.dataTransfer.files[0])
          }
        : undefined,
      onDrop,
    ),
  }
  const picker = allowPick ? (
    <label className="lk-anomaly-heatmap__pick" style={{ fontSize: 12 }}>
      Drop an image here or{' '}
      <input
        type="file"
        accept="image/*"
        onChange={(event: ChangeEvent<HTMLInputElement>) => pickFile(event.target.files?.[0])}
      />
    </label>
  ) : null
  if (!trained || !scored || problem) {
    return (
      <figure
        aria-label={label}
        {...rest}
        className={classNames('lk-anomaly-heatmap', 'lk-anomaly-heatmap--empty', className)}
        style={mergeStyle({ margin: 0 }, style)}
        {...dropProps}
      >
        <div role="status" style={{ margin: '0 0 8px' }}>
          {problem
            ? `${problem.code}: ${problem.message}`
            : renderEmpty
              ? renderEmpty()
              : !trained
                ? 'Not trained yet: train the model on normal images to see where an image looks abnormal.'
                : source
                  ? 'Scoring…'
                  : 'No image yet.'}
        </div>
        {picker}
      </figure>
    )
  }

  const imageScore = scored.result.scores[0] ?? NaN
  const anomalous = threshold !== undefined ? imageScore > threshold : undefined
  const verdict = anomalous === undefined ? 'not calibrated' : anomalous ? 'anomalous' : 'normal'
  const summary =
    `anomaly score ${imageScore.toPrecision(3)}` +
    (threshold === undefined
      ? ' (no threshold: call calibrate())'
      : `, threshold ${threshold.toPrecision(3)}: ${verdict}`)
  const thresholdAt = threshold === undefined ? undefined : Math.min(100, (100 * threshold) / top)

  return (
    <figure
      aria-label={label}
      {...rest}
      className={classNames('lk-anomaly-heatmap', className)}
      style={mergeStyle({ margin: 0, display: 'grid', gap: 6 }, style)}
      data-lk-verdict={verdict}
      {...dropProps}
    >
      <div style={{ position: 'relative', display: 'inline-block' }}>
        <canvas
          ref={canvasRef}
          className="lk-anomaly-heatmap__canvas"
          role="img"
          aria-label={`Error map over the image; ${summary}`}
          style={{ imageRendering: 'pixelated', maxWidth: '100%', display: 'block' }}
        />
        {anomalous !== undefined ? (
          <span
            className={`lk-anomaly-heatmap__flag lk-anomaly-heatmap__flag--${verdict}`}
            style={{
              position: 'absolute',
              top: 4,
              left: 4,
              padding: '1px 6px',
              borderRadius: 4,
              fontSize: 12,
              color: '#fff',
              background: anomalous
                ? 'var(--lk-anomaly-color, #dc2626)'
                : 'var(--lk-normal-color, #15803d)',
            }}
          >
            {anomalous ? 'Anomalous' : 'Normal'}
          </span>
        ) : null}
      </div>
      <div
        className="lk-anomaly-heatmap__legend"
        aria-hidden="true"
        style={{ maxWidth: 320, fontSize: 11 }}
      >
        <div
          style={{
            position: 'relative',
            height: 10,
            borderRadius: 2,
            background: cssGradient(colorScale),
          }}
        >
          {thresholdAt !== undefined ? (
            <div
              className="lk-anomaly-heatmap__threshold"
              style={{
                position: 'absolute',
                left: `${thresholdAt}%`,
                top: -3,
                bottom: -3,
                width: 2,
                background: 'currentColor',
              }}
            />
          ) : null}
        </div>
        <div style={{ display: 'flex', justifyContent: 'space-between' }}>
          <span>0</span>
          {threshold !== undefined ? <span>threshold {threshold.toPrecision(3)}</span> : null}
          <span>
            {top.toPrecision(3)} ({PIXEL_ERROR_NAMES[scored.result.pixelError]})
          </span>
        </div>
      </div>
      <figcaption className="lk-anomaly-heatmap__summary" style={{ fontSize: 13 }}>
        {summary}
        {scored.prepared.note ? ` · ${scored.prepared.note}` : ''}
      </figcaption>
      {picker}
    </figure>
  )
}
