/**
 * A persistent PyTorch process that runs steps of a reference model on command
 * (bench/torch_dcgan.py's step server), so that the bench interleaves them with latentkit's steps.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { referenceEnv, type ReferenceHeap } from './referenceEnv'

/** Mean milliseconds per step of one batch of steps: wall clock and CPU time (all threads). */
export interface StepTime {
  readonly wallMs: number
  readonly cpuMs: number
}

/** What the server says when it is ready. */
export interface TorchServerInfo {
  readonly torch: string
  readonly blas: string
  readonly threads: number
  /** How its heap was set up. */
  readonly heap: ReferenceHeap
}

/** One PyTorch step server on a fixed number of threads. */
export interface TorchStepServer {
  readonly info: TorchServerInfo
  /** Runs `steps` steps of `model` (its weights and optimiser kept between calls). */
  run(model: string, steps: number): Promise<StepTime>
  /** torch.autograd.profiler's per-operation table over `steps` steps of `model`. */
  profile(model: string, steps: number): Promise<string>
  /** Ends the process (its input closed). */
  close(): void
}

/**
 * Starts `bench/<script>` with Debian's python3 on `threads` threads (OpenMP and BLAS told so too),
 * its heap set up as `heap` says (kept by default: see referenceEnv), reading its images from
 * `rowsFile`. Resolves with the server, or with why there is none (no torch here, or the script's
 * last error line).
 */
export async function startTorchStepServer(
  script: string,
  rowsFile: string,
  threads: number,
  heap: ReferenceHeap = 'kept',
): Promise<TorchStepServer | string> {
  let child: ChildProcessWithoutNullStreams
  try {
    child = spawn('/usr/bin/python3', [join('bench', script), rowsFile, String(threads)], {
      env: referenceEnv(threads, heap),
    })
  } catch (error) {
    return `no python3 with torch here (${String(error)})`
  }
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const failure = (): string =>
    /No module named '(torch|numpy)'|ENOENT/.test(stderr)
      ? 'no python3 with torch here (Debian: `apt-get install python3-torch`)'
      : `failed: ${stderr.trim().split('\n').at(-1) ?? 'no reply'}`
  const exited = new Promise<undefined>((resolve) => {
    child.on('error', (error) => {
      stderr += String(error)
      resolve(undefined)
    })
    child.on('close', () => resolve(undefined))
  })
  const next = async (): Promise<string | undefined> => {
    const line = await Promise.race([lines.next(), exited])
    return line === undefined || line.done === true ? undefined : line.value
  }
  const first = await next()
  if (first === undefined) return failure()
  const info: TorchServerInfo = { ...(JSON.parse(first) as Omit<TorchServerInfo, 'heap'>), heap }
  const ask = async (command: object): Promise<Record<string, unknown>> => {
    child.stdin.write(`${JSON.stringify(command)}\n`)
    const reply = await next()
    if (reply === undefined) throw new Error(`the PyTorch step server ${failure()}`)
    return JSON.parse(reply) as Record<string, unknown>
  }
  return {
    info,
    run: async (model, steps) => (await ask({ model, steps })) as unknown as StepTime,
    profile: async (model, steps) => String((await ask({ profile: model, steps })).table),
    close: () => child.stdin.end(),
  }
}
