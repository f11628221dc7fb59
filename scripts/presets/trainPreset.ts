/**
 * Trains one preset from its recipe and stores it as a model file: weights only (no optimiser state),
 * quantised as the recipe says; and measures it, float32 beside the weights as stored. Deterministic:
 * the same recipe, backend and kernel build give the same bytes.
 */
import { encodeModelFile, readModelFile } from '../../src/core/family/modelFile'
import type { ModelSnapshot } from '../../src/core/family/modelSnapshot'
import type { QuantizationDtype } from '../../src/core/family/weightQuantization'
import type { PresetData } from './presetData'
import type { QualityFigures } from './presetQuality'
import type { PresetModel, PresetRecipe } from './recipes'

/** A trained preset: its file's bytes and what it took. */
export interface TrainedPreset {
  /** The model file, as `src/presets/files/<file>` holds it. */
  readonly bytes: Uint8Array<ArrayBuffer>
  /** The float32 weights-only snapshot the file was made from. */
  readonly snapshot: ModelSnapshot
  /** Training steps run. */
  readonly steps: number
  /** Seconds `fit` took. */
  readonly seconds: number
}

/** A model of `recipe`'s family restored from `snapshot` (weights as stored). */
export function restorePreset(recipe: PresetRecipe, snapshot: ModelSnapshot): PresetModel {
  const model = recipe.create(snapshot.modelOptions)
  model.restore(snapshot)
  return model
}

/** `snapshot` as a model file with `quantize`, read back (the weights a user loads). */
const storedAs = (
  snapshot: ModelSnapshot,
  quantize: QuantizationDtype | undefined,
): ModelSnapshot =>
  readModelFile(encodeModelFile(snapshot, quantize ? { quantize } : {}).buffer, {
    kind: snapshot.kind,
  })

/**
 * State (a calibrated threshold) made again on the weights as stored, so it suits the model a user
 * loads rather than the float32 one it was quantised from.
 */
async function stateOfStored(
  recipe: PresetRecipe,
  snapshot: ModelSnapshot,
  data: PresetData,
): Promise<unknown> {
  const model = restorePreset(recipe, storedAs(snapshot, recipe.quantize))
  try {
    await recipe.finish?.(model, data)
    return (await model.snapshot({ training: false })).state
  } finally {
    model.dispose()
  }
}

/** Trains `recipe`'s model on its data and returns its model file (on the current TF.js backend). */
export async function trainPreset(
  recipe: PresetRecipe,
  data: PresetData = recipe.data(),
): Promise<TrainedPreset> {
  const model = recipe.create(recipe.modelOptions)
  try {
    const started = performance.now()
    await model.fit(data.train, recipe.train, {})
    const seconds = (performance.now() - started) / 1000
    await recipe.finish?.(model, data)
    let snapshot = await model.snapshot({ training: false })
    if (recipe.finish && recipe.quantize) {
      snapshot = { ...snapshot, state: await stateOfStored(recipe, snapshot, data) }
    }
    const bytes = encodeModelFile(snapshot, recipe.quantize ? { quantize: recipe.quantize } : {})
    return { bytes, snapshot, steps: model.trainedSteps, seconds }
  } finally {
    model.dispose()
  }
}

/** `recipe`'s quality figures of a model restored from `snapshot` stored with `quantize`. */
export async function presetQuality(
  recipe: PresetRecipe,
  snapshot: ModelSnapshot,
  quantize: QuantizationDtype | undefined,
  data: PresetData = recipe.data(),
): Promise<QualityFigures> {
  const model = restorePreset(recipe, storedAs(snapshot, quantize))
  try {
    return await recipe.quality(model, data)
  } finally {
    model.dispose()
  }
}
