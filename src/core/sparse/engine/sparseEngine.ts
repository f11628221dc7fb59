/** The sparse coding family's engine: registered in the worker with one line. */
import type { ImageBatch } from '../../dataset'
import { engineImages as images, probeEngineAction } from '../../engine/commonEngineActions'
import { defineEngine, type EngineActionContext } from '../../engine/familyEngine'
import type { SparseEncodeOptions } from '../sparseOptions'
import { sparseCodingSpec } from '../sparseSpec'
import { SparseCoding } from './sparseCoding'
import { pooledCodeFeatures, pooledFeatureSize } from '../codeFeatures'
import { checkRows, hostLimit } from '../../engine/memoryBudget'

type Context = EngineActionContext<SparseCoding>

/** Makes, describes and runs sparse coding models. */
export const sparseCodingEngine = defineEngine(sparseCodingSpec, {
  create: (options) => new SparseCoding(options),
  facts: (model: SparseCoding) => ({
    latentDim: model.resolvedOptions?.atoms,
    patchShape: model.patchShape,
  }),
  actions: {
    encode: ({ model }: Context, input: ImageBatch, options: SparseEncodeOptions) =>
      model.encode(images(input), options),
    reconstruct: ({ model }: Context, input: ImageBatch, options: SparseEncodeOptions) =>
      model.reconstruct(images(input), options),
    denoise: ({ model }: Context, input: ImageBatch, options: SparseEncodeOptions) =>
      model.denoise(images(input), options),
    readDictionary: ({ model }: Context) => model.dictionary(),
    probe: probeEngineAction<SparseCoding>(async (model, checked) => {
      const [count, height, width] = checked.shape
      const { patchSize, atoms } = model.resolvedOptions ?? { patchSize: height, atoms: 1 }
      checkRows(
        {
          what: 'image count',
          actual: count,
          advice: (most) => `probe at most ${most} images per call`,
        },
        hostLimit(pooledFeatureSize(height, width, patchSize, atoms)),
      )
      const codes = await model.encode(checked)
      return pooledCodeFeatures(codes, count, height, width, patchSize)
    }),
  },
})
