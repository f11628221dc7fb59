/** The words and numbers {@link ModelFiles} shows: sizes, dates, names of saved models. No React. */
import type { SavedModelInfo } from '../core/family/modelFile'

const INDEXED_DB = 'indexeddb://'

/** The name a user gave a saved model (its URL without `indexeddb://`). */
export const savedName = (url: string): string =>
  url.startsWith(INDEXED_DB) ? url.slice(INDEXED_DB.length) : url

/** The URL a model saved under `name` gets. */
export const savedURL = (name: string): string => `${INDEXED_DB}${name.trim()}`

/** `bytes` as "812 B", "14.2 KB", "3.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/** An ISO date as the user's locale shows a short date and time; "—" when unknown. */
export function formatSaved(date: string | undefined): string {
  if (!date) return '—'
  return new Date(date).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })
}

/** One line about a saved model: "vae · 1,200 steps · 14.2 KB". */
export function describeSaved(info: SavedModelInfo): string {
  return `${info.kind} · ${info.trainedSteps.toLocaleString('en')} steps · ${formatBytes(info.weightBytes)}`
}

/** Why a saved model of another family cannot be loaded here. */
export const otherFamilyReason = (info: SavedModelInfo, family: string): string =>
  `a ${info.kind} model: load it with the ${info.kind} hook, not this ${family} one`
