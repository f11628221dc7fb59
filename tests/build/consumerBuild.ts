import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build, type Rollup } from 'vite'

export interface ConsumerBuild {
  readonly outDir: string
  readonly chunks: readonly Rollup.OutputChunk[]
  readonly assets: readonly Rollup.OutputAsset[]
  readonly entry: Rollup.OutputChunk
}

/** Builds tests/build/fixture (a Vite app importing `latentkit` from dist/) and returns its output. */
export async function buildConsumerApp(outDir: string, minify = true): Promise<ConsumerBuild> {
  const root = fileURLToPath(new URL('./fixture', import.meta.url))
  const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url))
  const result = await build({
    root,
    logLevel: 'silent',
    configFile: false,
    resolve: { alias: { latentkit: dist } },
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, minify, write: true, sourcemap: false },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[]
  const items = outputs.flatMap((o) => o.output)
  const chunks = items.filter((o): o is Rollup.OutputChunk => o.type === 'chunk')
  const assets = items.filter((o): o is Rollup.OutputAsset => o.type === 'asset')
  const entry = chunks.find((c) => c.isEntry)
  if (!entry) throw new Error('no entry chunk')
  return { outDir, chunks, assets, entry }
}

/** Gzipped size in bytes. */
export function gzipSize(code: string | Uint8Array): number {
  return gzipSync(code, { level: 9 }).length
}
