/**
 * The built-in families as latentkit's worker registers them: each imported the first time a model of
 * it is made (an app's bundler puts each in a chunk of its own), so a cold worker loads only the
 * families it uses. The same families as `BUILTIN_ENGINES`, one line each (a test keeps the two
 * lists equal).
 */
import { lazyEngine, type LazyFamilyEngine } from './familyEngine'

/** Every built-in family, loaded on first use. */
export const BUILTIN_ENGINE_LOADERS: readonly LazyFamilyEngine[] = [
  lazyEngine('vae', () => import('../vae/engine/vaeEngine').then((m) => m.vaeEngine)),
  lazyEngine('gan', () => import('../gan/engine/ganEngine').then((m) => m.ganEngine)),
  lazyEngine('sparse', () =>
    import('../sparse/engine/sparseEngine').then((m) => m.sparseCodingEngine),
  ),
  lazyEngine('autoencoder', () =>
    import('../autoencoder/engine/autoencoderEngine').then((m) => m.autoencoderEngine),
  ),
  lazyEngine('kmeans', () => import('../kmeans/engine/kmeansEngine').then((m) => m.kMeansEngine)),
  lazyEngine('pca', () => import('../pca/engine/pcaEngine').then((m) => m.pcaEngine)),
  lazyEngine('rbm', () => import('../rbm/engine/rbmEngine').then((m) => m.rbmEngine)),
  lazyEngine('imported', () =>
    import('../imported/engine/importedEngine').then((m) => m.importedEngine),
  ),
  lazyEngine('autoregressive', () =>
    import('../autoregressive/engine/autoregressiveEngine').then((m) => m.autoregressiveEngine),
  ),
  lazyEngine('contrastive', () =>
    import('../contrastive/engine/contrastiveEngine').then((m) => m.contrastiveEngine),
  ),
  lazyEngine('dec', () => import('../dec/engine/decEngine').then((m) => m.decEngine)),
  lazyEngine('hashing', () =>
    import('../hashing/engine/hashingEngine').then((m) => m.hashingEngine),
  ),
  lazyEngine('pretext', () =>
    import('../pretext/engine/pretextEngine').then((m) => m.pretextEngine),
  ),
  lazyEngine('helmholtz', () =>
    import('../helmholtz/engine/helmholtzEngine').then((m) => m.helmholtzEngine),
  ),
]
