/**
 * The URLs of the preset files latentkit's worker ships, by file name. Bundlers see each `?url`
 * import and emit the file beside the worker (the package build copies them next to it); the worker
 * fetches one only when a hook asks for its preset.
 */
import autoencoderSpritesAnomaly from '../src/presets/files/autoencoder-sprites-anomaly.lkmodel?url'
import autoregressiveDigits from '../src/presets/files/autoregressive-digits.lkmodel?url'
import contrastiveDigits from '../src/presets/files/contrastive-digits.lkmodel?url'
import ganInfoganDigits from '../src/presets/files/gan-infogan-digits.lkmodel?url'
import ganRing from '../src/presets/files/gan-ring.lkmodel?url'
import ganSprites from '../src/presets/files/gan-sprites.lkmodel?url'
import hashingDigits from '../src/presets/files/hashing-digits.lkmodel?url'
import pretextJigsawDigits from '../src/presets/files/pretext-jigsaw-digits.lkmodel?url'
import pretextRotationDigits from '../src/presets/files/pretext-rotation-digits.lkmodel?url'
import kmeansDigits from '../src/presets/files/kmeans-digits.lkmodel?url'
import rbmDigits from '../src/presets/files/rbm-digits.lkmodel?url'
import sparseDigits from '../src/presets/files/sparse-digits.lkmodel?url'
import vaeDigits from '../src/presets/files/vae-digits.lkmodel?url'
import vaeSprites from '../src/presets/files/vae-sprites.lkmodel?url'
import autoencoderStackedDigits from '../src/presets/files/autoencoder-stacked-digits.lkmodel?url'
import decDigits from '../src/presets/files/dec-digits.lkmodel?url'
import helmholtzDigits from '../src/presets/files/helmholtz-digits.lkmodel?url'
import pretextRelativePositionDigits from '../src/presets/files/pretext-relative-position-digits.lkmodel?url'
import vaeBinarizedDigits from '../src/presets/files/vae-binarized-digits.lkmodel?url'

/** Every shipped preset file's URL, by its name in `src/presets/presetCatalog.ts`. */
export const BUILTIN_PRESET_FILES: Readonly<Record<string, string>> = {
  'autoencoder-sprites-anomaly.lkmodel': autoencoderSpritesAnomaly,
  'autoregressive-digits.lkmodel': autoregressiveDigits,
  'contrastive-digits.lkmodel': contrastiveDigits,
  'gan-infogan-digits.lkmodel': ganInfoganDigits,
  'gan-ring.lkmodel': ganRing,
  'gan-sprites.lkmodel': ganSprites,
  'hashing-digits.lkmodel': hashingDigits,
  'kmeans-digits.lkmodel': kmeansDigits,
  'pretext-jigsaw-digits.lkmodel': pretextJigsawDigits,
  'pretext-rotation-digits.lkmodel': pretextRotationDigits,
  'rbm-digits.lkmodel': rbmDigits,
  'sparse-digits.lkmodel': sparseDigits,
  'vae-digits.lkmodel': vaeDigits,
  'vae-sprites.lkmodel': vaeSprites,
  'autoencoder-stacked-digits.lkmodel': autoencoderStackedDigits,
  'dec-digits.lkmodel': decDigits,
  'helmholtz-digits.lkmodel': helmholtzDigits,
  'pretext-relative-position-digits.lkmodel': pretextRelativePositionDigits,
  'vae-binarized-digits.lkmodel': vaeBinarizedDigits,
}
