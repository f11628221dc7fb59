/**
 * LatentScatter figures for `npm run bench -- --only scatter` (real Chromium): with 20,000 points,
 * the frame times while panning (a drag, one move per frame) and while hovering (pointer moves with
 * hit-testing, the tooltip following), and the projection time in the worker for 20,000 codes of 20
 * values with PCA and with UMAP (2,000 rows with --quick). Writes bench/report.browser-scatter.json.
 */
import { useEffect, useState } from 'react'
import { test } from 'vitest'
import { commands } from 'vitest/browser'
import { cleanup, render } from 'vitest-browser-react'
import { LatentScatter } from '../../src/components/LatentScatter'
import { ProjectionClient } from '../../src/client/projectionClient'
import type { ProjectionMethod } from '../../src/core/projection/projectionOptions'
import { createRandom } from '../../src/core/random'
import { loadDigits } from '../../src/data/digits'

const quick = import.meta.env.VITE_BENCH_QUICK === '1'
const POINTS = 20_000
const CODE_SIZE = 20
const WIDTH = 640
const HEIGHT = 440

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve))

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

/** 20,000 points in 10 blobs on a circle, labelled by blob. */
function mapPoints() {
  const random = createRandom(3)
  const points = new Float32Array(2 * POINTS)
  const labels = new Int32Array(POINTS)
  for (let i = 0; i < POINTS; i++) {
    const blob = i % 10
    labels[i] = blob
    points[2 * i] = 6 * Math.cos((2 * Math.PI * blob) / 10) + random.normal() * 1.2
    points[2 * i + 1] = 6 * Math.sin((2 * Math.PI * blob) / 10) + random.normal() * 1.2
  }
  return { points, labels }
}

/** `rows` codes of 20 values in 10 Gaussian clusters. */
function codes(rows: number) {
  const random = createRandom(5)
  const centres = Array.from({ length: 10 }, () =>
    Array.from({ length: CODE_SIZE }, () => random.normal() * 4),
  )
  const data = new Float32Array(rows * CODE_SIZE)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < CODE_SIZE; j++) {
      data[i * CODE_SIZE + j] = (centres[i % 10]?.[j] as number) + random.normal()
    }
  }
  return { data, shape: [rows, CODE_SIZE] as const }
}

function pointer(canvas: HTMLCanvasElement, type: string, x: number, y: number): void {
  const box = canvas.getBoundingClientRect()
  canvas.dispatchEvent(
    new PointerEvent(type, {
      bubbles: true,
      clientX: box.left + x,
      clientY: box.top + y,
      pointerId: 1,
      isPrimary: true,
    }),
  )
}

/**
 * Frame figures of `moves` pointer moves, one per frame, at the positions `at(i)` gives: the
 * main thread's work for each (the move's handlers, then every animation-frame callback of that
 * frame: the component's draw), and the intervals between frames.
 */
async function frames(
  canvas: HTMLCanvasElement,
  moves: number,
  at: (i: number) => { x: number; y: number },
) {
  const work: number[] = []
  const intervals: number[] = []
  const original = window.requestAnimationFrame.bind(window)
  let callbacks = 0
  window.requestAnimationFrame = (callback) =>
    original((time) => {
      const started = performance.now()
      callback(time)
      callbacks += performance.now() - started
    })
  try {
    let last = await nextFrame()
    for (let i = 0; i < moves; i++) {
      const { x, y } = at(i)
      callbacks = 0
      const started = performance.now()
      pointer(canvas, 'pointermove', x, y)
      const handlers = performance.now() - started
      // The component's own frame was requested during the move, so it runs before this one.
      const frame = await nextFrame()
      work.push(handlers + callbacks)
      intervals.push(frame - last)
      last = frame
    }
  } finally {
    window.requestAnimationFrame = original
  }
  return {
    moves,
    workP50: percentile(work, 50),
    workP95: percentile(work, 95),
    frameP50: percentile(intervals, 50),
    frameP95: percentile(intervals, 95),
    // Frames that came later than 1.5 display frames after the one before.
    late: intervals.filter((interval) => interval > 25).length,
  }
}

function Scatter(props: { onReady: () => void }) {
  const [{ points, labels }] = useState(mapPoints)
  const [digits] = useState(() => loadDigits().images)
  const { onReady } = props
  useEffect(() => {
    onReady()
  }, [onReady])
  return (
    <LatentScatter
      points={points}
      labels={labels}
      images={digits}
      width={WIDTH}
      height={HEIGHT}
      thumbnailScale={6}
    />
  )
}

async function project(method: ProjectionMethod, rows: number) {
  const client = new ProjectionClient({ backend: 'wasm' })
  try {
    // Starts the worker and its backend first: the figure is the projection alone.
    await client.projectAsync({ data: new Float32Array(40), shape: [20, 2] })
    const input = codes(rows)
    const started = performance.now()
    let firstProgress = NaN
    let layoutFrom = NaN
    // The longest wait for word from the worker (start to first report, report to report, last
    // report to the result): it sends progress whenever it yields to its event loop (at most 10
    // reports a second), so this bounds its longest synchronous stretch from above.
    let lastWord = started
    let longestGap = 0
    let lastProgress: unknown = undefined
    const unsubscribe = client.subscribe(() => {
      const progress = client.getSnapshot().progress
      if (progress && progress !== lastProgress) {
        const now = performance.now()
        longestGap = Math.max(longestGap, now - lastWord)
        lastWord = now
        lastProgress = progress
      }
      if (Number.isNaN(firstProgress) && progress) firstProgress = performance.now() - started
      if (Number.isNaN(layoutFrom) && progress?.phase === 'layout') {
        layoutFrom = performance.now() - started
      }
    })
    const map = await client.projectAsync(input, { method })
    longestGap = Math.max(longestGap, performance.now() - lastWord)
    unsubscribe()
    return {
      method,
      rows,
      codeSize: CODE_SIZE,
      seconds: (performance.now() - started) / 1000,
      firstProgressMs: firstProgress,
      // UMAP: until the first layout epoch is reported (neighbours found, fuzzy graph built).
      neighboursSeconds: method === 'umap' ? layoutFrom / 1000 : NaN,
      longestGapMs: longestGap,
      epochs: client.getSnapshot().progress?.epochs ?? 1,
      points: map.count,
    }
  } finally {
    client.release()
  }
}

test('LatentScatter with 20,000 points: frame times while panning and hovering; projection in the worker', async () => {
  let ready = false
  const screen = await render(<Scatter onReady={() => (ready = true)} />)
  while (!ready) await nextFrame()
  const canvas = screen.container.querySelector('canvas') as HTMLCanvasElement
  for (let i = 0; i < 10; i++) await nextFrame()
  const moves = quick ? 120 : 600

  // Panning: a drag going round in a circle, one move per frame.
  pointer(canvas, 'pointerdown', WIDTH / 2, HEIGHT / 2)
  const pan = await frames(canvas, moves, (i) => ({
    x: WIDTH / 2 + 80 * Math.cos(i / 15),
    y: HEIGHT / 2 + 80 * Math.sin(i / 15),
  }))
  pointer(canvas, 'pointerup', WIDTH / 2, HEIGHT / 2)
  await screen.getByRole('button', { name: 'Reset view' }).click()
  for (let i = 0; i < 5; i++) await nextFrame()

  // Hovering: the pointer sweeping across the clusters (hit-test, tooltip, ring redrawn).
  let hovered = 0
  const hover = await frames(canvas, moves, (i) => {
    if (screen.container.querySelector('[role="tooltip"]')) hovered += 1
    return {
      x: 40 + ((i * 7) % (WIDTH - 80)),
      y: HEIGHT / 2 + 120 * Math.sin(i / 9),
    }
  })
  await cleanup()

  // UMAP on 20,000 rows takes tens of seconds (its layout is plain JavaScript): --quick maps 2,000.
  const projections = [await project('pca', POINTS), await project('umap', quick ? 2_000 : POINTS)]

  await commands.writeFile(
    'bench/report.browser-scatter.json',
    JSON.stringify(
      {
        points: POINTS,
        width: WIDTH,
        height: HEIGHT,
        pan,
        hover: { ...hover, framesWithTooltip: hovered },
        projections,
        quick,
      },
      null,
      2,
    ),
  )
})
