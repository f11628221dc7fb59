import type { KeyboardEvent, MouseEvent } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { userEvent } from 'vitest/browser'
import type { ImageBatch } from '../../src/core/dataset'
import type { AnomalyScores } from '../../src/core/anomaly/anomalyScoring'
import type { SparseCodes } from '../../src/core/sparse/sparseCodes'
import { SampleGrid } from '../../src/components/SampleGrid'
import { ReconstructionGrid } from '../../src/components/ReconstructionGrid'
import { InterpolationSlider } from '../../src/components/InterpolationSlider'
import { LossChart } from '../../src/components/LossChart'
import { GANPlane } from '../../src/components/GANPlane'
import { DictionaryGrid, type SelectedAtom } from '../../src/components/DictionaryGrid'
import { SparseCodeView, type SparseCodeSource } from '../../src/components/SparseCodeView'
import { AnomalyHeatmap, type AnomalySource } from '../../src/components/AnomalyHeatmap'
import { TrainingStatus } from '../../src/components/TrainingStatus'
import { waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function batch(n: number, h: number, w: number, value = 0.5): ImageBatch {
  return { data: new Float32Array(n * h * w).fill(value), shape: [n, h, w, 1] }
}

const notOnThisPage = (): Promise<never> => Promise.reject(new Error('untrained'))

/** Every model member the components read, for a model that has not trained. */
const untrained = {
  modelVersion: 0,
  model: undefined,
  latentDim: undefined,
  patchShape: undefined,
  dictionary: undefined,
  threshold: undefined,
  sample: notOnThisPage,
  decode: notOnThisPage,
  interpolate: notOnThisPage,
  reconstruct: notOnThisPage,
  encode: notOnThisPage,
  score: notOnThisPage,
  view2d: notOnThisPage,
}

describe('component props: handlers compose, styles merge, label names, renderEmpty renders', () => {
  test('SampleGrid: a user onClick and onKeyDown run and selection still happens', async () => {
    const selected: number[] = []
    const clicks: number[] = []
    const keys: { key: string; handled: boolean }[] = []
    // 4 tiles of 8×8 at scale 4, gap 2: tile i starts at x = 34 i.
    const screen = await render(
      <SampleGrid
        images={batch(4, 8, 8)}
        rows={1}
        columns={4}
        scale={4}
        gap={2}
        label="Digits"
        onSelect={(index) => selected.push(index)}
        onClick={(event: MouseEvent<HTMLElement>) => clicks.push(event.clientX)}
        onKeyDown={(event: KeyboardEvent<HTMLElement>) =>
          keys.push({ key: event.key, handled: event.defaultPrevented })
        }
      />,
    )
    await expect
      .element(screen.getByRole('img', { name: /^Digits; image 1 of 4 focused/ }))
      .toBeVisible()
    const grid = screen.getByRole('img', { name: /^Digits;/ })
    await grid.click({ position: { x: 2 * 34 + 16, y: 16 } })
    expect(selected).toEqual([2])
    expect(clicks).toHaveLength(1)

    ;(grid.element() as HTMLCanvasElement).focus()
    await userEvent.keyboard('{ArrowRight}{Enter}')
    expect(selected).toEqual([2, 3])
    // The grid handles the key first, so the user's handler sees it handled.
    expect(keys).toEqual([
      { key: 'ArrowRight', handled: true },
      { key: 'Enter', handled: true },
    ])
  })

  test('SampleGrid: a user style goes over the layout but keeps imageRendering and the canvas size', async () => {
    const screen = await render(
      <SampleGrid
        images={batch(4, 8, 8)}
        rows={1}
        columns={4}
        scale={4}
        gap={2}
        className="mine"
        style={{ imageRendering: 'auto', border: '3px solid rgb(255, 0, 0)', width: 268 }}
        // A plain-JS caller can still pass a size; the layout wins.
        {...({ width: 999, height: 999 } as object)}
        data-testid="grid"
      />,
    )
    const canvas = screen.getByTestId('grid').element() as HTMLCanvasElement
    expect(canvas.width).toBe(4 * 32 + 3 * 2)
    expect(canvas.height).toBe(32)
    const css = getComputedStyle(canvas)
    expect(css.imageRendering).toBe('pixelated')
    expect(css.maxWidth).toBe('100%')
    expect(css.borderTopWidth).toBe('3px')
    expect(css.width).toBe('268px')
    expect([...canvas.classList]).toEqual(['lk-sample-grid', 'mine'])
  })

  test('DictionaryGrid: other props go to the root; a user onClick there runs with the selection', async () => {
    const selected: SelectedAtom[] = []
    let clicks = 0
    const atoms = batch(4, 2, 2)
    const screen = await render(
      <DictionaryGrid
        dictionary={{ atoms }}
        columns={4}
        scale={8}
        gap={0}
        legend={false}
        onSelect={(atom) => selected.push(atom)}
        onClick={() => (clicks += 1)}
        style={{ padding: 5 }}
        data-testid="dictionary"
      />,
    )
    const root = screen.getByTestId('dictionary').element() as HTMLElement
    expect(root.tagName).toBe('DIV')
    expect(root.className).toBe('lk-dictionary-grid')
    expect(getComputedStyle(root).paddingTop).toBe('5px')
    await screen.getByRole('img', { name: /^Dictionary of 4 atoms/ }).click({
      position: { x: 2 * 16 + 8, y: 8 },
    })
    expect(selected.map((atom) => atom.index)).toEqual([2])
    expect(clicks).toBe(1)
  })

  test('AnomalyHeatmap: a user onDragOver runs after the drop target’s own; a user style keeps the grid', async () => {
    const seen: boolean[] = []
    const scores: AnomalyScores = {
      scores: Float32Array.of(0.2),
      maps: batch(1, 4, 4, 0.1),
      pixelError: 'squared',
      threshold: 0.1,
      anomalous: undefined,
    }
    const model: AnomalySource = {
      modelVersion: 1,
      model: { trainedSteps: 1, imageShape: [4, 4, 1] },
      threshold: 0.1,
      score: () => Promise.resolve(scores),
    }
    const screen = await render(
      <AnomalyHeatmap
        model={model}
        image={batch(1, 4, 4)}
        label="Defects"
        style={{ border: '2px solid rgb(0, 0, 255)' }}
        onDragOver={(event) => seen.push(event.defaultPrevented)}
      />,
    )
    const figure = screen.getByRole('figure', { name: 'Defects' })
    await expect.element(screen.getByText(/anomaly score 0\.200, threshold 0\.100/)).toBeVisible()
    const css = getComputedStyle(figure.element())
    expect(css.display).toBe('grid')
    expect(css.marginTop).toBe('0px')
    expect(css.borderTopWidth).toBe('2px')
    figure.element().dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true }))
    expect(seen).toEqual([true])
  })

  test('SparseCodeView: a user onClick on the root runs with the patch move; a user style keeps the grid', async () => {
    const moves: { top: number; left: number }[] = []
    let clicks = 0
    const codes: SparseCodes = {
      atoms: 2,
      count: 1,
      offsets: Int32Array.of(0, 1),
      indices: Int32Array.of(1),
      values: Float32Array.of(0.5),
      positions: Int32Array.of(0, 0, 0),
      iterations: 1,
    }
    const model: SparseCodeSource = {
      modelVersion: 1,
      model: { trainedSteps: 1 },
      patchShape: [2, 2, 1],
      dictionary: { atoms: batch(2, 2, 2) },
      encode: () => Promise.resolve(codes),
      reconstruct: () => Promise.resolve(batch(1, 2, 2, 0.4)),
    }
    const screen = await render(
      <SparseCodeView
        model={model}
        image={batch(1, 8, 8)}
        scale={10}
        onPositionChange={(position) => moves.push(position)}
        onClick={() => (clicks += 1)}
        style={{ outline: '1px solid rgb(0, 0, 0)' }}
        data-testid="view"
      />,
    )
    await expect
      .element(screen.getByText(/Patch at row 1, column 1: 1 of 2 atoms used/))
      .toBeVisible()
    expect(getComputedStyle(screen.getByTestId('view').element()).display).toBe('grid')
    await screen.getByRole('img', { name: /^Image with the patch/ }).click({
      position: { x: 55, y: 55 },
    })
    expect(moves).toEqual([{ top: 4, left: 4 }])
    expect(clicks).toBe(1)
  })

  test('label is the accessible name everywhere; a visible title stays visible', async () => {
    const history = [
      { step: 1, loss: 3 },
      { step: 2, loss: 2 },
    ]
    const screen = await render(
      <div>
        <SampleGrid images={batch(2, 4, 4)} rows={1} columns={2} label="My samples" />
        <ReconstructionGrid
          model={{
            ...untrained,
            model: { trainedSteps: 1 },
            reconstruct: async (x) => x as ImageBatch,
          }}
          images={batch(2, 4, 4)}
          label="My reconstructions"
        />
        <InterpolationSlider model={untrained} label="My walk" />
        <LossChart history={history} title="Visible title" label="My loss" />
        <GANPlane model={untrained} size={40} title="Plane title" label="My plane" />
        <DictionaryGrid dictionary={{ atoms: batch(2, 2, 2) }} label="My atoms" />
        <SparseCodeView model={untrained} image={undefined} label="My codes" />
        <AnomalyHeatmap model={untrained} label="My anomalies" />
        <TrainingStatus model={{ status: 'loading' }} label="My training" />
      </div>,
    )
    await expect.element(screen.getByRole('img', { name: 'My samples' })).toBeVisible()
    await expect.element(screen.getByRole('img', { name: 'My reconstructions' })).toBeVisible()
    await expect.element(screen.getByRole('slider', { name: 'My walk' })).toBeInTheDocument()
    await expect.element(screen.getByRole('img', { name: 'My loss' })).toBeVisible()
    await expect.element(screen.getByText('Visible title')).toBeVisible()
    await expect.element(screen.getByRole('img', { name: 'My plane' })).toBeVisible()
    await expect.element(screen.getByText('Plane title')).toBeVisible()
    await expect.element(screen.getByRole('img', { name: 'My atoms' })).toBeVisible()
    await expect.element(screen.getByRole('status', { name: 'My codes' })).toBeVisible()
    await expect.element(screen.getByRole('figure', { name: 'My anomalies' })).toBeVisible()
    await expect.element(screen.getByRole('progressbar', { name: 'My training' })).toBeVisible()
  })

  test('renderEmpty renders for an untrained model (or no data) in every component', async () => {
    const empty = (name: string) => () => <span className="empty">{`empty ${name}`}</span>
    const screen = await render(
      <div>
        <SampleGrid model={untrained} renderEmpty={empty('samples')} />
        <ReconstructionGrid
          model={untrained}
          images={batch(2, 4, 4)}
          renderEmpty={empty('reconstructions')}
        />
        <InterpolationSlider model={untrained} renderEmpty={empty('walk')} />
        <LossChart history={[]} width={300} height={120} renderEmpty={empty('loss')} />
        <GANPlane model={untrained} size={40} renderEmpty={empty('plane')} />
        <DictionaryGrid dictionary={undefined} renderEmpty={empty('atoms')} />
        <SparseCodeView model={untrained} image={batch(1, 8, 8)} renderEmpty={empty('codes')} />
        <AnomalyHeatmap model={untrained} renderEmpty={empty('anomalies')} />
        <TrainingStatus model={{ status: 'idle' }} renderEmpty={empty('training')} />
      </div>,
    )
    const shown = [...screen.container.querySelectorAll('.empty')].map((e) => e.textContent)
    expect(shown).toEqual([
      'empty samples',
      'empty reconstructions',
      'empty walk',
      'empty loss',
      'empty plane',
      'empty atoms',
      'empty codes',
      'empty anomalies',
      'empty training',
    ])
    // The defaults give way.
    expect(screen.container.textContent).not.toMatch(
      /No samples yet|No reconstructions yet|Train the model to walk|Not trained yet|No dictionary yet|No codes yet/,
    )
    // LossChart keeps the plot's size while empty, so nothing jumps when training starts.
    const box = screen.container.querySelector('.lk-loss-chart__empty') as HTMLElement
    expect(box.getBoundingClientRect().height).toBe(120)
    // The slider stays, disabled, under InterpolationSlider's empty state.
    await expect.element(screen.getByRole('slider')).toBeDisabled()
  })

  test('ReconstructionGrid: the empty state takes the rest props too, then the canvas does', async () => {
    const images = batch(2, 4, 4)
    const screen = await render(
      <ReconstructionGrid model={untrained} images={images} data-testid="pairs" />,
    )
    expect(screen.getByTestId('pairs').element().tagName).toBe('DIV')
    const trained = {
      ...untrained,
      modelVersion: 1,
      model: { trainedSteps: 1 },
      reconstruct: () => Promise.resolve(images),
    }
    await screen.rerender(
      <ReconstructionGrid model={trained} images={images} data-testid="pairs" />,
    )
    await waitFor(() => screen.getByTestId('pairs').element().tagName === 'CANVAS', 5_000)
  })
})
