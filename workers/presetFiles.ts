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
import autoencoderSpritesAnomalyConv from '../src/presets/files/autoencoder-sprites-anomaly-conv.lkmodel?url'
import autoencoderSpritesAnomalyMasked from '../src/presets/files/autoencoder-sprites-anomaly-masked.lkmodel?url'
import vaeSpritesAnomaly from '../src/presets/files/vae-sprites-anomaly.lkmodel?url'
import autoencoderDigits from '../src/presets/files/autoencoder-digits.lkmodel?url'
import autoencoderLinearDigits from '../src/presets/files/autoencoder-linear-digits.lkmodel?url'
import autoencoderStackedDenoisingDigits from '../src/presets/files/autoencoder-stacked-denoising-digits.lkmodel?url'
import autoregressiveRandomOrderDigits from '../src/presets/files/autoregressive-random-order-digits.lkmodel?url'
import contrastiveCropOnlyDigits from '../src/presets/files/contrastive-crop-only-digits.lkmodel?url'
import contrastiveConvDigits from '../src/presets/files/contrastive-conv-digits.lkmodel?url'
import ganDigits from '../src/presets/files/gan-digits.lkmodel?url'
import ganMoons from '../src/presets/files/gan-moons.lkmodel?url'
import ganSpiral from '../src/presets/files/gan-spiral.lkmodel?url'
import kmeansDigitsK10 from '../src/presets/files/kmeans-digits-k10.lkmodel?url'
import kmeansDigitsK10Minibatch from '../src/presets/files/kmeans-digits-k10-minibatch.lkmodel?url'
import kmeansDigitsK30 from '../src/presets/files/kmeans-digits-k30.lkmodel?url'
import rbmDigitsCd from '../src/presets/files/rbm-digits-cd.lkmodel?url'
import rbmDigitsDbn from '../src/presets/files/rbm-digits-dbn.lkmodel?url'
import rbmDigitsGaussian from '../src/presets/files/rbm-digits-gaussian.lkmodel?url'
import decIdecDigits from '../src/presets/files/dec-idec-digits.lkmodel?url'
import ganSpritesDense from '../src/presets/files/gan-sprites-dense.lkmodel?url'
import ganInfoganSprites from '../src/presets/files/gan-infogan-sprites.lkmodel?url'
import hashingDigits8bits from '../src/presets/files/hashing-digits-8bits.lkmodel?url'
import sparseDigitsSmallPatches from '../src/presets/files/sparse-digits-small-patches.lkmodel?url'

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
  'autoencoder-sprites-anomaly-conv.lkmodel': autoencoderSpritesAnomalyConv,
  'autoencoder-sprites-anomaly-masked.lkmodel': autoencoderSpritesAnomalyMasked,
  'vae-sprites-anomaly.lkmodel': vaeSpritesAnomaly,
  'autoencoder-digits.lkmodel': autoencoderDigits,
  'autoencoder-linear-digits.lkmodel': autoencoderLinearDigits,
  'autoencoder-stacked-denoising-digits.lkmodel': autoencoderStackedDenoisingDigits,
  'autoregressive-random-order-digits.lkmodel': autoregressiveRandomOrderDigits,
  'contrastive-crop-only-digits.lkmodel': contrastiveCropOnlyDigits,
  'contrastive-conv-digits.lkmodel': contrastiveConvDigits,
  'gan-digits.lkmodel': ganDigits,
  'gan-moons.lkmodel': ganMoons,
  'gan-spiral.lkmodel': ganSpiral,
  'kmeans-digits-k10.lkmodel': kmeansDigitsK10,
  'kmeans-digits-k10-minibatch.lkmodel': kmeansDigitsK10Minibatch,
  'kmeans-digits-k30.lkmodel': kmeansDigitsK30,
  'rbm-digits-cd.lkmodel': rbmDigitsCd,
  'rbm-digits-dbn.lkmodel': rbmDigitsDbn,
  'rbm-digits-gaussian.lkmodel': rbmDigitsGaussian,
  'dec-idec-digits.lkmodel': decIdecDigits,
  'gan-sprites-dense.lkmodel': ganSpritesDense,
  'gan-infogan-sprites.lkmodel': ganInfoganSprites,
  'hashing-digits-8bits.lkmodel': hashingDigits8bits,
  'sparse-digits-small-patches.lkmodel': sparseDigitsSmallPatches,
}
