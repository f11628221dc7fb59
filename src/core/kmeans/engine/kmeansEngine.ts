/** The k-means family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { InvalidInputError } from '../../errors'
import { engineImages as images, probeEngineAction } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import type { KMeansClustersOptions, KMeansFeaturesOptions } from '../kmeansOptions'
import { kMeansSpec } from '../kmeansSpec'
import { KMeans } from './kmeans'

type Context = EngineActionContext<KMeans>

/** Makes, describes and runs k-means models. */
export const kMeansEngine = defineEngine(kMeansSpec, {
  create: (options) => new KMeans(options),
  facts: (model: KMeans) => ({
    latentDim: model.resolvedOptions?.k,
    k: model.resolvedOptions?.k,
    algorithm: model.resolvedOptions?.algorithm,
    converged: model.converged,
    patchSize: model.resolvedOptions?.patchSize,
  }),
  actions: {
    assign: ({ model }: Context, input: ImageBatch) => model.assign(images(input)),
    transform: ({ model }: Context, input: ImageBatch) => model.transform(images(input)),
    probe: probeEngineAction<KMeans>((model, checked) => model.probeFeatures(checked)),
    centroids: ({ model }: Context) => model.centroidImages(),
    features: ({ model }: Context, input: ImageBatch, options: KMeansFeaturesOptions) =>
      model.features(images(input), options),
    featureMaps: ({ model }: Context, input: ImageBatch, options: KMeansFeaturesOptions) =>
      model.featureMaps(images(input), options),
    readClusters: (
      { model, data }: Context,
      input: ImageBatch | undefined,
      options: KMeansClustersOptions,
    ) => {
      const grouped = input ? images(input) : data
      if (!grouped) {
        throw new InvalidInputError('no images to group; train first or pass options.data')
      }
      return model.clusters(grouped, options)
    },
  },
})
