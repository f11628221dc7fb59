/**
 * Makes a family's client class from its spec: the shared {@link ModelClient} plus one method per
 * action of the family, each with its rejecting `…Async` twin.
 */
import type { ActionsOf, AnyFamilySpec, ArgsOf, ResultOf } from '../core/family/familySpec'
import { InvalidInputError } from '../core/errors'
import {
  FILE_ACTION_NAMES,
  ModelClient,
  TRAINING_ACTION_NAMES,
  type ClientOptions,
} from './modelClient'
import { Subscribable } from './subscribable'

/**
 * A family's actions as methods. The plain form resolves with the result, or `undefined` when the
 * action failed (the error is in the state's `error`), and never rejects; `…Async` rejects with the
 * typed error.
 */
export type ClientActions<F> = {
  readonly [K in keyof ActionsOf<F> as K & string]: (
    ...args: ArgsOf<ActionsOf<F>[K]>
  ) => Promise<ResultOf<ActionsOf<F>[K]> | undefined>
} & {
  readonly [K in keyof ActionsOf<F> as `${K & string}Async`]: (
    ...args: ArgsOf<ActionsOf<F>[K]>
  ) => Promise<ResultOf<ActionsOf<F>[K]>>
}

/** A client of family `F`: the shared model client and the family's actions. */
export type FamilyClient<F extends AnyFamilySpec> = ModelClient<F> &
  ClientActions<F> & {
    /** Every action of the family, bound, in both forms (stable identities for React). */
    readonly actions: ClientActions<F>
  }

/** The constructor {@link createClientClass} returns. */
export type FamilyClientClass<F extends AnyFamilySpec> = new (
  options?: ClientOptions<F>,
) => FamilyClient<F>

/** Members of a client or of a hook's result that an action's name (or its `…Async` twin) would hide. */
const RESERVED_NAMES = new Set<string>([
  ...Object.getOwnPropertyNames(Subscribable.prototype),
  ...Object.getOwnPropertyNames(ModelClient.prototype),
  ...TRAINING_ACTION_NAMES,
  ...FILE_ACTION_NAMES,
  ...['spec', 'kind', 'actions', 'trainingActions', 'fileActions', 'options', 'listeners'],
  ...['status', 'backend', 'progress', 'history', 'error', 'model', 'modelVersion'],
  ...['family', 'latentDim', 'imageShape'],
])

/** Throws `INVALID_INPUT` when one of the family's action names would hide a member. */
function checkActionNames(spec: AnyFamilySpec): void {
  for (const name of Object.keys(spec.actions)) {
    if (RESERVED_NAMES.has(name) || name.endsWith('Async')) {
      throw new InvalidInputError(
        `the ${spec.kind} family's action ${JSON.stringify(name)} would hide a member of its client or hook; rename it`,
        { family: spec.kind, action: name },
      )
    }
  }
}

/**
 * The client class of the family `spec`. Throws `INVALID_INPUT` when an action's name would hide a
 * member of the client or of the hook's result (`train`, `history`, a name ending in `Async`, …).
 */
export function createClientClass<F extends AnyFamilySpec>(spec: F): FamilyClientClass<F> {
  checkActionNames(spec)
  class Client extends ModelClient<F> {
    /** Every action of the family, bound, in both forms (stable identities for React). */
    readonly actions: Readonly<Record<string, (...args: readonly unknown[]) => Promise<unknown>>>

    constructor(options: ClientOptions<F> = {} as ClientOptions<F>) {
      super(spec, options)
      const actions: Record<string, (...args: readonly unknown[]) => Promise<unknown>> = {}
      for (const name of Object.keys(spec.actions)) {
        const rejecting = (...args: readonly unknown[]): Promise<unknown> =>
          this.runAction(name, args)
        actions[name] = (...args) => rejecting(...args).catch(() => undefined)
        actions[`${name}Async`] = rejecting
      }
      this.actions = actions
      Object.assign(this, actions)
    }
  }
  return Client as unknown as FamilyClientClass<F>
}
