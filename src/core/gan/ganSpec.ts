/** The GAN family's TF-free half: options, history, chart and actions. */
import type { ImageBatch } from '../dataset'
import { generativeActions, latentPayload, type LatentInput } from '../family/commonActions'
import { describeValue, InvalidOptionError } from '../errors'
import {
  defineAction,
  defineFamily,
  mergeActions,
  optionKeys,
  optionsArgument,
} from '../family/familySpec'
import { checkCount } from '../memoryModel'
import { checkSeed } from '../optionChecks'
import { infoGANActions } from './infoGANSpec'
import {
  validateGANModelOptions,
  validateGANTrainOptions,
  type GANModelOptions,
  type GANTrainOptions,
} from './ganOptions'

/** What one GAN training step reports. */
export interface GANHistoryPoint {
  /** Global step number, from 1 (one generator update each). */
  readonly step: number
  /** Epoch, from 1. */
  readonly epoch: number
  /** Non-saturating generator loss −log D(G(z)), batch mean. */
  readonly generatorLoss: number
  /** Discriminator cross-entropy on real plus generated samples, batch means. */
  readonly discriminatorLoss: number
  /** Mean D(x) on real samples (probability). */
  readonly realScore: number
  /** Mean D(G(z)) on generated samples (probability). */
  readonly fakeScore: number
  /** Sample diversity relative to the data's, measured every {@link DIVERSITY_EVERY} steps. */
  readonly diversity?: number
  /**
   * InfoGAN only: the mutual-information term L_I on the generator's batch (cross-entropy of each
   * categorical code plus half the squared error of each continuous code, nats; lower is more
   * information), before the weight.
   */
  readonly informationLoss?: number
  /** InfoGAN with categorical codes only: share of categorical codes Q recovers on that batch. */
  readonly codeAccuracy?: number
}

/** Steps between two diversity measurements. */
export const DIVERSITY_EVERY = 25

/** Options of {@link GAN.view2d}. */
export interface View2DOptions {
  /** Cells per side of the discriminator heatmap. Default `48`. */
  readonly gridSize?: number
  /** Generated points to return. Default `512`. */
  readonly samples?: number
  /** Seed of the generated points (same seed, same noise). Default `0`. */
  readonly seed?: number
}

/** {@link View2DOptions} with the defaults filled in; `INVALID_OPTION` for an out-of-range value. */
export function resolveView2DOptions(options: View2DOptions): Required<View2DOptions> {
  const gridSize = options.gridSize ?? 48
  if (!(Number.isInteger(gridSize) && gridSize >= 2 && gridSize <= 512)) {
    throw new InvalidOptionError(
      `gridSize must be an integer in [2, 512]; got ${describeValue(gridSize)}`,
      { option: 'gridSize' },
    )
  }
  const seed = options.seed ?? 0
  checkSeed(seed)
  return { gridSize, samples: checkCount(options.samples ?? 512, 'samples'), seed }
}

/** What the 2-D teaching view draws, computed in the worker. */
export interface View2D {
  /** `[xMin, xMax, yMin, yMax]` of the plane shown. */
  readonly extent: readonly [number, number, number, number]
  /** Cells per side. */
  readonly gridSize: number
  /** D's probability of 'real' per cell, row-major, first row at `yMax` (top). */
  readonly heatmap: Float32Array
  /** Generated points, `[samples, 2]` flat. */
  readonly generated: Float32Array
}

/** The GAN family. */
export const ganSpec = /* @__PURE__ */ defineFamily<
  GANModelOptions,
  GANTrainOptions,
  GANHistoryPoint
>()({
  kind: 'gan',
  noun: 'GAN',
  modelKeys: /* @__PURE__ */ optionKeys<GANModelOptions>()([
    'architecture',
    'filters',
    'noiseDim',
    'generatorUnits',
    'discriminatorUnits',
    'output',
    'seed',
    'info',
  ]),
  trainKeys: /* @__PURE__ */ optionKeys<GANTrainOptions>()([
    'epochs',
    'batchSize',
    'generatorLearningRate',
    'discriminatorLearningRate',
    'beta1',
    'labelSmoothing',
    'discriminatorSteps',
    'fusedKernels',
    'kernelThreads',
  ]),
  validateModel: validateGANModelOptions,
  validateTrain: validateGANTrainOptions,
  chart: {
    series: [
      { key: 'generatorLoss', label: 'generator' },
      { key: 'discriminatorLoss', label: 'discriminator' },
    ],
    unit: 'nats',
  },
  actions: /* @__PURE__ */ mergeActions(generativeActions, {
    /** Samples generated from noise vectors (`[n, noiseDim]`); the same as `decode`. */
    generate: /* @__PURE__ */ defineAction<ImageBatch>()(
      (_, noise: LatentInput) => [latentPayload(noise)] as const,
    ),
    /** For 2-D data: the discriminator over the plane and generated points (computed in the worker). */
    // Ranges are checked in the worker, after whether the model learned 2-D points at all.
    view2d: /* @__PURE__ */ defineAction<View2D>()(
      (_, options?: View2DOptions) =>
        [optionsArgument(options, 'view2d', '{ gridSize: 48 }')] as const,
    ),
    ...infoGANActions,
  }),
})
