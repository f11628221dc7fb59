'use client'
import { useCallback, useEffect, useRef, useState } from 'react'
import { fromWireError, type LatentkitError } from '../core/errors'
import type { SavedModelInfo } from '../core/family/modelFile'
import { readWithProgress } from './readWithProgress'
import { savedName, savedURL } from './modelFilesText'

/**
 * What {@link ModelFiles} needs from a model: any model hook's result fits (it uses the rejecting
 * `…Async` forms, so it can say what failed where it happened).
 */
export interface ModelFilesSource {
  /** The model's family (`'vae'`, …): saved models of other families are listed but not loadable. */
  readonly family: string
  /** Facts about the model; saving and downloading wait for `trainedSteps > 0`. */
  readonly model: { readonly trainedSteps: number } | undefined
  /** Saves the trained model at `url` (`indexeddb://name`). */
  saveAsync(url: string): Promise<SavedModelInfo>
  /** Replaces the model with the one saved at `url`. */
  loadAsync(url: string): Promise<unknown>
  /** The trained model as one file. */
  exportModelAsync(): Promise<File>
  /** Replaces the model with the one in `file`. */
  importModelAsync(file: Blob): Promise<unknown>
  /** Every latentkit model saved in this browser. */
  listSavedModelsAsync(): Promise<readonly SavedModelInfo[]>
  /** Removes the model saved at `url`. */
  removeSavedModelAsync(url: string): Promise<void>
}

/** What is running: its label, and the share done when known (reading a file). */
export interface ModelFilesTask {
  readonly label: string
  readonly fraction: number | undefined
}

/** The state and actions behind {@link ModelFiles}. */
export interface ModelFilesState {
  /** Saved models, newest first; `undefined` until listed. */
  readonly saved: readonly SavedModelInfo[] | undefined
  /** The task running, if any (one at a time). */
  readonly task: ModelFilesTask | undefined
  /** What the last task did, for a polite announcement. */
  readonly message: string
  /** Why the last task failed, with its code. */
  readonly error: LatentkitError | undefined
  save(name: string): void
  load(url: string): void
  download(): void
  importFile(file: File): void
  remove(url: string): void
}

/** Hands `file` to the browser as a download. */
function offerDownload(file: File): void {
  const href = URL.createObjectURL(file)
  const link = document.createElement('a')
  link.href = href
  link.download = file.name
  link.click()
  setTimeout(() => URL.revokeObjectURL(href), 1000)
}

/** The saved models of `source`'s browser and the tasks on them, one at a time. */
export function useModelFiles(source: ModelFilesSource): ModelFilesState {
  const [saved, setSaved] = useState<readonly SavedModelInfo[] | undefined>(undefined)
  const [task, setTask] = useState<ModelFilesTask | undefined>(undefined)
  const [message, setMessage] = useState('')
  const [error, setError] = useState<LatentkitError | undefined>(undefined)
  const latest = useRef(source)
  useEffect(() => {
    latest.current = source
  })
  const running = useRef(false)
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  const refresh = useCallback(async () => {
    const listed = await latest.current.listSavedModelsAsync()
    if (mounted.current) setSaved(listed)
  }, [])

  const run = useCallback(
    (label: string, work: (progress: (fraction: number) => void) => Promise<string>) => {
      if (running.current) return
      running.current = true
      setTask({ label, fraction: undefined })
      const progress = (fraction: number): void => {
        if (mounted.current) setTask({ label, fraction })
      }
      void work(progress)
        .then(
          (done) => {
            if (!mounted.current) return
            setError(undefined)
            setMessage(done)
          },
          (failure: unknown) => {
            if (!mounted.current) return
            setError(fromWireError(failure))
            setMessage('')
          },
        )
        .finally(() => {
          running.current = false
          if (mounted.current) setTask(undefined)
        })
    },
    [],
  )

  useEffect(() => {
    refresh().catch((failure: unknown) => {
      if (mounted.current) setError(fromWireError(failure))
    })
  }, [refresh])

  const save = useCallback(
    (name: string) =>
      run('Saving', async () => {
        await latest.current.saveAsync(savedURL(name))
        await refresh()
        return `Saved as “${name.trim()}” in this browser.`
      }),
    [run, refresh],
  )
  const load = useCallback(
    (url: string) =>
      run('Loading', async () => {
        await latest.current.loadAsync(url)
        return `Loaded “${savedName(url)}”.`
      }),
    [run],
  )
  const download = useCallback(
    () =>
      run('Preparing the file', async () => {
        const file = await latest.current.exportModelAsync()
        offerDownload(file)
        return `Downloading ${file.name}.`
      }),
    [run],
  )
  const importFile = useCallback(
    (file: File) =>
      run(`Reading ${file.name}`, async (progress) => {
        const read = await readWithProgress(file, progress)
        await latest.current.importModelAsync(read)
        return `Loaded ${file.name}.`
      }),
    [run],
  )
  const remove = useCallback(
    (url: string) =>
      run('Removing', async () => {
        await latest.current.removeSavedModelAsync(url)
        await refresh()
        return `Removed “${savedName(url)}”.`
      }),
    [run, refresh],
  )
  return { saved, task, message, error, save, load, download, importFile, remove }
}
