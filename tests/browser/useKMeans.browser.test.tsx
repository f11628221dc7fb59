import * as Comlink from 'comlink'
import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { act } from '../workerCalls'
import { useKMeans, type UseKMeansOptions, type UseKMeansResult } from '../../src/react/useKMeans'
import { ClusterGrid } from '../../src/components/ClusterGrid'
import { LossChart } from '../../src/components/LossChart'
import { adjustedRandIndex } from '../../src/core/kmeans/clusterAgreement'
import type { KMeansAssignment, KMeansHistoryPoint } from '../../src/core/kmeans/kmeansSpec'
import { fromWireError } from '../../src/core/errors'
import type { LatentBatch } from '../../src/core/dataset'
import { loadDigits } from '../../src/data/digits'
import type { WorkerHost } from '../../workers/host'
import { canvasPixels, distinctLevels, waitFor } from './workerSpy'

afterEach(async () => {
  await cleanup()
})

function Demo(props: { options: UseKMeansOptions; onResult: (km: UseKMeansResult) => void }) {
  const km = useKMeans(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(km)
  }, [km, onResult])
  return (
    <div>
      <ClusterGrid clusters={km.clusters} members={6} sort="size" scale={3} />
      <LossChart history={km.history} />
    </div>
  )
}

describe('useKMeans in real Chromium', () => {
  test('clusters the digits in the worker until converged; ClusterGrid draws centroids and members', async () => {
    let km: UseKMeansResult | undefined
    const screen = await render(
      <Demo
        options={{ data: 'digits', k: 10, seed: 1, backend: 'wasm', autoTrain: true }}
        onResult={(result) => (km = result)}
      />,
    )
    await waitFor(() => km?.status === 'ready' && km.clusters !== undefined, 60_000)
    expect(km!.backend?.name).toBe('wasm')
    expect(km!.k).toBe(10)
    expect(km!.algorithm).toBe('lloyd')
    expect(km!.converged).toBe(true)
    expect(km!.latentDim).toBe(10)
    const inertia = km!.history.map((p) => p.inertia)
    expect(inertia.length).toBeGreaterThan(2)
    expect(inertia.at(-1)!).toBeLessThan(inertia[0]!)
    const clusters = km!.clusters!
    expect(clusters.centroids.shape).toEqual([10, 8, 8, 1])
    expect(clusters.sizes.reduce((a, b) => a + b, 0)).toBe(1797)

    const grid = screen.container.querySelector(
      'canvas.lk-cluster-grid__canvas',
    ) as HTMLCanvasElement
    // 10 rows of 8 × 8 tiles at scale 3 (gap 2); centroid, spacer and 6 members across.
    expect([grid.width, grid.height]).toEqual([8 * 24 + 7 * 2, 10 * 24 + 9 * 2])
    await waitFor(() => distinctLevels(canvasPixels(grid)) > 20)
    await expect.element(screen.getByRole('list', { name: 'Cluster sizes' })).toBeVisible()
    expect(screen.container.querySelector('.lk-loss-chart, svg')).not.toBeNull()

    const { images, labels } = loadDigits()
    const assignment = await km!.assignAsync(images)
    expect(assignment.labels.length).toBe(1797)
    expect(assignment.inertia).toBeCloseTo(clusters.inertia, 0)
    expect(adjustedRandIndex(assignment.labels, labels)).toBeGreaterThan(0.5)
    const distances = await km!.transformAsync(loadDigits({ limit: 3 }).images)
    expect(distances.shape).toEqual([3, 10])
    const centroids = await km!.centroidsAsync()
    expect(centroids.shape).toEqual([10, 8, 8, 1])
  })

  test('autoTrain trains once: after reset() the model stays untrained until train() or new options', async () => {
    let km: UseKMeansResult | undefined
    const Holder = (props: { options: UseKMeansOptions }) => {
      const result = useKMeans(props.options)
      useEffect(() => {
        km = result
      }, [result])
      return null
    }
    const options = { data: 'digits', k: 4, seed: 1, backend: 'wasm', autoTrain: true } as const
    const screen = await render(<Holder options={options} />)
    await waitFor(() => km?.status === 'ready', 60_000)
    await km!.resetAsync()
    await waitFor(() => km!.status === 'idle' && (km!.model?.trainedSteps ?? 0) === 0)
    // Re-renders (new options objects, same values) must not start training again.
    for (let i = 0; i < 5; i++) {
      await screen.rerender(<Holder options={{ ...options }} />)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(km!.status).toBe('idle')
    expect(km!.model?.trainedSteps ?? 0).toBe(0)
    await screen.rerender(<Holder options={{ ...options, k: 5 }} />)
    await waitFor(() => km!.status === 'ready' && km!.k === 5, 60_000)
    expect(km!.model!.trainedSteps).toBeGreaterThan(0)
  })

  test('bad options and bad images give typed errors in `error`; the trained model survives', async () => {
    let km: UseKMeansResult | undefined
    const Holder = (props: { options: UseKMeansOptions }) => {
      const result = useKMeans(props.options)
      useEffect(() => {
        km = result
      }, [result])
      return null
    }
    const screen = await render(<Holder options={{ data: 'digits', k: 0, backend: 'wasm' }} />)
    await expect(km!.trainAsync()).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    await waitFor(() => km!.error?.code === 'INVALID_OPTION')
    await screen.rerender(
      <Holder options={{ data: { name: 'digits', limit: 5 }, k: 6, backend: 'wasm' }} />,
    )
    await expect(km!.trainAsync()).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'k', limit: 5 },
    })
    await screen.rerender(
      <Holder
        options={{ data: 'digits', k: 4, algorithm: 'minibatch', epochs: 2, backend: 'wasm' }}
      />,
    )
    await expect(km!.assignAsync(loadDigits({ limit: 2 }).images)).rejects.toMatchObject({
      code: 'NOT_TRAINED',
    })
    await km!.trainAsync()
    await waitFor(() => km!.status === 'ready')
    const steps = km!.model!.trainedSteps
    await expect(
      km!.assignAsync({ data: new Float32Array(16), shape: [1, 4, 4, 1] }),
    ).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    await expect(km!.readClustersAsync({ members: 2 ** 40 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    })
    await expect(km!.readClustersAsync({ members: 1e9 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'members' },
    })
    await waitFor(() => km!.error?.code === 'INVALID_OPTION')
    // The worker is alive and the centroids are still there.
    const assignment = await km!.assignAsync(loadDigits({ limit: 2 }).images)
    expect(assignment.labels.length).toBe(2)
    expect(km!.model!.trainedSteps).toBe(steps)
  })
})

describe('k-means in the real worker, per backend', () => {
  for (const backend of ['wasm', 'webgl'] as const) {
    test(`Lloyd and mini-batch agree with each other and return to the tensor baseline (${backend})`, async () => {
      const worker = new Worker(new URL('../../workers/latentkit.worker.ts', import.meta.url), {
        type: 'module',
      })
      const api = Comlink.wrap<WorkerHost>(worker)
      try {
        expect((await api.init(backend)).name).toBe(backend)
        const baseline = await api.memory()
        await api.create('l', 'kmeans', { k: 10, seed: 1 })
        await api.create('m', 'kmeans', { k: 10, seed: 1, algorithm: 'minibatch' })
        const lloyd = await api.train('l', { name: 'digits' }, {})
        expect((await api.modelInfo('l')).converged).toBe(true)
        expect((lloyd.last as KMeansHistoryPoint).inertia).toBeLessThan(2.7)
        await api.train('m', { name: 'digits' }, { epochs: 10, batchSize: 256 })
        const images = loadDigits().images
        const full = await act<KMeansAssignment>(api, 'l', 'assign', images)
        const mini = await act<KMeansAssignment>(api, 'm', 'assign', loadDigits().images)
        expect(mini.inertia).toBeLessThan(full.inertia * 1.05)
        const distances = await act<LatentBatch>(
          api,
          'l',
          'transform',
          loadDigits({ limit: 4 }).images,
        )
        expect(distances.shape).toEqual([4, 10])
        const error = await act(api, 'l', 'assign', {
          data: new Float32Array(48),
          shape: [1, 4, 4, 3],
        }).catch((e: unknown) => fromWireError(e))
        expect(error).toMatchObject({ code: 'SHAPE_MISMATCH' })
        // Clustering learning: a patch model's pooled triangle features, in the real worker.
        await api.create('p', 'kmeans', { k: 12, seed: 1, patchSize: 4 })
        await api.train('p', { name: 'digits' }, { epochs: 5 })
        expect((await api.modelInfo('p')).patchSize).toBe(4)
        const features = await act<LatentBatch>(
          api,
          'p',
          'features',
          loadDigits({ limit: 5 }).images,
          {},
        )
        expect(features.shape).toEqual([5, 48])
        expect(features.data.some((v) => v > 0)).toBe(true)
        const filters = await act<{ shape: readonly number[] }>(api, 'p', 'centroids')
        expect(filters.shape).toEqual([12, 4, 4, 1])
        const whole = await act(api, 'l', 'features', loadDigits({ limit: 2 }).images, {}).catch(
          (e: unknown) => fromWireError(e),
        )
        expect(whole).toMatchObject({ code: 'INVALID_OPTION', details: { option: 'patchSize' } })
        await api.disposeModel('p')
        await api.disposeModel('l')
        await api.disposeModel('m')
        expect((await api.memory()).numTensors).toBe(baseline.numTensors)
      } finally {
        worker.terminate()
      }
    })
  }
})
