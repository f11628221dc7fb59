'use client'
import { useMemo, type HTMLAttributes } from 'react'
import type { ImageBatch } from '../core/dataset'
import { createObjectIds } from '../core/objectIds'
import type { RBMGibbsChain } from '../core/rbm/rbmSpec'
import { ColumnLabels } from './ColumnLabels'
import { EmptyState } from './EmptyState'
import { classNames, gridCanvasStyle } from './composeProps'
import type { TileGridAppearance } from './drawGrid'
import { blankRGBA, gridProblem, imageToRGBA, type ImageColorMap } from './imagePixels'
import type { GibbsChainSource } from './modelHandle'
import { useFrameReveal } from './useFrameReveal'
import { useGibbsChain, type ChainRequest } from './useGibbsChain'
import { useImageGrid } from './useImageGrid'

/**
 * Props of {@link GibbsChain}. Other attributes pass through to the root `<div>` (around the canvas
 * and the step labels, or the empty state).
 */
export interface GibbsChainProps
  extends Omit<HTMLAttributes<HTMLDivElement>, 'children'>, TileGridAppearance {
  /** A model that runs Gibbs chains (e.g. the result of `useRBM`); redraws as it trains. */
  model?: GibbsChainSource
  /** A chain to show instead (e.g. from `gibbsChainAsync`); wins over `model`, which is then not asked. */
  chain?: RBMGibbsChain
  /** Chains, one per row, when they start from noise. Default `4`. */
  chains?: number
  /** Gibbs steps from the start to the last frame. Default `100`. */
  steps?: number
  /** Frames per chain, one per column, at evenly spaced steps from 0 to `steps`. Default `11` (every 10th step of 100). */
  frames?: number
  /** Seed of the chains: the same seed shows the same walk as the model learns; change it for another. Default `0`. */
  seed?: number
  /** Images to start from, one chain each (`[n, h, w, c]`); `chains` is then their count. Default: noise. */
  start?: ImageBatch
  /** Reveal the frames one by one, so the walk is seen step by step (off when the user prefers reduced motion). Default `true`. */
  animate?: boolean
  /** Milliseconds between two revealed frames. Default `150`. */
  frameDuration?: number
  /** Show each column's Gibbs step under it ("step 0", "10", …). Default `true`. */
  showSteps?: boolean
  /** `'grayscale'` (default: 0 black, 1 white) or `'inverted'` (dark ink on white). */
  colorMap?: ImageColorMap
  /** Accessible name of the canvas. Default: "N Gibbs chains from noise, F frames each from step 0 to S". */
  label?: string
}

/** A number per given chain, so a new `chain` prop starts the reveal over. */
const chainId = createObjectIds<RBMGibbsChain>()

/** What is wrong with the chain props that the grid does not check, in words, or undefined. */
function chainProblem(steps: number, seed: number): string | undefined {
  if (!Number.isInteger(steps) || steps < 1) {
    return `GibbsChain: steps must be an integer ≥ 1; got ${String(steps)}`
  }
  if (!Number.isFinite(seed)) return `GibbsChain: seed must be a finite number; got ${String(seed)}`
  return undefined
}

/** "step 0", then the bare step of every other column. */
const stepLabels = (steps: Int32Array): string[] =>
  Array.from(steps, (step, column) => (column === 0 ? `step ${step}` : String(step)))

/**
 * Gibbs chains of an RBM walking from noise (or from given images), one chain per row and one
 * recorded step per column, live while the model trains; the frames are revealed one by one so the
 * walk is visible. The canvas carries `data-lk-version` (the model version drawn) and
 * `data-lk-revealed` (the columns shown so far). SSR-safe: draws and animates only in effects.
 */
export function GibbsChain({
  model,
  chain,
  chains = 4,
  steps = 100,
  frames = 11,
  seed = 0,
  start,
  animate = true,
  frameDuration = 150,
  showSteps = true,
  colorMap = 'grayscale',
  scale = 4,
  gap = 2,
  pixelated = true,
  background,
  label,
  renderEmpty,
  className,
  style,
  ...rest
}: GibbsChainProps) {
  const rowsAsked = start ? start.shape[0] : chains
  const propsProblem = chain
    ? undefined
    : (gridProblem('GibbsChain', { rows: rowsAsked, columns: frames, scale, gap }) ??
      chainProblem(steps, seed))
  const request: ChainRequest | undefined =
    chain || propsProblem ? undefined : { chains: rowsAsked, steps, frames, seed, start }
  const loaded = useGibbsChain(chain ? undefined : model, request)
  const shown = chain ?? loaded?.chain
  const rows = shown?.chains ?? rowsAsked
  const columns = shown?.frames ?? frames
  const revealed = useFrameReveal({
    total: shown ? columns : 0,
    restartKey: chain ? `given:${chainId(chain)}` : loaded?.request,
    animate,
    interval: frameDuration,
  })
  const rgba = useMemo(
    () => (images: ImageBatch, index: number) =>
      index % columns < revealed
        ? imageToRGBA(images, index, colorMap)
        : blankRGBA(images.shape[1] * images.shape[2]),
    [columns, revealed, colorMap],
  )
  const complete = shown && shown.images.shape[0] >= rows * columns ? shown : undefined
  const { canvasRef, layout, ...grid } = useImageGrid(
    'GibbsChain',
    propsProblem ? undefined : complete?.images,
    {
      rows,
      columns,
      scale,
      gap,
      colorMap,
      rgba,
      pixelated,
      background,
    },
  )
  const problem = propsProblem ?? grid.problem

  if (!complete || !layout || problem) {
    return (
      <EmptyState
        block="lk-gibbs-chain"
        renderEmpty={problem ? undefined : renderEmpty}
        fallback={problem ?? 'No Gibbs chain yet: train the model to see it walk.'}
        {...rest}
        className={className}
        style={style}
      />
    )
  }

  const origin = chain ? '' : start ? ' from the given images' : ' from noise'
  const first = complete.steps[0] ?? 0
  const last = complete.steps[columns - 1] ?? first
  const name =
    label ??
    `${rows} Gibbs chain${rows === 1 ? '' : 's'}${origin}, ${columns} frames each from step ${first} to ${last}`
  return (
    <div
      {...rest}
      className={classNames('lk-gibbs-chain', className)}
      style={{ display: 'inline-block', maxWidth: '100%', ...style }}
    >
      <canvas
        ref={canvasRef}
        width={layout.width}
        height={layout.height}
        className="lk-gibbs-chain__canvas"
        role="img"
        aria-label={name}
        data-lk-version={chain ? undefined : model?.modelVersion}
        data-lk-revealed={revealed}
        style={gridCanvasStyle(pixelated, { display: 'block' })}
      />
      {showSteps ? (
        <ColumnLabels
          layout={layout}
          labels={stepLabels(complete.steps)}
          name="Gibbs step of each column"
          className="lk-gibbs-chain__steps"
        />
      ) : null}
    </div>
  )
}
