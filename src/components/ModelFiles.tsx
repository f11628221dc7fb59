'use client'
import {
  useId,
  useRef,
  useState,
  type CSSProperties,
  type DragEvent,
  type FormEvent,
  type HTMLAttributes,
  type KeyboardEvent,
} from 'react'
import { classNames, mergeStyle, VISUALLY_HIDDEN } from './composeProps'
import { MODEL_FILE_EXTENSION } from '../core/family/modelFile'
import { describeSaved, formatSaved, otherFamilyReason, savedName } from './modelFilesText'
import { splitHint } from './trainingStatusText'
import { useModelFiles, type ModelFilesSource } from './useModelFiles'

export type { ModelFilesSource } from './useModelFiles'

/** Props of {@link ModelFiles}. Other attributes pass through to the root `<section>`. */
export interface ModelFilesProps extends Omit<HTMLAttributes<HTMLElement>, 'children'> {
  /** The model (any model hook's result). */
  model: ModelFilesSource
  /** Name the save field starts with. Default `'<family>-model'`. */
  defaultName?: string
  /** Accessible name of the section. Default `'Model files'`. */
  label?: string
}

const ROOT_STYLE: CSSProperties = { display: 'grid', gap: 8, fontSize: 13 }
const ROW: CSSProperties = { display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap' }
const MUTED: CSSProperties = { margin: 0, color: 'var(--lk-muted-color, #6b7280)' }
const DROP_STYLE: CSSProperties = {
  border: '1px dashed var(--lk-border-color, #9ca3af)',
  borderRadius: 6,
  padding: '10px 12px',
  cursor: 'pointer',
}

/**
 * Keeping a model: save it in this browser (IndexedDB) under a name, download it as one file, load or
 * delete what was saved (every latentkit model of this origin is listed; other families' cannot be
 * loaded here and say so), and drop or choose a file to import, with progress for large files. What
 * fails is shown with its code and what to do; the model in the hook is kept. SSR-safe: the list is
 * read after mount.
 *
 * Theming: `--lk-border-color`, `--lk-drop-active-color`, `--lk-error-color`, `--lk-muted-color`.
 */
export function ModelFiles({
  model,
  defaultName,
  label = 'Model files',
  className,
  style,
  ...rest
}: ModelFilesProps) {
  const files = useModelFiles(model)
  const [name, setName] = useState(defaultName ?? `${model.family}-model`)
  const [dragging, setDragging] = useState(false)
  const picker = useRef<HTMLInputElement>(null)
  const nameId = useId()
  const trained = (model.model?.trainedSteps ?? 0) > 0
  const busy = files.task !== undefined
  const failure = files.error ? splitHint(files.error.message) : undefined

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (name.trim() !== '') files.save(name)
  }
  const take = (list: FileList | null | undefined) => {
    const file = list?.[0]
    if (file) files.importFile(file)
  }
  const drop = (event: DragEvent) => {
    event.preventDefault()
    setDragging(false)
    take(event.dataTransfer?.files)
  }
  const openPicker = (event: KeyboardEvent) => {
    if (event.key !== 'Enter' && event.key !== ' ') return
    event.preventDefault()
    picker.current?.click()
  }

  return (
    <section
      {...rest}
      aria-label={label}
      className={classNames('lk-model-files', busy && 'lk-model-files--busy', className)}
      style={mergeStyle(ROOT_STYLE, style)}
    >
      <form className="lk-model-files__save" style={ROW} onSubmit={submit}>
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          value={name}
          onChange={(event) => setName(event.target.value)}
          spellCheck={false}
        />
        <button type="submit" disabled={!trained || busy || name.trim() === ''}>
          Save in this browser
        </button>
        <button type="button" disabled={!trained || busy} onClick={files.download}>
          Download
        </button>
      </form>
      <div
        className="lk-model-files__drop"
        role="button"
        tabIndex={0}
        aria-disabled={busy}
        aria-label={`Import a ${MODEL_FILE_EXTENSION} file: drop it here, or press to choose one`}
        onClick={() => picker.current?.click()}
        onKeyDown={openPicker}
        onDragOver={(event) => {
          event.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        style={{
          ...DROP_STYLE,
          background: dragging ? 'var(--lk-drop-active-color, #eff6ff)' : undefined,
        }}
      >
        Drop a <code>{MODEL_FILE_EXTENSION}</code> file here, or choose one
        <input
          ref={picker}
          type="file"
          accept={`${MODEL_FILE_EXTENSION},application/octet-stream`}
          tabIndex={-1}
          style={VISUALLY_HIDDEN}
          onChange={(event) => {
            take(event.target.files)
            event.target.value = ''
          }}
        />
      </div>
      {files.task ? (
        <div className="lk-model-files__task" style={ROW}>
          <span>{files.task.label}…</span>
          <progress
            aria-label={files.task.label}
            max={1}
            {...(files.task.fraction !== undefined ? { value: files.task.fraction } : {})}
          />
        </div>
      ) : null}
      <p className="lk-model-files__message" role="status" style={MUTED}>
        {files.message}
      </p>
      {files.error && failure ? (
        <p
          className="lk-model-files__error"
          role="alert"
          style={{ margin: 0, color: 'var(--lk-error-color, #b91c1c)' }}
        >
          <code>{files.error.code}</code>
          {': '}
          {failure.problem}
          {failure.hint ? <span style={{ display: 'block' }}>{failure.hint}</span> : null}
        </p>
      ) : null}
      <SavedList files={files} family={model.family} busy={busy} />
    </section>
  )
}

/** The table of saved models with their Load and Delete buttons. */
function SavedList({
  files,
  family,
  busy,
}: {
  files: ReturnType<typeof useModelFiles>
  family: string
  busy: boolean
}) {
  if (files.saved === undefined) return null
  if (files.saved.length === 0) {
    return (
      <p className="lk-model-files__none" style={MUTED}>
        No models saved in this browser yet.
      </p>
    )
  }
  return (
    <table className="lk-model-files__list" style={{ borderCollapse: 'collapse' }}>
      <caption style={{ ...MUTED, textAlign: 'left' }}>Saved in this browser</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Model</th>
          <th scope="col">Saved</th>
          <th scope="col">
            <span style={VISUALLY_HIDDEN}>Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {files.saved.map((info) => {
          const loadable = info.kind === family
          const shown = savedName(info.url)
          return (
            <tr key={info.url} data-lk-url={info.url}>
              <th scope="row" style={{ textAlign: 'left', fontWeight: 500 }}>
                {shown}
              </th>
              <td>{describeSaved(info)}</td>
              <td>{formatSaved(info.dateSaved)}</td>
              <td style={ROW}>
                <button
                  type="button"
                  disabled={busy || !loadable}
                  title={loadable ? undefined : otherFamilyReason(info, family)}
                  aria-label={`Load ${shown}`}
                  onClick={() => files.load(info.url)}
                >
                  Load
                </button>
                <button
                  type="button"
                  disabled={busy}
                  aria-label={`Delete ${shown}`}
                  onClick={() => files.remove(info.url)}
                >
                  Delete
                </button>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
