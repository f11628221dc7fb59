'use client'
import { useMemo } from 'react'
import type { DataInput, ImageBatch, ImageShape } from '../core/dataset'
import type { SparseCodingHistoryPoint, SparseDictionaryView } from '../core/sparse/engine/sparseCoding'
import type { SparseCodes } from '../core/sparse/sparseCodes'
import type { SparseEncodeOptions } from '../core/sparse/sparseOptions'
import type { ModelState } from '../client/modelState'
import { SparseCodingClient, type SparseCodingClientOptions } from '../client/sparseCodingClient'
import type { TrainSummary } from '../../workers/host'
import { commonResult, useModelClient } from './useModelClient'
import { useLatestAsync } from './useLatestAsync'

/**
 * Options of {@link useSparseCoding}. Model options (`atoms`, `patchSize`, `lambda`, `nonNegative`,
 * `normalization`, `whiten`, `seed`) define the model: changing one starts a fresh dictionary.
 * Training options (`epochs`, `batchSize`, `patchesPerEpoch`, `codingIterations`,
 * `codingTolerance`) apply from the next `train()`.
 */
export type UseSparseCodingOptions = SparseCodingClientOptions

/** What {@link useSparseCoding} returns: an immutable state snapshot plus stable actions. */
export interface UseSparseCodingResult extends ModelState<SparseCodingHistoryPoint> {
  /** Number of atoms (undefined before the first training step). */
  readonly latentDim: number | undefined
  /** Shape of the training images (undefined before the first training step). */
  readonly imageShape: ImageShape | undefined
  /** Shape of one patch, `[p, p, channels]` (undefined before the first training step). */
  readonly patchShape: ImageShape | undefined
  /**
   * The atoms as patch images with their usage, refreshed as the model learns (at most one request
   * in flight); undefined until the first step.
   */
  readonly dictionary: SparseDictionaryView | undefined
  /** Learns for `epochs` epochs (continuing); resolves when done or stopped; rejects with a typed error. */
  train(): Promise<TrainSummary | undefined>
  /** Pauses training at the next batch boundary. */
  pause(): Promise<void>
  /** Resumes paused training. */
  resume(): Promise<void>
  /** Stops training at the next batch boundary, keeping the atoms. */
  stop(): Promise<void>
  /** Stops and forgets the atoms and history. */
  reset(): Promise<void>
  /** Sparse codes (non-zeros only) of the patches of `images`; patches tile each image by default. */
  encode(images: DataInput, options?: SparseEncodeOptions): Promise<SparseCodes>
  /** `images` rebuilt from the codes of all their overlapping patches (averaged). */
  reconstruct(images: DataInput, options?: SparseEncodeOptions): Promise<ImageBatch>
  /** `images` with the noise the atoms cannot describe removed; raise `options.lambda` for more. */
  denoise(images: DataInput, options?: SparseEncodeOptions): Promise<ImageBatch>
}

/**
 * Learns a sparse coding dictionary from image patches in a Web Worker (online dictionary learning,
 * FISTA codes on TF.js), and codes, rebuilds and denoises images with it.
 *
 * ```tsx
 * const sc = useSparseCoding({ data: 'digits', atoms: 64, lambda: 0.5, autoTrain: true })
 * return <DictionaryGrid dictionary={sc.dictionary} sort="usage" />
 * ```
 */
export function useSparseCoding(options: UseSparseCodingOptions = {}): UseSparseCodingResult {
  const [state, client] = useModelClient<
    SparseCodingHistoryPoint,
    SparseCodingClientOptions,
    SparseCodingClient
  >(() => new SparseCodingClient(options), options)
  const trained = state.model !== undefined && state.model.trainedSteps > 0
  const loaded = useLatestAsync(trained ? String(state.modelVersion) : undefined, client.dictionary)
  const dictionary = trained ? loaded : undefined

  return useMemo(
    () => ({
      ...commonResult(state, client),
      patchShape: state.model?.patchShape,
      dictionary,
      encode: client.encode,
      reconstruct: client.reconstruct,
      denoise: client.denoise,
    }),
    [state, client, dictionary],
  )
}
