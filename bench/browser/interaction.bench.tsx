/**
 * UI figures for `npm run bench` (real Chromium): start-up (mount → first painted SampleGrid; first
 * training step per backend) and InterpolationSlider latency (input → decoded image drawn, and → next
 * frame) over 200 moves on a 28×28 decoder. Writes bench/report.browser-ui.json.
 */
import { useEffect } from 'react'
import { test } from 'vitest'
import { commands } from 'vitest/browser'
import { cleanup, render } from 'vitest-browser-react'
import { useVAE, type UseVAEOptions, type UseVAEResult } from '../../src/react/useVAE'
import { SampleGrid } from '../../src/components/SampleGrid'
import { InterpolationSlider } from '../../src/components/InterpolationSlider'
import type { BackendPreference } from '../../src/core/backend'

const quick = import.meta.env.VITE_BENCH_QUICK === '1'

function Probe(props: {
  options: UseVAEOptions
  onResult: (vae: UseVAEResult) => void
  onDraw?: (t: number) => void
}) {
  const vae = useVAE(props.options)
  const { onResult } = props
  useEffect(() => {
    onResult(vae)
  }, [vae, onResult])
  return (
    <div>
      <SampleGrid model={vae} rows={2} columns={4} />
      {props.onDraw ? <InterpolationSlider model={vae} steps={0} onDraw={props.onDraw} /> : null}
    </div>
  )
}

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve))

async function until(predicate: () => boolean, timeoutMs = 120_000): Promise<void> {
  const start = performance.now()
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out')
    await nextFrame()
  }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

async function startUp(backend: BackendPreference): Promise<{
  asked: BackendPreference
  backend: string
  firstStepMs: number
  firstGridMs: number
}> {
  let vae: UseVAEResult | undefined
  const started = performance.now()
  const screen = await render(
    <Probe
      options={{ data: 'digits', backend, epochs: 1, autoTrain: true }}
      onResult={(v) => (vae = v)}
    />,
  )
  await until(() => (vae?.model?.trainedSteps ?? 0) > 0)
  const firstStepMs = performance.now() - started
  await until(() => screen.container.querySelector('canvas.lk-sample-grid') !== null)
  await nextFrame()
  const firstGridMs = performance.now() - started
  const name = vae?.backend?.name ?? String(backend)
  // The figures are taken: the rest of the epoch (seconds on the software GPU backends) is not waited for.
  await vae?.stopAsync()
  await until(() => vae?.status === 'ready')
  await cleanup()
  // Let the pool terminate the idle worker, so the next measurement starts cold.
  await new Promise((resolve) => setTimeout(resolve, 300))
  return { asked: backend, backend: name, firstStepMs, firstGridMs }
}

async function sliderLatency(moves: number): Promise<{
  moves: number
  drawnP50: number
  drawnP95: number
  frameP50: number
  frameP95: number
}> {
  let vae: UseVAEResult | undefined
  let drawnAt = -1
  let drawnT = -1
  let framedAt = -1
  const options: UseVAEOptions = {
    data: { name: 'sprites', count: 512, size: 28 },
    hiddenUnits: [400],
    latentDim: 20,
    batchSize: 128,
    epochs: 2,
    backend: 'auto',
  }
  const screen = await render(
    <Probe
      options={options}
      onResult={(v) => (vae = v)}
      onDraw={(t) => {
        drawnAt = performance.now()
        framedAt = -1
        requestAnimationFrame(() => {
          framedAt = performance.now()
        })
        drawnT = t
      }}
    />,
  )
  await vae!.trainAsync()
  await until(() => drawnT >= 0)
  const slider = screen.container.querySelector('input[type=range]') as HTMLInputElement
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
  const drawn: number[] = []
  const framed: number[] = []
  for (let i = 0; i < moves; i++) {
    const target = ((i * 37 + 13) % 101) / 100
    if (Math.abs(target - drawnT) < 1e-9) continue
    const start = performance.now()
    setValue.call(slider, String(target))
    slider.dispatchEvent(new Event('input', { bubbles: true }))
    await until(() => Math.abs(drawnT - target) < 1e-9 && framedAt >= drawnAt, 10_000)
    drawn.push(drawnAt - start)
    framed.push(framedAt - start)
  }
  await cleanup()
  return {
    moves: drawn.length,
    drawnP50: percentile(drawn, 50),
    drawnP95: percentile(drawn, 95),
    frameP50: percentile(framed, 50),
    frameP95: percentile(framed, 95),
  }
}

/**
 * The backends whose start-up is timed. `--quick` leaves out WebGL and WebGPU: software here
 * (SwiftShader), their shader compiles made 15 of the quick session's seconds; the full run times them.
 */
const startUpBackends: readonly BackendPreference[] = quick
  ? ['auto', 'wasm', 'cpu']
  : ['auto', 'wasm', 'webgl', 'webgpu', 'cpu']

test('UI benchmarks', async () => {
  const startUps = []
  for (const backend of startUpBackends) startUps.push(await startUp(backend))
  const slider = await sliderLatency(quick ? 30 : 200)
  await commands.writeFile(
    'bench/report.browser-ui.json',
    JSON.stringify({ quick, startUps, slider }, null, 2),
  )
}, 900_000)
