/**
 * What a page keeps of hooks it unmounted: nothing. A playground (useVAE with SampleGrid,
 * InterpolationSlider and LossChart) is mounted, trained, drawn and unmounted eight times over; after
 * a forced garbage collection (DevTools protocol) none of the cycles' hook results, loss histories or
 * canvases is alive, and the page's JS heap stays flat from the second unmount on. The first cycle
 * may leave one-time state (modules evaluated, the embedded digits decoded, compiled code).
 */
import { useEffect } from 'react'
import { expect, test } from 'vitest'
import { cleanup, render } from 'vitest-browser-react'
import { pooledSlope } from '../../bench/soakAnalysis'
import { InterpolationSlider } from '../../src/components/InterpolationSlider'
import { LossChart } from '../../src/components/LossChart'
import { SampleGrid } from '../../src/components/SampleGrid'
import { useVAE, type UseVAEOptions, type UseVAEResult } from '../../src/react/useVAE'
import { heapAfterGC, weakSet } from './retention'
import { waitFor } from './workerSpy'

const CYCLES = 8

function Playground(props: { options: UseVAEOptions; onResult: (vae: UseVAEResult) => void }) {
  const vae = useVAE(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(vae)
  }, [vae, onResult])
  return (
    <div>
      <SampleGrid model={vae} rows={4} columns={8} seed={3} />
      <InterpolationSlider model={vae} steps={5} />
      <LossChart history={vae.history} />
    </div>
  )
}

test('eight mount → train → draw → unmount cycles of a VAE playground: the page heap stays flat after the first', async () => {
  const options: UseVAEOptions = {
    data: { name: 'digits', limit: 512 },
    backend: 'wasm',
    hiddenUnits: [256],
    latentDim: 8,
    epochs: 2,
    batchSize: 64,
    seed: 4,
  }
  const heaps: number[] = []
  const kept = {
    results: weakSet<UseVAEResult>(),
    histories: weakSet<object>(),
    canvases: weakSet<HTMLCanvasElement>(),
  }
  const before = await heapAfterGC()
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    let vae: UseVAEResult | undefined
    const screen = await render(<Playground options={options} onResult={(v) => (vae = v)} />)
    await vae!.trainAsync()
    await waitFor(() => vae!.status === 'ready' && vae!.history.length > 0)
    const grid = () =>
      screen.container.querySelector('canvas.lk-sample-grid') as HTMLCanvasElement | null
    await waitFor(() => grid() !== null && Number(grid()!.dataset.lkVersion) === vae!.modelVersion)
    kept.results.add(vae!)
    kept.histories.add(vae!.history)
    kept.canvases.add(grid()!)
    vae = undefined
    await cleanup()
    // The pool terminates an idle worker shortly after its last model is released.
    await new Promise((resolve) => setTimeout(resolve, 500))
    heaps.push(await heapAfterGC())
  }
  expect(kept.results.alive()).toBe(0)
  expect(kept.histories.alive()).toBe(0)
  expect(kept.canvases.alive()).toBe(0)
  const megabytes = heaps.map((bytes) => bytes / 2 ** 20)
  const afterFirst = megabytes.slice(1)
  const perCycle = pooledSlope([afterFirst.map((y, x) => ({ x, y }))]).slope
  console.info(
    `page heap before mounting ${(before / 2 ** 20).toFixed(2)} MB, after each unmount ` +
      `${megabytes.map((mb) => mb.toFixed(2)).join(', ')}; slope after the first ` +
      `${perCycle.toFixed(3)} MB a cycle`,
  )
  // Measured 0.05–0.08 MB a cycle, slowing over the cycles (V8's own growth: feedback, code).
  expect(perCycle).toBeLessThan(0.25)
}, 240_000)
