/**
 * useImportedModel in real Chromium: a decoder built with tfjs-layers in the page and saved to
 * IndexedDB (TF.js's own model format) is imported by the real worker when the hook mounts, and
 * SampleGrid draws it unchanged. A bad URL gives a typed error in the hook's `error`.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import type * as tfl from '@tensorflow/tfjs-layers'
import { useEffect } from 'react'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { SampleGrid } from '../../src/components/SampleGrid'
import type { ImageBatch } from '../../src/core/dataset'
import {
  useImportedModel,
  type UseImportedModelOptions,
  type UseImportedModelResult,
} from '../../src/react/useImportedModel'
import { smallDecoder } from '../fixtures/smallDecoder'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

const DECODER = 'indexeddb://latentkit-test-imported-decoder'

afterEach(async () => {
  await cleanup()
})

let decoder: tfl.Sequential

beforeAll(async () => {
  await tf.setBackend('cpu')
  decoder = smallDecoder()
  await decoder.save(DECODER)
})

function Demo(props: {
  options: UseImportedModelOptions
  onResult: (model: UseImportedModelResult) => void
}) {
  const model = useImportedModel(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(model)
  }, [model, onResult])
  return <SampleGrid model={model} rows={2} columns={4} scale={4} />
}

describe('useImportedModel in real Chromium', () => {
  test('imports a tfjs-layers decoder from IndexedDB at mount; SampleGrid draws its samples', async () => {
    let model: UseImportedModelResult | undefined
    const screen = await render(
      <Demo
        options={{ role: 'vae', decoder: DECODER, backend: 'cpu' }}
        onResult={(m) => (model = m)}
      />,
    )
    await waitFor(() => model?.status === 'ready', 60_000)
    expect(model!.model).toMatchObject({
      kind: 'imported',
      trainedSteps: 1,
      latentDim: 4,
      imageShape: [8, 8, 1],
      role: 'vae',
      hasEncoder: false,
    })
    const grid = () =>
      screen.container.querySelector('canvas.lk-sample-grid') as HTMLCanvasElement | null
    await waitFor(
      () => grid() !== null && Number(grid()!.dataset.lkVersion) === model!.modelVersion,
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(distinctLevels(canvasPixels(grid()!))).toBeGreaterThan(8)

    // The worker's decode is the page's LayersModel's own prediction.
    const latents = Float32Array.from({ length: 8 }, (_, i) => Math.sin(i + 1))
    const decoded = (await model!.decodeAsync({ data: latents, shape: [2, 4] })) as ImageBatch
    const own = tf.tidy(() => decoder.predict(tf.tensor2d(latents, [2, 4])) as tf.Tensor)
    const expected = own.dataSync()
    own.dispose()
    let diff = 0
    for (let i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs(decoded.data[i]! - expected[i]!))
    }
    expect(diff).toBeLessThan(1e-5)

    // No encoder: encode is refused with a typed error saying so; training is refused too.
    await expect(
      model!.encodeAsync({ data: new Float32Array(64), shape: [1, 8, 8, 1] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(model!.trainAsync()).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(model!.status).not.toBe('training')
  })

  test('a URL with nothing there gives a typed error in error', async () => {
    let model: UseImportedModelResult | undefined
    await render(
      <Demo
        options={{ decoder: 'indexeddb://latentkit-test-nothing-here', backend: 'cpu' }}
        onResult={(m) => (model = m)}
      />,
    )
    await waitFor(() => model?.status === 'error', 60_000)
    expect(model!.error?.code).toBe('STORAGE_FAILED')
    expect(model!.error?.message).toMatch(
      /no decoder at 'indexeddb:\/\/latentkit-test-nothing-here'/,
    )
    expect(model!.model).toBeUndefined()
  })
})
