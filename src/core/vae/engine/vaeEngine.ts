/** The VAE family's engine: registered in the worker with one line. */
import {
  anomalyEngineActions,
  generativeEngineActions,
  latentEngineActions,
} from '../../engine/commonEngineActions'
import { defineEngine } from '../../engine/familyEngine'
import { vaeSpec } from '../vaeSpec'
import { VAE } from './vae'

/** Makes, describes and runs VAEs. */
export const vaeEngine = defineEngine(vaeSpec, {
  create: (options) => new VAE(options),
  facts: (model: VAE) => ({
    latentDim: model.resolvedOptions?.latentDim,
    threshold: model.anomaly.threshold,
  }),
  actions: { ...generativeEngineActions, ...latentEngineActions, ...anomalyEngineActions },
})
