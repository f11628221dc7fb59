'use client'
import { useMemo } from 'react'
import { isTrained, type LatentSource } from './modelHandle'
import { useLatestAsync } from './useLatestAsync'
import {
  planLatents,
  splitRows,
  traversalPlan,
  type TraversalPlanRow,
  type TraversalRow,
  type TraversalSpec,
} from './latentTraversalRows'

/** What {@link useLatentTraversal} gives. */
export interface LatentTraversalState {
  /** The decoded rows (undefined until the model is trained and the first decode returns). */
  readonly rows: readonly TraversalRow[] | undefined
  /** What is wrong with `spec` for this model, in words (e.g. a dimension it does not have). */
  readonly problem: string | undefined
}

/**
 * The rows of a latent traversal for `LatentTraversal`, decoded by the model's `decode` action in one
 * call, again whenever the weights change (`modelVersion`). Works with any model that decodes latent
 * vectors: `useVAE` (`{ kind: 'latent' }`), `useAutoencoder`, and `useGAN` with `info`
 * (`{ kind: 'info', categorical, continuous }` — InfoGAN's codes are the first noise values).
 */
export function useLatentTraversal(model: LatentSource, spec: TraversalSpec): LatentTraversalState {
  const latentDim = isTrained(model) ? model.latentDim : undefined
  const specKey = JSON.stringify(spec)
  const { plan, problem } = useMemo((): {
    plan: TraversalPlanRow[] | undefined
    problem: string | undefined
  } => {
    if (latentDim === undefined) return { plan: undefined, problem: undefined }
    try {
      return { plan: traversalPlan(spec, latentDim), problem: undefined }
    } catch (error) {
      return { plan: undefined, problem: `LatentTraversal: ${(error as Error).message}` }
    }
    // The spec is compared by value (specKey), not identity: an inline object must not re-plan.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [latentDim, specKey])
  const rows = useLatestAsync(plan ? `${model.modelVersion}:${specKey}` : undefined, async () => {
    if (!plan) return undefined
    const images = await model.decode(planLatents(plan))
    return images && splitRows(plan, images)
  })
  return { rows: plan ? rows : undefined, problem }
}
