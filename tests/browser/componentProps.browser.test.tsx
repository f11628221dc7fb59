/**
 * Bad props never break a page: every grid and the slider, given unusable sizes, render a message
 * saying what is wrong (no throw, no canvas, no request to the model), and good props afterwards draw.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import type { ImageBatch } from '../../src/core/dataset'
import { SampleGrid } from '../../src/components/SampleGrid'
import { ReconstructionGrid } from '../../src/components/ReconstructionGrid'
import { DictionaryGrid } from '../../src/components/DictionaryGrid'
import { FilterGrid } from '../../src/components/FilterGrid'
import { ClusterGrid } from '../../src/components/ClusterGrid'
import { GibbsChain } from '../../src/components/GibbsChain'
import { InterpolationSlider } from '../../src/components/InterpolationSlider'

afterEach(async () => {
  await cleanup()
})

function batch(n: number, side = 8): ImageBatch {
  return { data: new Float32Array(n * side * side).fill(0.5), shape: [n, side, side, 1] }
}

/** A trained model double that counts what it is asked. */
function trainedModel() {
  const calls: string[] = []
  const answer = (name: string, n: number) => {
    calls.push(name)
    return Promise.resolve(batch(n))
  }
  return {
    calls,
    model: {
      modelVersion: 1,
      model: { trainedSteps: 5, trainedEpochs: 1, imageShape: [8, 8, 1] as const, kind: 'vae' },
      latentDim: 2,
      sample: (n: number) => answer('sample', n),
      decode: () => answer('decode', 1),
      interpolate: (_a: unknown, _b: unknown, steps: number) => answer('interpolate', steps),
      reconstruct: (images: ImageBatch) => answer('reconstruct', images.shape[0]),
      encode: () => {
        calls.push('encode')
        return Promise.resolve({ data: new Float32Array(2), shape: [1, 2] as const })
      },
      gibbsChain: (n: number, options?: { frames?: number }) => {
        calls.push('gibbsChain')
        const frames = options?.frames ?? 11
        return Promise.resolve({
          images: batch(n * frames),
          chains: n,
          frames,
          steps: Int32Array.from({ length: frames }, (_, f) => f * 10),
        })
      },
    },
  }
}

const BAD_GRIDS: readonly { rows?: number; columns?: number; scale?: number; gap?: number }[] = [
  { rows: -1 },
  { rows: 0 },
  { columns: Number.NaN },
  { columns: 2.5 },
  { rows: 1e6 },
  { scale: 0 },
  { scale: Number.POSITIVE_INFINITY },
  { gap: -3 },
  { columns: 200, scale: 3000 },
]

describe('unusable sizes render a message, never a throw', () => {
  test.each(BAD_GRIDS)('SampleGrid %o', async (props) => {
    const { model, calls } = trainedModel()
    const screen = await render(<SampleGrid model={model as never} {...props} />)
    await expect
      .element(screen.getByRole('status'))
      .toHaveTextContent(/SampleGrid: \w+ must|pixels wide/)
    expect(screen.container.querySelector('canvas')).toBeNull()
    expect(calls).toEqual([])
    await screen.rerender(<SampleGrid model={model as never} rows={1} columns={2} />)
    await expect.poll(() => screen.container.querySelector('canvas.lk-sample-grid')).not.toBeNull()
  })

  test.each(BAD_GRIDS.filter((p) => p.rows === undefined))(
    'ReconstructionGrid %o',
    async (props) => {
      const { model } = trainedModel()
      const screen = await render(
        <ReconstructionGrid model={model as never} images={batch(4)} {...props} />,
      )
      await expect
        .element(screen.getByRole('status'))
        .toHaveTextContent(/ReconstructionGrid: \w+ must|pixels wide/)
      expect(screen.container.querySelector('canvas')).toBeNull()
    },
  )

  test.each(BAD_GRIDS.filter((p) => p.rows === undefined))('DictionaryGrid %o', async (props) => {
    const screen = await render(
      <DictionaryGrid dictionary={{ atoms: batch(16, 4) }} legend={false} {...props} />,
    )
    await expect
      .element(screen.getByRole('status'))
      .toHaveTextContent(/DictionaryGrid: \w+ must|pixels wide/)
    expect(screen.container.querySelector('canvas')).toBeNull()
  })

  test.each(BAD_GRIDS.filter((p) => p.rows === undefined))('FilterGrid %o', async (props) => {
    const screen = await render(
      <FilterGrid filters={{ images: batch(16, 4) }} legend={false} {...props} />,
    )
    await expect
      .element(screen.getByRole('status'))
      .toHaveTextContent(/FilterGrid: \w+ must|pixels wide/)
    expect(screen.container.querySelector('canvas')).toBeNull()
  })

  test.each([
    ...BAD_GRIDS.filter((p) => p.rows === undefined && p.columns === undefined),
    { scale: 3000 },
    { members: -1 },
    { members: 2.5 },
  ])('ClusterGrid %o', async (props) => {
    const clusters = {
      centroids: batch(3, 8),
      members: batch(6, 8),
      membersPerCluster: 2,
      sizes: [4, 5, 6],
    }
    const screen = await render(<ClusterGrid clusters={clusters} {...props} />)
    await expect
      .element(screen.getByRole('status'))
      .toHaveTextContent(/ClusterGrid: \w+ must|pixels wide/)
    expect(screen.container.querySelector('canvas')).toBeNull()
    await screen.rerender(<ClusterGrid clusters={clusters} />)
    await expect
      .poll(() => screen.container.querySelector('canvas.lk-cluster-grid__canvas'))
      .not.toBeNull()
  })

  test.each([
    // The grid's rows are the chains, its columns the frames.
    ...BAD_GRIDS.map(({ rows, columns, ...rest }) => ({
      ...rest,
      ...(rows === undefined ? {} : { chains: rows }),
      ...(columns === undefined ? {} : { frames: columns }),
    })),
    { steps: 0 },
    { steps: 2.5 },
    { seed: Number.NaN },
  ])('GibbsChain %o', async (props) => {
    const { model, calls } = trainedModel()
    const screen = await render(<GibbsChain model={model as never} {...props} />)
    await expect
      .element(screen.getByRole('status'))
      .toHaveTextContent(/GibbsChain: \w+ must|pixels wide/)
    expect(screen.container.querySelector('canvas')).toBeNull()
    expect(calls).toEqual([])
    await screen.rerender(<GibbsChain model={model as never} chains={2} frames={3} />)
    await expect
      .poll(() => screen.container.querySelector('canvas.lk-gibbs-chain__canvas'))
      .not.toBeNull()
    expect(calls).toEqual(['gibbsChain'])
  })

  test.each([
    { steps: -1 },
    { steps: 1e9 },
    { steps: 2.5 },
    { scale: 0 },
    { stripScale: Number.NaN },
  ])('InterpolationSlider %o', async (props) => {
    const { model, calls } = trainedModel()
    const screen = await render(<InterpolationSlider model={model as never} {...props} />)
    await expect.element(screen.getByText(/InterpolationSlider: \w+ must/)).toBeInTheDocument()
    expect(calls).toEqual([])
  })

  test('InterpolationSlider with a position that is not a number shows the midpoint', async () => {
    const { model } = trainedModel()
    const screen = await render(<InterpolationSlider model={model as never} value={Number.NaN} />)
    await expect.element(screen.getByRole('slider')).toHaveValue('0.5')
    await expect.poll(() => screen.container.querySelector('canvas')).not.toBeNull()
  })
})
