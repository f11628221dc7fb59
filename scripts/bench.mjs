// `npm run bench [-- --quick]`: measures and writes bench/report.json and bench/report.md.
// `npm run bench -- --only <part>[,<part>...] [--quick]`: runs only the named parts (PARTS below)
// and replaces only their sections of report.md and keys of report.json, keeping the rest.
// `--soak-only` is `--only soak`.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs'
import { gzipSync } from 'node:zlib'
import { cpus } from 'node:os'
import { createServer } from 'node:http'
import { dirname, extname, join, normalize, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { spawn, spawnSync } from 'node:child_process'
import { runBundleBench } from '../bench/bundleBench.mjs'
import { chromiumConvNote, chromiumConvRows } from '../bench/chromiumConvRows.mjs'
import { startTreeSampler } from './processTreeCpu.mjs'
import { runSideBySide } from './sideBySide.mjs'

/** The parts of the bench, in the order a full run runs them, and what each is called in partSeconds. */
const PARTS = {
  vae: 'Node: VAE throughput, drift, kernels',
  gan: 'Node: GAN and anomaly quality, side by side',
  sparse: 'Node: sparse coding',
  pca: 'Node: PCA',
  kmeans: 'Node: k-means',
  dec: 'Node: DEC',
  decstep: 'Node: DEC refinement step (fused kernels, TF.js, PyTorch)',
  rbm: 'Node: RBM',
  autoregressive: 'Node: autoregressive (MADE)',
  disentanglement: 'Node: disentanglement (MIG)',
  probe: 'Node: linear probe',
  contrastive: 'Node: contrastive learning',
  report: 'Node: few-labels report',
  'report-sprites': 'Node: few-labels report on the sprites',
  stacked: 'Node: stacked autoencoders',
  pretext: 'Node: pretext tasks',
  probefit: 'Node: linear probe fits (kernels, TF.js)',
  hashing: 'Node: semantic hashing',
  sklearn: 'scikit-learn',
  torch: 'PyTorch',
  bundle: 'build and bundle sizes',
  chromium: 'Chromium',
  files: 'Chromium: saving, loading and presets',
  scatter: 'Chromium: LatentScatter (20,000 points) and projection',
  soak: 'Chromium: soak (training, UI calls, injected crashes)',
}
const PART_NAMES = Object.keys(PARTS)
/** The report.json keys each part writes. */
const PART_KEYS = {
  vae: ['node'],
  gan: ['gan', 'anomaly'],
  sparse: ['sparse'],
  pca: ['pca'],
  kmeans: ['kmeans'],
  dec: ['dec'],
  decstep: ['decStep'],
  rbm: ['rbm'],
  autoregressive: ['autoregressive'],
  disentanglement: ['disentanglement'],
  probe: ['probe'],
  contrastive: ['contrastive'],
  report: ['report'],
  'report-sprites': ['reportSprites'],
  stacked: ['stacked'],
  pretext: ['pretext'],
  probefit: ['probeFit'],
  hashing: ['hashing'],
  sklearn: ['sklearn'],
  torch: ['torch', 'convSteps'],
  bundle: ['bundle'],
  chromium: ['browser', 'ui', 'browserSparse', 'browserConv'],
  files: ['files'],
  scatter: ['scatter'],
  soak: ['soak'],
}

const quick = process.argv.includes('--quick')
/** The parts asked for with `--only a,b` / `--only=a,b` / `--soak-only`; undefined for a full run. */
function onlyParts(argv) {
  const asked = []
  let flagged = false
  argv.forEach((arg, i) => {
    if (arg === '--soak-only') {
      flagged = true
      asked.push('soak')
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      flagged = true
      const value = arg === '--only' ? argv[i + 1] : arg.slice('--only='.length)
      if (value === undefined || value.startsWith('--')) {
        console.error(`bench: --only needs part names; valid names: ${PART_NAMES.join(', ')}`)
        process.exit(2)
      }
      asked.push(
        ...value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      )
    }
  })
  if (!flagged) return undefined
  const unknown = asked.filter((name) => !PART_NAMES.includes(name))
  if (unknown.length > 0 || asked.length === 0) {
    console.error(
      `bench: unknown part${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}; valid names: ${PART_NAMES.join(', ')}`,
    )
    process.exit(2)
  }
  return PART_NAMES.filter((name) => asked.includes(name))
}
const only = onlyParts(process.argv.slice(2))
const previousJson =
  only && existsSync('bench/report.json')
    ? JSON.parse(readFileSync('bench/report.json', 'utf8'))
    : undefined
/** Whether bench/report.json holds a part's figures (PyTorch and scikit-learn: or that they were missing). */
function inPrevious(part) {
  if (!previousJson) return false
  if (part === 'torch' || part === 'sklearn')
    return (
      part in previousJson || (previousJson.partSeconds ?? []).some((p) => p.part === PARTS[part])
    )
  return PART_KEYS[part].every((key) => key in previousJson)
}
/**
 * Parts whose figures a part's own tables show: PyTorch's tables have Node's and Chromium's VAE
 * throughput and Chromium's convolutional steps beside them, sparse coding's has Chromium's rows
 * and scikit-learn's objective and time.
 */
const NEEDS = { torch: ['vae', 'chromium'], sparse: ['chromium', 'sklearn'] }
/** Needed parts run again even when bench/report.json has them: a second or so, and timed against. */
const RERUN_WITH = { sparse: ['sklearn'] }
const toRun = new Set(only ?? PART_NAMES)
if (only) {
  for (const part of only) {
    for (const need of NEEDS[part] ?? []) {
      if (toRun.has(need)) continue
      if (RERUN_WITH[part]?.includes(need)) {
        toRun.add(need)
        console.error(`bench: ${part} is compared with ${need}: running ${need} too`)
      } else if (inPrevious(need)) {
        console.error(
          `bench: ${part}'s tables show ${need}'s figures: reusing them from bench/report.json`,
        )
      } else {
        toRun.add(need)
        console.error(
          `bench: ${part}'s tables show ${need}'s figures, not in bench/report.json: running ${need} too`,
        )
      }
    }
  }
}
const runs = PART_NAMES.filter((part) => toRun.has(part))
console.error(
  only
    ? `bench: running ${runs.join(', ')}${quick ? ' (quick)' : ''}; ${
        existsSync('bench/report.md') || previousJson
          ? "the other parts' sections of bench/report.md and keys of bench/report.json are kept"
          : 'no bench/report.md or bench/report.json yet: writing only these parts'
      }`
    : `bench: running all parts${quick ? ' (quick)' : ''}: ${runs.join(', ')}`,
)
const want = (part) => toRun.has(part)

// Inside node_modules/.cache so the bundle resolves the project's packages.
const outfile = join('node_modules', '.cache', 'latentkit-bench', 'nodeBench.mjs')
await build({
  entryPoints: [
    'bench/nodeBench.ts',
    'bench/sparseBench.ts',
    'bench/runPart.ts',
    'bench/soakAnalysis.ts',
    'bench/pcaBench.ts',
    'bench/kmeansBench.ts',
    'bench/rbmBench.ts',
    'bench/autoregressiveBench.ts',
    'bench/disentanglementBench.ts',
    'bench/contrastiveBench.ts',
    'bench/decBench.ts',
    'bench/hashingBench.ts',
    'bench/decStepBench.ts',
    'bench/stackedBench.ts',
    'bench/probeFitBench.ts',
    'bench/pretextBench.ts',
    'bench/convStepBench.ts',
    // Not imported here: the Chromium session's Vitest config loads it (LATENTKIT_BENCH_COMMANDS).
    'bench/torchCommands.ts',
  ],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outdir: dirname(outfile),
  outExtension: { '.js': '.mjs' },
  logLevel: 'error',
})
const {
  runNodeBench,
  writeReferenceRows,
  referenceEnv,
  referenceHeapLabel,
  FIVE_PRODUCTS_FLOPS: VAE_PRODUCT_FLOP,
} = await import(pathToFileURL(resolve(outfile)).href)
const sparseModule = await import(pathToFileURL(resolve(dirname(outfile), 'sparseBench.mjs')).href)
const pcaModule = await import(pathToFileURL(resolve(dirname(outfile), 'pcaBench.mjs')).href)
const kmeansModule = await import(pathToFileURL(resolve(dirname(outfile), 'kmeansBench.mjs')).href)
const rbmModule = await import(pathToFileURL(resolve(dirname(outfile), 'rbmBench.mjs')).href)
const autoregressiveModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'autoregressiveBench.mjs')).href
)
const disentanglementModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'disentanglementBench.mjs')).href
)
const contrastiveModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'contrastiveBench.mjs')).href
)
const decModule = await import(pathToFileURL(resolve(dirname(outfile), 'decBench.mjs')).href)
const hashingModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'hashingBench.mjs')).href
)
const decStepModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'decStepBench.mjs')).href
)
const stackedModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'stackedBench.mjs')).href
)
const probeFitModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'probeFitBench.mjs')).href
)
const pretextModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'pretextBench.mjs')).href
)
const convStepModule = await import(
  pathToFileURL(resolve(dirname(outfile), 'convStepBench.mjs')).href
)
const { analyzeSoak, soakMarkdown } = await import(
  pathToFileURL(resolve(dirname(outfile), 'soakAnalysis.mjs')).href
)

/**
 * Vitest's bench project, one test file at a time: on a machine with more cores Vitest would run a
 * run's files side by side in Chromium (one per core but one), overlapping their timings.
 */
const VITEST_BENCH = ['vitest', 'run', '--project', 'bench', '--no-file-parallelism']
const SOAK_FILE = 'bench/browser/soak.bench.tsx'
const FILES_FILE = 'bench/browser/modelFiles.bench.tsx'
const SCATTER_FILE = 'bench/browser/scatter.bench.tsx'
const PRESET_DIR = 'src/presets/files'
/** The bench builds the package for its JavaScript: no type declarations (see tsup.config.ts). */
const JS_ONLY_BUILD = { ...process.env, LATENTKIT_SKIP_DTS: '1' }

/**
 * The package's module worker (dist/latentkit.worker.js, its dependencies left to the app) bundled as
 * an app's bundler does in production: dependencies in, minified, split at dynamic imports (the
 * backends loaded when chosen), the WASM binaries and presets it points at copied beside it.
 */
async function buildAppWorker() {
  const outdir = join('dist', 'app-worker')
  await build({
    entryPoints: [join('dist', 'latentkit.worker.js')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outdir,
    logLevel: 'warning',
  })
  for (const file of readdirSync('dist').filter((f) => /\.(wasm|lkmodel)$/.test(f))) {
    copyFileSync(join('dist', file), join(outdir, file))
  }
}

/**
 * The static worker (dist/static-worker/) as the README's recipe serves it: the folder, with the WASM
 * binaries and the presets copied beside it, in dist/bench-static-worker/.
 */
function copyStaticWorker() {
  const outdir = join('dist', 'bench-static-worker')
  mkdirSync(outdir, { recursive: true })
  for (const file of readdirSync(join('dist', 'static-worker'))) {
    copyFileSync(join('dist', 'static-worker', file), join(outdir, file))
  }
  for (const file of readdirSync('dist').filter((f) => /\.(wasm|lkmodel)$/.test(f))) {
    copyFileSync(join('dist', file), join(outdir, file))
  }
  return outdir
}

/** bench/browser/floorWorker.ts bundled and minified (one file, as small as a TF.js worker gets), in dist/. */
function buildFloorWorker() {
  return build({
    entryPoints: ['bench/browser/floorWorker.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outfile: 'dist/bench-floor.worker.js',
    logLevel: 'warning',
  })
}

/** The app-bundled and floor workers of the files part, from the built package (dist/). */
const buildFilesWorkers = () => Promise.all([buildFloorWorker(), buildAppWorker()])

/** Serves `dir`'s files on a free localhost port, readable from any origin (CORS). */
async function serveStatic(dir) {
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' }
  const server = createServer((request, response) => {
    const path = join(dir, normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)))
    if (!path.startsWith(dir) || !existsSync(path)) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, {
      'content-type': types[extname(path)] ?? 'application/octet-stream',
      'access-control-allow-origin': '*',
    })
    response.end(readFileSync(path))
  })
  await new Promise((done) => server.listen(0, '127.0.0.1', done))
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => server.close(),
  }
}

/**
 * What saving, loading and presets (bench/browser/modelFiles.bench.tsx) need before Chromium starts:
 * the built package, the app-bundled and floor workers, and the two served as a static host would
 * (the dev server would rewrite the app-bundled worker's dynamic imports for Vitest's module
 * mocking, which a worker cannot run). Resolves with the Vitest run's environment and the servers.
 */
async function prepareFilesBench() {
  // The page uses the built worker, as an app serves it (the bundle part builds it, and the two
  // workers below, beside the model-quality parts in a run with both).
  if (!want('bundle')) {
    if (
      spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', env: JS_ONLY_BUILD })
        .status !== 0
    )
      process.exit(1)
    await buildFilesWorkers()
  }
  const servers = [
    await serveStatic(join('dist', 'app-worker')),
    await serveStatic(copyStaticWorker()),
  ]
  return {
    env: {
      VITE_APP_WORKER_ORIGIN: servers[0].origin,
      VITE_STATIC_WORKER_ORIGIN: servers[1].origin,
    },
    close: () => servers.forEach((server) => server.close()),
  }
}
/** The files part's figures: what its Chromium run wrote, and the shipped presets' sizes, raw and gzip. */
function filesFigures() {
  const files = readdirSync(PRESET_DIR)
    .filter((file) => file.endsWith('.lkmodel'))
    .map((file) => {
      const bytes = readFileSync(join(PRESET_DIR, file))
      return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
    })
  return { ...JSON.parse(readFileSync('bench/report.browser-files.json', 'utf8')), files }
}
/** The bench files of the `chromium` part: every one but the soak's, the files' and the scatter's. */
const chromiumFiles = () =>
  readdirSync(join('bench', 'browser'))
    .filter((file) => /\.bench\.tsx?$/.test(file))
    .map((file) => `bench/browser/${file}`)
    .filter((file) => ![SOAK_FILE, FILES_FILE, SCATTER_FILE].includes(file))
    .sort()
/** Where Vitest's JSON reporter writes the browser session's per-file times. */
const SESSION_JSON = join('node_modules', '.cache', 'latentkit-bench', 'vitest-browser.json')
/**
 * The `chromium`, `files` and `scatter` parts asked for, in one Vitest run (one Vite server, one
 * Chromium): their files one at a time, so no timing overlaps another. Resolves with each part's
 * wall-clock seconds in Chromium (its files' durations, from Vitest's JSON reporter).
 */
async function runBrowserSession(parts) {
  const filesOf = {
    chromium: chromiumFiles(),
    files: [FILES_FILE],
    scatter: [SCATTER_FILE],
  }
  const files = await (parts.includes('files') ? prepareFilesBench() : undefined)
  const status = await new Promise((done) =>
    spawn(
      'npx',
      [
        ...VITEST_BENCH,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${SESSION_JSON}`,
        ...parts.flatMap((part) => filesOf[part]),
      ],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          LATENTKIT_BENCH: '1',
          LATENTKIT_BENCH_COMMANDS: resolve(dirname(outfile), 'torchCommands.mjs'),
          VITE_BENCH_QUICK: quick ? '1' : '0',
          ...files?.env,
        },
      },
    ).on('exit', done),
  )
  files?.close()
  if (status !== 0) process.exit(status ?? 1)
  const results = JSON.parse(readFileSync(SESSION_JSON, 'utf8')).testResults
  /** Seconds of a bench file in the run, matched by its path's end. */
  const secondsOf = (file) => {
    const result = results.find((r) => r.name.endsWith(file))
    return result ? (result.endTime - result.startTime) / 1000 : 0
  }
  return Object.fromEntries(
    parts.map((part) => [part, filesOf[part].reduce((sum, file) => sum + secondsOf(file), 0)]),
  )
}
/**
 * The soak (bench/browser/soak.bench.tsx): 7.5 minutes in Chromium (about 45 s with --quick) of
 * training, UI calls and injected crashes, in a Vitest run of its own. It times nothing against
 * anything and uses about half a core: in a run with model-quality parts it runs beside them
 * (SLOTS_BESIDE_SOAK of them at a time until it ends), and `beside` says so in its section, since
 * its latencies, recovery times and steps per minute are load-sensitive; its first crash waits
 * until every model trains. Resolves with its figures and analysis, its wall-clock seconds and its CPU seconds (its
 * process tree's, sampled: a lower bound; undefined without /proc).
 */
async function runSoak(beside) {
  const t0 = performance.now()
  const child = spawn('npx', [...VITEST_BENCH, SOAK_FILE], {
    stdio: 'inherit',
    env: { ...process.env, LATENTKIT_BENCH: '1', VITE_BENCH_QUICK: quick ? '1' : '0' },
  })
  const { status, cpuSeconds } = await watchedExit(child)
  if (status !== 0) process.exit(status ?? 1)
  const raw = {
    ...JSON.parse(readFileSync('bench/report.browser-soak.json', 'utf8')),
    ...(beside ? { beside } : {}),
  }
  const analysis = analyzeSoak(raw)
  return {
    result: { ...raw, analysis, markdown: soakMarkdown(raw, analysis) },
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds,
  }
}

const started = new Date()
/** Clock ticks per second of /proc's times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100
/** Samples the CPU time of every process this one starts and of theirs (see processTreeCpu.mjs). */
const processTree = await startTreeSampler()
/**
 * CPU seconds (user + system) used so far: this process's (`own`, less the sampler's thread), and
 * its descendants' two ways:
 * `waited`, from /proc/self/stat's cutime and cstime (exact for the processes it and they waited for:
 * Python, Vitest), and `sampled`, from the process-tree sampler (also Chromium's GPU and renderer
 * processes, which are not all waited for). Undefined where there is no /proc.
 */
function cpuSeconds() {
  if (!processTree) return undefined
  const own = process.cpuUsage()
  const stat = readFileSync('/proc/self/stat', 'utf8')
  // Fields after the command name, from field 3 (state): cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return {
    own: (own.user + own.system) / 1e6 - processTree.ownTicks() / CLOCK_TICKS,
    waited: (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS,
    sampled: processTree.ticks() / CLOCK_TICKS,
  }
}
/** CPU seconds between two `cpuSeconds()`: each way of counting the descendants is a lower bound. */
const cpuBetween = (a, b) => b.own - a.own + Math.max(b.waited - a.waited, b.sampled - a.sampled)
/**
 * Waits for a child process to exit; resolves with its exit status and the CPU seconds of it and of
 * the processes below it (sampled: a lower bound), counted apart from anything running beside it.
 */
async function watchedExit(child) {
  const watch = processTree && child.pid !== undefined ? processTree.watch(child.pid) : undefined
  const status = await new Promise((done) => child.on('exit', done))
  // One more sample of the processes it started, for those still ending.
  await new Promise((done) => setTimeout(done, watch ? 600 : 0))
  const cpuSeconds = watch ? watch.ticks() / CLOCK_TICKS : undefined
  watch?.stop()
  return { status, cpuSeconds }
}
/** The partSeconds rows of the parts run side by side and of the browser session (they hold others). */
const SIDE_BY_SIDE_PART = 'Node: model-quality parts and the bundle, two at a time'
const SESSION_PART = 'Chromium: one Vitest session'
/** The partSeconds row of the contrastive part's draws (model quality, run side by side). */
const CONTRASTIVE_DRAWS_PART = 'Node: contrastive learning, its draws (encoders trained and probed)'
/** Seconds each part of the bench took (wall clock, and CPU of this process and its children). */
const partSeconds = []
async function timed(part, run) {
  const t0 = performance.now()
  const cpu0 = cpuSeconds()
  const result = await run()
  const seconds = (performance.now() - t0) / 1000
  // One more sample of the processes the part started, for those still ending.
  await new Promise((done) => setTimeout(done, 600))
  const cpu1 = cpuSeconds()
  partSeconds.push({
    part,
    seconds,
    ...(cpu0 === undefined || cpu1 === undefined ? {} : { cpuSeconds: cpuBetween(cpu0, cpu1) }),
  })
  const last = partSeconds.at(-1)
  console.error(
    `bench: ${part} took ${last.seconds.toFixed(0)} s${last.cpuSeconds === undefined ? '' : ` (${last.cpuSeconds.toFixed(0)} CPU s)`}`,
  )
  return result
}
/** The figures of the parts run, under their report.json keys (PART_KEYS). */
const ran = {}
/** The report.md lines of the parts that write their own (pca, kmeans, rbm, probe, soak). */
const ownSections = {}
if (want('vae')) ran.node = await timed(PARTS.vae, () => runNodeBench(quick))
/**
 * Runs a model-quality part (runPart.ts's names) in a Node process of its own, given `input` (JSON:
 * what a piece needs from the one before it in its chain); resolves with its figures, its wall-clock
 * seconds, when it started and ended (performance.now()) and its CPU seconds (the process's and its
 * Python's).
 */
function runPart(part, input = undefined) {
  const out = join(dirname(outfile), `${part}.json`)
  const t0 = performance.now()
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        join(dirname(outfile), 'runPart.mjs'),
        part,
        quick ? '1' : '0',
        out,
        ...(input === undefined ? [] : [JSON.stringify(input)]),
      ],
      { stdio: 'inherit' },
    )
    child.on('exit', (code) => {
      if (code !== 0) {
        fail(new Error(`bench part ${part} failed`))
        return
      }
      const { result, cpuSeconds } = JSON.parse(readFileSync(out, 'utf8'))
      const t1 = performance.now()
      done({ result, seconds: (t1 - t0) / 1000, startedAt: t0, endedAt: t1, cpuSeconds })
    })
  })
}
/** What DEC's and IDEC's refinement pieces are given from the pretraining piece's value. */
const decRefineInput = ({ result }) => ({
  pretrainSeconds: result.pretrainSeconds,
  snapshotFiles: result.snapshotFiles,
})

/**
 * Parts whose figures are model quality and sizes — their seconds columns aside, each of those one
 * process's own time on one core, compared with no figure measured elsewhere. They run two at a time
 * (the GAN's three pieces as three), each in a Node process of its own (Node's TF.js uses one core),
 * while no timed part runs: the timed parts, before and after, keep the machine to themselves. The
 * soak, which times nothing against anything either, runs beside them in its own Vitest session
 * (see runSoak and SLOTS_BESIDE_SOAK). `cost`, for the order only: CPU seconds of a full run and of
 * a quick one, measured on the shared machine (December 2026). Full: each piece measured whole on
 * December 2 (load 15–20) but the disentanglement pieces (268 s whole, split by guess), the
 * report's 85 s (December 1), the bundle's (guessed from its quick 12 s and the build), and the
 * pieces split since, measured at load 9–16 (December 2, 07:30–08:20, quick ones at load 16): DEC's
 * pretraining 138, DEC's refinement 90 and IDEC's 157, a contrastive draw 80–91, a hashing seed
 * 67–76 and its rest 3.
 * `full`: a piece of full runs only (quick runs train fewer seeds or draws). `after`: a piece that
 * starts when that one has ended (its chain's head), given `input(value)` of the head's value; the
 * head is ordered by its chain's length.
 */
const SIDE_BY_SIDE = {
  'conv-sprites': { part: 'gan', cost: [50, 7] },
  gan: { part: 'gan', cost: [69, 10] },
  anomaly: { part: 'gan', cost: [83, 2] },
  'autoregressive-made': { part: 'autoregressive', cost: [75, 2] },
  'autoregressive-density': { part: 'autoregressive', cost: [59, 12] },
  'autoregressive-sprites': { part: 'autoregressive', cost: [40, 5] },
  'disentanglement-vae': { part: 'disentanglement', cost: [120, 1] },
  'disentanglement-infogan': { part: 'disentanglement', cost: [150, 3] },
  'dec-pretrain': { part: 'dec', cost: [138, 3] },
  'dec-refine': {
    part: 'dec',
    cost: [90, 1],
    after: 'dec-pretrain',
    input: decRefineInput,
  },
  'idec-refine': {
    part: 'dec',
    cost: [157, 1],
    after: 'dec-pretrain',
    input: decRefineInput,
  },
  probe: { part: 'probe', cost: [20, 15] },
  report: { part: 'report', cost: [85, 40] },
  'report-sprites': { part: 'report-sprites', cost: [44, 8] },
  ...Object.fromEntries(
    hashingModule
      .hashingSeeds(false)
      .map((seed) => [
        `hashing-seed-${seed}`,
        hashingModule.hashingSeeds(true).includes(seed)
          ? { part: 'hashing', cost: [72, 7] }
          : { part: 'hashing', cost: [72, 0], full: true },
      ]),
  ),
  'hashing-rest': { part: 'hashing', cost: [3, 3] },
  ...Object.fromEntries(
    Array.from({ length: contrastiveModule.contrastiveDraws(false) }, (_, draw) => [
      `contrastive-draw-${draw}`,
      draw < contrastiveModule.contrastiveDraws(true)
        ? { part: 'contrastive', cost: [89, 5] }
        : { part: 'contrastive', cost: [89, 5], full: true },
    ]),
  ),
  bundle: { part: 'bundle', cost: [40, 12] },
}
/**
 * The package built for its JavaScript, and the bundle figures (sizes: no timing); CPU seconds: the
 * build's processes (sampled) and this process's while it measures the bundles.
 */
async function runBundle() {
  const t0 = performance.now()
  const child = spawn('npm', ['run', 'build', '--silent'], { stdio: 'inherit', env: JS_ONLY_BUILD })
  const { status, cpuSeconds: buildCpu } = await watchedExit(child)
  if (status !== 0) process.exit(1)
  const own0 = process.cpuUsage()
  const result = await runBundleBench()
  // The files part's workers, built here from the same dist/ so its Chromium session need not.
  if (want('files')) await buildFilesWorkers()
  const own = process.cpuUsage(own0)
  return {
    result,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: buildCpu === undefined ? undefined : buildCpu + (own.user + own.system) / 1e6,
  }
}
/** The pieces of SIDE_BY_SIDE this run runs (the parts asked for; full-only pieces in full runs). */
const piecesRun = Object.entries(SIDE_BY_SIDE).filter(
  ([, piece]) => want(piece.part) && !(quick && piece.full),
)
/** A piece as a job of runSideBySide: its followers (pieces `after` it) queued when it ends. */
const pieceJob = ([name, piece], value = undefined) => {
  const followers = piecesRun.filter(([, other]) => other.after === name)
  const cost = piece.cost[quick ? 1 : 0]
  return {
    name,
    // A chain's head is ordered by the chain's length: its own cost and its longest follower's.
    cost: cost + Math.max(0, ...followers.map(([, other]) => other.cost[quick ? 1 : 0])),
    run: () =>
      name === 'bundle'
        ? runBundle()
        : runPart(name, piece.input && value !== undefined ? piece.input(value) : undefined),
    ...(followers.length > 0
      ? { then: (headValue) => followers.map((follower) => pieceJob(follower, headValue)) }
      : {}),
  }
}
const sideBySide = piecesRun.filter(([, piece]) => !piece.after).map((entry) => pieceJob(entry))
/** The soak runs beside the model-quality parts when both run (see runSoak). */
const soakBeside = want('soak') && sideBySide.length > 0
/**
 * Model-quality processes beside the soak: two, in a full run as in a quick one (about 2.5 cores'
 * demand on 2, which slows the soak and the parts' own seconds by about a quarter on a quiet
 * machine). The soak's verdicts do not depend on the load: its full run beside one process at a load
 * of 17–20 (December 2, 2026) recovered from every crash, failed no call but the injected ones and
 * kept its whole-run memory slopes flat, as its quiet runs do; its within-life slopes are limited by
 * their standard errors, not by the load (README, "Soak"). One process beside it made the full run's
 * model-quality phase the soak's length plus half the rest.
 */
const SLOTS_BESIDE_SOAK = 2
/** The contrastive part's draws, trained and probed side by side (its step is timed later). */
let contrastiveDraws = []
if (sideBySide.length > 0) {
  const done = await timed(SIDE_BY_SIDE_PART, async () => {
    const onDone = (name, { seconds, cpuSeconds }) =>
      console.error(
        `bench: ${name} took ${seconds.toFixed(0)} s${cpuSeconds === undefined ? '' : ` (${cpuSeconds.toFixed(0)} CPU s)`}, side by side`,
      )
    if (!soakBeside) return runSideBySide(sideBySide, 2, onDone)
    const soak = runSoak(
      'the model-quality parts of the bench, two Node processes at a time on the 2 cores',
    )
    const [values, soakValue] = await Promise.all([
      runSideBySide(sideBySide, SLOTS_BESIDE_SOAK, onDone, {
        slots: 2 - SLOTS_BESIDE_SOAK,
        after: soak,
      }),
      soak.then((value) => {
        onDone('soak', value)
        return value
      }),
    ])
    return { ...values, soak: soakValue }
  })
  /**
   * A part's seconds (its pieces' first start to last end; the longest piece's where a piece has no
   * start and end, the bundle's and the soak's) and CPU, under `label` (the part's name by default).
   */
  const besides = (part, pieces, label = PARTS[part]) => {
    const values = pieces.map((piece) => done[piece])
    const cpu = values.map((value) => value.cpuSeconds)
    const spanned = values.every((v) => v.startedAt !== undefined && v.endedAt !== undefined)
    partSeconds.push({
      part: label,
      seconds: spanned
        ? (Math.max(...values.map((v) => v.endedAt)) -
            Math.min(...values.map((v) => v.startedAt))) /
          1000
        : Math.max(...values.map((value) => value.seconds)),
      ...(cpu.every((c) => c !== undefined)
        ? { cpuSeconds: cpu.reduce((sum, c) => sum + c, 0) }
        : {}),
      within: 'side by side',
    })
  }
  if (want('gan')) {
    const [ganRest, convSprites] = [done.gan.result, done['conv-sprites'].result]
    ran.gan = {
      ...ganRest,
      sprites: [ganRest.sprites[0], ...convSprites, ...ganRest.sprites.slice(1)],
    }
    ran.anomaly = done.anomaly.result
    besides('gan', ['conv-sprites', 'gan', 'anomaly'])
  }
  if (want('autoregressive')) {
    const pieces = ['made', 'density', 'sprites']
    const { json, markdown } = await autoregressiveModule.autoregressiveReport(
      quick,
      Object.fromEntries(pieces.map((piece) => [piece, done[`autoregressive-${piece}`].result])),
    )
    ;[ran.autoregressive, ownSections.autoregressive] = [json, markdown]
    besides(
      'autoregressive',
      pieces.map((piece) => `autoregressive-${piece}`),
    )
  }
  if (want('disentanglement')) {
    const { json, markdown } = await disentanglementModule.disentanglementReport(quick, {
      vae: done['disentanglement-vae'].result,
      infogan: done['disentanglement-infogan'].result,
    })
    ;[ran.disentanglement, ownSections.disentanglement] = [json, markdown]
    besides('disentanglement', ['disentanglement-vae', 'disentanglement-infogan'])
  }
  if (want('dec')) {
    const pieces = ['dec-pretrain', 'dec-refine', 'idec-refine']
    const { json, markdown } = decModule.decReport(quick, {
      pretrain: done['dec-pretrain'].result,
      dec: done['dec-refine'].result,
      idec: done['idec-refine'].result,
    })
    decModule.removeDECSnapshot(done['dec-pretrain'].result)
    ;[ran.dec, ownSections.dec] = [json, markdown]
    besides('dec', pieces)
  }
  if (want('hashing')) {
    const seeds = hashingModule.hashingSeeds(quick).map((seed) => `hashing-seed-${seed}`)
    const { json, markdown } = hashingModule.hashingReport(quick, {
      rest: done['hashing-rest'].result,
      seedRuns: seeds.map((piece) => done[piece].result),
    })
    ;[ran.hashing, ownSections.hashing] = [json, markdown]
    besides('hashing', [...seeds, 'hashing-rest'])
  }
  if (want('contrastive')) {
    contrastiveDraws = piecesRun
      .filter(([, piece]) => piece.part === 'contrastive')
      .map(([name]) => done[name].result)
    besides(
      'contrastive',
      piecesRun.filter(([, piece]) => piece.part === 'contrastive').map(([name]) => name),
      CONTRASTIVE_DRAWS_PART,
    )
  }
  for (const [key, part] of [
    ['report', 'report'],
    ['reportSprites', 'report-sprites'],
  ]) {
    if (!want(part)) continue
    ;[ran[key], ownSections[part]] = [done[part].result.json, done[part].result.markdown]
    besides(part, [part])
  }
  if (want('probe')) {
    const { markdown, ...probe } = done.probe.result
    ;[ran.probe, ownSections.probe] = [probe, markdown]
    besides('probe', ['probe'])
  }
  if (want('bundle')) {
    ran.bundle = done.bundle.result
    besides('bundle', ['bundle'])
  }
  if (soakBeside) {
    const { markdown, ...soak } = done.soak.result
    ;[ran.soak, ownSections.soak] = [soak, markdown]
    besides('soak', ['soak'])
  }
}
if (want('sparse')) ran.sparse = await timed(PARTS.sparse, () => sparseModule.runSparseBench(quick))
// PCA and k-means, scikit-learn's PCA, KMeans and MiniBatchKMeans on the same arrays when here.
if (want('pca')) {
  const { markdown, json } = await timed(PARTS.pca, () => pcaModule.runPCABench({ quick }))
  ;[ran.pca, ownSections.pca] = [json, markdown]
}
if (want('kmeans')) {
  const { markdown, json } = await timed(PARTS.kmeans, () => kmeansModule.runKMeansBench({ quick }))
  ;[ran.kmeans, ownSections.kmeans] = [json, markdown]
}
// RBM beside scikit-learn's BernoulliRBM on one split; its AIS log-likelihood beside a VAE's ELBO.
if (want('rbm')) {
  const { markdown, json } = await timed(PARTS.rbm, () => rbmModule.runRBMBench({ quick }))
  ;[ran.rbm, ownSections.rbm] = [json, markdown]
}
// DEC's and IDEC's refinement step: fused kernels, TF.js and PyTorch side by side.
if (want('decstep')) {
  const { markdown, json } = await timed(PARTS.decstep, () =>
    decStepModule.runDECStepBench({ quick }),
  )
  ;[ran.decStep, ownSections.decstep] = [json, markdown]
}
// Contrastive features against raw pixels and PCA with 10 labels per class, encoders learned on 80 %
// (the draws side by side above): its step timed beside PyTorch here.
if (want('contrastive')) {
  const { markdown, json } = await timed(PARTS.contrastive, () =>
    contrastiveModule.runContrastiveBench({ quick, draws: contrastiveDraws }),
  )
  ;[ran.contrastive, ownSections.contrastive] = [json, markdown]
}
// Stacked autoencoders against the same network trained end to end, the same total epochs.
if (want('stacked')) {
  const { markdown, json } = await timed(PARTS.stacked, () =>
    stackedModule.runStackedBench({ quick }),
  )
  ;[ran.stacked, ownSections.stacked] = [json, markdown]
}
// Each pretext task's encoder against raw pixels and PCA, 10 labels per class and all labels.
if (want('pretext')) {
  const { markdown, json } = await timed(PARTS.pretext, () =>
    pretextModule.runPretextBench({ quick }),
  )
  ;[ran.pretext, ownSections.pretext] = [json, markdown]
}
// The linear probe's fit in the kernels against the same fit as TF.js operations.
if (want('probefit')) {
  const { markdown, json } = await timed(PARTS.probefit, () =>
    probeFitModule.runProbeFitBench({ quick }),
  )
  ;[ran.probeFit, ownSections.probefit] = [json, markdown]
}

// scikit-learn's sparse_encode (lasso_cd) on the same matrices, when python3 has it (python3-sklearn).
function runSklearn() {
  const folder = join('node_modules', '.cache', 'latentkit-bench')
  const files = sparseModule.writeLassoProblem(sparseModule.buildLassoProblem(), folder)
  const codesFile = join(folder, 'sklearn-codes.f32')
  for (const python of ['/usr/bin/python3', 'python3']) {
    const run = spawnSync(
      python,
      ['bench/sklearn_lasso.py', files.patches, files.atoms, '1024', '128', '64', '0.5', codesFile],
      { encoding: 'utf8', env: referenceEnv(1) },
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
if (want('sklearn')) ran.sklearn = await timed(PARTS.sklearn, runSklearn)

// PyTorch on the CPU, side by side, when a python3 with torch is here (Debian: python3-torch): one
// process per set-up of threads (torchSetups), its heap kept (its best here: see
// bench/referenceEnv.ts), and as installed in a full run.
function runTorch() {
  const rows = join('node_modules', '.cache', 'latentkit-bench', 'reference-rows.f32')
  writeReferenceRows(rows, 1024)
  const run = ({ threads, blas }, heap, products) => {
    for (const python of ['/usr/bin/python3', 'python3']) {
      const result = spawnSync(
        python,
        [
          'bench/torch_vae.py',
          rows,
          quick ? '5' : '30',
          String(threads),
          ...(products ? ['products'] : []),
        ],
        { encoding: 'utf8', env: referenceEnv(threads, heap, blas) },
      )
      if (result.status === 0) return JSON.parse(result.stdout.trim().split('\n').at(-1))
    }
    return undefined
  }
  const setups = torchSetups(cpus().length)
  /** Samples/s per set-up that ran, by key; the one-thread run's reply (versions, products). */
  const measure = (heap) => {
    const first = run(setups[0], heap, heap === 'kept')
    if (!first) return undefined
    const samplesPerSecond = { [setups[0].key]: first.samplesPerSecond }
    for (const setup of setups.slice(1)) {
      const reply = run(setup, heap, false)
      if (reply) samplesPerSecond[setup.key] = reply.samplesPerSecond
    }
    return { first, samplesPerSecond }
  }
  const kept = measure('kept')
  if (!kept) return undefined
  const { torch, blas, productsMs } = kept.first
  const asInstalled = quick ? undefined : measure('default')
  return {
    torch,
    blas,
    samplesPerSecond: kept.samplesPerSecond,
    productsMs,
    ...(asInstalled ? { asInstalled: asInstalled.samplesPerSecond } : {}),
  }
}
/**
 * The default convolutional GAN's and autoencoder's step: latentkit on TF.js WASM in Node, each
 * interleaved in rounds with the same layers in PyTorch (bench/torch_dcgan.py's step server) when
 * python3 has torch.
 */
const runConvSteps = () => convStepModule.runConvStepBench(quick)
if (want('torch'))
  [ran.torch, ran.convSteps] = await timed(PARTS.torch, async () => [
    runTorch(),
    await runConvSteps(),
  ])
// The browser parts run in real Chromium through Vitest's browser mode, in one session (the soak
// in one of its own, beside the model-quality parts above or alone below, so that nothing before it
// shares its page).
const browserParts = ['chromium', 'files', 'scatter'].filter(want)
if (browserParts.length > 0) {
  const seconds = await timed(SESSION_PART, () => runBrowserSession(browserParts))
  for (const part of browserParts)
    partSeconds.push({ part: PARTS[part], seconds: seconds[part], within: 'in one session' })
  if (want('chromium')) {
    ran.browser = JSON.parse(readFileSync('bench/report.browser.json', 'utf8'))
    ran.ui = JSON.parse(readFileSync('bench/report.browser-ui.json', 'utf8'))
    ran.browserSparse = JSON.parse(readFileSync('bench/report.browser-sparse.json', 'utf8'))
    ran.browserConv = JSON.parse(readFileSync('bench/report.browser-conv.json', 'utf8'))
  }
  // Saving, loading and presets; LatentScatter's frame times with 20,000 points while panning and
  // hovering, and the projection time in the worker.
  if (want('files')) ran.files = filesFigures()
  if (want('scatter'))
    ran.scatter = JSON.parse(readFileSync('bench/report.browser-scatter.json', 'utf8'))
}
if (want('soak') && !soakBeside) {
  const { markdown, ...soak } = (await timed(PARTS.soak, () => runSoak(undefined))).result
  ;[ran.soak, ownSections.soak] = [soak, markdown]
}

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a')
const ms = (value) => fmt(value, 1)
/**
 * PyTorch's set-ups for the reference VAE on a machine of `cores` cores, keyed as report.json's
 * `torch.samplesPerSecond`: one thread (the ratios' reference), then, with more cores, OpenMP and
 * the BLAS on all of them, and one OpenMP thread with the BLAS on all (the best here: PyTorch's
 * element-wise work is small, its products are not). PyTorch's best is the best of them.
 */
function torchSetups(cores) {
  const one = { key: '1', threads: 1, blas: 1 }
  if (cores < 2) return [one]
  return [
    one,
    { key: String(cores), threads: cores, blas: cores },
    { key: `1+${cores}`, threads: 1, blas: cores },
  ]
}
/** How the report names set-up `key` of {@link torchSetups}. */
const torchSetupLabel = (key) =>
  key === '1'
    ? '1 thread'
    : key.startsWith('1+')
      ? `1 thread, the BLAS on ${key.slice(2)}`
      : `${key} threads`
/** A main-thread health row; a row `--quick` skips (the GPU backends) says so. */
const healthRow = (label, h) =>
  h
    ? `| ${label} | ${h.frames} | ${ms(h.rafP50)} | ${ms(h.rafP95)} | ${ms(h.rafMax)} | ${h.longTasks} | ${fmt(h.longTaskTotalMs)} | ${fmt(h.longTaskMaxMs)} |`
    : `| ${label} | full run only | | | | | | |`
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`

/**
 * The report's sections after its title, in order: which part writes them (`part`), whose figures
 * they show (`uses`), the headings they start with (to find them again in report.md) and their lines.
 */
const BLOCKS = [
  {
    part: 'vae',
    uses: ['vae'],
    headings: ['## Engine training throughput', '## Tensor drift'],
    lines: ({ node }) => [
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
      `Matrix products alone, one and two threads side by side: the five 128×784×400 products of one reference-VAE step (${fmt(VAE_PRODUCT_FLOP / 1e6)} MFLOP) with latentkit's gemm; two threads split C's rows with a helper worker thread on the same shared WebAssembly memory (bit-identical to one thread). Share of peak: against ${fmt(node.simdPeak.gflops, 1)} GFLOP/s, one core's 128-bit SIMD peak measured (12 independent f32x4 ${node.simdPeak.loop === 'relaxed-simd' ? 'fused multiply-adds' : 'multiplies and adds'} a loop iteration, no memory traffic: ${fmt(node.simdPeak.megahertz)} MHz at 16 flops a cycle${node.simdPeak.nominalMegahertz ? `; /proc/cpuinfo reports ${fmt(node.simdPeak.nominalMegahertz)} MHz, the nominal clock` : ''}); two threads are measured against two cores' peak. Timings on a shared 2-core machine are pessimistic.`,
      '',
      '| build | threads | ms | GFLOP/s | share of peak | speed-up over 1 thread |',
      '|---|---|---|---|---|---|',
      ...node.kernelGemm.map((r) => {
        const one = node.kernelGemm.find((u) => u.build === r.build && u.threads === 1)
        const share = `${fmt((100 * r.gflops) / (node.simdPeak.gflops * r.threads), 1)} %`
        return `| ${r.build} | ${r.threads} | ${fmt(r.milliseconds, 1)} | ${fmt(r.gflops, 1)} | ${share} | ${one ? fmt(one.milliseconds / r.milliseconds, 2) : '?'}× |`
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
    ],
  },
  {
    part: 'gan',
    uses: ['gan'],
    headings: ['## GAN on the ring', '## Digits: precision', '## Sprites (28×28)'],
    lines: ({ gan }) => [
      '## GAN on the ring of 8 Gaussians (σ 0.02, radius 1; 4,096 points; 2,000 samples; WASM)',
      '',
      'A mode is covered with ≥ 1% of samples within 3σ; high quality = within 3σ of some mode. Target: 8 modes, ≥ 80%. Dense models train with the fused WASM kernels, convolutional ones with TF.js; the GAN’s figures and anomaly detection run in three Node processes, two at a time beside the other model-quality parts (one core each).',
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
        (row) =>
          `| ${row.model} | ${row.steps} | ${fmt(row.precision, 3)} | ${fmt(row.recall, 3)} |`,
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
    ],
  },
  {
    part: 'bundle',
    uses: ['bundle'],
    headings: ['## Bundle'],
    lines: ({ bundle }) => [
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
    ],
  },
  {
    part: 'chromium',
    uses: ['chromium'],
    headings: [
      '## In Chromium',
      '## Main-thread health',
      '## Start-up',
      '## InterpolationSlider latency',
    ],
    lines: ({ browser, ui }) => [
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
      `Worker and main-thread runs alternate (warm-up on each side, then three pairs); worker / main is the median of the three pairs’ ratios, so a slow stretch of the machine falls on both sides.${browser.quick ? ' Quick run: WASM and CPU only (the GPU backends, software here, are measured in the full run; the browser tests train on them), and one pair on the CPU backend, whose step takes seconds.' : ''}`,
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
      healthRow(
        '… with `await tf.nextFrame()` each step, WebGL',
        browser.health.stockWebglNextFrame,
      ),
      '',
      '## Start-up (mount → first training step → first painted SampleGrid; digits, cold worker)',
      '',
      '| backend asked | backend used | first step (ms) | first SampleGrid (ms) |',
      '|---|---|---|---|',
      ...ui.startUps.map(
        (row) =>
          `| ${row.asked} | ${row.backend} | ${fmt(row.firstStepMs)} | ${fmt(row.firstGridMs)} |`,
      ),
      ...(ui.quick
        ? ['', 'Quick run: WebGL and WebGPU (software here) are left out; the full run times them.']
        : []),
      '',
      `## InterpolationSlider latency (28×28 decoder of the reference VAE, ${ui.slider.moves} moves, auto backend)`,
      '',
      '| input → decoded image drawn p50 | p95 | input → next frame p50 | p95 |',
      '|---|---|---|---|',
      `| ${ms(ui.slider.drawnP50)} ms | ${ms(ui.slider.drawnP95)} ms | ${ms(ui.slider.frameP50)} ms | ${ms(ui.slider.frameP95)} ms |`,
      '',
    ],
  },
  {
    part: 'torch',
    // Without PyTorch the section only says so.
    uses: ({ torch }) => (torch ? ['torch', 'vae', 'chromium'] : ['torch']),
    headings: ['## Side by side with PyTorch'],
    lines: ({ torch, browser, node }) => {
      const torchBest = torch ? Math.max(...Object.values(torch.samplesPerSecond)) : NaN
      // The five products timed in PyTorch beside them at one core's measured SIMD peak.
      const peakProductsMs = VAE_PRODUCT_FLOP / (node?.simdPeak?.gflops ?? NaN) / 1e6
      const products =
        torch?.productsMs && Number.isFinite(peakProductsMs)
          ? {
              torchMs: torch.productsMs,
              torchGflops: VAE_PRODUCT_FLOP / torch.productsMs / 1e6,
              peakMs: peakProductsMs,
            }
          : undefined
      /** Samples/s a step would reach if it took `ms` (batch 128). */
      const stepRate = (ms) => (128 * 1000) / ms
      /** Two table cells: the ratio to PyTorch with one thread, and to PyTorch's best thread count. */
      const ratio = (value) =>
        torch
          ? `${fmt(value / torch.samplesPerSecond['1'], 2)}× | ${fmt(value / torchBest, 2)}×`
          : 'n/a | n/a'
      return [
        '## Side by side with PyTorch on the CPU (reference VAE, batch 128, 28×28 sprites)',
        '',
        ...(torch
          ? [
              `PyTorch ${torch.torch} with ${torch.blas} BLAS, median of 3 runs, one process per set-up (OpenMP's and the BLAS's threads as its row says; OpenMP's sleep while they wait), ${referenceHeapLabel('kept')}: the ratios' reference. On this machine glibc's defaults make PyTorch pay page faults every step (it gives the top of its heap back and takes it again), at a price that swings with the host; ${torch.asInstalled ? 'the rows “as installed” show PyTorch so.' : 'a full run also shows PyTorch so (“as installed”).'}`,
              '',
              '| path | samples/s | ratio to PyTorch, 1 thread | ratio to PyTorch’s best |',
              '|---|---|---|---|',
              ...Object.entries(torch.samplesPerSecond).map(
                ([threads, value]) =>
                  `| PyTorch, ${torchSetupLabel(threads)} | ${fmt(value)} | ${ratio(value)} |`,
              ),
              ...Object.entries(torch.asInstalled ?? {}).map(
                ([threads, value]) =>
                  `| PyTorch as installed (${referenceHeapLabel('default')}), ${torchSetupLabel(threads)} | ${fmt(value)} | ${ratio(value)} |`,
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
                  `| latentkit fused step alone in Node, ${r.build} build, ${r.threads ?? 1} kernel thread(s)${r.threads === 2 ? (r.spin === false ? ', threads sleep at once' : ', adaptive spin') : ''} | ${fmt(r.samplesPerSecond)} | ${ratio(r.samplesPerSecond)} |`,
              ),
              `| ceiling of TF.js: the step's five 128×784×400 matrix products alone, TF.js WASM (XNNPACK), ${fmt(node.gemmFloor.milliseconds, 1)} ms | ${fmt(node.gemmFloor.samplesPerSecondBound)} | ${ratio(node.gemmFloor.samplesPerSecondBound)} |`,
              ...node.kernelGemm.map(
                (r) =>
                  `| the same five products with latentkit's gemm, ${r.build} build, ${r.threads ?? 1} thread(s), ${fmt(r.milliseconds, 1)} ms | ${fmt(r.samplesPerSecondBound)} | ${ratio(r.samplesPerSecondBound)} |`,
              ),
              ...(products
                ? [
                    `| the same five products in PyTorch (${torch.blas}), 1 thread, ${fmt(products.torchMs, 1)} ms | ${fmt(stepRate(products.torchMs))} | ${ratio(stepRate(products.torchMs))} |`,
                    `| the same five products at one core's measured 128-bit SIMD peak (${fmt(node.simdPeak.gflops, 1)} GFLOP/s), ${fmt(products.peakMs, 1)} ms | ${fmt(stepRate(products.peakMs))} | ${ratio(stepRate(products.peakMs))} |`,
                  ]
                : []),
              '',
              ...(products
                ? [
                    `The bound: PyTorch's BLAS does the five products on one thread at ${fmt(products.torchGflops, 1)} GFLOP/s, ${fmt(products.torchGflops / node.simdPeak.gflops, 2)}× one core's 128-bit WebAssembly SIMD peak measured here (it uses the CPU's wider vectors, which WebAssembly cannot). At that peak the products alone take ${fmt(products.peakMs, 1)} ms a step, so no one-thread WebAssembly step of this model can pass the peak row's ratio, and two threads no more than twice it.`,
                    '',
                  ]
                : []),
              "Target: latentkit's CPU path ≥ 0.5× PyTorch with 1 thread. The ceiling rows time only the matrix products every step of this model needs, with nothing else: TF.js's WASM kernels (XNNPACK, 128-bit SIMD without fused multiply-add, one thread: TF.js enables WASM threads only in cross-origin-isolated pages, and not in Node) cannot train this model faster than their row, which is why latentkit trains it with its own kernels.",
            ]
          : ['No python3 with torch here (Debian: `apt-get install python3-torch`); skipped.']),
        '',
      ]
    },
  },
  {
    part: 'torch',
    uses: ['torch', 'chromium'],
    headings: ['## Convolutional models beside PyTorch'],
    lines: ({ convSteps, browserConv }) => {
      const { kernelBuild, torch, torchTwoThreads, load, rows } = convSteps
      const fused = `latentkit's fused kernels (${kernelBuild} build; the default on WASM)`
      const names = {
        ganStep: 'conv GAN (16 filters, noise 32): D step + G step, TF.js operations',
        ganFusedStep: `conv GAN: D step + G step, ${fused}`,
        infoganStep:
          'conv InfoGAN (the same, a four-way and four continuous codes, Q beside the logit): D step + G step, TF.js operations',
        infoganFusedStep: `conv InfoGAN: D step + G step, ${fused}`,
        autoencoderStep: 'conv autoencoder (code 32), TF.js operations',
        autoencoderFusedStep: `conv autoencoder, ${fused}`,
        autoencoderFusedTwoThreadStep:
          'conv autoencoder, fused kernels on two threads (`kernelThreads: 2`, a worker thread as the helper)',
      }
      const ms = (t) => (t === undefined ? 'n/a' : `${fmt(t.wallMs, 1)} (${fmt(t.cpuMs, 1)})`)
      const ratio = (r) =>
        Number.isFinite(r.median)
          ? `**${fmt(r.median, 2)}×** (${fmt(r.min, 2)}–${fmt(r.max, 2)})`
          : 'n/a'
      const first = rows[0]?.times
      return [
        '## Convolutional models beside PyTorch (default models, 28×28 sprites, batch 64, one step)',
        '',
        `latentkit: the engine's step in Node on the ${convSteps.backend} backend — as TF.js operations (passes, Adam, one read-back), or in latentkit's fused kernels where a row says so. ${
          typeof torch === 'string'
            ? `PyTorch: ${torch}; skipped.`
            : `PyTorch ${torch.torch} with ${torch.blas} BLAS, the same layers (bench/torch_dcgan.py), a persistent process per thread count, ${referenceHeapLabel('kept')} (two threads: ${torchTwoThreads}); in a full run also one thread as installed (${referenceHeapLabel('default')}), beside the fused steps.`
        } Each row interleaves latentkit's steps with PyTorch's in ${first?.rounds ?? '?'} rounds of ${first?.stepsPerRound ?? '?'} steps, each right after ${first?.warmSteps ?? '?'} untimed steps on the same side (after one warm-up round; the order alternates per round), so the machine's drift hits both sides: times are the median per step over rounds, wall clock (CPU time, all threads, in brackets); the ratio is PyTorch's one-thread time over latentkit's, the median of the per-round ratios (their range in brackets). Load average before / after: ${fmt(load[0], 1)} / ${fmt(load[1], 1)} on ${convSteps.cores} cores; on a loaded machine wall times swing several-fold within a run (CPU times less), so read the per-round ratios and their range.`,
        '',
        '| model | latentkit ms/step, wall (CPU) | PyTorch 1 thread, wall (CPU) | PyTorch 2 threads, wall (CPU) | PyTorch 1 thread as installed, wall (CPU) | speed / PyTorch 1 thread, wall | same, CPU time |',
        '|---|---|---|---|---|---|---|',
        ...rows.map(({ key, times, torchSides }) => {
          const at = (threads, heap) => {
            const i = torchSides.findIndex((s) => s.threads === threads && s.heap === heap)
            return i < 0 ? undefined : times.theirs[i]
          }
          return `| ${names[key]} | ${ms(times.ours)} | ${ms(at(1, 'kept'))} | ${ms(at(2, 'kept'))} | ${ms(at(1, 'default'))} | ${ratio(times.wallRatio)} | ${ratio(times.cpuRatio)} |`
        }),
        ...chromiumConvRows(browserConv, fmt),
        '',
        ...chromiumConvNote(browserConv, fmt),
        'Target (issue 19): ≥ 1.0× PyTorch with one thread on every fused step.',
        '',
      ]
    },
  },
  {
    part: 'sparse',
    uses: ['sparse', 'chromium', 'sklearn'],
    headings: ['## Sparse coding'],
    lines: ({ sparse, browserSparse, sklearn }) => [
      '## Sparse coding: lasso codes for 1,024 patches × 64 values × 128 atoms, λ 0.5, tolerance 1e-4',
      '',
      "Patches: 1,024 contrast-normalised digits; atoms: 128 other digits, normalised (how learning starts). Tolerance: coordinate descent stops each patch when, after a full sweep, the duality gap is ≤ 1e-4·‖x‖² (scikit-learn's `lasso_cd` criterion); FISTA when the code changes by ≤ 1e-4 of its norm in one iteration. Objective: mean ½‖x − Dᵀa‖² + λ‖a‖₁ per patch, computed in float64 for every solver. The solver option `'auto'` picks coordinate descent on CPU and WASM, FISTA on WebGL and WebGPU. WebGL and WebGPU here are SwiftShader (software); `auto` skips them.",
      '',
      '| solver | codes/s | iterations (slowest / mean patch) | objective | objective / scikit-learn | time / scikit-learn |',
      '|---|---|---|---|---|---|',
      ...[
        ...sparse.coding.map((r) => ({
          ...r,
          where: `latentkit engine in Node, ${r.backend}, ${r.solver ?? 'fista'}`,
        })),
        ...browserSparse.coding.map((r) => ({
          ...r,
          where: `latentkit engine in Chromium, ${r.backend}, ${r.solver ?? 'fista'}`,
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
    ],
  },
  {
    part: 'gan',
    uses: ['gan'],
    headings: ['## Anomaly detection'],
    lines: ({ anomaly }) => [
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
    ],
  },
  ...[
    ['pca', '## PCA on the digits'],
    ['kmeans', '## k-means on the digits'],
    ['dec', '## DEC on the digits'],
    ['decstep', '## DEC and IDEC refinement step'],
    ['rbm', '## RBM on the digits'],
    ['autoregressive', '## Autoregressive model (MADE)'],
    ['disentanglement', '## Disentanglement on the sprites'],
    ['probe', '## Linear probe:'],
    ['probefit', '## Linear probe fits'],
    ['contrastive', '## Contrastive learning on the digits'],
    ['report', '## Few-labels report on the digits'],
    ['report-sprites', '## Few-labels report on the sprites'],
    ['stacked', '## Stacked autoencoders on the digits'],
    ['pretext', '## Pretext tasks on the digits'],
    ['hashing', '## Semantic hashing on the digits'],
  ].map(([part, heading]) => ({
    part,
    uses: [part],
    headings: [heading],
    lines: () => [...ownSections[part], ...(part === 'probe' ? [] : [''])],
  })),
  {
    part: 'files',
    uses: ['files'],
    headings: ['## Saving, loading and presets'],
    lines: ({ files }) => [
      '## Saving, loading and presets (Chromium, WASM)',
      '',
      `Mount → first painted \`SampleGrid\` of a hook started with \`preset\`; median of ${files.presets[0]?.runs.length ?? 0} cold and ${files.presets[0]?.warmRuns?.length ?? 0} warm runs. Workers: *static folder*, the built dist/static-worker/ (everything bundled and minified, split at its dynamic imports, as an app that copies it by hand serves it, the WASM binaries and presets beside it); *app-bundled*, the package's module worker (dist/latentkit.worker.js, the default) as an app's bundler emits it (minified, split at dynamic imports: the backends not chosen are never fetched); *dev server*, unbundled modules (slower), when the package was not built. Cold: a new worker (its script, the WASM backend, the preset fetched, restored, sampled, drawn). Warm: the page already runs the worker (another model keeps it). Target: ≤ 300 ms on WASM.`,
      '',
      '| preset | worker | cold (ms) | runs | warm (ms) | runs | target (cold / warm) |',
      '|---|---|---|---|---|---|---|',
      ...files.presets.map(
        (row) =>
          `| ${row.family}/${row.preset} | ${row.worker ?? files.worker} | ${fmt(row.firstGridMs)} | ${row.runs.map((r) => fmt(r)).join(' / ')} | ${fmt(row.warmFirstGridMs)} | ${(row.warmRuns ?? []).map((r) => fmt(r)).join(' / ')} | ${row.firstGridMs <= 300 ? 'met' : '**not met**'} / ${row.warmFirstGridMs <= 300 ? 'met' : '**not met**'} |`,
      ),
      '',
      `Where a cold start goes (the static worker driven directly, digits VAE preset; medians): the worker's script ${fmt(files.stages.script)} ms, the WASM backend ${fmt(files.stages.backend)} ms, the preset fetched and checked ${fmt(files.stages.preset)} ms, the model restored ${fmt(files.stages.model)} ms, 8 samples ${fmt(files.stages.sample)} ms.${files.floor ? ` The floor under the first two: a worker with only Comlink, TF.js core and its WASM backend (no latentkit; bundled and minified the same way) answers in ${fmt(files.floor.script)} ms and starts WASM in ${fmt(files.floor.backend)} ms.` : ''}`,
      '',
      'Shipped preset files (target: ≤ 200 KB gzip each):',
      '',
      '| file | bytes | gzip | target |',
      '|---|---|---|---|',
      ...files.files.map(
        (f) =>
          `| ${f.file} | ${kb(f.bytes)} | ${kb(f.gzip)} | ${f.gzip <= 200 * 1024 ? 'met' : '**not met**'} |`,
      ),
      '',
      `Reference VAE (784-400-20; ${kb(files.referenceVAE.weightBytes)} of weights and training state, a ${kb(files.referenceVAE.fileBytes)} file), median of ${files.referenceVAE.runs} runs through the worker:`,
      '',
      '| save to IndexedDB | load from IndexedDB | exportModel (one file) | importModel |',
      '|---|---|---|---|',
      `| ${ms(files.referenceVAE.saveMs)} ms | ${ms(files.referenceVAE.loadMs)} ms | ${ms(files.referenceVAE.exportMs)} ms | ${ms(files.referenceVAE.importMs)} ms |`,
      '',
    ],
  },
  {
    part: 'scatter',
    uses: ['scatter'],
    headings: ['## LatentScatter in Chromium'],
    lines: ({ scatter }) => [
      `## LatentScatter in Chromium (${scatter.points.toLocaleString('en')} points, ${scatter.width}×${scatter.height} canvas)`,
      '',
      'One pointer move per frame. Work: main-thread time of each move, its handlers (hit-test, React update) and the animation-frame callbacks of its frame (the draw of every point). Frame: the interval between animation frames (the display runs at 60 Hz: 16.7 ms, measured with ±0.2 ms of clock jitter); late: frames more than 25 ms after the one before. Target: frame p95 ≤ 16.7 ms, i.e. every move drawn at display rate — met when the p95 interval is one display frame (< 17.5 ms) and the work p95 fits in it.',
      '',
      '| interaction | moves | work p50 (ms) | work p95 (ms) | frame p50 (ms) | frame p95 (ms) | late frames | target |',
      '|---|---|---|---|---|---|---|---|',
      ...[
        ['panning (drag)', scatter.pan],
        [`hovering (tooltip on ${scatter.hover.framesWithTooltip} frames)`, scatter.hover],
      ].map(
        ([label, f]) =>
          `| ${label} | ${f.moves} | ${ms(f.workP50)} | ${ms(f.workP95)} | ${ms(f.frameP50)} | ${ms(f.frameP95)} | ${f.late} | ${f.frameP95 < 17.5 && f.workP95 <= 16.7 ? 'met' : '**not met**'} |`,
      ),
      '',
      'Projection in the worker (WASM backend; PCA through the PCA family, UMAP loaded on first use). Longest silence: the longest wait for word from the worker (progress or result); it sends progress whenever it yields to its event loop (at most 10 reports a second), so this bounds its longest synchronous stretch from above (its supervisor restarts a worker silent for 30 s):',
      '',
      '| method | codes | seconds | of which neighbours and graph (s) | first progress (ms) | longest silence (ms) | epochs |',
      '|---|---|---|---|---|---|---|',
      ...scatter.projections.map(
        (p) =>
          `| ${p.method.toUpperCase()} | ${p.rows.toLocaleString('en')} × ${p.codeSize} | ${fmt(p.seconds, 2)} | ${fmt(p.neighboursSeconds, 2)} | ${ms(p.firstProgressMs)} | ${ms(p.longestGapMs)} | ${p.epochs} |`,
      ),
      '',
    ],
  },
  {
    part: 'soak',
    uses: ['soak'],
    headings: ['## Soak in Chromium'],
    lines: () => [...ownSections.soak, ''],
  },
]
const title = (quickRun, what = '') =>
  `# latentkit benchmark${what}${quickRun ? ' (quick mode: few steps, rough figures)' : ''}`
const headerLines = () => [
  title(quick),
  '',
  `${started.toISOString()} · Node ${process.version} · ${process.platform}/${process.arch}`,
  '',
]
/** The part timings' section (partSeconds entries marked `only` were run by a later `--only`). */
const timingLines = (seconds) => [
  `## This run: ${fmt(seconds.reduce((sum, p) => sum + (p.within ? 0 : p.seconds), 0) / 60, 1)} minutes`,
  '',
  `Seconds: wall clock. CPU seconds: user + system time of the bench process and the processes it started (Python, Vitest, Chromium), all cores together (the processes of Chromium sampled from /proc twice a second: a lower bound). On a machine shared with other work the wall clock grows several times over, the CPU seconds by a fraction (cache and core contention). Parts marked *side by side* ran two at a time, each in a Node process of its own, and those marked *in one session* one after the other in one Vitest session: the rows “${SIDE_BY_SIDE_PART}” and “${SESSION_PART}” hold them (the minutes count those, not them); their seconds are their own (for the browser parts, their files’ time in Chromium; the session’s start-up is the rest of its row).`,
  '',
  '| part | seconds | CPU seconds |',
  '|---|---|---|',
  ...seconds.map(
    (p) =>
      `| ${p.within ? `*${p.within}:* ` : ''}${p.part}${p.only ? ` (${p.only})` : ''} | ${fmt(p.seconds)} | ${p.cpuSeconds === undefined ? 'n/a' : fmt(p.cpuSeconds)} |`,
  ),
  '',
]

if (!only) {
  const markdown = [
    ...headerLines(),
    ...BLOCKS.flatMap((block) => block.lines(ran)),
    ...timingLines(partSeconds),
  ].join('\n')
  mkdirSync('bench', { recursive: true })
  writeFileSync('bench/report.md', markdown)
  writeFileSync(
    'bench/report.json',
    JSON.stringify(
      {
        started,
        quick,
        ...Object.fromEntries(
          runs.flatMap((part) => PART_KEYS[part].map((key) => [key, ran[key]])),
        ),
        partSeconds,
      },
      null,
      2,
    ),
  )
  console.log(markdown)
  process.exit(0)
}

// --only: the sections whose figures changed are written again, the others kept from report.md.
const data = { ...previousJson, ...ran }
const usesOf = (block) => (typeof block.uses === 'function' ? block.uses(data) : block.uses)
const rewritten = BLOCKS.filter((block) => {
  const uses = usesOf(block)
  const fresh = uses.filter((part) => toRun.has(part))
  if (fresh.length === 0) return false
  const missing = uses.filter((part) => !toRun.has(part) && !inPrevious(part))
  const what = block.headings.map((heading) => `"${heading.slice(3)}…"`).join(', ')
  if (missing.length > 0) {
    console.error(
      `bench: not rewriting ${what}: it also shows ${missing.join(', ')} figures, neither run nor in bench/report.json`,
    )
    return false
  }
  if (!toRun.has(block.part))
    console.error(
      `bench: rewriting ${what} (${block.part}) with the new ${fresh.join(', ')} figures, its other figures from bench/report.json`,
    )
  return true
})
const RERUNS_PREFIX = 'Parts run again since, with `--only`:'
const reruns = [...(previousJson?.reruns ?? []), { started, quick, parts: runs }]
/** Splits report.md into its preamble and `## ` sections, each ending with one newline. */
const chunks = (text) => text.split(/\n(?=## )/).map((chunk) => chunk.replace(/\n*$/, '\n'))
const previousMd = existsSync('bench/report.md')
  ? readFileSync('bench/report.md', 'utf8')
  : undefined
const [previousPreamble, ...previousSections] = previousMd ? chunks(previousMd) : [undefined]
const TIMING_HEADING = '## This run'
/** Index in BLOCKS of the block a section belongs to; BLOCKS.length for the timings, -1 if unknown. */
const ownerOf = (section) =>
  section.startsWith(TIMING_HEADING)
    ? BLOCKS.length
    : BLOCKS.findIndex((block) => block.headings.some((heading) => section.startsWith(heading)))
let sections = previousSections
const written = []
for (const block of rewritten) {
  const index = BLOCKS.indexOf(block)
  const fresh = chunks(block.lines(data).join('\n'))
  written.push(...fresh)
  const at = sections.findIndex((section) => ownerOf(section) === index)
  const kept = sections.filter((section) => ownerOf(section) !== index)
  let insert = at >= 0 ? at : kept.findIndex((section) => ownerOf(section) > index)
  if (insert < 0) insert = kept.length
  sections = [...kept.slice(0, insert), ...fresh, ...kept.slice(insert)]
}
const order = Object.values(PARTS)
/** A row's place in the times table: a row holding others just before the first of them. */
const rank = (entry) =>
  entry.part === SIDE_BY_SIDE_PART
    ? order.indexOf(PARTS.gan) - 0.5
    : entry.part === SESSION_PART
      ? order.indexOf(PARTS.chromium) - 0.5
      : entry.part === CONTRASTIVE_DRAWS_PART
        ? order.indexOf(PARTS.contrastive) - 0.5
        : order.includes(entry.part)
          ? order.indexOf(entry.part)
          : order.length
const thisRun = partSeconds.map((entry) => ({
  ...entry,
  only: `--only${quick ? ' --quick' : ''}, ${started.toISOString()}`,
}))
const mergedSeconds = [
  ...(previousJson?.partSeconds ?? []).filter((p) => !thisRun.some((q) => q.part === p.part)),
  ...thisRun,
].sort((a, b) => rank(a) - rank(b))
const timing = chunks(timingLines(mergedSeconds).join('\n'))
const timingAt = sections.findIndex((section) => section.startsWith(TIMING_HEADING))
if (timingAt >= 0) sections[timingAt] = timing[0]
else sections.push(timing[0])
const preamble = previousPreamble
  ? `${previousPreamble
      .split('\n\n')
      .filter((paragraph) => !paragraph.startsWith(RERUNS_PREFIX))
      .join('\n\n')
      .replace(/\n*$/, '\n')}\n${RERUNS_PREFIX} ${reruns
      .map(
        (r) =>
          `${r.parts.join(', ')}${r.quick ? ' (quick)' : ''} at ${new Date(r.started).toISOString()}`,
      )
      .join('; ')}.\n`
  : headerLines()
      .join('\n')
      .replace(title(quick), title(quick, ` (only ${runs.join(', ')})`))
mkdirSync('bench', { recursive: true })
writeFileSync('bench/report.md', [preamble, ...sections].join('\n'))
writeFileSync(
  'bench/report.json',
  JSON.stringify(
    {
      ...(previousJson ?? { started, quick }),
      ...ran,
      partSeconds: mergedSeconds,
      reruns,
    },
    null,
    2,
  ),
)
console.log(written.join('\n'))
console.error(
  `bench: wrote ${written.length} section(s) of bench/report.md and the keys ${runs
    .flatMap((part) => PART_KEYS[part])
    .join(', ')} of bench/report.json${previousMd || previousJson ? '; the rest is kept' : ''}`,
)
