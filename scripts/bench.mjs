// `npm run bench [-- --quick]`: measures and writes bench/report.json and bench/report.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const quick = process.argv.includes('--quick')
// Inside node_modules/.cache so the bundle resolves the project's packages.
const outfile = join('node_modules', '.cache', 'latentkit-bench', 'nodeBench.mjs')
await build({
  entryPoints: ['bench/nodeBench.ts', 'bench/ganBench.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outdir: dirname(outfile),
  outExtension: { '.js': '.mjs' },
  logLevel: 'error',
})
const { runNodeBench } = await import(pathToFileURL(resolve(outfile)).href)
const { runGANBench } = await import(pathToFileURL(resolve(dirname(outfile), 'ganBench.mjs')).href)

const started = new Date()
const node = await runNodeBench(quick)
const gan = await runGANBench(quick)
const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a')

const lines = [
  `# latentkit benchmark${quick ? ' (quick mode: few steps, rough figures)' : ''}`,
  '',
  `${started.toISOString()} · Node ${process.version} · ${process.platform}/${process.arch}`,
  '',
  '## Engine training throughput in Node (median of 3 runs after a warm-up step)',
  '',
  '| model | backend | samples/s | runs | first step (ms) | ratio to CPU |',
  '|---|---|---|---|---|---|',
  ...node.throughput.map((row) => {
    const cpu = node.throughput.find((r) => r.model === row.model && r.backend === 'cpu')
    return `| ${row.model} | ${row.backend} | ${fmt(row.samplesPerSecond)} | ${row.runs.map((r) => fmt(r)).join(' / ')} | ${fmt(row.firstStepMs)} | ${cpu ? fmt(row.samplesPerSecond / cpu.samplesPerSecond, 2) : ''}× |`
  }),
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
  'A mode is covered with ≥ 1% of samples within 3σ; high quality = within 3σ of some mode. Target: 8 modes, ≥ 80%.',
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
]
const markdown = lines.join('\n')
mkdirSync('bench', { recursive: true })
writeFileSync('bench/report.md', markdown)
writeFileSync('bench/report.json', JSON.stringify({ started, quick, node, gan }, null, 2))
console.log(markdown)
