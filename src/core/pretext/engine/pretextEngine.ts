/** The pretext family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { InvalidInputError } from '../../errors'
import { engineImages, probeEngineAction } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import { pretextSpec } from '../pretextSpec'
import { Pretext } from './pretext'

type Context = EngineActionContext<Pretext>

/** Makes, describes and runs pretext-task models. */
export const pretextEngine = defineEngine(pretextSpec, {
  create: (options) => new Pretext(options),
  facts: (model: Pretext) => {
    const layout = model.taskLayout
    return {
      latentDim: layout && layout.encodeViews * (model.resolvedOptions?.featureSize ?? 0),
      task: layout?.task,
      classCount: layout?.classes,
    }
  },
  actions: {
    encode: ({ model }: Context, input: ImageBatch) => model.encode(engineImages(input)),
    probe: probeEngineAction<Pretext>((model, images) => model.encode(images)),
    predict: ({ model }: Context, input: ImageBatch) => model.predict(engineImages(input)),
    makeTask: ({ model, data }: Context, n: number, seed: number, input?: ImageBatch) => {
      const source = input ? engineImages(input) : data
      if (!source) {
        throw new InvalidInputError(
          'no images to make examples of; train first or pass options.data',
        )
      }
      return model.makeTask(source, n, seed)
    },
  },
})
