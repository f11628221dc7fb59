/** The deep embedded clustering family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { InvalidInputError } from '../../errors'
import { engineImages as images, latentEngineActions } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import { decSpec } from '../decSpec'
import { DEC } from './dec'

type Context = EngineActionContext<DEC>

/** Makes, describes and runs DEC models. */
export const decEngine = defineEngine(decSpec, {
  create: (options) => new DEC(options),
  facts: (model: DEC) => ({
    latentDim: model.resolvedOptions?.codeSize,
    clusters: model.resolvedOptions?.clusters,
    idec: model.resolvedOptions?.idec,
    phase: model.phase,
    converged: model.converged,
  }),
  actions: {
    ...latentEngineActions,
    assign: ({ model }: Context, input: ImageBatch) => model.assign(images(input)),
    softAssign: ({ model }: Context, input: ImageBatch) => model.softAssign(images(input)),
    centres: ({ model }: Context) => model.centres(),
    clusterSizes: ({ model, data }: Context) => {
      if (!data) throw new InvalidInputError('no training images to count; train first')
      return model.clusterSizes(data)
    },
  },
})
