/**
 * The few-labels report in real Chromium: `useRepresentationReport` drives a PCA model the page
 * already has and raw pixels, the probes fit in the worker, rows fill in as they complete; bad
 * input lands in the hook's `error` with its code and the worker lives on; no tensor is left behind.
 * `RepresentationReport` draws each line in its legend colour.
 */
import { useEffect } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { usePCA, type UsePCAResult } from '../../src/react/usePCA'
import {
  useRepresentationReport,
  type UseRepresentationReportResult,
} from '../../src/react/useRepresentationReport'
import { rawPixelsEncoder } from '../../src/client/reportClient'
import { acquireWorker } from '../../src/client/workerPool'
import { RepresentationReport } from '../../src/components/RepresentationReport'
import { reportCell, type ReportRow } from '../../src/core/report/reportOptions'
import { loadDigits } from '../../src/data/digits'
import type { ImageBatch } from '../../src/core/dataset'
import { waitFor } from './workerSpy'
import { AllEncodersOnDigits, SpritesByShapeKind } from '../../stories/RepresentationReport.stories'

afterEach(async () => {
  await cleanup()
})

const digits = loadDigits()

function Demo(props: {
  onResult: (pca: UsePCAResult, report: UseRepresentationReportResult) => void
}) {
  const pca = usePCA({ data: 'digits', nComponents: 16, backend: 'wasm', autoTrain: true })
  const report = useRepresentationReport({ backend: 'wasm' })
  const { onResult } = props
  useEffect(() => {
    onResult(pca, report)
  }, [pca, report, onResult])
  return <RepresentationReport rows={report.rows} labelsPerClass={report.labelsPerClass} />
}

describe('useRepresentationReport in real Chromium', () => {
  test('probes fit in the worker on a PCA model’s codes and raw pixels; rows fill in; bad input is a typed error', async () => {
    let pca: UsePCAResult | undefined
    let report: UseRepresentationReportResult | undefined
    const rowCounts = new Set<number>()
    const screen = await render(
      <Demo
        onResult={(p, r) => {
          pca = p
          report = r
          if (r.status === 'running') rowCounts.add(r.rows.length)
        }}
      />,
    )
    await waitFor(() => pca?.status === 'ready', 60_000)
    const lease = acquireWorker('wasm')
    // PCA's first encode builds its tensors; measured after it, the report must add none.
    await pca!.encodeAsync(digits.images)
    const before = await lease.api.memory()
    const encoders = [
      rawPixelsEncoder,
      { name: 'PCA, 16 components', encode: (x: ImageBatch) => pca!.encodeAsync(x) },
    ]
    const options = { labelsPerClass: [1, 10, 'all'] as const, draws: 3, maxIterations: 150 }
    const result = await report!.runAsync(digits.images, digits.labels, encoders, {
      ...options,
      labelsPerClass: [...options.labelsPerClass],
    })
    await waitFor(() => report?.status === 'ready')
    expect(result.rows.map((r) => r.encoder)).toEqual(['raw pixels', 'PCA, 16 components'])
    expect(result.rows[1]?.featureSize).toBe(16)
    for (const row of result.rows) {
      const [one, ten, all] = row.cells.map((c) => c.mean) as [number, number, number]
      expect(one).toBeGreaterThan(0.3)
      expect(ten).toBeGreaterThan(one)
      expect(all).toBeGreaterThan(0.88)
      expect(row.cells[0]?.accuracies).toHaveLength(3)
      expect(row.cells[2]?.accuracies).toHaveLength(1)
    }
    // The first row was shown (cells filling in) while the second was still being measured.
    expect(rowCounts.has(1)).toBe(true)
    expect(rowCounts.has(2)).toBe(true)
    expect(report!.progress).toEqual({ done: 14, total: 14 })
    expect(screen.container.querySelectorAll('.lk-report__line')).toHaveLength(2)
    expect(screen.container.querySelectorAll('tbody tr')).toHaveLength(2)
    expect(screen.container.querySelector('caption')?.textContent).toContain('labels per class')
    expect((await lease.api.memory()).numTensors).toBe(before.numTensors)

    // Bad input: typed errors in `error`, the worker and the model live on.
    await report!.run(digits.images, digits.labels.slice(1), encoders, { labelsPerClass: [1] })
    await waitFor(() => report?.status === 'error')
    expect(report!.error?.code).toBe('SHAPE_MISMATCH')
    await expect(
      report!.runAsync(digits.images, digits.labels, encoders, { encoders: ['VAE'] }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' })
    const few = loadDigits({ limit: 60 })
    await expect(
      report!.runAsync(few.images, few.labels, encoders, { labelsPerClass: [10] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { asked: 10 } })
    const broken = {
      name: 'short',
      encode: () => ({ data: new Float32Array(20), shape: [10, 2] as [number, number] }),
    }
    await expect(
      report!.runAsync(digits.images, digits.labels, [broken], { labelsPerClass: [1] }),
    ).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' })
    expect(report!.error?.message).toContain("'short'")
    const silent = { name: 'silent', encode: () => undefined as never }
    await expect(
      report!.runAsync(digits.images, digits.labels, [silent], { labelsPerClass: [1] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(report!.error?.message).toContain('encodeAsync')
    expect(pca!.status).toBe('ready')
    const again = await report!.runAsync(digits.images, digits.labels, [rawPixelsEncoder], {
      labelsPerClass: [5],
      draws: 2,
      maxIterations: 100,
    })
    expect(again.rows[0]?.cells[0]?.mean).toBeGreaterThan(0.5)
    expect((await lease.api.memory()).numTensors).toBe(before.numTensors)
    lease.release()
  })
})

describe('RepresentationReport in real Chromium', () => {
  const rows: ReportRow[] = ['raw pixels', 'PCA', 'contrastive'].map((encoder, i) => ({
    encoder,
    featureSize: 64,
    cells: [
      reportCell(1, 10, [0.4 + 0.1 * i, 0.5 + 0.1 * i]),
      reportCell(10, 100, [0.7 + 0.05 * i, 0.72 + 0.05 * i]),
      reportCell('all', 1437, [0.9 + 0.02 * i]),
    ],
  }))

  test('each line and band is drawn in its legend colour; the theme’s --lk-series-N wins', async () => {
    const screen = await render(
      <div style={{ ['--lk-series-2' as string]: 'rgb(1, 2, 3)' }}>
        <RepresentationReport rows={rows} />
      </div>,
    )
    const lines = [...screen.container.querySelectorAll<SVGElement>('.lk-report__line')]
    const bands = [...screen.container.querySelectorAll<SVGElement>('.lk-report__band')]
    const swatches = [...screen.container.querySelectorAll<HTMLElement>('.lk-report__swatch')]
    expect(lines).toHaveLength(3)
    const lineColours = lines.map((line) => getComputedStyle(line).stroke)
    const swatchColours = swatches.map((swatch) => getComputedStyle(swatch).color)
    expect(lineColours).toEqual(swatchColours)
    expect(bands.map((band) => getComputedStyle(band).fill)).toEqual(swatchColours)
    expect(new Set(lineColours).size).toBe(3)
    expect(lineColours[1]).toBe('rgb(1, 2, 3)')
    // Higher accuracy is higher on the chart: the last point of the best line is above the worst's.
    const lastY = (line: SVGElement): number =>
      Number(line.getAttribute('points')?.split(' ').at(-1)?.split(',')[1])
    expect(lastY(lines[2]!)).toBeLessThan(lastY(lines[0]!))
    const rendered = lines[0]!.getBoundingClientRect()
    expect(rendered.width).toBeGreaterThan(100)
  })
})

describe('the RepresentationReport story in real Chromium', () => {
  test('every encoder on the digits: raw pixels’ row first, then the presets and the autoencoders; contrastive beats raw pixels with 10 labels', async () => {
    const story = AllEncodersOnDigits
    const args = {
      ...(story.args as Required<NonNullable<typeof story.args>>),
      draws: 2,
      backend: 'wasm' as const,
    }
    const screen = await render(<>{story.render!(args, {} as never)}</>)
    const bodyRows = () => [...screen.container.querySelectorAll('tbody tr')]
    await waitFor(() => bodyRows().length >= 1, 30_000)
    expect(bodyRows()[0]?.querySelector('th')?.textContent).toBe('raw pixels')
    const status = () => screen.getByTestId('report-status').element().textContent ?? ''
    await waitFor(() => /^11 encoders/.test(status()) || status().startsWith('error'), 240_000)
    expect(status()).toMatch(/^11 encoders, 2 draws per column, \d+ held-out digits/)
    const names = bodyRows().map((row) => row.querySelector('th')?.textContent)
    expect(names).toEqual([
      'raw pixels',
      'PCA, 32 components',
      'VAE posterior mean (preset)',
      'RBM hidden probabilities (preset)',
      'clustering learning, k-means (preset)',
      'contrastive (preset)',
      'plain autoencoder (preset)',
      'stacked autoencoder (preset)',
      'jigsaw pretext task (preset)',
      'rotation pretext task (preset)',
      'relative-position pretext task (preset)',
    ])
    // Columns: encoder, features, 1, 5, 10, 50, all.
    const tenLabels = (row: Element | undefined): number =>
      Number.parseFloat(row?.querySelectorAll('td')[3]?.textContent ?? 'NaN')
    const rowsNow = bodyRows()
    expect(tenLabels(rowsNow[5])).toBeGreaterThan(tenLabels(rowsNow[0]))
    expect(screen.container.querySelectorAll('.lk-report__line')).toHaveLength(11)
  })

  test('the sprites by shape kind: 784 raw pixels first, then every model on 28×28 images; accuracies in [0, 1]', async () => {
    const story = SpritesByShapeKind
    const args = {
      ...(story.args as Required<NonNullable<typeof story.args>>),
      draws: 2,
      epochs: 1,
      perKind: 20,
      backend: 'wasm' as const,
    }
    const screen = await render(<>{story.render!(args, {} as never)}</>)
    const bodyRows = () => [...screen.container.querySelectorAll('tbody tr')]
    await waitFor(() => bodyRows().length >= 1, 30_000)
    expect(bodyRows()[0]?.querySelector('th')?.textContent).toBe('raw pixels')
    const status = () => screen.getByTestId('report-status').element().textContent ?? ''
    await waitFor(() => /^7 encoders/.test(status()) || status().startsWith('error'), 240_000)
    // 20 of each of the 4 kinds: 4 held out of each.
    expect(status()).toMatch(/^7 encoders, 2 draws per column, 16 held-out sprites/)
    expect(bodyRows().map((row) => row.querySelector('th')?.textContent)).toEqual([
      'raw pixels',
      'PCA, 32 components',
      'VAE posterior mean (sprites preset)',
      'convolutional autoencoder (1 epoch)',
      'clustering learning, 6×6 patches (1 epoch)',
      'contrastive (1 epoch)',
      'relative position pretext task (1 epoch)',
    ])
    // Columns: encoder, features, 1, 5, 10, all.
    const cells = (row: Element | undefined) => [...(row?.querySelectorAll('td') ?? [])]
    expect(cells(bodyRows()[0])[0]?.textContent).toBe('784')
    for (const row of bodyRows()) {
      const all = Number.parseFloat(cells(row)[4]?.textContent ?? 'NaN')
      expect(all).toBeGreaterThanOrEqual(0)
      expect(all).toBeLessThanOrEqual(1)
    }
    expect(screen.container.querySelectorAll('.lk-report__line')).toHaveLength(7)
  })
})
