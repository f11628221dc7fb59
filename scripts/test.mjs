// `npm test`: type-check, lint, build, then every test (Node, SSR, build, real Chromium) in one run.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright'
import { CHROMIUM_HELP, chromiumPath } from './chromium.mjs'

function run(title, command, args) {
  console.log(`\n▶ ${title}`)
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env })
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`)
    process.exit(result.status ?? 1)
  }
}

const browser = chromiumPath()
if (!browser && !existsSync(chromium.executablePath())) {
  console.error(CHROMIUM_HELP)
  process.exit(1)
}

run('type-check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])
run('lint', 'npx', ['eslint', '.'])
run('format', 'npx', ['prettier', '--check', '.'])
run('build', 'npm', ['run', 'build', '--silent'])

const report = join(mkdtempSync(join(tmpdir(), 'latentkit-test-')), 'report.json')
console.log('\n▶ tests (node, ssr, build, browser)')
const tests = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  { stdio: 'inherit', env: process.env },
)
if (existsSync(report)) {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(
    readFileSync(report, 'utf8'),
  )
  console.log(`\n${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`)
}
process.exit(tests.status ?? 1)
