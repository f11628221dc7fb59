/** The RBM family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { engineImages as images, probeEngineAction } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import type { RBMGibbsChainOptions, RBMLogLikelihoodOptions, RBMSampleOptions } from '../rbmOptions'
import { rbmSpec } from '../rbmSpec'
import { RBM } from './rbm'

type Context = EngineActionContext<RBM>

/** Makes, describes and runs RBMs and deep belief networks. */
export const rbmEngine = defineEngine(rbmSpec, {
  create: (options) => new RBM(options),
  facts: (model: RBM) => ({
    latentDim: model.resolvedOptions?.layers.at(-1),
    layers: model.resolvedOptions?.layers,
    visible: model.resolvedOptions?.visible,
  }),
  actions: {
    sample: ({ model }: Context, n: number, options: RBMSampleOptions) => model.sample(n, options),
    gibbsChain: (
      { model }: Context,
      n: number,
      options: RBMGibbsChainOptions,
      start: ImageBatch | undefined,
    ) => model.gibbsChain(n, options, start ? images(start) : undefined),
    transform: ({ model }: Context, input: ImageBatch) => model.transform(images(input)),
    encode: ({ model }: Context, input: ImageBatch) => model.transform(images(input)),
    reconstruct: ({ model }: Context, input: ImageBatch) => model.reconstruct(images(input)),
    probe: probeEngineAction<RBM>((model, checked) => model.transform(checked)),
    filters: ({ model }: Context) => model.filters(),
    freeEnergy: ({ model }: Context, input: ImageBatch) => model.freeEnergy(images(input)),
    logLikelihood: (
      { model }: Context,
      input: ImageBatch,
      options: Required<RBMLogLikelihoodOptions>,
    ) => model.logLikelihood(images(input), options),
  },
})
