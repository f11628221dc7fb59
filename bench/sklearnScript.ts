/**
 * What the Node benches that compare with scikit-learn share: a TF.js backend in Node (WASM, else
 * CPU), and one run of a `bench/*.py` script on one thread, its JSON reply or why there is none.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { referenceEnv } from './referenceEnv'

/** Starts TF.js's WASM backend, else its CPU one; returns the name of the one running. */
export async function pickNodeBackend(): Promise<string> {
  for (const backend of ['wasm', 'cpu']) {
    try {
      if ((await tf.setBackend(backend)) !== false) {
        await tf.ready()
        return backend
      }
    } catch {
      // next one
    }
  }
  throw new Error('neither the wasm nor the cpu backend of TF.js started')
}

/**
 * Runs `bench/<script>` (from the repository's root, as `npm run bench` does) with Debian's python3
 * on one thread, with the arguments `args(folder)` gives for a temporary folder the caller writes
 * its inputs into (removed afterwards). Resolves with the script's JSON reply, or a sentence saying
 * why there is none (scikit-learn not installed, or the script's last error line).
 */
export function runSklearnScript<Reply>(
  script: string,
  prefix: string,
  args: (folder: string) => readonly string[],
): Reply | string {
  const folder = mkdtempSync(join(tmpdir(), prefix))
  try {
    const run = spawnSync('/usr/bin/python3', [join('bench', script), ...args(folder)], {
      encoding: 'utf8',
      env: referenceEnv(1),
    })
    if (run.status !== 0) {
      return /No module named 'sklearn'|ENOENT/.test(`${run.stderr}${String(run.error ?? '')}`)
        ? 'not here (Debian: `apt-get install python3-sklearn`)'
        : `failed: ${(run.stderr || String(run.error)).trim().split('\n').at(-1)}`
    }
    return JSON.parse(run.stdout) as Reply
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
