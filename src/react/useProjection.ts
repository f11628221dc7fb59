'use client'
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import {
  ProjectionClient,
  type ProjectionClientOptions,
  type ProjectionState,
} from '../client/projectionClient'
import type {
  CodesInput,
  Projection,
  ProjectionOptions,
} from '../core/projection/projectionOptions'

/** Options of {@link useProjection} (read once, on mount). */
export type UseProjectionOptions = ProjectionClientOptions

/** What {@link useProjection} returns: the state and stable actions. */
export interface UseProjectionResult extends ProjectionState {
  /**
   * Projects `codes` (`[n, d]`: `encode`'s result, DEC embeddings, PCA codes, hash codes as 0/1, or
   * your own rows) to 2-D in the worker. Never rejects: a failure goes to `error`.
   */
  readonly project: (
    codes: CodesInput,
    options?: ProjectionOptions,
  ) => Promise<Projection | undefined>
  /** As `project`, but rejects with the typed error. */
  readonly projectAsync: (codes: CodesInput, options?: ProjectionOptions) => Promise<Projection>
}

/**
 * Projects any model's codes to a 2-D map in the shared worker, for `LatentScatter`: PCA (default)
 * or UMAP (`{ method: 'umap' }`, loaded in the worker on first use, its epochs in `progress`). Bad
 * codes give a typed error in `error` before anything is sent.
 *
 * ```tsx
 * const vae = useVAE({ preset: 'digits' })
 * const map = useProjection()
 * const show = async () => {
 *   const codes = await vae.encodeAsync(images)
 *   await map.project(codes, { method: 'umap' })
 * }
 * ```
 */
export function useProjection(options: UseProjectionOptions = {}): UseProjectionResult {
  const [client] = useState(() => new ProjectionClient(options))
  const state = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot)
  useEffect(() => () => client.release(), [client])
  return useMemo(
    () => ({ ...state, project: client.project, projectAsync: client.projectAsync }),
    [state, client],
  )
}
