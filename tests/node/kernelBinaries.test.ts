// The kernels' four generated builds and how the worker loads them: only the one build it runs,
// chosen by feature detection first, with clean fallbacks when a build does not load.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  hasRelaxedSimd,
  loadKernelSource,
  RELAXED_SIMD_PROBE,
  type KernelBuild,
} from '../../src/core/kernels/kernelSources'
import {
  chooseKernels,
  compileKernelBuild,
  compileKernels,
  type KernelLoading,
} from '../../src/core/kernels/wasmKernels'
// @ts-expect-error: a plain .mjs build script without types.
import * as script from '../../scripts/build-kernels.mjs'

interface BuildModule {
  readonly file: string
  readonly name: string
  readonly relaxed: boolean
  readonly shared: boolean
}
const { BUILDS, kernelModuleSource } = script as {
  BUILDS: readonly BuildModule[]
  kernelModuleSource(build: BuildModule): Promise<string>
}

/** The base64 in a generated module. */
const base64Of = (file: string): string =>
  /'([A-Za-z0-9+/=]+)'/.exec(readFileSync(file, 'utf8'))![1]!

afterEach(() => vi.restoreAllMocks())

test('the committed kernel binaries are the ones assembly/kernels.ts compiles to: four modules, one build each', async () => {
  expect(BUILDS.map((build) => [build.relaxed, build.shared])).toEqual([
    [true, false],
    [false, false],
    [true, true],
    [false, true],
  ])
  for (const build of BUILDS) {
    expect(readFileSync(build.file, 'utf8') === (await kernelModuleSource(build)), build.file).toBe(
      true,
    )
  }
}, 120_000)

test('loadKernelSource imports the module of the build asked for', async () => {
  for (const build of BUILDS) {
    const source = await loadKernelSource(build.relaxed ? 'relaxed-simd' : 'simd', build.shared)
    expect(source === base64Of(build.file), build.file).toBe(true)
  }
})

test('the relaxed-SIMD probe validates exactly where the relaxed build does: here (flag on) and in a Node without the flag', () => {
  const relaxed = Buffer.from(base64Of(BUILDS[0]!.file), 'base64')
  const plain = Buffer.from(base64Of(BUILDS[1]!.file), 'base64')
  expect(hasRelaxedSimd()).toBe(true)
  expect(WebAssembly.validate(relaxed)).toBe(true)
  const child = `
    const [probe, relaxed, plain] = JSON.parse(process.argv[1]).map((b) => Buffer.from(b, 'base64'))
    console.log(JSON.stringify([probe, relaxed, plain].map((bytes) => WebAssembly.validate(bytes))))
  `
  const args = JSON.stringify(
    [Buffer.from(RELAXED_SIMD_PROBE), relaxed, plain].map((b) => b.toString('base64')),
  )
  const run = spawnSync(process.execPath, ['-e', child, args], { encoding: 'utf8' })
  // Node 20's V8 has relaxed SIMD only behind --experimental-wasm-relaxed-simd.
  expect(JSON.parse(run.stdout)).toEqual([false, false, true])
})

/** Loading that records which builds were imported and what was reported. */
function recorded(
  relaxedSimd: boolean,
  refuse: readonly KernelBuild[] = [],
): { loading: KernelLoading; loads: string[]; reports: string[] } {
  const loads: string[] = []
  const reports: string[] = []
  return {
    loads,
    reports,
    loading: {
      relaxedSimd: () => relaxedSimd,
      load: (build, shared) => {
        loads.push(`${build}${shared ? ' shared' : ''}`)
        return refuse.includes(build)
          ? Promise.reject(new TypeError(`Failed to fetch dynamically imported module ${build}`))
          : loadKernelSource(build, shared)
      },
      report: (reason) => reports.push(reason),
    },
  }
}

describe('chooseKernels', () => {
  test('with relaxed SIMD, imports the relaxed build alone', async () => {
    const { loading, loads, reports } = recorded(true)
    expect((await chooseKernels(loading))?.build).toBe('relaxed-simd')
    expect(loads).toEqual(['relaxed-simd'])
    expect(reports).toEqual([])
  })

  test('without relaxed SIMD, imports the plain build alone (the relaxed one is never fetched)', async () => {
    const { loading, loads, reports } = recorded(false)
    const compiled = await chooseKernels(loading)
    expect(compiled).toMatchObject({ build: 'simd', shared: false })
    expect(loads).toEqual(['simd'])
    expect(reports).toEqual([])
  })

  test('a relaxed build that does not load falls back to the plain one, and says so', async () => {
    const { loading, loads, reports } = recorded(true, ['relaxed-simd'])
    expect((await chooseKernels(loading))?.build).toBe('simd')
    expect(loads).toEqual(['relaxed-simd', 'simd'])
    expect(reports).toEqual([
      expect.stringMatching(
        /^the relaxed-SIMD kernels could not be loaded \(TypeError: Failed to fetch dynamically imported module relaxed-simd\); the plain-SIMD kernels run instead$/,
      ),
    ])
  })

  test('no build loading gives undefined (TF.js operations), says why, and never rejects', async () => {
    const { loading, reports } = recorded(true, ['relaxed-simd', 'simd'])
    await expect(chooseKernels(loading)).resolves.toBeUndefined()
    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatch(
      /relaxed-SIMD kernels could not be loaded .*; the plain-SIMD kernels could not be loaded .*; training runs as TF\.js operations$/,
    )
  })

  test('a build the engine refuses to compile (a Content-Security-Policy) falls back to the next', async () => {
    vi.spyOn(WebAssembly, 'compile').mockImplementationOnce(() =>
      Promise.reject(new WebAssembly.CompileError('refused by the page')),
    )
    const { loading, reports } = recorded(true)
    expect((await chooseKernels(loading))?.build).toBe('simd')
    expect(reports[0]).toMatch(
      /relaxed-SIMD kernels could not be compiled \(CompileError: refused by the page\); the plain-SIMD/,
    )
  })
})

test('compileKernelBuild imports only the module of the build asked for; a failed import is undefined, not a rejection', async () => {
  const loads: string[] = []
  const load = (build: KernelBuild, shared: boolean) => {
    loads.push(`${build}${shared ? ' shared' : ''}`)
    return loadKernelSource(build, shared)
  }
  expect(await compileKernelBuild('simd', true, load)).toMatchObject({
    build: 'simd',
    shared: true,
  })
  expect(loads).toEqual(['simd shared'])
  const refused = () => Promise.reject(new Error('offline'))
  await expect(compileKernelBuild('relaxed-simd', false, refused)).resolves.toBeUndefined()
})

test('models starting at once share one choice: compileKernels is one promise per worker', async () => {
  const [first, second] = await Promise.all([compileKernels(), compileKernels()])
  expect(compileKernels()).toBe(compileKernels())
  expect(first).toBe(second)
  expect(first?.build).toBe('relaxed-simd')
})
