/**
 * Sparse coding part of `npm run bench` in real Chromium: FISTA codes per second per backend on the
 * shared lasso problem (engine on the page), and dictionary learning on the digits through
 * latentkit's worker. Writes bench/report.browser-sparse.json; asserts nothing about time.
 */
import { test } from 'vitest'
import { commands } from 'vitest/browser'
import './pageBackends'
import { SparseCodingClient } from '../../src/client/builtinClients'
import type { BackendName } from '../../src/core/backend'
import type { SparseCodingHistoryPoint } from '../../src/core/sparse/sparseSpec'
import { codingThroughput } from '../lassoProblem'

const quick = import.meta.env.VITE_BENCH_QUICK === '1'
// TF.js's plain-JS CPU backend needs over a minute per solve of this problem: left out. Here WebGL
// and WebGPU run on SwiftShader (software), about 0.1 s per FISTA iteration on WebGPU, so quick mode
// (CI) measures WASM only.
const backends: BackendName[] = quick ? ['wasm'] : ['wasm', 'webgl', 'webgpu']

async function learning(backend: BackendName, epochs: number, limit?: number) {
  const data = limit === undefined ? 'digits' : ({ name: 'digits', limit } as const)
  const client = new SparseCodingClient({ data, backend, epochs, seed: 1 })
  const unsubscribe = client.subscribe(() => {})
  try {
    const started = performance.now()
    const summary = await client.trainAsync()
    const seconds = (performance.now() - started) / 1000
    const last = summary?.last as SparseCodingHistoryPoint | undefined
    return {
      backend: client.getSnapshot().backend?.name ?? backend,
      images: limit ?? 1797,
      epochs,
      steps: summary?.steps ?? 0,
      seconds,
      objective: last?.objective ?? NaN,
      psnr: last?.psnr ?? NaN,
    }
  } finally {
    unsubscribe()
  }
}

test('sparse coding in Chromium', async () => {
  const codingRows = []
  for (const backend of backends) {
    codingRows.push(await codingThroughput(backend, quick || backend !== 'wasm' ? 1 : 3))
  }
  const learningRows = []
  // Software WebGL and WebGPU take 1.5–5 s a step here: one step (256 digits) shows their speed.
  for (const backend of backends) {
    learningRows.push(
      backend === 'wasm' ? await learning(backend, quick ? 1 : 2) : await learning(backend, 1, 256),
    )
  }
  await commands.writeFile(
    'bench/report.browser-sparse.json',
    JSON.stringify({ quick, coding: codingRows, learning: learningRows }, null, 2),
  )
}, 900_000)
