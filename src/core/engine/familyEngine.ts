/**
 * The engine half of a model family and the registry a worker dispatches through: create a model
 * by family name, train it, call its actions by name. A new family is a registration, never a new
 * branch in the host.
 */
import type { ImageBatch, ImageShape } from '../dataset'
import { InvalidInputError } from '../errors'
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

/** The families a worker knows, by kind. */
export class EngineRegistry {
  private readonly engines = new Map<string, RegisteredEngine>()

  constructor(engines: readonly AnyFamilyEngine[] = []) {
    for (const engine of engines) this.register(engine)
  }

  /** Adds a family; a second family with the same kind replaces the first. */
  register(engine: AnyFamilyEngine): this {
    this.engines.set(engine.spec.kind, engine as RegisteredEngine)
    return this
  }

  /** The family registered as `kind`, or `INVALID_INPUT` naming the ones that are. */
  get(kind: string): RegisteredEngine {
    const engine = this.engines.get(kind)
    if (!engine) {
      throw new InvalidInputError(
        `no model family ${JSON.stringify(kind)} in this worker; it knows ${this.kinds().join(', ')}. Register the family's engine in the worker`,
        { kind, known: this.kinds().join(', ') },
      )
    }
    return engine
  }

  /** Registered kinds, in registration order. */
  kinds(): string[] {
    return [...this.engines.keys()]
  }
}
