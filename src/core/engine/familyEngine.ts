/**
 * The engine half of a model family and the registry a worker dispatches through: create a model
 * by family name, train it, call its actions by name. A new family is a registration, never a new
 * branch in the host.
 */
import type { ImageBatch, ImageShape } from '../dataset'
import { describeValue, InvalidInputError, LatentkitError } from '../errors'
import type { ModelSnapshot } from '../family/modelSnapshot'
import type {
  ActionsOf,
  AnyFamilySpec,
  FactsOf,
  ModelOptionsOf,
  PointOf,
  ResultOf,
  TrainOptionsOf,
  WireOf,
} from '../family/familySpec'
import type { TrainResult } from '../training'
import type { FitHooks } from './trainingLoop'

/** What the host needs from a model of any family. */
export interface EngineModel<TrainOptions = never, Point = never> {
  /** Trains on `data`, continuing from the current weights. */
  fit(data: ImageBatch, options: TrainOptions, hooks: FitHooks<Point>): Promise<TrainResult<Point>>
  /** Forgets the weights; keeps the options. */
  reset(): void
  /** Frees every tensor. */
  dispose(): void
  /**
   * The trained model's weights and what rebuilding it needs, as JSON and one transferable
   * `ArrayBuffer` (`NOT_TRAINED` before the first step), with its training state (optimisers, random
   * streams) unless `options.training` is `false`. Holds no tensor once it settles.
   */
  snapshot(options?: { readonly training?: boolean }): Promise<ModelSnapshot>
  /**
   * Replaces the model with `snapshot`'s (taken from a model of this family made with the same
   * options): weights, counters, model state, and the training state when the snapshot has it (else
   * optimisers start fresh). A bad snapshot throws a typed error (`INVALID_INPUT`) and changes
   * nothing; `BUSY` while training.
   */
  restore(snapshot: ModelSnapshot): void
  readonly trainedSteps: number
  readonly trainedEpochs: number
  readonly imageShape: ImageShape | undefined
}

/** What an engine action gets besides its wire arguments. */
export interface EngineActionContext<Model> {
  /** The model the action runs on. */
  readonly model: Model
  /** The data the model was last trained on, if any. */
  readonly data: ImageBatch | undefined
}

/**
 * The engine side of each of a family's actions: wire arguments in, plain data out. Every typed
 * array in a result is transferred to the main thread (its buffer is detached here), so a result must
 * own its arrays: return copies, never views of state the model keeps.
 */
export type EngineActions<F, Model> = {
  readonly [K in keyof ActionsOf<F>]: (
    context: EngineActionContext<Model>,
    ...wire: WireOf<ActionsOf<F>[K]>
  ) => Promise<ResultOf<ActionsOf<F>[K]>> | ResultOf<ActionsOf<F>[K]>
}

/** The facts a family reports about a model, beside its steps, epochs and image shape. */
export type EngineFacts<F> = { readonly latentDim: number | undefined } & FactsOf<F>

/** The engine half of a model family. */
export interface FamilyEngine<
  F extends AnyFamilySpec,
  Model extends EngineModel<TrainOptionsOf<F>, PointOf<F>>,
> {
  /** The family's TF-free half. */
  readonly spec: F
  /**
   * Makes an untrained model — or, for a family that loads its model (an imported one), resolves
   * with it once loaded; throws (or rejects with) `INVALID_OPTION` for bad options.
   */
  create(options: ModelOptionsOf<F>): Model | Promise<Model>
  /** The family's facts about `model`. */
  facts(model: Model): EngineFacts<F>
  /** The family's actions. */
  readonly actions: EngineActions<F, Model>
}

/** Pairs a family's spec with its engine (types are checked against the spec's actions). */
export function defineEngine<
  F extends AnyFamilySpec,
  Model extends EngineModel<TrainOptionsOf<F>, PointOf<F>>,
>(spec: F, engine: Omit<FamilyEngine<F, Model>, 'spec'>): FamilyEngine<F, Model> {
  return { spec, ...engine }
}

/** A registered engine, as the generic host sees it. */
export interface RegisteredEngine {
  readonly spec: AnyFamilySpec
  create(options: object): EngineModel<object, unknown> | Promise<EngineModel<object, unknown>>
  facts(model: EngineModel<object, unknown>): { readonly latentDim: number | undefined }
  readonly actions: Readonly<
    Record<
      string,
      (
        context: EngineActionContext<EngineModel<object, unknown>>,
        ...wire: readonly unknown[]
      ) => unknown
    >
  >
}

/** Any engine made by {@link defineEngine}, whatever its family. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- erased at the registry boundary
export type AnyFamilyEngine = FamilyEngine<any, any>

/**
 * A family whose engine is imported the first time a model of it is made, so a worker starts without
 * the code of families it never uses (measured in Chromium: most of a cold worker's start-up beyond
 * TF.js itself). `kind` must be the loaded engine's `spec.kind`.
 */
export interface LazyFamilyEngine {
  /** The family's kind, known before its engine is loaded. */
  readonly kind: string
  /** Imports the engine, e.g. `() => import('./vaeEngine').then((m) => m.vaeEngine)`. */
  readonly load: () => Promise<AnyFamilyEngine>
}

/** A family for a worker: its engine, or how to import it when first used. */
export type FamilyEngineEntry = AnyFamilyEngine | LazyFamilyEngine

/** A {@link LazyFamilyEngine}: family `kind`, whose engine `load` imports. */
export function lazyEngine(kind: string, load: () => Promise<AnyFamilyEngine>): LazyFamilyEngine {
  return { kind, load }
}

const isLazy = (entry: FamilyEngineEntry): entry is LazyFamilyEngine =>
  typeof (entry as Partial<LazyFamilyEngine>).load === 'function'

/** A registered family: its engine, the engine being imported, or how to import it. */
type RegistryEntry = RegisteredEngine | Promise<RegisteredEngine> | (() => Promise<AnyFamilyEngine>)

/** The families a worker knows, by kind; lazy ones are imported on first use. */
export class EngineRegistry {
  private readonly entries = new Map<string, RegistryEntry>()

  constructor(engines: readonly FamilyEngineEntry[] = []) {
    for (const engine of engines) this.register(engine)
  }

  /** Adds a family (an engine, or a lazy one); a second family with the same kind replaces the first. */
  register(engine: FamilyEngineEntry): this {
    if (isLazy(engine)) this.entries.set(engine.kind, engine.load)
    else this.entries.set(engine.spec.kind, engine as RegisteredEngine)
    return this
  }

  /**
   * The family registered as `kind`, imported first when lazy; `INVALID_INPUT` naming the ones that
   * are when none is; `INTERNAL` when its module fails to load (the next call tries again).
   */
  async get(kind: string): Promise<RegisteredEngine> {
    const entry = this.entries.get(kind)
    if (!entry) {
      throw new InvalidInputError(
        `no model family ${JSON.stringify(kind)} in this worker; it knows ${this.kinds().join(', ')}. Register the family's engine in the worker`,
        { kind, known: this.kinds().join(', ') },
      )
    }
    if (typeof entry !== 'function') return entry
    const loading = importEngine(kind, entry)
    this.entries.set(kind, loading)
    try {
      const loaded = await loading
      this.entries.set(kind, loaded)
      return loaded
    } catch (error) {
      this.entries.set(kind, entry)
      throw error
    }
  }

  /** Registered kinds, in registration order. */
  kinds(): string[] {
    return [...this.entries.keys()]
  }
}

/** `load()`'s engine, checked to be family `kind`'s; `INTERNAL` when it fails to load or is not. */
async function importEngine(
  kind: string,
  load: () => Promise<AnyFamilyEngine>,
): Promise<RegisteredEngine> {
  let loaded: AnyFamilyEngine | undefined
  try {
    loaded = await load()
  } catch (error) {
    throw new LatentkitError(
      'INTERNAL',
      `the ${kind} family's code failed to load (${error instanceof Error ? error.message : describeValue(error)}); check that the worker's chunks are served beside it, then try again`,
      { kind },
    )
  }
  const loadedKind: unknown = loaded?.spec?.kind
  if (loadedKind !== kind) {
    throw new LatentkitError(
      'INTERNAL',
      `the engine loaded for family '${kind}' is the ${describeValue(loadedKind)} family's; register it under its own kind`,
      { kind },
    )
  }
  return loaded as RegisteredEngine
}
