/** The semantic hashing family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { InvalidInputError } from '../../errors'
import { engineImages as images } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import { checkSearchOptions } from '../hashingOptions'
import { hashingSpec } from '../hashingSpec'
import { SemanticHashing } from './semanticHashing'

type Context = EngineActionContext<SemanticHashing>

/** Makes, describes and runs hashing models (learned codes or LSH). */
export const hashingEngine = defineEngine(hashingSpec, {
  create: (options) => new SemanticHashing(options),
  facts: (model: SemanticHashing) => ({
    latentDim: model.resolvedOptions?.bits,
    bits: model.resolvedOptions?.bits,
    method: model.resolvedOptions?.method,
    indexSize: model.indexSize,
  }),
  actions: {
    hash: ({ model }: Context, input: ImageBatch) => model.hash(images(input)),
    buildIndex: ({ model, data }: Context, input: ImageBatch | undefined) => {
      const indexed = input ? images(input) : data
      if (!indexed) {
        throw new InvalidInputError('no images to index; train first or pass options.data')
      }
      return model.buildIndex(indexed)
    },
    search: ({ model }: Context, query: ImageBatch, options: unknown) =>
      model.search(images(query), checkSearchOptions(options)),
  },
})
