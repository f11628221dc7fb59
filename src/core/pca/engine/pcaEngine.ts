/** The PCA family's engine: registered in the worker with one line. */
import type { ImageBatch, LatentBatch } from '../../dataset'
import { engineImages as images, probeEngineAction } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import type { PCAReconstructOptions } from '../pcaOptions'
import { pcaSpec } from '../pcaSpec'
import { PCA } from './pca'

type Context = EngineActionContext<PCA>

/** Makes, describes and runs PCA models. */
export const pcaEngine = defineEngine(pcaSpec, {
  create: (options) => new PCA(options),
  facts: (model: PCA) => ({
    latentDim: model.componentCount,
    solver: model.solver,
    fitted: model.fitted,
  }),
  actions: {
    transform: ({ model }: Context, input: ImageBatch) => model.transform(images(input)),
    encode: ({ model }: Context, input: ImageBatch) => model.transform(images(input)),
    inverseTransform: ({ model }: Context, codes: LatentBatch | Float32Array) =>
      model.inverseTransform(codes),
    reconstruct: ({ model }: Context, input: ImageBatch, options: PCAReconstructOptions) =>
      model.reconstruct(images(input), options),
    readComponents: ({ model }: Context) => model.componentsView(),
    probe: probeEngineAction<PCA>((model, images) => model.transform(images)),
  },
})
