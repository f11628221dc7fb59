/** The VAE family's engine: registered in the worker with one line. */
import {
  anomalyEngineActions,
  engineImages as images,
  generativeEngineActions,
  latentEngineActions,
} from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import type { ImageBatch } from '../../dataset'
import type { VAELogLikelihoodOptions } from '../vaeOptions'
import { vaeSpec } from '../vaeSpec'
import { VAE } from './vae'

/** Makes, describes and runs VAEs. */
export const vaeEngine = defineEngine(vaeSpec, {
  create: (options) => new VAE(options),
  facts: (model: VAE) => ({
    latentDim: model.resolvedOptions?.latentDim,
    threshold: model.anomaly.threshold,
  }),
  actions: {
    ...generativeEngineActions,
    ...latentEngineActions,
    ...anomalyEngineActions,
    logLikelihood: (
      { model }: EngineActionContext<VAE>,
      input: ImageBatch,
      options: Required<VAELogLikelihoodOptions>,
    ) => model.logLikelihood(images(input), options),
  },
})
