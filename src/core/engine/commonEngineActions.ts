/**
 * The engine side of the actions several families share (see `family/commonActions.ts`): sampling
 * and walking a latent space, encoding and rebuilding, anomaly scoring. Arguments arrive from the
 * worker boundary, so images are checked again here.
 */
import { toImageBatch, type ImageBatch, type LatentBatch } from '../dataset'
import type { AnomalyScorer, CalibrateOptions, ScoreOptions } from '../anomaly/anomalyScoring'
import type { InterpolationMethod } from '../interpolate'
import { InvalidInputError } from '../errors'
import type { EngineActionContext } from './familyEngine'
import { fitLinearProbe } from '../probe/engine/linearProbe'
import type { ResolvedProbeOptions } from '../probe/probeOptions'

/** A model with a prior to sample and a decoder to walk. */
export interface LatentDecoder {
  sample(n: number, options?: { readonly seed?: number }): Promise<ImageBatch>
  decode(latents: LatentBatch | Float32Array): Promise<ImageBatch>
  interpolate(
    a: Float32Array,
    b: Float32Array,
    steps: number,
    options?: { readonly method?: InterpolationMethod },
  ): Promise<ImageBatch>
}

/** A model with an encoder and a decoder. */
export interface LatentCoder {
  encode(images: ImageBatch): Promise<LatentBatch>
  reconstruct(images: ImageBatch): Promise<ImageBatch>
}

/** A model that scores anomalies by reconstruction. */
export interface AnomalyModel {
  readonly anomaly: AnomalyScorer
}

/** Images that crossed the worker boundary, checked again (they may come from any caller). */
export const engineImages = (input: ImageBatch): ImageBatch =>
  toImageBatch(input, { name: 'images' })

/** `sample`, `decode` and `interpolate`. */
export const generativeEngineActions = {
  sample: ({ model }: EngineActionContext<LatentDecoder>, n: number, seed: number | undefined) =>
    model.sample(n, seed === undefined ? {} : { seed }),
  decode: (
    { model }: EngineActionContext<Pick<LatentDecoder, 'decode'>>,
    latents: LatentBatch | Float32Array,
  ) => model.decode(latents),
  interpolate: (
    { model }: EngineActionContext<LatentDecoder>,
    a: Float32Array,
    b: Float32Array,
    steps: number,
    method: InterpolationMethod,
  ) => model.interpolate(a, b, steps, { method }),
}

/**
 * A `probe` action: the linear probe (see `probe/engine/linearProbe.ts`) of the features
 * `featuresOf` gives for the images.
 */
export function probeEngineAction<M>(
  featuresOf: (model: M, images: ImageBatch) => Promise<LatentBatch>,
) {
  return async (
    { model }: EngineActionContext<M>,
    input: ImageBatch,
    labels: Int32Array,
    options: ResolvedProbeOptions,
  ) => fitLinearProbe(await featuresOf(model, engineImages(input)), labels, options)
}

/** `encode`, `reconstruct` and `probe`. */
export const latentEngineActions = {
  encode: ({ model }: EngineActionContext<LatentCoder>, input: ImageBatch) =>
    model.encode(engineImages(input)),
  reconstruct: ({ model }: EngineActionContext<LatentCoder>, input: ImageBatch) =>
    model.reconstruct(engineImages(input)),
  probe: probeEngineAction<LatentCoder>((model, images) => model.encode(images)),
}

/** `score`, `calibrate` and `setThreshold`. */
export const anomalyEngineActions = {
  score: ({ model }: EngineActionContext<AnomalyModel>, input: ImageBatch, options: ScoreOptions) =>
    model.anomaly.score(engineImages(input), options),
  calibrate: async (
    { model, data }: EngineActionContext<AnomalyModel>,
    input: ImageBatch | undefined,
    options: CalibrateOptions,
  ): Promise<number | undefined> => {
    const normal = input ? engineImages(input) : data
    if (!normal) {
      throw new InvalidInputError('no data to calibrate on; train first or pass normal images')
    }
    await model.anomaly.calibrate(normal, options)
    return model.anomaly.threshold
  },
  setThreshold: ({ model }: EngineActionContext<AnomalyModel>, value: number): void => {
    model.anomaly.setThreshold(value)
  },
}
