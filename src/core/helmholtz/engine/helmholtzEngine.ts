/** The Helmholtz machine family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { engineImages as images } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import type { HelmholtzLogLikelihoodOptions } from '../helmholtzOptions'
import { helmholtzSpec } from '../helmholtzSpec'
import { HelmholtzMachine } from './helmholtz'

type Context = EngineActionContext<HelmholtzMachine>

/** Makes, describes and runs Helmholtz machines. */
export const helmholtzEngine = defineEngine(helmholtzSpec, {
  create: (options) => new HelmholtzMachine(options),
  facts: (model: HelmholtzMachine) => ({
    latentDim: model.resolvedOptions?.layers.at(-1),
    layers: model.resolvedOptions?.layers,
  }),
  actions: {
    sample: ({ model }: Context, n: number, seed: number | undefined, binary: boolean) =>
      model.sample(n, seed === undefined ? { binary } : { seed, binary }),
    encode: ({ model }: Context, input: ImageBatch) => model.encode(images(input)),
    reconstruct: ({ model }: Context, input: ImageBatch) => model.reconstruct(images(input)),
    logLikelihood: (
      { model }: Context,
      input: ImageBatch,
      options: Required<HelmholtzLogLikelihoodOptions>,
    ) => model.logLikelihood(images(input), options),
  },
})
