'use client'
import { ImportedModelClient, type ImportedModelClientOptions } from '../client/builtinClients'
import type { importedSpec } from '../core/imported/importedSpec'
import { createModelHook, type ModelHookResult } from './createModelHook'

/**
 * Options of {@link useImportedModel}: `decoder` (required: the URL of a TF.js LayersModel's
 * `model.json`, or any `tf.io` URL such as `indexeddb://name`), `role` (`'vae'` default, `'gan'`,
 * `'autoencoder'`), `encoder` (default none), `imageShape` (needed when the decoder outputs flat
 * rows), `pixelRange` (default `[0, 1]`) and `latent` (`'normal'`). Changing one imports the model
 * again. Training options do not apply: an imported model is not trained here.
 */
export type UseImportedModelOptions = ImportedModelClientOptions

/**
 * What {@link useImportedModel} returns: the state snapshot (`status` is `'loading'` while the model
 * loads, then `'ready'`; `model.trainedSteps` is `1`), the `role`, `hasEncoder` and anomaly
 * `threshold` facts, and stable actions — `sample`, `decode`, `interpolate`, and with an encoder
 * `encode`, `reconstruct`, `probe`, `score`, `calibrate`, `setThreshold` — each with its rejecting
 * `…Async` twin. `train()` is refused (`INVALID_INPUT`): fine-tuning is not supported.
 */
export type UseImportedModelResult = ModelHookResult<typeof importedSpec>

/**
 * Runs a model trained elsewhere — Keras converted with `tensorflowjs_converter`, or tfjs-layers'
 * `model.save` — in the Web Worker, as the decoder (and optionally encoder) of a VAE, GAN or
 * autoencoder, so `SampleGrid`, `InterpolationSlider`, `AnomalyHeatmap` and the latent views draw
 * it. The model loads when the hook mounts; shapes that do not fit give a typed error in `error`
 * (`SHAPE_MISMATCH`, `INVALID_OPTION`, `STORAGE_FAILED`, `INVALID_MODEL_FILE`).
 *
 * ```tsx
 * const model = useImportedModel({ role: 'gan', decoder: '/models/generator/model.json' })
 * return <SampleGrid model={model} rows={4} columns={8} />
 * ```
 */
export const useImportedModel: (options?: UseImportedModelOptions) => UseImportedModelResult =
  /* @__PURE__ */ createModelHook(ImportedModelClient)
