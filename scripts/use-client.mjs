// After `tsup`: put React's 'use client' directive back on the built main entry (esbuild drops
// module directives when it bundles). On the first line, so the source map's lines still match.
// The other entries stay server-safe: latentkit/core, latentkit/data, latentkit/worker.
import { readFileSync, writeFileSync } from 'node:fs'

const file = 'dist/index.js'
const code = readFileSync(file, 'utf8')
if (!code.startsWith("'use client';")) writeFileSync(file, `'use client';${code}`)
