/** The clients of the built-in families: one declaration each. */
import { autoencoderSpec } from '../core/autoencoder/autoencoderSpec'
import { autoregressiveSpec } from '../core/autoregressive/autoregressiveSpec'
import { helmholtzSpec } from '../core/helmholtz/helmholtzSpec'
import { contrastiveSpec } from '../core/contrastive/contrastiveSpec'
import { pretextSpec } from '../core/pretext/pretextSpec'
import { ganSpec } from '../core/gan/ganSpec'
import { hashingSpec } from '../core/hashing/hashingSpec'
import { importedSpec } from '../core/imported/importedSpec'
import { kMeansSpec } from '../core/kmeans/kmeansSpec'
import { decSpec } from '../core/dec/decSpec'
import { pcaSpec } from '../core/pca/pcaSpec'
import { rbmSpec } from '../core/rbm/rbmSpec'
import { sparseCodingSpec } from '../core/sparse/sparseSpec'
import { vaeSpec } from '../core/vae/vaeSpec'
import { createClientClass, type FamilyClient } from './familyClient'
import type { ClientOptions } from './modelClient'

/** A VAE living in the shared worker, seen from the main thread. */
export const VAEClient = /* @__PURE__ */ createClientClass(vaeSpec)
/** A VAE client. */
export type VAEClient = FamilyClient<typeof vaeSpec>
/** Options of a VAE client (and of `useVAE`). */
export type VAEClientOptions = ClientOptions<typeof vaeSpec>

/** A GAN living in the shared worker, seen from the main thread. */
export const GANClient = /* @__PURE__ */ createClientClass(ganSpec)
/** A GAN client. */
export type GANClient = FamilyClient<typeof ganSpec>
/** Options of a GAN client (and of `useGAN`). */
export type GANClientOptions = ClientOptions<typeof ganSpec>

/** A sparse coding model living in the shared worker, seen from the main thread. */
export const SparseCodingClient = /* @__PURE__ */ createClientClass(sparseCodingSpec)
/** A sparse coding client. */
export type SparseCodingClient = FamilyClient<typeof sparseCodingSpec>
/** Options of a sparse coding client (and of `useSparseCoding`). */
export type SparseCodingClientOptions = ClientOptions<typeof sparseCodingSpec>

/** An autoencoder living in the shared worker, seen from the main thread. */
export const AutoencoderClient = /* @__PURE__ */ createClientClass(autoencoderSpec)
/** An autoencoder client. */
export type AutoencoderClient = FamilyClient<typeof autoencoderSpec>
/** Options of an autoencoder client (and of `useAutoencoder`). */
export type AutoencoderClientOptions = ClientOptions<typeof autoencoderSpec>

/** A k-means model living in the shared worker, seen from the main thread. */
export const KMeansClient = /* @__PURE__ */ createClientClass(kMeansSpec)
/** A k-means client. */
export type KMeansClient = FamilyClient<typeof kMeansSpec>
/** Options of a k-means client (and of `useKMeans`). */
export type KMeansClientOptions = ClientOptions<typeof kMeansSpec>

/** A PCA model living in the shared worker, seen from the main thread. */
export const PCAClient = /* @__PURE__ */ createClientClass(pcaSpec)
/** A PCA client. */
export type PCAClient = FamilyClient<typeof pcaSpec>
/** Options of a PCA client (and of `usePCA`). */
export type PCAClientOptions = ClientOptions<typeof pcaSpec>

/** An RBM (or deep belief network) living in the shared worker, seen from the main thread. */
export const RBMClient = /* @__PURE__ */ createClientClass(rbmSpec)
/** An RBM client. */
export type RBMClient = FamilyClient<typeof rbmSpec>
/** Options of an RBM client (and of `useRBM`). */
export type RBMClientOptions = ClientOptions<typeof rbmSpec>

/**
 * A model trained elsewhere (a TF.js LayersModel as a VAE's decoder, a GAN's generator or an
 * autoencoder's decoder, optionally with an encoder), imported in the shared worker as soon as the
 * client is subscribed.
 */
export const ImportedModelClient = /* @__PURE__ */ createClientClass(importedSpec)
/** An imported model's client. */
export type ImportedModelClient = FamilyClient<typeof importedSpec>
/** Options of an imported model's client (and of `useImportedModel`). */
export type ImportedModelClientOptions = ClientOptions<typeof importedSpec>

/** An autoregressive model (MADE) living in the shared worker, seen from the main thread. */
export const AutoregressiveClient = /* @__PURE__ */ createClientClass(autoregressiveSpec)
/** An autoregressive model's client. */
export type AutoregressiveClient = FamilyClient<typeof autoregressiveSpec>
/** Options of an autoregressive model's client (and of `useAutoregressive`). */
export type AutoregressiveClientOptions = ClientOptions<typeof autoregressiveSpec>

/** A contrastive (SimCLR-style) model living in the shared worker, seen from the main thread. */
export const ContrastiveClient = /* @__PURE__ */ createClientClass(contrastiveSpec)
/** A contrastive client. */
export type ContrastiveClient = FamilyClient<typeof contrastiveSpec>
/** Options of a contrastive client (and of `useContrastive`). */
export type ContrastiveClientOptions = ClientOptions<typeof contrastiveSpec>

/** A deep embedded clustering model (DEC / IDEC) living in the shared worker, seen from the main thread. */
export const DECClient = /* @__PURE__ */ createClientClass(decSpec)
/** A DEC client. */
export type DECClient = FamilyClient<typeof decSpec>
/** Options of a DEC client (and of `useDEC`). */
export type DECClientOptions = ClientOptions<typeof decSpec>

/** A semantic hashing model (learned binary codes or LSH) living in the shared worker. */
export const HashingClient = /* @__PURE__ */ createClientClass(hashingSpec)
/** A semantic hashing client. */
export type HashingClient = FamilyClient<typeof hashingSpec>
/** Options of a semantic hashing client (and of `useSemanticHashing`). */
export type HashingClientOptions = ClientOptions<typeof hashingSpec>

/** A pretext-task model (rotation, jigsaw, relative position) in the shared worker, seen from the main thread. */
export const PretextClient = /* @__PURE__ */ createClientClass(pretextSpec)
/** A pretext-task client. */
export type PretextClient = FamilyClient<typeof pretextSpec>
/** Options of a pretext-task client (and of `usePretext`). */
export type PretextClientOptions = ClientOptions<typeof pretextSpec>

/** A Helmholtz machine (wake-sleep) living in the shared worker, seen from the main thread. */
export const HelmholtzClient = /* @__PURE__ */ createClientClass(helmholtzSpec)
/** A Helmholtz machine's client. */
export type HelmholtzClient = FamilyClient<typeof helmholtzSpec>
/** Options of a Helmholtz machine's client (and of `useHelmholtz`). */
export type HelmholtzClientOptions = ClientOptions<typeof helmholtzSpec>
