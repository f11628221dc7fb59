/** The autoregressive family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { engineImages } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import { autoregressiveSpec } from '../autoregressiveSpec'
import { MADE } from './made'

type Context = EngineActionContext<MADE>

/** Makes, describes and runs autoregressive models (MADE). */
export const autoregressiveEngine = defineEngine(autoregressiveSpec, {
  create: (options) => new MADE(options),
  facts: (_model: MADE) => ({ latentDim: undefined }),
  actions: {
    sample: ({ model }: Context, n: number, seed: number | undefined) =>
      model.sample(n, seed === undefined ? {} : { seed }),
    sampleSteps: ({ model }: Context, n: number, frames: number, seed: number | undefined) =>
      model.sampleSteps(n, seed === undefined ? { frames } : { frames, seed }),
    logLikelihood: ({ model }: Context, input: ImageBatch, seed: number) =>
      model.logLikelihood(engineImages(input), { seed }),
  },
})
