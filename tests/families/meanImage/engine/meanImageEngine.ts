/** The mean-image family's engine. */
import { defineEngine, type EngineActionContext } from '../../../../src/core/engine/familyEngine'
import { meanImageSpec } from '../meanImageSpec'
import { MeanImage } from './meanImage'

/** Makes, describes and runs mean-image models. */
export const meanImageEngine = defineEngine(meanImageSpec, {
  create: (options) => new MeanImage(options),
  facts: (model: MeanImage) => ({
    latentDim: model.imageShape
      ? model.imageShape[0] * model.imageShape[1] * model.imageShape[2]
      : undefined,
  }),
  actions: {
    sample: ({ model }: EngineActionContext<MeanImage>, n: number, seed: number) =>
      model.sample(n, seed),
    mean: ({ model }: EngineActionContext<MeanImage>) => model.meanImage(),
  },
})
