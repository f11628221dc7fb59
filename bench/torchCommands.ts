/**
 * Vitest browser commands of the bench's Chromium session that run PyTorch beside a page: a page's
 * bench interleaves its steps with the reference's as the torch part does in Node
 * (bench/interleavedRounds.ts). One step server (bench/torch_dcgan.py, one thread, its heap kept)
 * on the torch part's sprites, started on the first command and closed by `torchClose` or when the
 * session ends. Runs in Vitest's Node process.
 */
import type { BrowserCommand } from 'vitest/node'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { convStepSprites } from './convStepSprites'
import { startTorchStepServer, type StepTime, type TorchStepServer } from './torchStepServer'

/** The models bench/torch_dcgan.py steps. */
export type TorchConvModel = 'dcgan' | 'infogan' | 'convAutoencoder'

/** What `torchStart` says: PyTorch's version and BLAS, or why it is not here. */
export type TorchStart = { readonly torch: string; readonly blas: string } | string

let started: Promise<{ server: TorchStepServer | string; folder: string }> | undefined

/** The step server, started on first use on the conv steps' sprites (convStepSprites.ts). */
function server(): Promise<{ server: TorchStepServer | string; folder: string }> {
  started ??= (async () => {
    const folder = mkdtempSync(join(tmpdir(), 'latentkit-torch-page-'))
    const rowsFile = join(folder, 'sprites.f32')
    writeFileSync(rowsFile, convStepSprites())
    const made = await startTorchStepServer('torch_dcgan.py', rowsFile, 1)
    process.once('exit', () => close(made, folder))
    return { server: made, folder }
  })()
  return started
}

function close(made: TorchStepServer | string, folder: string): void {
  if (typeof made === 'object') made.close()
  rmSync(folder, { recursive: true, force: true })
}

/** Starts PyTorch's step server (once) and says which PyTorch it runs, or why there is none. */
export const torchStart: BrowserCommand<[]> = async (): Promise<TorchStart> => {
  const made = (await server()).server
  return typeof made === 'string' ? made : { torch: made.info.torch, blas: made.info.blas }
}

/** Runs `steps` PyTorch steps of `model`; their time per step as PyTorch measured it. */
export const torchSteps: BrowserCommand<[model: TorchConvModel, steps: number]> = async (
  _context,
  model,
  steps,
): Promise<StepTime> => {
  const made = (await server()).server
  if (typeof made === 'string') throw new Error(`no PyTorch step server: ${made}`)
  return made.run(model, steps)
}

/** Ends PyTorch's step server, if one was started. */
export const torchClose: BrowserCommand<[]> = async (): Promise<void> => {
  const current = started
  started = undefined
  if (current) {
    const { server: made, folder } = await current
    close(made, folder)
  }
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** See {@link torchStart}. */
    torchStart: () => Promise<TorchStart>
    /** See {@link torchSteps}. */
    torchSteps: (model: TorchConvModel, steps: number) => Promise<StepTime>
    /** See {@link torchClose}. */
    torchClose: () => Promise<void>
  }
}
