// `npm run bench [-- --quick]`: measures and writes bench/report.json and bench/report.md.
// `npm run bench -- --soak-only [--quick]`: runs only the soak (Chromium) and updates its part of both.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { spawn, spawnSync } from 'node:child_process'
import { runBundleBench } from '../bench/bundleBench.mjs'

const quick = process.argv.includes('--quick')
const soakOnly = process.argv.includes('--soak-only')
// Inside node_modules/.cache so the bundle resolves the project's packages.
const outfile = join('node_modules', '.cache', 'latentkit-bench', 'nodeBench.mjs')
await build({
  entryPoints: [
    'bench/nodeBench.ts',
    'bench/sparseBench.ts',
    'bench/runPart.ts',
    'bench/soakAnalysis.ts',
    'bench/probeBench.ts',
    'bench/pcaBench.ts',
    'bench/kmeansBench.ts',
    'bench/rbmBench.ts',
  ],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outdir: dirname(outfile),
  outExtension: { '.js': '.mjs' },
  logLevel: 'error',
})
const { runNodeBench, writeReferenceRows } = await import(pathToFileURL(resolve(outfile)).href)
const sparseModule = await import(pathToFileURL(resolve(dirname(outfile), 'sparseBench.mjs')).href)
const probeModule = await import(pathToFileURL(resolve(dirname(outfile), 'probeBench.mjs')).href)
const pcaModule = await import(pathToFileURL(resolve(dirname(outfile), 'pcaBench.mjs')).href)
const kmeansModule = await import(pathToFileURL(resolve(dirname(outfile), 'kmeansBench.mjs')).href)
const rbmModule = await import(pathToFileURL(resolve(dirname(outfile), 'rbmBench.mjs')).href)
const { analyzeSoak, soakMarkdown } = await import(
  pathToFileURL(resolve(dirname(outfile), 'soakAnalysis.mjs')).href
)

const SOAK_FILE = 'bench/browser/soak.bench.tsx'
const SOAK_HEADING = '## Soak in Chromium'
/**
 * The soak (bench/browser/soak.bench.tsx): 10 minutes in Chromium (about 75 s with --quick) of
 * training, UI calls and injected crashes, in a Vitest run of its own so it overlaps no timing.
 */
function runSoak() {
  const run = spawnSync('npx', ['vitest', 'run', '--project', 'bench', SOAK_FILE], {
    stdio: 'inherit',
    env: { ...process.env, LATENTKIT_BENCH: '1', VITE_BENCH_QUICK: quick ? '1' : '0' },
  })
  if (run.status !== 0) process.exit(run.status ?? 1)
  const raw = JSON.parse(readFileSync('bench/report.browser-soak.json', 'utf8'))
  const analysis = analyzeSoak(raw)
  return { ...raw, analysis, markdown: soakMarkdown(raw, analysis) }
}

if (soakOnly) {
  // Only the soak: its section of report.md and its key of report.json are replaced, the rest kept.
  const soak = runSoak()
  const { markdown, ...soakJson } = soak
  const section = markdown.join('\n')
  const json = existsSync('bench/report.json')
    ? JSON.parse(readFileSync('bench/report.json', 'utf8'))
    : { started: new Date(), quick }
  writeFileSync('bench/report.json', JSON.stringify({ ...json, soak: soakJson }, null, 2))
  const before = existsSync('bench/report.md')
    ? readFileSync('bench/report.md', 'utf8')
    : `# latentkit benchmark (soak only)\n\n`
  const start = before.indexOf(SOAK_HEADING)
  let updated
  if (start >= 0) {
    const next = before.indexOf('\n## ', start + 1)
    updated = `${before.slice(0, start)}${section}\n${next >= 0 ? before.slice(next) : ''}`
  } else {
    const at = before.indexOf('## This run')
    updated =
      at >= 0
        ? `${before.slice(0, at)}${section}\n\n${before.slice(at)}`
        : `${before}\n${section}\n`
  }
  writeFileSync('bench/report.md', updated)
  console.log(section)
  process.exit(0)
}

const started = new Date()
/** Seconds each part of the bench took, for the report. */
const partSeconds = []
async function timed(part, run) {
  const t0 = performance.now()
  const result = await run()
  partSeconds.push({ part, seconds: (performance.now() - t0) / 1000 })
  console.error(`bench: ${part} took ${partSeconds.at(-1).seconds.toFixed(0)} s`)
  return result
}
const node = await timed('Node: VAE throughput, drift, kernels', () => runNodeBench(quick))
/** Runs a model-quality part (`gan`, `conv-sprites` or `anomaly`) in a Node process of its own. */
function runPart(part) {
  const out = join(dirname(outfile), `${part}.json`)
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, join(dirname(outfile), 'runPart.mjs'), part, quick ? '1' : '0', out],
      { stdio: 'inherit' },
    )
    child.on('exit', (code) =>
      code === 0
        ? done(JSON.parse(readFileSync(out, 'utf8')))
        : fail(new Error(`bench part ${part} failed`)),
    )
  })
}
// Timings are not what these parts measure (their seconds columns aside): one core each, the
// convolutional GAN's curve (the longest) on one, the other GAN figures then anomaly detection on the
// other.
const [convSprites, [ganRest, anomaly]] = await timed(
  'Node: GAN and anomaly quality, side by side',
  () =>
    Promise.all([
      runPart('conv-sprites'),
      runPart('gan').then(async (g) => [g, await runPart('anomaly')]),
    ]),
)
const gan = {
  ...ganRest,
  sprites: [ganRest.sprites[0], ...convSprites, ...ganRest.sprites.slice(1)],
}
const sparse = await timed('Node: sparse coding', () => sparseModule.runSparseBench(quick))
// PCA and k-means, scikit-learn's PCA, KMeans and MiniBatchKMeans on the same arrays when here.
const { markdown: pcaSection, json: pca } = await timed('Node: PCA', () =>
  pcaModule.runPCABench({ quick }),
)
const { markdown: kmeansSection, json: kmeans } = await timed('Node: k-means', () =>
  kmeansModule.runKMeansBench({ quick }),
)
// RBM beside scikit-learn's BernoulliRBM on one split; its AIS log-likelihood beside a VAE's ELBO.
const { markdown: rbmSection, json: rbm } = await timed('Node: RBM', () =>
  rbmModule.runRBMBench({ quick }),
)
// Representations judged by a linear probe, scikit-learn's LogisticRegression on the same splits.
const { markdown: probeSection, ...probe } = await timed('Node: linear probe', () =>
  probeModule.runProbeBench(quick),
)

// scikit-learn's sparse_encode (lasso_cd) on the same matrices, when python3 has it (python3-sklearn).
function runSklearn() {
  const folder = join('node_modules', '.cache', 'latentkit-bench')
  const files = sparseModule.writeLassoProblem(sparseModule.buildLassoProblem(), folder)
  const codesFile = join(folder, 'sklearn-codes.f32')
  for (const python of ['/usr/bin/python3', 'python3']) {
    const run = spawnSync(
      python,
      ['bench/sklearn_lasso.py', files.patches, files.atoms, '1024', '128', '64', '0.5', codesFile],
      { encoding: 'utf8' },
    )
    if (run.status !== 0) continue
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1))
    const bytes = readFileSync(codesFile)
    const codes = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
    return {
      ...result,
      codesPerSecond: 1024 / result.seconds,
      objective: sparseModule.lassoObjective(sparseModule.buildLassoProblem(), codes),
    }
  }
  return undefined
}
const sklearn = await timed('scikit-learn', runSklearn)

// PyTorch on the CPU, side by side, when a python3 with torch is here (Debian: python3-torch).
function runTorch() {
  const rows = join('node_modules', '.cache', 'latentkit-bench', 'reference-rows.f32')
  writeReferenceRows(rows, 1024)
  for (const python of ['/usr/bin/python3', 'python3']) {
    const run = spawnSync(python, ['bench/torch_vae.py', rows, quick ? '5' : '30'], {
      encoding: 'utf8',
    })
    if (run.status === 0) return JSON.parse(run.stdout.trim().split('\n').at(-1))
  }
  return undefined
}
const torch = await timed('PyTorch', runTorch)
const bundle = await timed('build and bundle sizes', async () => {
  if (spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' }).status !== 0)
    process.exit(1)
  return runBundleBench()
})

// The browser part runs in real Chromium through Vitest's browser mode.
const browserRun = await timed('Chromium', () =>
  spawnSync('npx', ['vitest', 'run', '--project', 'bench', '--exclude', `**/${SOAK_FILE}`], {
    stdio: 'inherit',
    env: { ...process.env, LATENTKIT_BENCH: '1', VITE_BENCH_QUICK: quick ? '1' : '0' },
  }),
)
if (browserRun.status !== 0) process.exit(browserRun.status ?? 1)
const browser = JSON.parse(readFileSync('bench/report.browser.json', 'utf8'))
const ui = JSON.parse(readFileSync('bench/report.browser-ui.json', 'utf8'))
const browserSparse = JSON.parse(readFileSync('bench/report.browser-sparse.json', 'utf8'))
const { markdown: soakSection, ...soak } = await timed(
  'Chromium: soak (training, UI calls, injected crashes)',
  runSoak,
)
const ms = (value) => fmt(value, 1)
const healthRow = (label, h) =>
  `| ${label} | ${h.frames} | ${ms(h.rafP50)} | ${ms(h.rafP95)} | ${ms(h.rafMax)} | ${h.longTasks} | ${fmt(h.longTaskTotalMs)} | ${fmt(h.longTaskMaxMs)} |`
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
const torchBest = torch ? Math.max(...Object.values(torch.samplesPerSecond)) : NaN
/** Two table cells: the ratio to PyTorch with one thread, and to PyTorch's best thread count. */
const ratio = (value) =>
  torch
    ? `${fmt(value / torch.samplesPerSecond['1'], 2)}× | ${fmt(value / torchBest, 2)}×`
    : 'n/a | n/a'
const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a')

const lines = [
  `# latentkit benchmark${quick ? ' (quick mode: few steps, rough figures)' : ''}`,
  '',
  `${started.toISOString()} · Node ${process.version} · ${process.platform}/${process.arch}`,
  '',
  '## Engine training throughput in Node (median of 3 runs after a warm-up step)',
  '',
  '| model | backend | kernels | samples/s | runs | first step (ms) | ratio to CPU |',
  '|---|---|---|---|---|---|---|',
  ...node.throughput.map((row) => {
    const cpu = node.throughput.find((r) => r.model === row.model && r.backend === 'cpu')
    return `| ${row.model} | ${row.backend} | ${row.kernels ?? '?'} | ${fmt(row.samplesPerSecond)} | ${row.runs.map((r) => fmt(r)).join(' / ')} | ${fmt(row.firstStepMs)} | ${cpu ? fmt(row.samplesPerSecond / cpu.samplesPerSecond, 2) : ''}× |`
  }),
  '',
  '`wasm-relaxed-simd` / `wasm-simd`: latentkit’s fused WebAssembly kernels (the default on the WASM backend) with or without relaxed-SIMD fused multiply-add; `tfjs`: the same step as TF.js operations (`fusedKernels: false`). Node 20 runs relaxed SIMD behind `--experimental-wasm-relaxed-simd`, which `npm run bench` passes (Chromium and Node ≥ 22 have it on).',
  '',
  '## Tensor drift over training steps',
  '',
  '| backend | steps | tensors before | tensors after | bytes drift |',
  '|---|---|---|---|---|',
  ...node.drift.map(
    (row) =>
      `| ${row.backend} | ${row.steps} | ${row.tensorsBefore} | ${row.tensorsAfter} | ${row.bytesDrift} |`,
  ),
  '',
  '## GAN on the ring of 8 Gaussians (σ 0.02, radius 1; 4,096 points; 2,000 samples; WASM)',
  '',
  'A mode is covered with ≥ 1% of samples within 3σ; high quality = within 3σ of some mode. Target: 8 modes, ≥ 80%. Dense models train with the fused WASM kernels, convolutional ones with TF.js; the GAN and anomaly parts run side by side, in two Node processes (one core each).',
  '',
  '| settings | steps | modes covered | high-quality share | seconds |',
  '|---|---|---|---|---|',
  ...gan.ring.map(
    (row) =>
      `| ${row.settings} | ${row.steps} | ${row.modesCovered}/8 | ${fmt(row.highQualityShare * 100, 1)}% | ${fmt(row.seconds, 1)} |`,
  ),
  '',
  '## Digits: precision / recall against 397 held-out digits (k = 3, pixel space)',
  '',
  '| model | steps | precision | recall |',
  '|---|---|---|---|',
  ...gan.digits.map(
    (row) => `| ${row.model} | ${row.steps} | ${fmt(row.precision, 3)} | ${fmt(row.recall, 3)} |`,
  ),
  '',
  '## Sprites (28×28): precision / recall of 500 GAN samples against 500 held-out sprites (k = 3, pixel space; 2,000 training sprites, batch 64; WASM in Node)',
  '',
  '| model | steps | precision | recall | seconds |',
  '|---|---|---|---|---|',
  ...gan.sprites.map(
    (row) =>
      `| ${row.model} | ${row.steps} | ${fmt(row.precision, 3)} | ${fmt(row.recall, 3)} | ${row.seconds === undefined ? '—' : fmt(row.seconds, 1)} |`,
  ),
  '',
  '## Bundle (esbuild, minified; React and ReactDOM external)',
  '',
  '| what | min | gzip | TF.js modules |',
  '|---|---|---|---|',
  `| \`import { useVAE, SampleGrid, InterpolationSlider } from 'latentkit'\` (main thread) | ${kb(bundle.mainEntry.min)} | ${kb(bundle.mainEntry.gzip)} | ${bundle.mainEntry.tensorflowModules} |`,
  `| the worker (all four backends) | ${kb(bundle.worker.min)} | ${kb(bundle.worker.gzip)} | ${bundle.worker.tensorflowModules} |`,
  ...bundle.wasm.map(
    (w) =>
      `| ${w.file} (fetched by the worker when WASM is used) | ${kb(w.bytes)} | ${kb(w.gzip)} | |`,
  ),
  '',
  `## In Chromium: reference VAE 784-400-20, batch 128, 28×28 sprites (${browser.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'})`,
  '',
  `Automatic backend choice here: **${browser.autoBackend.name}** (skipped: ${browser.autoBackend.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ') || 'none'}).`,
  '',
  '| backend | kernels | in latentkit’s worker (samples/s) | same engine on the main thread | worker / main | stock TF.js (layers + minimize) on the main thread | worker / stock |',
  '|---|---|---|---|---|---|---|',
  ...browser.throughput.map(
    (t) =>
      `| ${t.backend} | ${t.kernels ?? '?'} | ${fmt(t.worker)} | ${fmt(t.mainThread)} | ${fmt(t.workerToMain, 2)}× | ${fmt(t.stock)} | ${fmt(t.worker / t.stock, 2)}× |`,
  ),
  '',
  'Worker and main-thread runs alternate (warm-up on each side, then three pairs); worker / main is the median of the three pairs’ ratios, so a slow stretch of the machine falls on both sides.',
  '',
  `## Main-thread health while training (${fmt(browser.windowMs / 1000, 1)} s window)`,
  '',
  '| where training runs | frames | rAF p50 (ms) | rAF p95 | rAF max | long tasks | long-task total (ms) | longest |',
  '|---|---|---|---|---|---|---|---|',
  healthRow('latentkit worker, WASM', browser.health.workerWasm),
  healthRow('latentkit worker, WebGL', browser.health.workerWebgl),
  healthRow('stock TF.js loop on the main thread, WASM', browser.health.stockWasm),
  healthRow('… with `await tf.nextFrame()` each step, WASM', browser.health.stockWasmNextFrame),
  healthRow('stock TF.js loop on the main thread, WebGL', browser.health.stockWebgl),
  healthRow('… with `await tf.nextFrame()` each step, WebGL', browser.health.stockWebglNextFrame),
  '',
  '## Start-up (mount → first training step → first painted SampleGrid; digits, cold worker)',
  '',
  '| backend asked | backend used | first step (ms) | first SampleGrid (ms) |',
  '|---|---|---|---|',
  ...ui.startUps.map(
    (row, i) =>
      `| ${['auto', 'wasm', 'webgl', 'webgpu', 'cpu'][i]} | ${row.backend} | ${fmt(row.firstStepMs)} | ${fmt(row.firstGridMs)} |`,
  ),
  '',
  `## InterpolationSlider latency (28×28 decoder of the reference VAE, ${ui.slider.moves} moves, auto backend)`,
  '',
  '| input → decoded image drawn p50 | p95 | input → next frame p50 | p95 |',
  '|---|---|---|---|',
  `| ${ms(ui.slider.drawnP50)} ms | ${ms(ui.slider.drawnP95)} ms | ${ms(ui.slider.frameP50)} ms | ${ms(ui.slider.frameP95)} ms |`,
  '',
  '## Side by side with PyTorch on the CPU (reference VAE, batch 128, 28×28 sprites)',
  '',
  ...(torch
    ? [
        `PyTorch ${torch.torch} with ${torch.blas} BLAS, median of 3 runs.`,
        '',
        '| path | samples/s | ratio to PyTorch, 1 thread | ratio to PyTorch’s best |',
        '|---|---|---|---|',
        ...Object.entries(torch.samplesPerSecond).map(
          ([threads, value]) =>
            `| PyTorch, ${threads} thread(s) | ${fmt(value)} | ${ratio(value)} |`,
        ),
        ...browser.throughput
          .filter((t) => t.backend === 'wasm' || t.backend === 'cpu')
          .map(
            (t) =>
              `| latentkit worker in Chromium, ${t.backend}, ${t.kernels ?? '?'} | ${fmt(t.worker)} | ${ratio(t.worker)} |`,
          ),
        ...browser.throughput
          .filter((t, i, all) => all.findIndex((u) => u.backend === t.backend) === i)
          .filter((t) => t.backend === 'wasm' || t.backend === 'cpu')
          .map(
            (t) =>
              `| stock TF.js on the main thread, ${t.backend} | ${fmt(t.stock)} | ${ratio(t.stock)} |`,
          ),
        ...node.throughput
          .filter((r) => r.model.startsWith('reference'))
          .map(
            (r) =>
              `| latentkit engine in Node, ${r.backend}, ${r.kernels ?? '?'} | ${fmt(r.samplesPerSecond)} | ${ratio(r.samplesPerSecond)} |`,
          ),
        ...node.fusedBuilds.map(
          (r) =>
            `| latentkit fused step alone in Node, ${r.build} build | ${fmt(r.samplesPerSecond)} | ${ratio(r.samplesPerSecond)} |`,
        ),
        `| ceiling of TF.js: the step's five 128×784×400 matrix products alone, TF.js WASM (XNNPACK), ${fmt(node.gemmFloor.milliseconds, 1)} ms | ${fmt(node.gemmFloor.samplesPerSecondBound)} | ${ratio(node.gemmFloor.samplesPerSecondBound)} |`,
        ...node.kernelGemm.map(
          (r) =>
            `| the same five products with latentkit's gemm, ${r.build} build, ${fmt(r.milliseconds, 1)} ms | ${fmt(r.samplesPerSecondBound)} | ${ratio(r.samplesPerSecondBound)} |`,
        ),
        '',
        "Target: latentkit's CPU path ≥ 0.5× PyTorch with 1 thread. The ceiling rows time only the matrix products every step of this model needs, with nothing else: TF.js's WASM kernels (XNNPACK, 128-bit SIMD without fused multiply-add, one thread: TF.js enables WASM threads only in cross-origin-isolated pages, and not in Node) cannot train this model faster than their row, which is why latentkit trains it with its own kernels.",
      ]
    : ['No python3 with torch here (Debian: `apt-get install python3-torch`); skipped.']),
  '',
  '## Sparse coding: FISTA codes for 1,024 patches × 64 values × 128 atoms, λ 0.5, tolerance 1e-4',
  '',
  'Patches: 1,024 contrast-normalised digits; atoms: 128 other digits, normalised (how learning starts). Tolerance: every patch stops when its code changes by ≤ 1e-4 of its norm in one iteration. Objective: mean ½‖x − Dᵀa‖² + λ‖a‖₁ per patch, computed in float64 for every solver. WebGL and WebGPU here are SwiftShader (software); `auto` skips them.',
  '',
  '| solver | codes/s | iterations (slowest / mean patch) | objective | objective / scikit-learn | time / scikit-learn |',
  '|---|---|---|---|---|---|',
  ...[
    ...sparse.coding.map((r) => ({ ...r, where: `latentkit engine in Node, ${r.backend}` })),
    ...browserSparse.coding.map((r) => ({
      ...r,
      where: `latentkit engine in Chromium, ${r.backend}`,
    })),
  ].map(
    (r) =>
      `| ${r.where} | ${fmt(r.codesPerSecond)} | ${r.iterations} / ${fmt(r.meanIterations)} | ${fmt(r.objective, 5)} | ${sklearn ? fmt(r.objective / sklearn.objective, 6) : 'n/a'} | ${sklearn ? fmt(sklearn.codesPerSecond / r.codesPerSecond, 1) + '×' : 'n/a'} |`,
  ),
  sklearn
    ? `| scikit-learn ${sklearn.version} \`sparse_encode(algorithm='lasso_cd')\`, 1 job | ${fmt(sklearn.codesPerSecond)} | | ${fmt(sklearn.objective, 5)} | 1 | 1× |`
    : '| scikit-learn | not here (Debian: `apt-get install python3-sklearn`); skipped | | | | |',
  '',
  `## Sparse coding: dictionary learning on the 1,797 digits (128 atoms, 8×8 patches, λ 0.5, batch 256)`,
  '',
  '| where | epochs | steps | seconds | objective per patch | PSNR (dB) |',
  '|---|---|---|---|---|---|',
  ...sparse.learning.map(
    (r) =>
      `| engine in Node, ${r.backend}, until objective ≤ ${r.target}${r.reached ? '' : ' (not reached)'} | ${r.epochs} | ${r.steps} | ${fmt(r.seconds, 2)} | ${fmt(r.objective, 3)} | ${fmt(r.psnr, 1)} |`,
  ),
  ...browserSparse.learning.map(
    (r) =>
      `| latentkit worker in Chromium, ${r.backend}${r.images < 1797 ? ` (first ${r.images} digits)` : ''} | ${r.epochs} | ${r.steps} | ${fmt(r.seconds, 2)} | ${fmt(r.objective, 3)} (last batch) | ${fmt(r.psnr, 1)} |`,
  ),
  '',
  '## Anomaly detection: built-in defect benchmark (28×28 sprites; 2,000 normal to train; 200 normal + 200 defective to test; WASM)',
  '',
  'Default model options; scores: mean of the top 5 % of the error map smoothed over 5×5 pixels. Targets: image AUROC ≥ 0.95, pixel AUROC ≥ 0.90.',
  '',
  '| model | epochs | seconds | image AUROC | pixel AUROC | scratch | blob | missing | stain |',
  '|---|---|---|---|---|---|---|---|---|',
  ...anomaly.defects.map(
    (r) =>
      `| ${r.model} | ${r.epochs} | ${fmt(r.seconds, 1)} | ${fmt(r.imageAuroc, 3)} | ${fmt(r.pixelAuroc, 3)} | ${['scratch', 'blob', 'missing', 'stain'].map((k) => fmt(r.perDefect[k], 3)).join(' | ')} |`,
  ),
  '',
  '## Anomaly detection: a held-out digit (plain autoencoder trained on the first 1,500 digits without it; 297 test digits)',
  '',
  `| held-out digit | ${anomaly.heldOut.map((r) => r.digit).join(' | ')} |`,
  `|---|${anomaly.heldOut.map(() => '---').join('|')}|`,
  `| AUROC | ${anomaly.heldOut.map((r) => fmt(r.auroc, 3)).join(' | ')} |`,
  '',
  ...pcaSection,
  '',
  ...kmeansSection,
  '',
  ...rbmSection,
  '',
  ...probeSection,
  ...soakSection,
  '',
  `## This run: ${fmt(partSeconds.reduce((sum, p) => sum + p.seconds, 0) / 60, 1)} minutes`,
  '',
  '| part | seconds |',
  '|---|---|',
  ...partSeconds.map((p) => `| ${p.part} | ${fmt(p.seconds)} |`),
  '',
]
const markdown = lines.join('\n')
mkdirSync('bench', { recursive: true })
writeFileSync('bench/report.md', markdown)
writeFileSync(
  'bench/report.json',
  JSON.stringify(
    {
      started,
      quick,
      node,
      gan,
      bundle,
      browser,
      ui,
      torch,
      sparse,
      browserSparse,
      sklearn,
      anomaly,
      pca,
      kmeans,
      rbm,
      probe,
      soak,
      partSeconds,
    },
    null,
    2,
  ),
)
console.log(markdown)
