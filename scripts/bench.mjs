// `npm run bench [-- --quick]`: measures and writes bench/report.json and bench/report.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const quick = process.argv.includes('--quick')
// Inside node_modules/.cache so the bundle resolves the project's packages.
const outfile = join('node_modules', '.cache', 'latentkit-bench', 'nodeBench.mjs')
await build({
  entryPoints: ['bench/nodeBench.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile,
  logLevel: 'error',
})
const { runNodeBench } = await import(pathToFileURL(resolve(outfile)).href)

const started = new Date()
const node = await runNodeBench(quick)
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
]
const markdown = lines.join('\n')
mkdirSync('bench', { recursive: true })
writeFileSync('bench/report.md', markdown)
writeFileSync('bench/report.json', JSON.stringify({ started, quick, node }, null, 2))
console.log(markdown)
