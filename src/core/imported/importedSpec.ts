/**
 * The imported family's TF-free half: a TF.js LayersModel trained elsewhere (Keras through
 * `tensorflowjs_converter`, or tfjs-layers) used as the decoder or generator — and optionally the
 * encoder — of a VAE, GAN or autoencoder. Its actions are the shared ones, so every component that
 * draws a VAE, GAN or autoencoder draws it unchanged.
 */
import {
  anomalyActions,
  generativeActions,
  latentActions,
  type AnomalyFacts,
} from '../family/commonActions'
import { defineFamily, mergeActions, optionKeys, type HistoryPoint } from '../family/familySpec'
import {
  validateImportedModelOptions,
  validateImportedTrainOptions,
  type ImportedModelOptions,
  type ImportedRole,
  type ImportedTrainOptions,
} from './importedOptions'

/** What the worker knows of an imported model besides its latent size and image shape. */
export interface ImportedFacts extends AnomalyFacts {
  /** The role it plays (`'vae'`, `'gan'` or `'autoencoder'`). */
  readonly role: ImportedRole
  /** True when it has an encoder (`encode`, `reconstruct`, `score`, `calibrate`, `probe`). */
  readonly hasEncoder: boolean
}

/**
 * The imported family. A model is created (imported) as soon as its hook mounts — it needs no
 * training — and reports `trainedSteps: 1`, `trainedEpochs: 1`: it arrives trained, and latentkit
 * does not know how long it was trained. `train()` is refused (fine-tuning is not supported).
 */
export const importedSpec = /* @__PURE__ */ defineFamily<
  ImportedModelOptions,
  ImportedTrainOptions,
  HistoryPoint,
  ImportedFacts
>()({
  kind: 'imported',
  noun: 'imported model',
  modelKeys: /* @__PURE__ */ optionKeys<ImportedModelOptions>()([
    'role',
    'decoder',
    'encoder',
    'imageShape',
    'pixelRange',
    'latent',
  ]),
  trainKeys: [],
  validateModel: validateImportedModelOptions,
  validateTrain: validateImportedTrainOptions,
  chart: { series: [], unit: '', title: 'imported model (not trained here)' },
  actions: /* @__PURE__ */ mergeActions(generativeActions, latentActions, anomalyActions),
  createOnMount: true,
})
