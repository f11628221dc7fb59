/** The GAN family's engine: registered in the worker with one line. */
import { generativeEngineActions } from '../../engine/commonEngineActions'
import type { EngineActionContext } from '../../engine/familyEngine'
import { defineEngine } from '../../engine/familyEngine'
import type { ImageBatch, LatentBatch } from '../../dataset'
import type { View2DOptions } from '../ganSpec'
import { ganSpec } from '../ganSpec'
import { GAN } from './gan'
import { engineImages } from '../../engine/commonEngineActions'
import type { InfoCodeRow } from '../infoCodes'
import type { GenerateWithCodesOptions } from '../infoGANSpec'

/** Makes, describes and runs GANs. */
export const ganEngine = defineEngine(ganSpec, {
  create: (options) => new GAN(options),
  facts: (model: GAN) => ({ latentDim: model.resolvedOptions?.noiseDim }),
  actions: {
    ...generativeEngineActions,
    generate: ({ model }: EngineActionContext<GAN>, noise: LatentBatch | Float32Array) =>
      model.generate(noise),
    view2d: ({ model }: EngineActionContext<GAN>, options: View2DOptions) => model.view2d(options),
    generateWithCodes: (
      { model }: EngineActionContext<GAN>,
      codes: readonly InfoCodeRow[],
      options: GenerateWithCodesOptions,
    ) => model.generateWithCodes(codes, options),
    inferCodes: ({ model }: EngineActionContext<GAN>, images: ImageBatch) =>
      model.inferCodes(engineImages(images)),
  },
})
