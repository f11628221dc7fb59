'use client'
import { interpolateRdBu } from 'd3-scale-chromatic'
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type HTMLAttributes,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type RefObject,
} from 'react'
import type { DataInput, ImageBatch } from '../core/dataset'
import { extractPatches } from '../core/sparse/patches'
import { codesOfPatch, type SparseCodes } from '../core/sparse/sparseCodes'
import { colorLookup, type ColorScale } from './colorScale'
import { classNames, mergeStyle } from './composeProps'
import { signedToRGBA } from './divergingPixels'
import type { DictionarySource } from './DictionaryGrid'
import { gridLayout, imageToRGBA, pickImages, type ImageColorMap } from './imagePixels'
import { drawImageGrid, paintImage } from './drawGrid'
import { isTrained, type ActionResult } from './modelHandle'
import { useLatestAsync } from './useLatestAsync'

/** What {@link SparseCodeView} needs from a model; `useSparseCoding`'s result fits. */
export interface SparseCodeSource {
  /** Increases whenever the atoms change; the view recomputes when it moves. */
  readonly modelVersion: number
  /** Facts about the model; nothing is computed until `trainedSteps > 0`. */
  readonly model: { readonly trainedSteps: number } | undefined
  /** Shape of one patch `[p, p, c]` (undefined before training). */
  readonly patchShape: readonly [number, number, number] | undefined
  /** The atoms, to show the ones a patch uses. */
  readonly dictionary: DictionarySource | undefined
  /** Sparse codes of image patches. */
  encode(images: DataInput): ActionResult<SparseCodes>
  /** Images rebuilt from their codes. */
  reconstruct(images: DataInput): ActionResult<ImageBatch>
}

/** A patch position: top row and left column in the image. */
export interface PatchPosition {
  readonly top: number
  readonly left: number
}

/**
 * Props of {@link SparseCodeView}. Other attributes pass through to the root `<figure>`; your `style`
 * goes over the view's grid layout, and your handlers there run after the image's own (its events
 * bubble to the root).
 */
export interface SparseCodeViewProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** The sparse coding model (e.g. the result of `useSparseCoding`). */
  model: SparseCodeSource
  /** The image to take a patch from (`[n, h, w, c]`; the first image is used). */
  image: ImageBatch | undefined
  /** Patch position (controlled). Default: uncontrolled, starting at `defaultPosition`. */
  position?: PatchPosition
  /** Starting position when uncontrolled. Default the top-left corner. */
  defaultPosition?: PatchPosition
  /** Called when the user clicks the image or moves the patch with the arrow keys. */
  onPositionChange?: (position: PatchPosition) => void
  /** Most atoms shown (largest weights first). Default `8`. */
  maxAtoms?: number
  /** Canvas pixels per image pixel for the image. Default `6`. */
  scale?: number
  /** Canvas pixels per patch pixel for the patch, its reconstruction and the atoms. Default `6`. */
  patchScale?: number
  /** How image values in [0, 1] are coloured. Default `'grayscale'`. */
  colorMap?: ImageColorMap
  /** Diverging scale for the atoms. Default d3's `interpolateRdBu`. */
  colorScale?: ColorScale
  /** Accessible name of the view. Default: its text summary (the figure's caption). */
  label?: string
  /** Rendered until the model is trained or while there is no image. Default: a short text saying which. */
  renderEmpty?: () => ReactNode
}

interface CodedPatch {
  readonly original: ImageBatch
  readonly reconstruction: ImageBatch
  readonly atoms: { atom: number; weight: number }[]
  readonly used: number
  readonly total: number
}

function firstImage(image: ImageBatch): ImageBatch {
  const [, h, w, c] = image.shape
  return { data: image.data.subarray(0, h * w * c), shape: [1, h, w, c] }
}

function clampPosition(position: PatchPosition, image: ImageBatch, size: number): PatchPosition {
  const [, h, w] = image.shape
  return {
    top: Math.max(0, Math.min(h - size, Math.round(position.top))),
    left: Math.max(0, Math.min(w - size, Math.round(position.left))),
  }
}

function meanSquaredError(a: ImageBatch, b: ImageBatch): number {
  let total = 0
  for (let i = 0; i < a.data.length; i++)
    total += ((a.data[i] as number) - (b.data[i] as number)) ** 2
  return total / Math.max(1, a.data.length)
}

function PatchCanvas({
  canvasRef,
  label,
  caption,
}: {
  canvasRef: RefObject<HTMLCanvasElement | null>
  label: string
  caption: string
}) {
  return (
    <div className="lk-sparse-code-view__patch">
      <canvas
        ref={canvasRef}
        role="img"
        aria-label={label}
        style={{ imageRendering: 'pixelated', display: 'block' }}
      />
      {caption}
    </div>
  )
}

/**
 * How a sparse coding model explains one patch of an image: the image with the patch outlined
 * (click it, or focus it and use the arrow keys, to move the patch), the patch, its reconstruction,
 * and the few atoms its code uses with their weights. SSR-safe: computes and draws in effects.
 */
export function SparseCodeView({
  model,
  image,
  position,
  defaultPosition = { top: 0, left: 0 },
  onPositionChange,
  maxAtoms = 8,
  scale = 6,
  patchScale = 6,
  colorMap = 'grayscale',
  colorScale = interpolateRdBu,
  label,
  renderEmpty,
  className,
  style,
  ...rest
}: SparseCodeViewProps) {
  const imageRef = useRef<HTMLCanvasElement>(null)
  const originalRef = useRef<HTMLCanvasElement>(null)
  const reconstructionRef = useRef<HTMLCanvasElement>(null)
  const atomsRef = useRef<HTMLCanvasElement>(null)
  const [ownPosition, setOwnPosition] = useState(defaultPosition)
  const size = model.patchShape?.[0]
  const shownImage = useMemo(() => (image ? firstImage(image) : undefined), [image])
  const where =
    shownImage && size !== undefined
      ? clampPosition(position ?? ownPosition, shownImage, size)
      : undefined
  const ready =
    isTrained(model) && shownImage !== undefined && where !== undefined && size !== undefined
  const key = ready ? `${model.modelVersion}:${where.top}:${where.left}` : undefined
  const coded = useLatestAsync<CodedPatch>(key, async () => {
    if (!shownImage || !where || size === undefined) throw new Error('nothing to code')
    const channels = shownImage.shape[3]
    const original: ImageBatch = {
      data: extractPatches(shownImage, Int32Array.of(0, where.top, where.left), size),
      shape: [1, size, size, channels],
    }
    const [codes, reconstruction] = await Promise.all([
      model.encode(original),
      model.reconstruct(original),
    ])
    if (!codes || !reconstruction) return undefined
    const atoms = codesOfPatch(codes, 0)
    return {
      original,
      reconstruction,
      atoms: atoms.slice(0, maxAtoms),
      used: atoms.length,
      total: codes.atoms,
    }
  })
  const current = coded

  const top = where?.top
  const left = where?.left
  useEffect(() => {
    if (!shownImage) return
    const [, h, w] = shownImage.shape
    const context = paintImage(imageRef.current, imageToRGBA(shownImage, 0, colorMap), w, h, scale)
    if (context && top !== undefined && left !== undefined && size !== undefined) {
      context.strokeStyle = '#f59e0b'
      context.lineWidth = 2
      context.strokeRect(left * scale + 1, top * scale + 1, size * scale - 2, size * scale - 2)
    }
  }, [shownImage, top, left, size, scale, colorMap])

  useEffect(() => {
    if (!current) return
    const [, p] = current.original.shape
    paintImage(originalRef.current, imageToRGBA(current.original, 0, colorMap), p, p, patchScale)
    paintImage(
      reconstructionRef.current,
      imageToRGBA(current.reconstruction, 0, colorMap),
      p,
      p,
      patchScale,
    )
    const atoms = model.dictionary?.atoms
    const canvas = atomsRef.current
    if (!atoms || !canvas) return
    const lookup = colorLookup(colorScale)
    const used = pickImages(
      atoms,
      current.atoms.map(({ atom }) => atom),
    )
    drawImageGrid(canvas, used, {
      layout: gridLayout(p, p, 1, Math.max(1, used.shape[0]), patchScale, 4),
      colorMap,
      rgba: (images, index) => signedToRGBA(images, index, lookup),
      pixelated: true,
      background: 'rgba(0, 0, 0, 0)',
    })
  }, [current, model.dictionary, colorMap, colorScale, patchScale])

  const move = (next: PatchPosition): void => {
    if (!shownImage || size === undefined) return
    const clamped = clampPosition(next, shownImage, size)
    if (position === undefined) setOwnPosition(clamped)
    onPositionChange?.(clamped)
  }
  const handleClick = (event: MouseEvent<HTMLCanvasElement>): void => {
    if (!shownImage || size === undefined) return
    const rect = event.currentTarget.getBoundingClientRect()
    const x = ((event.clientX - rect.left) / rect.width) * shownImage.shape[2]
    const y = ((event.clientY - rect.top) / rect.height) * shownImage.shape[1]
    move({ top: Math.floor(y - size / 2), left: Math.floor(x - size / 2) })
  }
  const handleKeyDown = (event: KeyboardEvent<HTMLCanvasElement>): void => {
    if (!where) return
    const steps: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    }
    const step = steps[event.key]
    if (!step) return
    event.preventDefault()
    move({ top: where.top + step[0], left: where.left + step[1] })
  }

  if (!ready || !where) {
    return (
      <figure
        role="status"
        aria-label={label}
        {...rest}
        className={classNames('lk-sparse-code-view', 'lk-sparse-code-view--empty', className)}
        style={mergeStyle({ margin: 0 }, style)}
      >
        {renderEmpty
          ? renderEmpty()
          : shownImage
            ? 'No codes yet: train the model to see how it explains a patch.'
            : 'No image to take a patch from.'}
      </figure>
    )
  }
  const error = current ? meanSquaredError(current.original, current.reconstruction) : undefined
  const summary = current
    ? `Patch at row ${where.top + 1}, column ${where.left + 1}: ${current.used} of ${current.total} atoms used; reconstruction error ${error?.toFixed(4)}`
    : `Patch at row ${where.top + 1}, column ${where.left + 1}: coding…`

  return (
    <figure
      aria-label={label}
      {...rest}
      className={classNames('lk-sparse-code-view', className)}
      style={mergeStyle({ margin: 0, display: 'grid', gap: 8 }, style)}
    >
      <div
        className="lk-sparse-code-view__row"
        style={{ display: 'flex', gap: 12, alignItems: 'flex-start', flexWrap: 'wrap' }}
      >
        <canvas
          ref={imageRef}
          className="lk-sparse-code-view__image"
          role="img"
          aria-label={`Image with the patch at row ${where.top + 1}, column ${where.left + 1} outlined; arrow keys move the patch`}
          tabIndex={0}
          onClick={handleClick}
          onKeyDown={handleKeyDown}
          style={{ imageRendering: 'pixelated', cursor: 'crosshair', maxWidth: '100%' }}
        />
        <div
          className="lk-sparse-code-view__patches"
          style={{ display: 'grid', gap: 6, fontSize: 11 }}
        >
          <PatchCanvas canvasRef={originalRef} label="The patch" caption="patch" />
          <PatchCanvas
            canvasRef={reconstructionRef}
            label="Its reconstruction from the atoms"
            caption="reconstruction"
          />
        </div>
      </div>
      <div className="lk-sparse-code-view__atoms">
        <canvas
          ref={atomsRef}
          role="img"
          aria-label="The atoms the code uses, largest weight first"
          style={{ imageRendering: 'pixelated', display: 'block' }}
        />
        <ol
          className="lk-sparse-code-view__weights"
          style={{
            display: 'flex',
            gap: 4,
            listStyle: 'none',
            padding: 0,
            margin: 0,
            fontSize: 11,
          }}
        >
          {current?.atoms.map(({ atom, weight }) => (
            <li
              key={atom}
              style={{ width: (model.patchShape?.[0] ?? 0) * patchScale, textAlign: 'center' }}
            >
              <span aria-label={`atom ${atom + 1}, weight ${weight.toFixed(2)}`}>
                {weight.toFixed(2)}
              </span>
            </li>
          ))}
        </ol>
      </div>
      <figcaption className="lk-sparse-code-view__summary" style={{ fontSize: 13 }}>
        {summary}
      </figcaption>
    </figure>
  )
}
