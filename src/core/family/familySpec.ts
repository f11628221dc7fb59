/**
 * The TF-free half of a model family: what the main thread needs to validate options, draw a loss
 * chart and call the family's actions. The engine half (TF.js) lives in the family's `engine/` folder
 * and is registered in the worker. Pure TypeScript.
 */
import type { DataInput, ImageBatch } from '../dataset'
import { InvalidInputError, InvalidOptionError, LatentkitError, describeValue } from '../errors'
import type { ModelInfo, NoFacts } from './modelInfo'

/** What every history point has: a global step and its epoch, both from 1. */
export interface HistoryPoint {
  readonly step: number
  readonly epoch: number
}

/** One line of a family's loss chart. */
export interface ChartSeries<Point = HistoryPoint> {
  /** Key of the value in each history point. */
  readonly key: Exclude<keyof Point, 'step' | 'epoch'> & string
  /** Name shown in the legend and the summary. */
  readonly label: string
}

/** How a family's history is drawn by default. */
export interface ChartSpec<Point = HistoryPoint> {
  /** Lines drawn by default, the first one leading the summary. */
  readonly series: readonly ChartSeries<Point>[]
  /** Unit of the values, e.g. `'nats per image'`. */
  readonly unit: string
  /** Title above the chart. */
  readonly title?: string
}

/** What an action's `prepare` may use on the main thread. */
export interface ActionContext {
  /** Checks images passed to an action; flat rows are read with the trained model's image shape. */
  images(input: DataInput): ImageBatch
  /** Facts about the model, once it exists. */
  readonly model: ModelInfo | undefined
}

/**
 * One action of a family, as the main thread sees it: `prepare` checks and converts the caller's
 * arguments (`Args`) into what crosses to the worker (`Wire`), throwing a typed error before any work
 * is sent; the engine's action of the same name turns `Wire` into `Result`.
 */
export interface ActionSpec<
  Args extends readonly unknown[],
  Wire extends readonly unknown[],
  Result,
> {
  readonly prepare: (context: ActionContext, ...args: Args) => Wire
  /** Carries the result type; never set. */
  readonly resultType?: Result
}

/** Any action spec (the bound of an action map). */
export type AnyActionSpec = ActionSpec<never, readonly unknown[], unknown>

/** A family's actions by name. */
export type ActionMap = Readonly<Record<string, AnyActionSpec>>

/**
 * Declares an action returning `Result`; its arguments and wire form are read from `prepare`.
 *
 * ```ts
 * const sample = defineAction<ImageBatch>()((_, n: number, options: { seed?: number } = {}) => [n, options.seed] as const)
 * ```
 */
export function defineAction<Result>() {
  return <Args extends readonly unknown[], Wire extends readonly unknown[]>(
    prepare: (context: ActionContext, ...args: Args) => Wire,
  ): ActionSpec<Args, Wire, Result> => ({ prepare })
}

/**
 * Runs `action`'s `prepare` on a caller's arguments: its result, its typed error, or — for arguments
 * it could not even read (`null` where an object belongs) — `INVALID_INPUT` naming the action.
 */
export function prepareAction(
  action: AnyActionSpec,
  name: string,
  context: ActionContext,
  args: readonly unknown[],
): readonly unknown[] {
  const prepare = action.prepare as (
    context: ActionContext,
    ...args: readonly unknown[]
  ) => readonly unknown[]
  try {
    return prepare(context, ...args)
  } catch (error) {
    if (error instanceof LatentkitError) throw error
    throw new InvalidInputError(
      `the arguments of ${name} could not be read (${args.map((arg) => describeValue(arg)).join(', ')}): ${error instanceof Error ? error.message : String(error)}; see ${name} in the README`,
      { action: name },
    )
  }
}

/**
 * An action's options argument: `{}` when left out, else it must be an object (`INVALID_OPTION`
 * naming the action and an example otherwise).
 */
export function optionsArgument<T extends object>(
  value: T | undefined,
  action: string,
  example: string,
): T {
  if (value === undefined) return {} as T
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(
      `the options of ${action} must be an object such as ${example}; got ${describeValue(value)}`,
      { action },
    )
  }
  return value
}

/** The keys of `Options` that `Keys` leaves out (`never` when it lists them all). */
type MissingKeys<Options, Keys extends readonly unknown[]> = Exclude<keyof Options, Keys[number]>

/**
 * Every key of `Options`, each named: the compiler rejects a missing or unknown key, so a new option
 * cannot be forgotten by the client.
 *
 * ```ts
 * const trainKeys = optionKeys<{ epochs?: number; batchSize?: number }>()(['epochs', 'batchSize'])
 * ```
 */
export function optionKeys<Options extends object>() {
  return <const Keys extends readonly (keyof Options & string)[]>(
    keys: MissingKeys<Options, Keys> extends never
      ? Keys
      : { readonly missingOptionKeys: MissingKeys<Options, Keys> },
  ): readonly (keyof Options & string)[] => keys as unknown as Keys
}

/** The TF-free half of a model family. */
export interface FamilySpec<
  Kind extends string,
  ModelOptions extends object,
  TrainOptions extends object,
  Point extends HistoryPoint,
  Facts extends object,
  Actions extends ActionMap,
> {
  /** Registered name, unique in a worker, e.g. `'vae'`. */
  readonly kind: Kind
  /** A human noun for messages (`this VAE has no action …`): `'VAE'`, `'sparse coding model'`. */
  readonly noun: string
  /** Options that define the model: changing one starts a fresh model. */
  readonly modelKeys: readonly (keyof ModelOptions & string)[]
  /** Options of `train`: they apply from the next call. */
  readonly trainKeys: readonly (keyof TrainOptions & string)[]
  /** Throws `INVALID_OPTION` for a bad model option. */
  readonly validateModel: (options: ModelOptions) => void
  /** Throws `INVALID_OPTION` for a bad training option. */
  readonly validateTrain: (options: TrainOptions) => void
  /** How `LossChart` draws this family's history by default. */
  readonly chart: ChartSpec<Point>
  /** What the family offers besides training, by name. */
  readonly actions: Actions
  /**
   * True for a family whose models need no training (an imported model): the client creates the
   * model in the worker as soon as its hook mounts, with status `'loading'` meanwhile. Default
   * `false` (a model is created on the first `train()`, preset or load).
   */
  readonly createOnMount?: boolean
  /** Carries the history point and facts types; never set. */
  readonly types?: { readonly point: Point; readonly facts: Facts }
}

/** Any family spec (the bound of generic code over families). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a chart's keys depend on the point type
export type AnyFamilySpec = FamilySpec<string, never, never, any, object, ActionMap>

/**
 * Declares a family's spec. The type arguments name its options, history point and facts; kind and
 * actions are read from the object.
 */
export function defineFamily<
  ModelOptions extends object,
  TrainOptions extends object,
  Point extends HistoryPoint,
  Facts extends object = NoFacts,
>() {
  return <const Kind extends string, Actions extends ActionMap>(
    spec: FamilySpec<Kind, ModelOptions, TrainOptions, Point, Facts, Actions>,
  ) => spec
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  i: infer I,
) => void
  ? I
  : never

/**
 * One action map from several: shared groups (`generativeActions`, …) and a family's own. Write the
 * call as `/* @__PURE__ *\/ mergeActions(…)` so an app that uses other families drops it.
 */
export function mergeActions<const Groups extends readonly ActionMap[]>(
  ...groups: Groups
): UnionToIntersection<Groups[number]> {
  return Object.assign({}, ...groups) as UnionToIntersection<Groups[number]>
}

/** The typed error for an action `family` does not offer: it names the family and what it offers. */
export function unknownActionError(family: AnyFamilySpec, action: string): InvalidInputError {
  const offers = Object.keys(family.actions).join(', ')
  return new InvalidInputError(
    `this ${family.noun} has no action ${JSON.stringify(action)}; it offers ${offers}`,
    { family: family.kind, action, offers },
  )
}

/** True when `action` is one of the family's own actions (not an inherited object member). */
export function offersAction(family: AnyFamilySpec, action: string): boolean {
  return Object.hasOwn(family.actions, action)
}

/* eslint-disable @typescript-eslint/no-explicit-any -- `infer` positions of the extractors below */
/** A family's model options. */
export type ModelOptionsOf<F> =
  F extends FamilySpec<string, infer M, any, any, any, any> ? M : never
/** A family's training options. */
export type TrainOptionsOf<F> =
  F extends FamilySpec<string, any, infer T, any, any, any> ? T : never
/** A family's history point. */
export type PointOf<F> = F extends FamilySpec<string, any, any, infer P, any, any> ? P : never
/** A family's own facts. */
export type FactsOf<F> =
  F extends FamilySpec<string, any, any, any, infer Facts, any> ? Facts : never
/** A family's actions. */
export type ActionsOf<F> = F extends FamilySpec<string, any, any, any, any, infer A> ? A : never
/** The caller's arguments of an action. */
export type ArgsOf<A> = A extends ActionSpec<infer Args, any, any> ? Args : never
/** What an action sends to the worker. */
export type WireOf<A> = A extends ActionSpec<any, infer Wire, any> ? Wire : never
/** What an action resolves with. */
export type ResultOf<A> = A extends ActionSpec<any, any, infer R> ? R : never
/* eslint-enable @typescript-eslint/no-explicit-any */
