'use client'
import { useCallback, useMemo, useRef, useState, type DragEvent, type HTMLAttributes } from 'react'
import type { DataInput, ImageBatch } from '../core/dataset'
import type { HashSearchOptions } from '../core/hashing/hashingOptions'
import type { HashIndexInfo, HashSearchResult } from '../core/hashing/hashingSpec'
import { fromImageSources } from '../data/imageInput'
import { EmptyState } from './EmptyState'
import { classNames } from './composeProps'
import type { TileGridAppearance } from './drawGrid'
import { codeBits, queryMatches } from './hashSearchText'
import { imageToRGBA, pickImages, type ImageColorMap } from './imagePixels'
import { isTrained, type ActionResult } from './modelHandle'
import { useImageGrid } from './useImageGrid'
import { useLatestAsync } from './useLatestAsync'

/** What {@link HashSearch} needs of a model: `useSemanticHashing()`'s result, or a hand-written one. */
export interface HashSearchSource {
  /** Increases whenever the weights change; the index is rebuilt when it moves. */
  readonly modelVersion: number
  /** Facts about the model; nothing is searched until `trainedSteps > 0`. */
  readonly model: { readonly trainedSteps: number } | undefined
  /** Hashes `options.data` into the model's index. */
  buildIndex(options?: { readonly data?: DataInput }): ActionResult<HashIndexInfo>
  /** The nearest indexed images of `query`. */
  search(query: DataInput, options?: HashSearchOptions): ActionResult<HashSearchResult>
}

/** Props of {@link HashSearch}. Other attributes pass through to the root `<div>`. */
export interface HashSearchProps
  extends Omit<HTMLAttributes<HTMLDivElement>, 'children'>, TileGridAppearance {
  /** The hashing model (e.g. `useSemanticHashing()`); nothing is searched until it is trained. */
  model: HashSearchSource | undefined
  /** The images to index and search (the component builds the model's index from them). */
  images: ImageBatch | undefined
  /** Neighbours shown. Default `10`. */
  k?: number
  /** Images of `images` offered to pick from, the first ones. Default `24`. */
  choices?: number
  /** Index in `images` of the query picked at first. Default `0`. */
  defaultQuery?: number
  /** `'grayscale'` (default) or `'inverted'`. */
  colorMap?: ImageColorMap
  /** Invert a dropped image (dark ink on white paper, for white-on-black data). Default `false`. */
  invertDropped?: boolean
  /** Called with each search's result. */
  onResult?: (result: HashSearchResult) => void
}

const EMPTY_TEXT = 'No codes yet: train the hashing model to search by example.'

/**
 * Search by example over binary codes: pick one of the images (or drop an image file on the drop
 * zone), see its code as bits and its nearest neighbours by Hamming distance, nearest first. Builds
 * the model's index from `images` whenever the model changes. SSR-safe: draws only in effects.
 */
export function HashSearch({
  model,
  images,
  k = 10,
  choices = 24,
  defaultQuery = 0,
  colorMap = 'grayscale',
  invertDropped = false,
  onResult,
  scale = 4,
  gap = 2,
  pixelated = true,
  background,
  renderEmpty,
  className,
  style,
  ...rest
}: HashSearchProps) {
  const [picked, setPicked] = useState(defaultQuery)
  const [dropped, setDropped] = useState<{ image: ImageBatch; id: number } | undefined>()
  const [dropProblem, setDropProblem] = useState<string | undefined>()
  const count = images?.shape[0] ?? 0
  const shown = Math.max(0, Math.min(Number.isInteger(choices) ? choices : 0, count))
  const validK = Number.isInteger(k) && k >= 1
  const query = useMemo(() => {
    if (dropped) return dropped.image
    if (!images || picked < 0 || picked >= count) return undefined
    return pickImages(images, [picked])
  }, [dropped, images, picked, count])
  const queryKey = dropped ? `drop${dropped.id}` : `pick${picked}`

  const indexed = useRef<{ version: number; images: ImageBatch } | undefined>(undefined)
  const trained = isTrained(model)
  // The canvases exist only once there is something to search: the grids get their images then, so
  // they paint when the canvases appear.
  const ready = Boolean(model && trained && count > 0 && validK)
  const key =
    model && trained && images && query && validK
      ? `${model.modelVersion}|${queryKey}|${k}|${count}`
      : undefined
  const result = useLatestAsync(key, async () => {
    if (!model || !images || !query) return undefined
    const built = indexed.current
    if (!built || built.version !== model.modelVersion || built.images !== images) {
      const info = await model.buildIndex({ data: images })
      if (!info) return undefined
      indexed.current = { version: model.modelVersion, images }
    }
    const found = await model.search(query, { k })
    if (found) onResult?.(found)
    return found
  })
  const matches = useMemo(() => (result ? queryMatches(result) : []), [result])

  const rgba = useCallback(
    (batch: ImageBatch, index: number) => imageToRGBA(batch, index, colorMap),
    [colorMap],
  )
  const appearance = { scale, gap, colorMap, rgba, pixelated, background }
  const choiceImages = useMemo(
    () =>
      ready && images && shown > 0
        ? pickImages(
            images,
            Array.from({ length: shown }, (_, i) => i),
          )
        : undefined,
    [ready, images, shown],
  )
  const pickColumns = Math.max(1, Math.min(12, shown))
  const {
    canvasRef: pickerRef,
    layout: pickerLayout,
    problem: pickerProblem,
    handleClick,
    handleKeyDown,
  } = useImageGrid(
    'HashSearch',
    choiceImages,
    { ...appearance, rows: Math.max(1, Math.ceil(shown / pickColumns)), columns: pickColumns },
    shown,
    (index) => {
      setDropped(undefined)
      setPicked(index)
    },
  )
  const { canvasRef: queryRef, layout: queryLayout } = useImageGrid(
    'HashSearch',
    ready ? query : undefined,
    {
      ...appearance,
      rows: 1,
      columns: 1,
    },
  )
  const neighbourImages = useMemo(
    () =>
      ready && images && matches.length > 0
        ? pickImages(
            images,
            matches.map((m) => m.index),
          )
        : undefined,
    [ready, images, matches],
  )
  const neighbourColumns = Math.max(1, Math.min(10, matches.length))
  const { canvasRef: neighbourRef, layout: neighbourLayout } = useImageGrid(
    'HashSearch',
    neighbourImages,
    {
      ...appearance,
      rows: Math.max(1, Math.ceil(matches.length / neighbourColumns)),
      columns: neighbourColumns,
    },
  )

  const onDragOver = (event: DragEvent<HTMLDivElement>): void => event.preventDefault()
  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault()
    const file = event.dataTransfer.files[0]
    if (!file || !images) return
    const [, height, width, channels] = images.shape
    createImageBitmap(file)
      .then((bitmap) => {
        const image = fromImageSources(bitmap, {
          width,
          height,
          channels: channels === 3 ? 3 : 1,
          invert: invertDropped,
        })
        bitmap.close()
        setDropProblem(undefined)
        setDropped((previous) => ({ image, id: (previous?.id ?? 0) + 1 }))
      })
      .catch(() => setDropProblem(`${file.name} could not be read as an image`))
  }

  const problem =
    pickerProblem ?? (validK ? undefined : `HashSearch: k must be an integer ≥ 1; got ${String(k)}`)
  if (!model || !trained || !images || count === 0 || problem) {
    return (
      <EmptyState
        block="lk-hash-search"
        renderEmpty={problem ? undefined : renderEmpty}
        fallback={problem ?? EMPTY_TEXT}
        {...rest}
        className={className}
        style={style}
      />
    )
  }

  const bits = result ? codeBits(result.queryCodes, result.bits) : undefined
  return (
    <div
      {...rest}
      className={classNames('lk-hash-search', className)}
      style={{ display: 'grid', gap: 12, justifyItems: 'start', ...style }}
    >
      {pickerLayout ? (
        <canvas
          ref={pickerRef}
          width={pickerLayout.width}
          height={pickerLayout.height}
          className="lk-hash-search__choices"
          role="listbox"
          aria-label={`Pick a query: ${shown} images; arrow keys move, Enter picks`}
          tabIndex={0}
          onClick={handleClick}
          onKeyDown={handleKeyDown}
          style={{ imageRendering: pixelated ? 'pixelated' : 'auto', cursor: 'pointer' }}
        />
      ) : null}
      <div
        className="lk-hash-search__drop"
        onDragOver={onDragOver}
        onDrop={onDrop}
        style={{ border: '1px dashed currentColor', padding: '4px 8px', fontSize: 12 }}
      >
        {dropProblem ?? 'Or drop an image file here'}
      </div>
      <div
        className="lk-hash-search__query"
        style={{ display: 'flex', gap: 8, alignItems: 'center' }}
      >
        {queryLayout ? (
          <canvas
            ref={queryRef}
            width={queryLayout.width}
            height={queryLayout.height}
            role="img"
            aria-label={dropped ? 'Query: the dropped image' : `Query: image ${picked}`}
            style={{ imageRendering: pixelated ? 'pixelated' : 'auto' }}
          />
        ) : null}
        <code className="lk-hash-search__bits" aria-label="The query's code">
          {bits ?? 'hashing…'}
        </code>
      </div>
      {neighbourLayout ? (
        <canvas
          ref={neighbourRef}
          width={neighbourLayout.width}
          height={neighbourLayout.height}
          className="lk-hash-search__neighbours"
          role="img"
          aria-label={`${matches.length} nearest images by Hamming distance, nearest first`}
          style={{ imageRendering: pixelated ? 'pixelated' : 'auto' }}
        />
      ) : null}
      {matches.length > 0 ? (
        <ol
          className="lk-hash-search__distances"
          aria-label="Neighbours and their Hamming distances"
          style={{ margin: 0, paddingLeft: 20, fontSize: 12, fontVariantNumeric: 'tabular-nums' }}
        >
          {matches.map((match) => (
            <li key={match.index}>{`image ${match.index}: ${match.distance} bits`}</li>
          ))}
        </ol>
      ) : null}
    </div>
  )
}
