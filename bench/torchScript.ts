/**
 * One run of a `bench/torch_*.py` reference script with Debian's python3 on one thread (the script
 * also calls `torch.set_num_threads(1)`): its JSON reply, or a sentence saying why there is none.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { referenceEnv } from './referenceEnv'

/**
 * Runs `bench/<script>` (from the repository's root, as `npm run bench` does) with the arguments
 * `args(folder)` gives for a temporary folder the caller writes its inputs into (removed
 * afterwards). Resolves with the script's JSON reply, or why there is none (no torch here, or the
 * script's last error line).
 */
export function runTorchScript<Reply>(
  script: string,
  args: (folder: string) => readonly string[],
): Reply | string {
  const folder = mkdtempSync(join(tmpdir(), 'latentkit-torch-'))
  try {
    const run = spawnSync('/usr/bin/python3', [join('bench', script), ...args(folder)], {
      encoding: 'utf8',
      env: referenceEnv(1),
    })
    if (run.status !== 0) {
      return /No module named '(torch|numpy)'|ENOENT/.test(
        `${run.stderr}${String(run.error ?? '')}`,
      )
        ? 'no python3 with torch here (Debian: `apt-get install python3-torch`)'
        : `failed: ${(run.stderr || String(run.error)).trim().split('\n').at(-1)}`
    }
    return JSON.parse(run.stdout) as Reply
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
