import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import type { ImageBatch } from '../../src/core/dataset'
import { LatentTraversal } from '../../src/components/LatentTraversal'
import { useLatentTraversal } from '../../src/components/useLatentTraversal'
import type { TraversalSpec } from '../../src/components/latentTraversalRows'
import type { LatentSource } from '../../src/components/modelHandle'
import { useGAN, type UseGANOptions, type UseGANResult } from '../../src/react/useGAN'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

/** `n` 2×2 images, image `i` filled with `values[i]`. */
function filled(values: readonly number[]): ImageBatch {
  const data = new Float32Array(values.length * 4)
  values.forEach((v, i) => data.fill(v, i * 4, i * 4 + 4))
  return { data, shape: [values.length, 2, 2, 1] }
}

/** The red value at the centre of each of `columns` tiles of a one-row canvas. */
function tileLevels(canvas: HTMLCanvasElement, columns: number, tile: number, gap: number) {
  const pixels = canvasPixels(canvas)
  return Array.from({ length: columns }, (_, i) => {
    const x = i * (tile + gap) + Math.floor(tile / 2)
    const y = Math.floor(tile / 2)
    return pixels[(y * canvas.width + x) * 4] as number
  })
}

/** A hand-written model whose decoder paints each image with its latent's first value (a sigmoid-free ramp). */
function rampModel(latentDim: number): LatentSource {
  return {
    modelVersion: 1,
    model: { trainedSteps: 1 },
    latentDim,
    sample: () => Promise.reject(new Error('unused')),
    interpolate: () => Promise.reject(new Error('unused')),
    decode: (latents: Float32Array) => {
      const n = latents.length / latentDim
      const values = Array.from({ length: n }, (_, i) => {
        let sum = 0
        for (let d = 0; d < latentDim; d++) sum += (latents[i * latentDim + d] as number) * (d + 1)
        return Math.min(1, Math.max(0, 0.5 + sum / 8))
      })
      return Promise.resolve(filled(values))
    },
  }
}

function Traversal({ model, spec }: { model: LatentSource; spec: TraversalSpec }) {
  const { rows, problem } = useLatentTraversal(model, spec)
  return <LatentTraversal rows={rows} problem={problem} scale={10} gap={2} />
}

describe('LatentTraversal in real Chromium', () => {
  test('draws one labelled row per code, its images in order on the canvas', async () => {
    const screen = await render(
      <LatentTraversal
        scale={10}
        gap={2}
        label="Codes"
        rows={[
          { label: 'dark to light', values: [0, 0.5, 1], images: filled([0, 0.5, 1]) },
          { label: 'light to dark', values: [1, 0.5, 0], images: filled([1, 0.5, 0]) },
        ]}
      />,
    )
    await expect.element(screen.getByRole('group', { name: 'Codes' })).toBeVisible()
    await expect.element(screen.getByText('dark to light')).toBeVisible()
    await expect
      .element(
        screen.getByRole('img', {
          name: 'dark to light: 3 images as it sweeps from 0 to 1, the rest fixed',
        }),
      )
      .toBeVisible()
    const canvases = [
      ...screen.container.querySelectorAll('canvas.lk-latent-traversal__images'),
    ] as HTMLCanvasElement[]
    expect(canvases.length).toBe(2)
    expect(canvases[0]!.width).toBe(3 * 20 + 2 * 2)
    await waitFor(() => tileLevels(canvases[0]!, 3, 20, 2)[2]! > 200)
    expect(tileLevels(canvases[0]!, 3, 20, 2)).toEqual([0, 128, 255])
    expect(tileLevels(canvases[1]!, 3, 20, 2)).toEqual([255, 128, 0])
  })

  test('useLatentTraversal sweeps each latent dimension through the model’s decode', async () => {
    const screen = await render(
      <Traversal
        model={rampModel(3)}
        spec={{ kind: 'latent', dims: [0, 2], steps: 5, range: [-2, 2] }}
      />,
    )
    await expect.element(screen.getByText('z0')).toBeVisible()
    await expect.element(screen.getByText('z2')).toBeVisible()
    const canvases = () =>
      [
        ...screen.container.querySelectorAll('canvas.lk-latent-traversal__images'),
      ] as HTMLCanvasElement[]
    await waitFor(() => canvases().length === 2 && tileLevels(canvases()[0]!, 5, 20, 2)[4]! > 0)
    // Dimension 0 has weight 1 (0.5 ± 2/8), dimension 2 weight 3 (clipped at 0 and 1).
    const z0 = tileLevels(canvases()[0]!, 5, 20, 2)
    const z2 = tileLevels(canvases()[1]!, 5, 20, 2)
    expect(z0).toEqual([64, 96, 128, 159, 191])
    expect(z2[0]).toBe(0)
    expect(z2[4]).toBe(255)
    expect(z0.every((v, i) => i === 0 || v > z0[i - 1]!)).toBe(true)
  })

  test('a spec that does not fit the model says so in words', async () => {
    const screen = await render(
      <Traversal model={rampModel(3)} spec={{ kind: 'info', categorical: [4] }} />,
    )
    await expect.element(screen.getByRole('status')).toHaveTextContent(/codes take 4 values/)
  })
})

function InfoGAN(props: { options: UseGANOptions; onResult: (gan: UseGANResult) => void }) {
  const gan = useGAN(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(gan)
  }, [gan, onResult])
  return (
    <Traversal model={gan} spec={{ kind: 'info', categorical: [4], continuous: 1, steps: 5 }} />
  )
}

describe('InfoGAN through useGAN in the worker', () => {
  test('trains with codes, reports L_I and Q accuracy, infers codes; the traversal draws', async () => {
    let gan: UseGANResult | undefined
    const screen = await render(
      <InfoGAN
        options={{
          data: { name: 'digits', limit: 256 },
          backend: 'wasm',
          epochs: 3,
          seed: 1,
          noiseDim: 16,
          info: { categorical: [4], continuous: 1 },
        }}
        onResult={(g) => (gan = g)}
      />,
    )
    await gan!.trainAsync()
    await waitFor(() => gan!.status === 'ready')
    const last = gan!.history[gan!.history.length - 1]!
    expect(last.informationLoss).toBeGreaterThanOrEqual(0)
    expect(last.codeAccuracy).toBeGreaterThanOrEqual(0)
    const first = gan!.history[0]!
    expect(last.informationLoss!).toBeLessThan(first.informationLoss!)
    const images = await gan!.generateWithCodesAsync(
      [0, 1, 2, 3].map((k) => ({ categorical: [k] })),
      { seed: 2 },
    )
    expect(images.shape).toEqual([4, 8, 8, 1])
    const codes = await gan!.inferCodesAsync(images)
    expect(codes.categorical.length).toBe(4)
    expect(codes.probabilities.length).toBe(16)
    await expect.element(screen.getByText('categorical 1')).toBeVisible()
    await expect.element(screen.getByText('continuous 1')).toBeVisible()
    const row = () =>
      screen.container.querySelector(
        'canvas.lk-latent-traversal__images',
      ) as HTMLCanvasElement | null
    await waitFor(() => row() !== null && distinctLevels(canvasPixels(row()!)) > 8)
    // A code out of range is a typed error in the hook's state; the model stays usable.
    await expect(gan!.generateWithCodesAsync([{ categorical: [7] }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
    await waitFor(() => gan!.error?.code === 'INVALID_INPUT')
    expect((await gan!.sampleAsync(2, { seed: 1 })).shape).toEqual([2, 8, 8, 1])
  })
})
