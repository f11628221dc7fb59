/**
 * The imported family's engine: registered in the worker with one line. The model's code and
 * tfjs-layers load with a dynamic `import()` when a model is first imported, so they stay out of
 * the default worker (bundlers split them into a chunk of their own).
 */
import {
  anomalyEngineActions,
  generativeEngineActions,
  latentEngineActions,
} from '../../engine/commonEngineActions'
import { defineEngine } from '../../engine/familyEngine'
import { importedSpec } from '../importedSpec'
import type { ImportedModel } from './importedModel'

/** Imports (loads and checks) and runs models trained elsewhere. */
export const importedEngine = defineEngine(importedSpec, {
  create: async (options): Promise<ImportedModel> => {
    const { ImportedModel } = await import('./importedModel')
    return ImportedModel.load(options)
  },
  facts: (model: ImportedModel) => ({
    latentDim: model.latentDim,
    threshold: model.anomaly.threshold,
    role: model.role,
    hasEncoder: model.hasEncoder,
  }),
  actions: { ...generativeEngineActions, ...latentEngineActions, ...anomalyEngineActions },
})
