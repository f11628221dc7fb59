/** The contrastive family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { InvalidInputError } from '../../errors'
import { engineImages, probeEngineAction } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import { contrastiveSpec } from '../contrastiveSpec'
import { Contrastive } from './contrastive'

type Context = EngineActionContext<Contrastive>

/** Makes, describes and runs contrastive models. */
export const contrastiveEngine = defineEngine(contrastiveSpec, {
  create: (options) => new Contrastive(options),
  facts: (model: Contrastive) => ({
    latentDim: model.resolvedOptions?.featureSize,
    temperature: model.resolvedOptions?.temperature,
  }),
  actions: {
    encode: ({ model }: Context, input: ImageBatch) => model.encode(engineImages(input)),
    probe: probeEngineAction<Contrastive>((model, images) => model.encode(images)),
    augmentPairs: ({ model, data }: Context, n: number, seed: number, input?: ImageBatch) => {
      const source = input ? engineImages(input) : data
      if (!source) {
        throw new InvalidInputError('no images to augment; train first or pass options.data')
      }
      return model.augmentPairs(source, n, seed)
    },
  },
})
