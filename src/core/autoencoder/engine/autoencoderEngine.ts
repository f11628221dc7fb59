/** The autoencoder family's engine: registered in the worker with one line. */
import {
  anomalyEngineActions,
  engineImages,
  generativeEngineActions,
  latentEngineActions,
} from '../../engine/commonEngineActions'
import type { ImageBatch } from '../../dataset'
import { defineEngine } from '../../engine/familyEngine'
import { autoencoderSpec } from '../autoencoderSpec'
import { Autoencoder } from './autoencoder'

/** Makes, describes and runs autoencoders. */
export const autoencoderEngine = defineEngine(autoencoderSpec, {
  create: (options) => new Autoencoder(options),
  facts: (model: Autoencoder) => ({
    latentDim: model.resolvedOptions?.codeSize,
    threshold: model.anomaly.threshold,
  }),
  actions: {
    ...latentEngineActions,
    decode: generativeEngineActions.decode,
    encodeLayer: ({ model }, input: ImageBatch, layer: number) =>
      model.encodeLayer(engineImages(input), layer),
    ...anomalyEngineActions,
  },
})
