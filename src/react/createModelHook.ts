'use client'
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import type { ImageShape } from '../core/dataset'
import type { AnyFamilySpec, FactsOf } from '../core/family/familySpec'
import { BASE_INFO_KEYS } from '../core/family/modelInfo'
import type { ClientActions, FamilyClient, FamilyClientClass } from '../client/familyClient'
import type { ModelFileActions } from '../client/modelFileActions'
import type {
  ClientOptions,
  FamilyModelInfo,
  FamilyState,
  FamilyTrainSummary,
  TrainingActions,
} from '../client/modelClient'

/** A family's facts about its model, each `undefined` until the model exists. */
export type HookFacts<F> = { readonly [K in keyof FactsOf<F>]: FactsOf<F>[K] | undefined }

/**
 * What every model hook returns: the state snapshot, the model's latent size, image shape and
 * family facts, and stable actions — training, save and load, and the family's own — each as a plain form that
 * never rejects (failures go to `error`) and an `…Async` twin that rejects.
 */
export type ModelHookResult<F extends AnyFamilySpec> = FamilyState<F> &
  HookFacts<F> &
  TrainingActions<FamilyTrainSummary<F>> &
  ModelFileActions<FamilyModelInfo<F>> &
  ClientActions<F> & {
    /** The model family (`'vae'`, `'gan'`, …). */
    readonly family: F['kind']
    /** Latent (or code, noise, atom) count of the built model; undefined before the first step. */
    readonly latentDim: number | undefined
    /** Shape of one image of the built model; undefined before the first step. */
    readonly imageShape: ImageShape | undefined
  }

/** Derives extra members of a hook's result (may call hooks; must return a stable object when nothing changed). */
export type UseExtra<F extends AnyFamilySpec, Extra> = (
  state: FamilyState<F>,
  client: FamilyClient<F>,
) => Extra

const noExtra = (): undefined => undefined

/**
 * Makes a family's hook: one client per component (created once), its state through
 * `useSyncExternalStore`, options pushed in an effect, actions with stable identities.
 */
export function createModelHook<F extends AnyFamilySpec, Extra extends object = object>(
  Client: FamilyClientClass<F>,
  useExtra: UseExtra<F, Extra | undefined> = noExtra,
): (options?: ClientOptions<F>) => ModelHookResult<F> & Extra {
  return function useModel(options = {} as ClientOptions<F>) {
    const [client] = useState(() => new Client(options))
    const state = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot)
    useEffect(() => {
      client.setOptions(options)
    }, [client, options])
    const extra = useExtra(state, client)
    return useMemo(() => {
      const facts: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(state.model ?? {})) {
        if (!BASE_INFO_KEYS.has(key)) facts[key] = value
      }
      return {
        ...facts,
        ...state,
        family: client.spec.kind,
        latentDim: state.model?.latentDim,
        imageShape: state.model?.imageShape,
        ...client.trainingActions,
        ...client.fileActions,
        ...client.actions,
        ...extra,
      } as ModelHookResult<F> & Extra
    }, [state, client, extra])
  }
}
